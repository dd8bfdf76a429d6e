//! PDL004: the Paddle program cannot be decoded.

use sentrascan_formats::paddle::PaddleError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PDL004",
    name: "paddle-program-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "paddle",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The `.pdmodel` is not a decodable `ProgramDesc`; its operators were not checked.",
    remediation: "Obtain an intact copy of the model.",
    docs: r#"## What it does
Reports a program whose protobuf encoding is broken (truncated fields,
lengths past the end, wrong wire types) or that has no block. The file is
marked inconclusive.

## Why is this bad?
Operators after the break were not seen; a loader that decodes more
leniently may run them.

## Example
A `.pdmodel` cut short in the middle of an operator.

## How to fix
Re-download or re-export the model.

## References
- https://github.com/PaddlePaddle/Paddle/blob/develop/paddle/phi/core/framework/framework.proto
"#,
};

pub fn finding(location: &Location, e: &PaddleError) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("Paddle program cannot be decoded: {e}"),
    )
    .description(format!(
        "The ProgramDesc could not be decoded ({e}); its operators were not all checked."
    ))
    .evidence("error", e.to_string())
}
