//! Credentials quoted by any rule are masked before a finding or a fact
//! leaves the engine (the `SEC` rules mask their own; this catches the
//! command line a pickle rule quotes, the URL a metadata rule excerpts, the
//! metadata value recorded as an SBOM fact).

use std::collections::BTreeMap;

use sentrascan_formats::secrets::redact;
use sentrascan_types::Finding;

fn value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(r) = redact(s) {
                *s = r;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(value),
        serde_json::Value::Object(map) => map.values_mut().for_each(value),
        _ => {}
    }
}

/// Masks credentials in every finding's title, description and evidence.
pub(crate) fn findings(findings: &mut [Finding]) {
    for f in findings {
        if let Some(r) = redact(&f.title) {
            f.title = r;
        }
        if let Some(r) = redact(&f.description) {
            f.description = r;
        }
        f.evidence.values_mut().for_each(value);
    }
}

/// Masks credentials in fact values, read with their key (`aws_secret_access_key`
/// makes a bare 40-character value recognisable).
pub(crate) fn facts(facts: &mut BTreeMap<String, String>) {
    for (k, v) in facts.iter_mut() {
        let name = k.rsplit('.').next().unwrap_or(k);
        let line = format!("{name}: {v}");
        if let Some(r) = redact(&line) {
            *v = r.get(name.len() + 2..).map(str::to_string).unwrap_or(r);
        }
    }
}
