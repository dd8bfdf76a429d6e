//! ONNX011: the file is (named or shaped like) an ONNX model but its
//! protobuf cannot be decoded.

use sentrascan_formats::onnx::OnnxError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX011",
    name: "onnx-model-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "onnx",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An ONNX model's protobuf cannot be decoded, so its graph was not analysed.",
    remediation: "Do not load the file; obtain an intact copy of the model and scan it again.",
    docs: r#"## What it does
Reports files that look like ONNX models (structure or `.onnx` extension)
whose `ModelProto` does not decode: truncated fields, lengths past the end,
wrong wire types, or no IR version, opset or graph at all. The file is
reported as inconclusive, never as clean.

## Why is this bad?
A scanner that cannot read a model cannot vouch for it, while a lenient
loader may still read parts of it (protobuf parsers differ on unknown and
malformed fields).

## Example
A `.onnx` file cut short in the middle of its graph.

## How to fix
Re-download or re-export the model.

## References
- https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &OnnxError) -> Finding {
    let at = match error {
        OnnxError::Malformed { offset, .. } => location.at(*offset),
        _ => location.clone(),
    };
    Finding::new(&RULE, at, "ONNX model cannot be decoded")
        .description(format!("The ONNX model cannot be decoded: {error}."))
        .evidence("error", error.to_string())
}
