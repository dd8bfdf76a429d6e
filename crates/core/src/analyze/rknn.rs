//! RKNN models: the container view, the `RKN` rules and the SBOM facts from
//! the JSON description (toolkit version, platforms, ops).

use sentrascan_detectors as rules;
use sentrascan_formats::rknn;
use sentrascan_types::Location;

use super::Ctx;

/// Description fields recorded as facts.
const FACT_FIELDS: &[&str] = &[
    "version",
    "name",
    "network_platform",
    "ori_network_platform",
    "target_platform",
    "compiler",
    "runtime",
];

impl Ctx<'_> {
    pub(super) fn rknn(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("rknn");
        let view = match rknn::parse(data) {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::rknn_model_unreadable(location, &e));
                self.inconclusive(location, format!("RKNN model cannot be read: {e}"));
                return;
            }
        };
        rules::check_rknn(&view, location, &mut self.out.findings);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        self.fact("rknn.container_version", format!("{:#x}", view.version));
        self.fact("rknn.model_data", format!("{:?}", view.data_kind));
        for (key, value) in &view.fields {
            if FACT_FIELDS.contains(&key.as_str()) {
                self.fact(format!("rknn.{key}"), value.clone());
            }
        }
        let ops: Vec<&str> = view.ops.iter().map(|(o, _)| o.as_str()).take(256).collect();
        self.fact("rknn.ops", ops.join(","));
        self.fact("rknn.nodes", view.nodes.to_string());
        let version = view
            .fields
            .iter()
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v.as_str());
        self.framework("rknn-toolkit2", version, "RKNN model container");
    }
}
