//! PTE002: a table, vector or string of the ExecuTorch program, or its extended header, cannot be read; that part was skipped.

use sentrascan_formats::executorch::ExecuTorchAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE002",
    name: "executorch-malformed-structure",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "executorch",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A table, vector or string of the ExecuTorch program, or its extended header, cannot be read; that part was skipped.",
    remediation: "Do not load the file; re-export the program with ExecuTorch.",
    docs: r#"## What it does
Reports each part of the `Program` flatbuffer that the bounded reader had to skip (an offset, vtable or vector outside the buffer, an unterminated string) and an `eh00` extended header whose sizes disagree with the file.

## Why is this bad?
The skipped part was not checked, so the file is inconclusive; the ExecuTorch exporter never writes such structures, so someone edited the file.

## Example
`execution_plan[0].operators` whose vector length runs past the end of the file.

## How to fix
Re-export the program from its source.

## References
- https://github.com/pytorch/executorch/blob/main/schema/program.fbs
- https://github.com/pytorch/executorch/blob/main/runtime/executor/program.cpp
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, a: &ExecuTorchAnomaly) -> Finding {
    super::described(&RULE, location, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let a = ExecuTorchAnomaly::BadExtendedHeader { reason: "x".into() };
        assert_eq!(
            finding(&Location::file("m.pte"), &a).severity,
            Severity::Medium
        );
    }
}
