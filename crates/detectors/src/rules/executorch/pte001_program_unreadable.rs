//! PTE001: the ExecuTorch program flatbuffer cannot be read at all, so nothing in it was checked.

use sentrascan_formats::executorch::ExecuTorchError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE001",
    name: "executorch-program-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "executorch",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The ExecuTorch program flatbuffer cannot be read at all, so nothing in it was checked.",
    remediation: "Do not load the file; re-export the program with ExecuTorch.",
    docs: r#"## What it does
Reports a `.pte` whose identifier is not `ET` and two digits or whose root table cannot be read.

## Why is this bad?
The runtime rejects it, but nothing in it was checked: whatever it carries is unknown.

## Example
A file with identifier `ET12` whose root offset points past the end.

## How to fix
Re-export the program from its source.

## References
- https://github.com/pytorch/executorch/blob/main/schema/program.fbs
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &ExecuTorchError) -> Finding {
    Finding::new(&RULE, location.at(0), "ExecuTorch program cannot be read")
        .description(format!("The ExecuTorch program cannot be read: {error}."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let f = finding(
            &Location::file("m.pte"),
            &ExecuTorchError::TooShort { len: 3 },
        );
        assert_eq!((f.rule.as_str(), f.severity), ("PTE001", Severity::Medium));
    }
}
