//! ARC003: two members share a name.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC003",
    name: "zip-duplicate-member",
    family: RuleFamily::Archive,
    default_severity: Severity::Medium,
    category: Category::ArchiveAnomaly,
    scanner: "zip",
    cwe: Some("CWE-436"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Two or more members of the archive share one name.",
    remediation: "Do not load the archive; which copy a loader reads depends on the implementation.",
    docs: r#"## What it does
Reports member names that occur more than once in the central directory.
Every copy is analysed.

## Why is this bad?
Readers pick different copies: a scanner may read a benign first `data.pkl`
while the loader reads a malicious second one.

## Example
Two `archive/data.pkl` members.

## How to fix
Re-create the archive with unique names from trusted contents.

## References
- CWE-436: Interpretation Conflict
"#,
};

pub fn finding(location: &Location, name: &str) -> Finding {
    Finding::new(
        &RULE,
        location.member(name),
        format!("Duplicate member `{name}`"),
    )
    .description(format!(
        "The archive contains more than one member named `{name}`; each is analysed."
    ))
    .evidence("member", name)
}
