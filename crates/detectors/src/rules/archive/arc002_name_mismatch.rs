//! ARC002: local header and central directory name a member differently.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC002",
    name: "zip-header-name-mismatch",
    family: RuleFamily::Archive,
    default_severity: Severity::Medium,
    category: Category::ArchiveAnomaly,
    scanner: "zip",
    cwe: Some("CWE-436"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A member's local header names it differently from the central directory.",
    remediation: "Do not load the archive; re-create it with a standard zip writer from trusted contents.",
    docs: r#"## What it does
Compares each member's file name in its local header with the central
directory entry that points at it.

## Why is this bad?
Readers disagree on which name counts: PyTorch uses the central directory,
some scanners the local header. The disagreement lets a payload pass under a
harmless name (CVE-2025-1944).

## Example
Central directory `archive/data.pkl`, local header `archive/data.txt`.

## How to fix
Treat the archive as tampered with.

## References
- CVE-2025-1944 (picklescan local header name bypass)
- CWE-436: Interpretation Conflict
"#,
};

pub fn finding(location: &Location, central: &str, local: &str) -> Finding {
    Finding::new(
        &RULE,
        location.member(central),
        format!("Local header names `{central}` as `{local}`"),
    )
    .description(format!(
        "The central directory names the member `{central}`, its local header `{local}`."
    ))
    .evidence("central_name", central)
    .evidence("local_name", local)
}
