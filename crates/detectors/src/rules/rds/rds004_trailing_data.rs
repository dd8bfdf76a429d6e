//! RDS004: bytes after the serialised value.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "RDS004",
    name: "r-trailing-data",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "r_serialization",
    cwe: Some("CWE-506"),
    owasp_ml: None,
    version: 1,
    summary: "Data follows the end of the serialised R value; R never reads it.",
    remediation: "Find out what the extra bytes are; re-save the object with saveRDS or save.",
    docs: r#"## What it does
Reports bytes left after the serialised value (`saveRDS`) or workspace
(`save`) ends (for ASCII streams, anything but white space).

## Why is this bad?
R stops reading at the end of the value, so nothing R writes leaves data
behind. Extra bytes are a place to hide a second payload for another
reader (a polyglot) or a sign the file was tampered with.

## Example
An `.rds` stream followed by a zip archive or a shell script.

## How to fix
Inspect the trailing bytes; re-save the object with R.

## References
- CWE-506: Embedded Malicious Code
"#,
};

pub fn finding(location: &Location, bytes: u64) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("{bytes} bytes follow the serialised R value"),
    )
    .description(format!(
        "The stream ends before the file does: {bytes} bytes are never read by R."
    ))
    .evidence("bytes", bytes)
}
