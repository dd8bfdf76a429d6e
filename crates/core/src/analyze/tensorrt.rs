//! TensorRT engines: the string view, the `TRT` rules and the header facts.

use sentrascan_detectors as rules;
use sentrascan_formats::tensorrt;
use sentrascan_types::Location;

use super::Ctx;

impl Ctx<'_> {
    pub(super) fn tensorrt(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("tensorrt");
        let view = match tensorrt::parse(data) {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::tensorrt_engine_unreadable(location, &e));
                self.inconclusive(location, format!("TensorRT engine cannot be read: {e}"));
                return;
            }
        };
        rules::check_tensorrt(&view, location, &mut self.out.findings);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        // Raw header words: their meaning changes between TensorRT versions.
        self.fact(
            "tensorrt.header_words",
            format!("{:#x},{:#x}", view.header_words[0], view.header_words[1]),
        );
        let plugins: Vec<&str> = view.plugins.iter().map(|p| p.text.as_str()).collect();
        self.fact("tensorrt.plugins", plugins.join(","));
        self.framework("tensorrt", None, "TensorRT serialized engine (`ftrt`)");
    }
}
