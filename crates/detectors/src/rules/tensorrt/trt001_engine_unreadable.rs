//! TRT001: the TensorRT engine is too short for its header or does not start with the `ftrt` tag.

use sentrascan_formats::tensorrt::TensorRtError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TRT001",
    name: "tensorrt-engine-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "tensorrt",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The TensorRT engine is too short for its header or does not start with the `ftrt` tag.",
    remediation: "Do not load the file; rebuild the engine from its source model.",
    docs: r#"## What it does
Reports a file named like a TensorRT engine (`.engine`, `.plan`, `.trt`) or recognised as one whose header cannot be read.

## Why is this bad?
Nothing in it was checked.

## Example
A 6-byte `.engine` file.

## How to fix
Rebuild the engine.

## References
- https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/c-api-docs.html
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &TensorRtError) -> Finding {
    Finding::new(&RULE, location.at(0), "TensorRT engine cannot be read")
        .description(format!("The TensorRT engine cannot be read: {error}."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let f = finding(&Location::file("m.engine"), &TensorRtError::BadMagic);
        assert_eq!((f.rule.as_str(), f.severity), ("TRT001", Severity::Medium));
    }
}
