//! CML002: a nested message of the Core ML model (a sub-model, layer, program block or metadata entry) is malformed and was skipped.

use sentrascan_formats::coreml::CoreMlAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML002",
    name: "coreml-malformed-structure",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "coreml",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A nested message of the Core ML model (a sub-model, layer, program block or metadata entry) is malformed and was skipped.",
    remediation: "Do not load the file; re-export the model with coremltools.",
    docs: r#"## What it does
Reports each nested message the reader had to skip: a field that runs past its message, a custom class without a name, two model types in one `Model` (a oneof), nesting deeper than the reader follows.

## Why is this bad?
The skipped part was not checked, so the file is inconclusive; and a model that coremltools never writes was made by hand.

## Example
`pipeline.models[1]` whose `customModel` field is cut short.

## How to fix
Re-export the model from its source.

## References
- https://github.com/apple/coremltools/tree/main/mlmodel/format
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, a: &CoreMlAnomaly) -> Finding {
    Finding::new(
        &RULE,
        location.at(a.offset),
        format!("Core ML `{}` is malformed: {}", a.path, a.reason),
    )
    .description(format!(
        "The Core ML message at `{}` cannot be read ({}); it was skipped.",
        a.path, a.reason
    ))
    .evidence("path", a.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let a = CoreMlAnomaly {
            path: "model".into(),
            reason: "x".into(),
            offset: 3,
        };
        assert_eq!(
            finding(&Location::file("m.mlmodel"), &a).severity,
            Severity::Medium
        );
    }
}
