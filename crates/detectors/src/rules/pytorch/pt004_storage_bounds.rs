//! PT004: a checkpoint's tensor storage is shorter than its pickle declares.

use std::collections::BTreeMap;

use sentrascan_formats::pickle::{Literal, PickleAnalysis};
use sentrascan_formats::torch::element_size;
use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PT004",
    name: "storage-size-mismatch",
    family: RuleFamily::Pytorch,
    default_severity: Severity::High,
    category: Category::MalformedFile,
    scanner: "pytorch_zip",
    cwe: Some("CWE-125"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A storage record of a PyTorch checkpoint is missing or shorter than the element count its pickle declares.",
    remediation: "Do not load the checkpoint with PyTorch older than 2.10; re-save it from a trusted copy.",
    docs: r#"## What it does
Reads every storage persistent id in `data.pkl` (`('storage', type, key,
location, numel)`) and checks that the record `data/<key>` exists and holds
at least `numel` elements of the storage type's size.

## Why is this bad?
Older PyTorch versions trusted the declared element count when rebuilding
storages, reading or writing past the end of the record's buffer
(CVE-2026-24747). A checkpoint written by `torch.save` always matches.

## Example
`('storage', torch.FloatStorage, '0', 'cpu', 1000000)` with a 16-byte
`data/0`.

## How to fix
Re-save the checkpoint from a trusted copy; upgrade PyTorch.

## References
- CVE-2026-24747
- CWE-125: Out-of-bounds Read
"#,
};

/// `(key, storage type, element count)` of every storage persistent id.
pub fn declared_storages(view: &PickleAnalysis) -> Vec<(String, String, i64)> {
    view.persistent_ids
        .iter()
        .filter_map(|p| match &p.id {
            Literal::Tuple(items) => {
                match (items.first(), items.get(1), items.get(2), items.get(4)) {
                    (
                        Some(Literal::Str(tag)),
                        Some(Literal::Global(ty)),
                        Some(key),
                        Some(Literal::Int(n)),
                    ) if tag == "storage" => {
                        let key = match key {
                            Literal::Str(s) => s.clone(),
                            other => other.to_string(),
                        };
                        Some((key, ty.clone(), *n))
                    }
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// `records` maps a storage key to the size of its `data/<key>` record.
pub fn check(
    location: &Location,
    declared: &[(String, String, i64)],
    records: &BTreeMap<String, u64>,
    out: &mut Vec<Finding>,
) {
    for (key, ty, numel) in declared {
        let Some(size) = element_size(ty) else {
            continue;
        };
        let need = u64::try_from(*numel).ok().and_then(|n| n.checked_mul(size));
        let have = records.get(key).copied();
        let problem = match (need, have) {
            (None, _) => format!("declares an impossible element count {numel}"),
            (Some(_), None) => "has no `data/` record".to_string(),
            (Some(n), Some(h)) if h < n => {
                format!("needs {n} bytes ({numel} × {size}) but its record holds {h}")
            }
            _ => continue,
        };
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("Storage `{key}` {problem}"),
            )
            .description(format!("Storage `{key}` of type `{ty}` {problem}."))
            .evidence("storage_key", key.clone())
            .evidence("storage_type", ty.clone())
            .evidence("declared_elements", *numel)
            .evidence(
                "record_bytes",
                have.map(serde_json::Value::from)
                    .unwrap_or(serde_json::Value::Null),
            )
            .evidence("cve", "CVE-2026-24747"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_missing_records_are_reported() {
        let declared = vec![
            ("0".to_string(), "torch.FloatStorage".to_string(), 4),
            ("1".to_string(), "torch.FloatStorage".to_string(), 4),
            ("2".to_string(), "torch.DoubleStorage".to_string(), 2),
        ];
        let records = BTreeMap::from([("0".to_string(), 16u64), ("2".to_string(), 8)]);
        let mut out = Vec::new();
        check(&Location::file("m.pt"), &declared, &records, &mut out);
        let titles: Vec<_> = out.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Storage `1` has no `data/` record",
                "Storage `2` needs 16 bytes (2 × 8) but its record holds 8"
            ]
        );
    }
}
