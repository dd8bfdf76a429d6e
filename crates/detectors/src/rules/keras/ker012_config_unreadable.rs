//! KER012: a Keras model's configuration is missing or not readable.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "KER012",
    name: "keras-config-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "keras",
    cwe: Some("CWE-20"),
    owasp_ml: None,
    version: 1,
    summary: "A Keras model configuration (config.json, model_config, training_config, metadata.json) is not valid JSON or not an object, so it could not be analysed.",
    remediation: "Treat the model as unverified; re-save it with Keras and scan again.",
    docs: r#"## What it does
Reports configurations the scanner could not parse: invalid JSON, JSON
nested deeper than 128 levels, or a value that is not an object.

## Why is this bad?
The configuration decides what code Keras runs on load; one we cannot
read is one we cannot clear. Keras' own JSON reader may accept what a
strict reader rejects, which is how parser differentials hide payloads.

## Example
`config.json` truncated in the middle of a layer.

## How to fix
Re-save the model with `model.save` and scan it again.

## References
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, source: &str, error: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("Keras `{source}` could not be read"),
    )
    .description(format!(
        "The Keras `{source}` could not be analysed: {error}."
    ))
    .evidence("source", source)
    .evidence("error", error)
}
