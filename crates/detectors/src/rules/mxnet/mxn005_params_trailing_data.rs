//! MXN005: bytes after the parameter list.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MXN005",
    name: "mxnet-params-trailing-data",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "mxnet",
    cwe: Some("CWE-506"),
    owasp_ml: None,
    version: 1,
    summary: "Data follows the names of the parameter list; MXNet never reads it.",
    remediation: "Find out what the extra bytes are; re-save the parameters with MXNet.",
    docs: r#"## What it does
Reports bytes left after the last parameter name of an `NDArray` list.

## Why is this bad?
`mx.nd.save` ends the file with the names, so extra bytes are tampering or
a second payload hidden for another reader (a polyglot).

## Example
A `.params` file followed by a pickle.

## How to fix
Inspect the trailing bytes; re-save the parameters.

## References
- CWE-506: Embedded Malicious Code
"#,
};

pub fn finding(location: &Location, offset: u64, bytes: u64) -> Finding {
    Finding::new(
        &RULE,
        location.at(offset),
        format!("{bytes} bytes follow the MXNet parameter list"),
    )
    .description(format!(
        "MXNet stops reading at offset {offset:#x}; {bytes} bytes follow."
    ))
    .evidence("bytes", bytes)
}
