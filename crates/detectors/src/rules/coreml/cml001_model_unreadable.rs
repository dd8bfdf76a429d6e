//! CML001: the Core ML model protobuf cannot be read at all, so nothing in it was checked.

use sentrascan_formats::coreml::CoreMlError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML001",
    name: "coreml-model-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "coreml",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The Core ML model protobuf cannot be read at all, so nothing in it was checked.",
    remediation: "Do not load the file; re-export the model with coremltools.",
    docs: r#"## What it does
Reports a `.mlmodel` (or `model.mlmodel` in an `.mlpackage`) whose top-level `Model` message has a malformed field or no model type.

## Why is this bad?
Core ML rejects the file, but a scan that cannot read it cannot say what it would do either: whatever the file carries is unchecked.

## Example
A file that starts like a Core ML model but whose `neuralNetwork` field runs past the end.

## How to fix
Re-export the model from its source with coremltools.

## References
- https://apple.github.io/coremltools/mlmodel/Format/Model.html
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &CoreMlError) -> Finding {
    Finding::new(&RULE, location.at(0), "Core ML model cannot be read")
        .description(format!("The Core ML model cannot be read: {error}."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let f = finding(&Location::file("m.mlmodel"), &CoreMlError::NoModel);
        assert_eq!((f.rule.as_str(), f.severity), ("CML001", Severity::Medium));
    }
}
