//! LUA003: bytes after the saved object.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "LUA003",
    name: "lua-torch-trailing-data",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "torch7",
    cwe: Some("CWE-506"),
    owasp_ml: None,
    version: 1,
    summary: "Data follows the object `torch.save` wrote; `torch.load` never reads it.",
    remediation: "Find out what the extra bytes are; re-save the model.",
    docs: r#"## What it does
Reports bytes left after the first (and only) object of the file (for
ASCII files, anything but white space).

## Why is this bad?
`torch.save` writes one object, so extra bytes are either tampering or a
second payload hidden for another reader (a polyglot file).

## Example
A `.t7` model followed by a zip archive.

## How to fix
Inspect the trailing bytes; re-save the model.

## References
- CWE-506: Embedded Malicious Code
"#,
};

pub fn finding(location: &Location, bytes: u64) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("{bytes} bytes follow the saved Torch7 object"),
    )
    .description(format!(
        "`torch.load` stops before the last {bytes} bytes of the file."
    ))
    .evidence("bytes", bytes)
}
