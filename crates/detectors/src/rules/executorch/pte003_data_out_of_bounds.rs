//! PTE003: a data segment, delegate data reference, constant offset or named-data entry points outside the file or past the vector it indexes.

use sentrascan_formats::executorch::ExecuTorchAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE003",
    name: "executorch-data-out-of-bounds",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::MalformedFile,
    scanner: "executorch",
    cwe: Some("CWE-125"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A data segment, delegate data reference, constant offset or named-data entry points outside the file or past the vector it indexes.",
    remediation: "Do not load the file; re-export the program from a trusted source.",
    docs: r#"## What it does
Resolves each `DataSegment` against the extended header's segment base and the file length (checked arithmetic), and checks every index into `segments` and `backend_delegate_data` (delegates, constant segment, mutable segments, named data) and every constant offset against its segment.

## Why is this bad?
The runtime turns these into pointers into the loaded file: a segment past the end or inside the flatbuffer, or an index past its vector, makes a backend or a kernel read outside the data it was given (out-of-bounds read, or weights aliasing the program's own tables).

## Example
`segments[0] = {offset: 0x7fffffff, size: 4096}` in a 2 KB file.

## How to fix
Do not load the file.

## References
- https://github.com/pytorch/executorch/blob/main/schema/program.fbs
- https://github.com/pytorch/executorch/blob/main/schema/extended_header.h
- CWE-125: Out-of-bounds Read
"#,
};

pub fn finding(location: &Location, a: &ExecuTorchAnomaly) -> Finding {
    super::described(&RULE, location, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high() {
        let a = ExecuTorchAnomaly::IndexOutOfRange {
            what: "x".into(),
            index: 3,
            count: 1,
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.pte"), &a).severity,
            Severity::High
        );
    }
}
