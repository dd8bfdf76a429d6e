//! skops archives: the zip walk analyses every member (arrays through the
//! NumPy analysis, so object arrays reach the pickle rules); this reads
//! `schema.json` for the `SKO` rules and the SBOM facts.

use sentrascan_detectors as rules;
use sentrascan_formats::skops;
use sentrascan_formats::zip::{self, ZipView};
use sentrascan_types::Location;

use super::Ctx;

impl Ctx<'_> {
    pub(super) fn skops_schema(&mut self, data: &[u8], view: &ZipView, location: &Location) {
        self.out.scanners.insert("skops");
        let Some(entry) = view.entries.iter().find(|e| e.name == "schema.json") else {
            return;
        };
        let member = location.member("schema.json");
        let parsed = zip::member_data(data, entry, self.limits)
            .map_err(|e| e.to_string())
            .and_then(|b| skops::parse_schema(&b).map_err(|e| e.to_string()));
        let schema = match parsed {
            Ok(s) => s,
            Err(why) => return self.skops_unreadable(&member, why),
        };
        rules::check_skops(&schema, &member, &mut self.out.findings);
        if let Some((limit, value)) = schema.limit_hit {
            self.limit(&member, limit, value);
        }
        let names: std::collections::BTreeSet<&str> =
            view.entries.iter().map(|e| e.name.as_str()).collect();
        let missing: Vec<&str> = schema
            .files()
            .filter(|f| !names.contains(f))
            .take(16)
            .collect();
        if !missing.is_empty() {
            let why = format!(
                "nodes name members the archive lacks: {}",
                missing.join(", ")
            );
            self.skops_unreadable(&member, why);
        }
        if let Some(p) = schema.protocol {
            self.fact("skops.protocol", p.to_string());
        }
        if let Some(v) = &schema.skops_version {
            self.fact("skops.version", v.clone());
        }
        self.fact("skops.nodes", schema.nodes.len().to_string());
        if let Some(root) = schema.nodes.first() {
            self.fact("skops.root_type", root.type_name());
        }
        self.framework(
            "skops",
            schema.skops_version.as_deref(),
            format!("skops archive, protocol {}", schema.protocol.unwrap_or(0)),
        );
        if schema.nodes.iter().any(|n| n.module.starts_with("sklearn")) {
            self.framework("scikit-learn", None, "skops tree builds scikit-learn types");
        }
    }

    /// The schema could not be checked completely: a finding, and inconclusive.
    fn skops_unreadable(&mut self, member: &Location, why: String) {
        self.out
            .findings
            .push(rules::skops_schema_unreadable(member, &why));
        self.inconclusive(member, why);
    }
}
