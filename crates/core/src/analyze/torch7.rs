//! Lua Torch7 files: the object reader, the `T7` rules and the SBOM facts
//! (encoding, classes, tensors).

use sentrascan_detectors as rules;
use sentrascan_formats::torch7::{self, T7Encoding, T7Error};
use sentrascan_types::Location;

use super::Ctx;

/// Class names kept in the `torch7.classes` fact.
const MAX_CLASS_NAMES: usize = 128;

impl Ctx<'_> {
    pub(super) fn torch7(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("torch7");
        let view = match torch7::parse(data, self.limits) {
            Ok(v) => v,
            Err(e) => {
                self.incomplete(location, format!("Torch7 file cannot be read: {e}"));
                return;
            }
        };
        rules::check_torch7(&view, location, &mut self.out.findings);
        match &view.error {
            None => {}
            Some(T7Error::Limit {
                limit,
                value,
                offset,
            }) => {
                self.limit(&location.at(*offset), limit, *value);
            }
            Some(e) => {
                self.incomplete(location, format!("Torch7 object stops early: {e}"));
            }
        }
        if view.functions_dropped > 0 {
            self.limit(location, "torch7_functions", torch7::MAX_FUNCTIONS as u64);
        }
        let encoding = match view.encoding {
            T7Encoding::Binary => "binary",
            T7Encoding::Ascii => "ascii",
        };
        self.fact("torch7.encoding", encoding);
        self.fact("torch7.long_size", view.long_size.to_string());
        let classes: Vec<&str> = view
            .classes
            .keys()
            .map(String::as_str)
            .take(MAX_CLASS_NAMES)
            .collect();
        self.fact("torch7.classes", classes.join(","));
        self.fact("torch7.tensors", view.tensors.to_string());
        self.framework(
            "torch7",
            None,
            format!("Torch7 {encoding} file (torch.save)"),
        );
    }
}
