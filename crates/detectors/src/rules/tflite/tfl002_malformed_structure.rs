//! TFL002: part of the TFLite flatbuffer cannot be read.

use sentrascan_formats::tflite::TfLiteAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL002",
    name: "tflite-malformed-structure",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "tflite",
    cwe: Some("CWE-125"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A table, vector or string of the TFLite model points outside the file or has a broken vtable, or a CUSTOM operator code names no op; that part was not analysed.",
    remediation: "Do not load the file; re-convert the model from a trusted source.",
    docs: r#"## What it does
Reads every operator code, subgraph, tensor, operator, buffer, metadata
entry and signature with checked offsets. A reference that leaves the file,
an offset sum that overflows, a vtable of impossible size, a field outside
its table, a string without its NUL terminator, or an operator code that
says `CUSTOM` without a `custom_code` is reported with its path
(`subgraphs[0].operators[3]`); the broken part is skipped and the file is
reported inconclusive.

## Why is this bad?
A converter never writes such a file. The runtime's verifier rejects it,
but loaders that skip verification (TFLite Micro, hand-written readers in
mobile apps) follow the offsets and read out of bounds, and what the
scanner could not read may hide an operator it would have reported.

## Example
`operator_codes` stored as an offset of 0x7ffffff0 in a 1 KiB file.

## How to fix
Re-convert the model; do not load it with an unverified reader.

## References
- https://flatbuffers.dev/internals/
- CVE-2020-15209 (TFLite: null pointer from a malformed flatbuffer)
- CWE-125: Out-of-bounds Read
"#,
};

pub fn finding(location: &Location, anomaly: &TfLiteAnomaly) -> Finding {
    described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::tflite::FbError;

    #[test]
    fn names_the_path() {
        let f = finding(
            &Location::file("m.tflite"),
            &TfLiteAnomaly::Malformed {
                path: "operator_codes".into(),
                error: FbError::OutOfBounds {
                    what: "vector length",
                    offset: 0x8000_0000,
                    len: 972,
                },
            },
        );
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(
            f.title,
            "Operator_codes cannot be read: vector length at offset 0x80000000 runs past the end of the 972-byte buffer"
        );
    }
}
