//! CFG007: a script is present (with nothing dangerous found in it).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CFG007",
    name: "script-present",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::OsCommandExecution,
    scanner: "script",
    cwe: None,
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A shell (or other interpreter) script is in the repository; nothing dangerous was found in it, but scripts run whatever they say.",
    remediation: "Read it before running it.",
    docs: r#"## What it does
Lists scripts (`#!` interpreter line, `.sh`, `.bash`) in which `CFG006`
found nothing, with their interpreter.

## Why is this bad?
It is not, by itself: repositories ship launch scripts. A script is code
that someone will run, so it is listed for review at LOW.

## Example
`run_inference.sh`

## How to fix
Nothing.

## References
- https://attack.mitre.org/techniques/T1059/
"#,
};

pub fn finding(location: &Location, interpreter: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("Script for `{interpreter}` present"),
    )
    .description(format!(
        "A script run by `{interpreter}`; no dangerous command was found in it."
    ))
    .evidence("interpreter", interpreter)
}
