//! SKO005: the skops schema is missing or unreadable.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SKO005",
    name: "skops-schema-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "skops",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "`schema.json` is not valid JSON, not a skops node tree, or names members the archive lacks.",
    remediation: "Obtain an intact copy of the model.",
    docs: r#"## What it does
Reports a `schema.json` that does not parse, is not an object with a
`__loader__`, or nests deeper than the JSON reader allows, and nodes whose
`file` names a member that is not in the archive. The scan is marked
inconclusive when the tree could not be read.

## Why is this bad?
The types the archive asks skops to build were not (all) checked.

## Example
A `.skops` whose `schema.json` is truncated.

## How to fix
Re-download or re-save the model with `skops.io.dump`.

## References
- https://skops.readthedocs.io/en/stable/persistence.html
"#,
};

pub fn finding(location: &Location, why: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("skops schema unreadable: {why}"),
    )
    .description(format!(
        "The skops schema could not be checked completely: {why}."
    ))
    .evidence("error", why)
}
