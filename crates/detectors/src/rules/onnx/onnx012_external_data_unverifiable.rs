//! ONNX012: external data of a model inside an archive cannot be checked.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX012",
    name: "onnx-external-data-unverifiable",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::ScanCoverage,
    scanner: "onnx",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model reads tensors from external files that the scan could not check (the model is inside an archive, or the file system refused).",
    remediation: "Extract the model with its data files into a directory and scan that directory.",
    docs: r#"## What it does
Reports, once per model, relative external data locations whose files could
not be checked for existence, size and symbolic links: the model was found
inside an archive or compressed stream (there is no directory to resolve
them against), or the file system returned an error. The file's result is
inconclusive. Absolute and `..` locations are still reported by `ONNX001`
and `ONNX002`.

## Why is this bad?
What the loader will read depends on files the scan has not seen.

## Example
`models.zip!/model.onnx` with `location: "model.onnx.data"`.

## How to fix
Scan the extracted directory.

## References
- https://github.com/onnx/onnx/blob/main/docs/ExternalData.md
"#,
};

pub fn finding(location: &Location, first: &str, locations: usize, why: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("External data `{first}` could not be checked: {why}"),
    )
    .description(format!(
        "The model reads tensors from {locations} external file location(s), starting with `{first}`, that could not be checked: {why}."
    ))
    .evidence("location", first)
    .evidence("locations", locations)
}
