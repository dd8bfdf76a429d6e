//! TFL007: an operator, tensor or metadata index points past its vector.

use sentrascan_formats::tflite::TfLiteAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL007",
    name: "tflite-index-out-of-range",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::MalformedFile,
    scanner: "tflite",
    cwe: Some("CWE-129"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An operator's opcode index, an operator's or subgraph's tensor index, a tensor's buffer index or a metadata buffer index lies outside its vector.",
    remediation: "Do not load the file with an older or embedded runtime; re-convert the model from a trusted source.",
    docs: r#"## What it does
Checks every index the graph holds: each operator's `opcode_index` against
`operator_codes`, each operator's inputs, outputs and intermediates and each
subgraph's inputs and outputs against the subgraph's tensors (`-1`, "no
tensor", is allowed for operator inputs), each tensor's `buffer` and each
metadata entry's `buffer` against `buffers`.

## Why is this bad?
Indices are used to index arrays in the interpreter. TFLite before 2.3.1
did not check negative or too-large tensor indices and read and wrote out
of bounds (CVE-2020-15211, CVE-2020-15212, CVE-2020-15213); TFLite Micro
and third-party runtimes repeat the bug. The converter never writes one.

## Example
A `FULLY_CONNECTED` operator with inputs `[0, 99, -7]` in a subgraph of 5
tensors.

## How to fix
Do not load the file; re-convert the model.

## References
- CVE-2020-15211: TFLite out-of-bounds access through negative tensor indices
- CVE-2020-15212, CVE-2020-15213
- CWE-129: Improper Validation of Array Index
"#,
};

pub fn finding(location: &Location, anomaly: &TfLiteAnomaly) -> Finding {
    described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high() {
        let f = finding(
            &Location::file("m.tflite"),
            &TfLiteAnomaly::IndexOutOfRange {
                what: "subgraphs[0].operators[0].inputs[1] tensor".into(),
                index: 99,
                count: 5,
                offset: 0x120,
            },
        );
        assert_eq!(f.severity, Severity::High);
        assert_eq!(
            f.title,
            "Subgraphs[0].operators[0].inputs[1] tensor index 99 is outside 0..5"
        );
    }
}
