//! ONNX004: a tensor's external data file does not exist (or is not a
//! regular file).

use sentrascan_formats::onnx::ExternalTensor;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX004",
    name: "onnx-external-data-missing",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "onnx",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tensor's external data file is missing beside the model, or is not a regular file (a directory, FIFO or device).",
    remediation: "Obtain the complete model (all of its data files) from its source and scan the directory again.",
    docs: r#"## What it does
For a model scanned from disk, checks that each relative external data
location names an existing regular file in the model's directory (file
metadata only). Missing files, dangling links, directories, FIFOs and
device nodes are reported.

## Why is this bad?
The model cannot load as shipped: either it is incomplete, or it expects a
file to be put there later, which is how a path is planted for a second
stage. A FIFO or device makes the loader block or read without end.

## Example
`location: "model.onnx.data"` with no such file beside `model.onnx`.

## How to fix
Download the model's data files together with the model.

## References
- https://github.com/onnx/onnx/blob/main/docs/ExternalData.md
- CWE-73: External Control of File Name or Path
"#,
};

pub fn finding(
    location: &Location,
    tensor: &ExternalTensor,
    path: &str,
    why: &str,
    tensors: usize,
) -> Finding {
    super::tensor_finding(
        &RULE,
        location,
        tensor,
        path,
        tensors,
        format!("External data `{path}` of tensor `{}` {why}", tensor.name),
        &format!(", which {why}"),
    )
}
