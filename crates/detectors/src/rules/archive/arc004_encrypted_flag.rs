//! ARC004: the encryption flag is set on a member.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC004",
    name: "zip-flag-anomaly",
    family: RuleFamily::Archive,
    default_severity: Severity::Medium,
    category: Category::ArchiveAnomaly,
    scanner: "zip",
    cwe: Some("CWE-436"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A member has the encryption flag set; PyTorch ignores it, strict readers refuse the member.",
    remediation: "Do not load the archive; re-create it without flags a model archive never needs.",
    docs: r#"## What it does
Reports members whose general-purpose flag bit 0 (encrypted) is set in the
local header or the central directory. The member is read as PyTorch reads
it, as plain data, and analysed; if it really is encrypted the scan says it
could not be inspected.

## Why is this bad?
Strict zip readers refuse "encrypted" members, so scanners skip them, while
PyTorch's reader ignores the flag and loads the pickle (CVE-2025-1945).

## Example
`archive/data.pkl` stored in plain text with flag bit 0 set.

## How to fix
Treat the archive as tampered with.

## References
- CVE-2025-1945 (picklescan flag bits bypass)
"#,
};

pub fn finding(location: &Location, name: &str) -> Finding {
    Finding::new(
        &RULE,
        location.member(name),
        format!("Encryption flag set on `{name}`"),
    )
    .description(format!(
        "Member `{name}` is flagged as encrypted; it was read as plain data, as PyTorch reads it."
    ))
    .evidence("member", name)
    .evidence("flag", "encrypted (bit 0)")
}
