//! SCN003: a file or member could not be read or parsed at all.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SCN003",
    name: "unreadable-file",
    family: RuleFamily::Scanner,
    default_severity: Severity::Info,
    category: Category::ScanCoverage,
    scanner: "engine",
    cwe: Some("CWE-20"),
    owasp_ml: None,
    version: 1,
    summary: "The file or member could not be read or parsed; its content was not analysed.",
    remediation: "Check that the file is complete (re-download it); a loader may read what the scanner could not.",
    docs: r#"## What it does
Reports files and members that could not be opened or whose structure is too
broken to analyse (a zip with no central directory, a member that does not
decompress). The file's status becomes error and the scan exits with code 2.

## Why is this bad?
A lenient loader may still read what a parser rejects; the content is
unverified.

## Example
A truncated checkpoint.

## How to fix
Obtain a complete copy and scan it again.

## References
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, message: &str) -> Finding {
    Finding::new(&RULE, location.clone(), "Could not be analysed")
        .description(message.to_string())
        .evidence("error", message)
}
