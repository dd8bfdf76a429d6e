//! ST002: a key appears twice in the SafeTensors header.

use sentrascan_formats::safetensors::{KeyScope, SafeTensorsAnomaly};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::capitalise;

pub static RULE: RuleMeta = RuleMeta {
    code: "ST002",
    name: "safetensors-duplicate-key",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "safetensors",
    cwe: Some("CWE-436"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tensor name, metadata key or tensor field appears more than once in the SafeTensors header.",
    remediation: "Do not trust any reader's view of this file; re-save it from a trusted copy.",
    docs: r#"## What it does
Reports keys that occur more than once in the same JSON object of the
header: two tensors with one name, two `__metadata__` entries with one key,
or a tensor entry with two `dtype`, `shape` or `data_offsets` fields.

## Why is this bad?
JSON leaves duplicate keys undefined. serde_json (the official reader) keeps
the last one, other parsers keep the first or fail. The same file then
holds different weights, or different metadata, for different tools: a
scanner or reviewer can be shown one tensor while the loader uses another.
`safetensors.save_file` never writes a duplicate.

## Example
`{"w": {…, "data_offsets": [0, 16]}, "w": {…, "data_offsets": [16, 32]}}`

## How to fix
Treat the file as tampered with and re-save it from a trusted copy.

## References
- RFC 8259 §4 (names within an object should be unique)
- CWE-436: Interpretation Conflict
"#,
};

pub fn finding(location: &Location, anomaly: &SafeTensorsAnomaly) -> Finding {
    let scope = match anomaly {
        SafeTensorsAnomaly::DuplicateKey { scope, .. } => match scope {
            KeyScope::Header => "header".to_string(),
            KeyScope::Metadata => "__metadata__".to_string(),
            KeyScope::Tensor(t) => format!("tensor {t}"),
        },
        _ => String::new(),
    };
    let key = match anomaly {
        SafeTensorsAnomaly::DuplicateKey { key, .. } => key.clone(),
        _ => String::new(),
    };
    Finding::new(
        &RULE,
        location.at(anomaly.offset()),
        format!("Duplicate key `{key}` in SafeTensors header"),
    )
    .description(format!(
        "{}; JSON readers disagree on which occurrence counts.",
        capitalise(&anomaly.to_string())
    ))
    .evidence("key", key)
    .evidence("scope", scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_key_and_its_object() {
        let a = SafeTensorsAnomaly::DuplicateKey {
            scope: KeyScope::Tensor("w".into()),
            key: "data_offsets".into(),
            offset: 0x30,
        };
        let f = finding(&Location::file("m.safetensors"), &a);
        assert_eq!(
            f.title,
            "Duplicate key `data_offsets` in SafeTensors header"
        );
        assert_eq!(f.evidence["scope"], "tensor w");
        assert_eq!(f.location_detail.offset, Some(0x30));
    }
}
