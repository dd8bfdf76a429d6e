//! SCN002: a limit stopped the analysis; the result is inconclusive.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SCN002",
    name: "scan-limit-reached",
    family: RuleFamily::Scanner,
    default_severity: Severity::Info,
    category: Category::ScanCoverage,
    scanner: "engine",
    cwe: Some("CWE-400"),
    owasp_ml: None,
    version: 1,
    summary: "A resource limit stopped the analysis before the end of the file: the file is inconclusive, never clean.",
    remediation: "Raise the limit if the file is legitimately large, or treat it as untrusted.",
    docs: r#"## What it does
Reports which limit (opcodes, memo entries, stack depth, nested pickles,
archive entries, decompressed bytes) stopped the analysis, and where. The
file's status becomes inconclusive and the scan exits with code 2 unless a
failing finding was already found.

## Why is this bad?
Whatever lies beyond the limit was not looked at. Inputs are built to hit
such limits so that scanners give up and report clean.

## Example
A pickle of ten million memo entries.

## How to fix
Re-run with a higher limit if the file is expected to be that large.

## References
- CWE-400: Uncontrolled Resource Consumption
"#,
};

pub fn finding(location: &Location, limit: &str, value: u64) -> Finding {
    let description = if limit == "time_budget" {
        "The analysis stopped when the per-file time budget ran out; the rest was not examined."
            .to_string()
    } else {
        format!(
            "The analysis stopped when it reached the `{limit}` limit ({value}); the rest was not examined."
        )
    };
    Finding::new(
        &RULE,
        location.clone(),
        format!("Analysis stopped at limit `{limit}`"),
    )
    .description(description)
    .evidence("limit", limit)
    .evidence("value", value)
}
