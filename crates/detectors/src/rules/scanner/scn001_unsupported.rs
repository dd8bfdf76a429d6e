//! SCN001: content in a format this version does not analyse.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SCN001",
    name: "unsupported-format",
    family: RuleFamily::Scanner,
    default_severity: Severity::Info,
    category: Category::ScanCoverage,
    scanner: "engine",
    cwe: None,
    owasp_ml: None,
    version: 1,
    summary: "A file or member was listed but not analysed: its format has no analyser in this version.",
    remediation: "Check the file by other means, or run with --strict to fail on anything not analysed.",
    docs: r#"## What it does
Lists content the engine recognised (or could not recognise) but has no
analyser for, so that nothing is dropped silently.

## Why is this bad?
It is not bad in itself; it marks the limit of what the verdict covers.

## Example
A `.gguf` file in a directory scanned by a version without a GGUF analyser.

## How to fix
Nothing to fix in the file; `--strict` turns these into failures.

## References
- SentraScan-Model documentation, "Formats"
"#,
};

pub fn finding(location: &Location, format: &str, reason: &str) -> Finding {
    Finding::new(&RULE, location.clone(), format!("Not analysed: {format}"))
        .description(reason.to_string())
        .evidence("format", format)
}
