//! Microsoft CNTK models: v2 protobuf dictionaries through the `CNT`
//! rules; v1 (`BCN`) models are recognised and reported as not analysed.

use sentrascan_detectors as rules;
use sentrascan_formats::cntk;
use sentrascan_types::Location;

use super::Ctx;

impl Ctx<'_> {
    pub(super) fn cntk(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("cntk");
        self.framework("cntk", None, "CNTK model");
        if cntk::sniff_legacy(data) {
            let why =
                "CNTK v1 (BrainScript `BCN`) model: its layout is not analysed by this version"
                    .to_string();
            self.out
                .findings
                .push(rules::unsupported(location, "cntk", &why));
            self.inconclusive(location, why);
            self.fact("cntk.version", "1");
            return;
        }
        let view = match cntk::parse(data) {
            Ok(v) => v,
            Err(e) => {
                self.incomplete(location, format!("CNTK model cannot be read: {e}"));
                return;
            }
        };
        rules::check_cntk(&view, location, &mut self.out.findings);
        if view.truncated {
            self.limit(location, "cntk_dictionaries", cntk::MAX_DICTIONARIES);
        }
        self.fact("cntk.version", "2");
        self.fact("cntk.dictionary_version", view.version.to_string());
        if let Some(t) = &view.root_type {
            self.fact("cntk.root_type", t.clone());
        }
        if let Some(n) = &view.name {
            self.fact("cntk.name", n.clone());
        }
        let types: Vec<String> = view
            .function_types
            .iter()
            .map(|(t, n)| format!("{t}:{n}"))
            .collect();
        self.fact("cntk.function_types", types.join(","));
        self.fact("cntk.arrays", view.arrays.to_string());
    }
}
