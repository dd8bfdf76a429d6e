//! PTE007: a delegate payload or data segment of the ExecuTorch program starts with an executable (ELF, PE, Mach-O, WebAssembly).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE007",
    name: "executorch-embedded-executable",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "executorch",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A delegate payload or data segment of the ExecuTorch program starts with an executable (ELF, PE, Mach-O, WebAssembly).",
    remediation: "Do not load the program; find out who put a binary into it.",
    docs: r#"## What it does
Looks at the first bytes of every delegate payload (inline or in a segment) and every data segment for executable magic numbers.

## Why is this bad?
A program carries weights and backend graphs, never native executables; a binary riding in a segment is staged for a backend or loader that writes it out and runs it.

## Example
`segments[1]` starting with `\\x7fELF`.

## How to fix
Do not load the file.

## References
- https://github.com/pytorch/executorch/blob/main/schema/program.fbs
- CWE-506: Embedded Malicious Code
"#,
};

pub fn finding(location: &Location, what: &str, kind: &str, offset: u64, size: u64) -> Finding {
    Finding::new(
        &RULE,
        location.at(offset),
        format!("ExecuTorch {what} ({size} bytes at {offset:#x}) is a {kind}"),
    )
    .description(format!(
        "The {what} of the program starts with the magic number of a {kind}; programs carry weights and backend graphs, not executables."
    ))
    .evidence("kind", kind)
    .evidence("size", size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high() {
        assert_eq!(
            finding(
                &Location::file("m.pte"),
                "segment 0",
                "ELF executable",
                0,
                1
            )
            .severity,
            Severity::High
        );
    }
}
