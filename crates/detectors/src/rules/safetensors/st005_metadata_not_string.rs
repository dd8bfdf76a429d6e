//! ST005: `__metadata__` is not a map of strings to strings.

use sentrascan_formats::safetensors::SafeTensorsAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::capitalise;

pub static RULE: RuleMeta = RuleMeta {
    code: "ST005",
    name: "safetensors-metadata-not-string",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "safetensors",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The SafeTensors `__metadata__` entry is not an object of string values.",
    remediation: "Do not load the file; metadata written by the safetensors library is always a string-to-string map.",
    docs: r#"## What it does
Reports a `__metadata__` that is not a JSON object (or `null`), and every
metadata value that is a number, boolean, array, object or `null` instead
of a string. Strings nested inside such values are still examined by the
metadata payload rules (ST006–ST008).

## Why is this bad?
The format defines metadata as a string-to-string map and the official
reader rejects anything else, so the file was not written by it. Nested
structures are a convenient place to stage configuration or payloads for a
custom loader.

## Example
`{"__metadata__": {"format": "pt", "hook": {"cmd": ["sh", "-c", "…"]}}}`

## How to fix
Re-save the tensors with `safetensors.save_file(tensors, path, metadata)`
where every metadata value is a string.

## References
- https://huggingface.co/docs/safetensors (`__metadata__` is a string-to-string map)
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, anomaly: &SafeTensorsAnomaly) -> Finding {
    let text = capitalise(&anomaly.to_string());
    let mut f = Finding::new(&RULE, location.at(anomaly.offset()), text.clone())
        .description(format!("{text}."))
        .evidence("anomaly", anomaly.kind());
    match anomaly {
        SafeTensorsAnomaly::MetadataNotString { key, found, .. } => {
            f = f.evidence("key", key.clone()).evidence("json_type", *found);
        }
        SafeTensorsAnomaly::MetadataNotObject { found, .. } => {
            f = f.evidence("json_type", *found);
        }
        _ => {}
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_key_and_json_type() {
        let f = finding(
            &Location::file("m.safetensors"),
            &SafeTensorsAnomaly::MetadataNotString {
                key: "epochs".into(),
                found: "number",
                offset: 0x27,
            },
        );
        assert_eq!(
            f.title,
            "Metadata value `epochs` is a JSON number, not a string"
        );
        assert_eq!(f.evidence["json_type"], "number");
    }
}
