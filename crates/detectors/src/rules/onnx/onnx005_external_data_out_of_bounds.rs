//! ONNX005: external data entries a loader rejects, or data shorter than
//! the tensor needs.

use sentrascan_formats::onnx::ExternalTensor;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX005",
    name: "onnx-external-data-out-of-bounds",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "onnx",
    cwe: Some("CWE-125"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tensor's external data range runs past the end of its file, is shorter than the tensor's shape needs, or has an offset or length that is not a byte count.",
    remediation: "Do not load the model; obtain an intact copy of the model and its data files.",
    docs: r#"## What it does
Checks each external tensor's `offset` and `length` entries (they must be
non-negative integers) and, for a model scanned from disk, compares them
with the data file's size: an offset past the end, an `offset + length`
past the end, or fewer bytes than dims × element size are reported. A
tensor without a `location` entry is reported too.

## Why is this bad?
Loaders that trust these numbers read out of bounds or hand a short buffer
to a kernel; others fail. An intact export never has them: the file was
truncated or the entries were edited.

## Example
`dims: [1024, 1024]`, `data_type: FLOAT`, `location: "w.bin"` with `w.bin`
of 4 096 bytes (4 MiB needed).

## How to fix
Re-download or re-export the model.

## References
- https://github.com/onnx/onnx/blob/main/docs/ExternalData.md
- CWE-125: Out-of-bounds Read
"#,
};

pub fn finding(location: &Location, tensor: &ExternalTensor, path: &str, problem: &str) -> Finding {
    Finding::new(
        &RULE,
        location.at(tensor.offset_in_file),
        format!("External data of tensor `{}`: {problem}", tensor.name),
    )
    .description(format!(
        "Tensor `{}` ({} in graph `{}`, location `{path}`): {problem}.",
        tensor.name, tensor.role, tensor.graph
    ))
    .evidence("tensor", tensor.name.clone())
    .evidence("location", path)
    .evidence("problem", problem)
}
