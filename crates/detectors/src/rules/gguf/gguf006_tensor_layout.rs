//! GGUF006: tensor data is misaligned, leaves holes, or is followed by extra bytes.

use sentrascan_formats::gguf::GgufAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF006",
    name: "gguf-tensor-layout",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "gguf",
    cwe: Some("CWE-130"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A GGUF tensor offset is not a multiple of the alignment, bytes between tensors exceed padding, or bytes follow the last tensor.",
    remediation: "Do not load the file; re-convert the model with a current llama.cpp.",
    docs: r#"## What it does
Checks that each tensor's offset is a multiple of `general.alignment`
(default 32), that tensors follow each other with no more than alignment
padding between them, and that nothing but the last tensor's padding
follows the data.

## Why is this bad?
Writers (llama.cpp, gguf-py) lay tensors out back to back, each padded to
the alignment, and llama.cpp rejects any other offset. Holes and trailing
bytes are room for content no loader reads: an appended archive or pickle,
a second model.

## Example
A tensor at offset 40 with the default alignment of 32; or a zip archive
after the last tensor.

## How to fix
Re-convert the model.

## References
- https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
- CWE-130: Improper Handling of Length Parameter Inconsistency
"#,
};

pub fn finding(location: &Location, anomaly: &GgufAnomaly) -> Finding {
    described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misalignment_and_trailing_data() {
        let loc = Location::file("m.gguf");
        let f = finding(
            &loc,
            &GgufAnomaly::MisalignedData {
                tensor: "b".into(),
                data_offset: 120,
                alignment: 32,
                offset: 0x9f,
            },
        );
        assert_eq!(
            f.title,
            "Tensor `b` data offset 120 is not a multiple of the alignment 32"
        );
        let f = finding(
            &loc,
            &GgufAnomaly::TrailingData {
                start: 0x200,
                len: 9,
            },
        );
        assert_eq!(f.title, "9 bytes at 0x200 follow the last tensor");
        assert_eq!(f.severity, Severity::Medium);
    }
}
