//! ARC001: a member's data does not match its CRC-32.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC001",
    name: "zip-crc-mismatch",
    family: RuleFamily::Archive,
    default_severity: Severity::Medium,
    category: Category::ArchiveAnomaly,
    scanner: "zip",
    cwe: Some("CWE-354"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A zip member's data does not match the CRC-32 recorded for it.",
    remediation: "Re-download the file from its source and compare digests; a model that was altered after packing should not be loaded.",
    docs: r#"## What it does
Computes the CRC-32 of each member's uncompressed data and compares it with
the central directory's value. The member is analysed regardless.

## Why is this bad?
PyTorch's reader ignores CRCs while strict readers reject the archive, so a
corrupted CRC hides a malicious `data.pkl` from scanners built on strict
readers (CVE-2025-10156). A real `torch.save` never writes a wrong CRC.

## Example
A checkpoint whose `data.pkl` was patched after zipping.

## How to fix
Obtain an intact copy; do not load a modified one.

## References
- CVE-2025-10156 (picklescan CRC bypass)
- CWE-354: Improper Validation of Integrity Check Value
"#,
};

pub fn finding(location: &Location, member: &str, stored: u32, actual: u32) -> Finding {
    Finding::new(
        &RULE,
        location.member(member),
        format!("CRC-32 mismatch in `{member}`"),
    )
    .description(format!(
        "Member `{member}` records CRC-32 {stored:#010x}, but its data has {actual:#010x}."
    ))
    .evidence("member", member)
    .evidence("stored_crc32", format!("{stored:#010x}"))
    .evidence("actual_crc32", format!("{actual:#010x}"))
}
