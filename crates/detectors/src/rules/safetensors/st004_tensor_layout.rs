//! ST004: tensor byte ranges disagree with their shapes or do not tile the data area.

use sentrascan_formats::safetensors::SafeTensorsAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::capitalise;

pub static RULE: RuleMeta = RuleMeta {
    code: "ST004",
    name: "safetensors-tensor-layout",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "safetensors",
    cwe: Some("CWE-130"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "SafeTensors data offsets disagree with dtype × shape, run past the file, overlap, leave gaps, or leave bytes after the last tensor.",
    remediation: "Do not load the file; re-save the tensors with the official safetensors library.",
    docs: r#"## What it does
Checks every tensor's `data_offsets` against its dtype and shape (checked
arithmetic, sub-byte dtypes included) and against the file, then checks that
the tensors cover the data area exactly: no two share a byte, no byte is
left between them, and nothing follows the last one. Only the header is
read; the check costs the same for a 1 GB file as for a 1 KB one.

## Why is this bad?
The official reader rejects every one of these layouts; a file that has
one was crafted or damaged. Offsets past the end or overlapping are how a
reader without bounds checks is made to read out of bounds or alias two
tensors, and bytes that belong to no tensor are room for a hidden payload
(a pickle or an archive appended to the weights).

## Example
`{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
"b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}`: `a` and
`b` share eight bytes.

## How to fix
Re-save the tensors with `safetensors.save_file` from a trusted copy.

## References
- https://huggingface.co/docs/safetensors (format: offsets must be contiguous and cover the buffer)
- CWE-130: Improper Handling of Length Parameter Inconsistency
"#,
};

pub fn finding(location: &Location, anomaly: &SafeTensorsAnomaly) -> Finding {
    let text = capitalise(&anomaly.to_string());
    let mut f = Finding::new(&RULE, location.at(anomaly.offset()), text.clone())
        .description(format!("{text}."))
        .evidence("anomaly", anomaly.kind());
    match anomaly {
        SafeTensorsAnomaly::SizeMismatch {
            tensor,
            expected,
            actual,
            ..
        } => {
            f = f
                .evidence("tensor", tensor.clone())
                .evidence(
                    "expected_bytes",
                    expected
                        .map(serde_json::Value::from)
                        .unwrap_or(serde_json::Value::Null),
                )
                .evidence("span_bytes", *actual);
        }
        SafeTensorsAnomaly::ReversedOffsets {
            tensor, begin, end, ..
        } => {
            f = f
                .evidence("tensor", tensor.clone())
                .evidence("data_offsets", vec![*begin, *end]);
        }
        SafeTensorsAnomaly::OutOfBounds {
            tensor,
            start,
            end,
            file_len,
        } => {
            f = f
                .evidence("tensor", tensor.clone())
                .evidence("range", vec![*start, *end])
                .evidence("file_len", *file_len);
        }
        SafeTensorsAnomaly::Overlap {
            first,
            second,
            start,
            end,
        } => {
            f = f
                .evidence("tensors", vec![first.clone(), second.clone()])
                .evidence("range", vec![*start, *end]);
        }
        SafeTensorsAnomaly::Gap { start, end, .. } => {
            f = f.evidence("range", vec![*start, *end]);
        }
        SafeTensorsAnomaly::TrailingBytes { start, len, head } => {
            let hex: String = head.iter().map(|b| format!("{b:02x}")).collect();
            f = f
                .evidence("start", *start)
                .evidence("length", *len)
                .evidence("head_hex", hex);
        }
        _ => {}
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_for_each_layout_problem() {
        let loc = Location::file("m.safetensors");
        let f = finding(
            &loc,
            &SafeTensorsAnomaly::SizeMismatch {
                tensor: "w".into(),
                expected: None,
                actual: 8,
                offset: 9,
            },
        );
        assert_eq!(f.evidence["expected_bytes"], serde_json::Value::Null);
        let f = finding(
            &loc,
            &SafeTensorsAnomaly::TrailingBytes {
                start: 0x50,
                len: 4,
                head: vec![0x80, 4, 0x95, 0],
            },
        );
        assert_eq!(f.title, "4 bytes at 0x50 follow the last tensor");
        assert_eq!(f.evidence["head_hex"], "80049500");
        assert_eq!(f.location_detail.offset, Some(0x50));
    }
}
