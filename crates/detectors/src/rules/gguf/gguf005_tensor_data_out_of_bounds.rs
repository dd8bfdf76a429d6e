//! GGUF005: tensor data lies outside the file or overlaps another tensor.

use sentrascan_formats::gguf::GgufAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF005",
    name: "gguf-tensor-data-out-of-bounds",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::MalformedFile,
    scanner: "gguf",
    cwe: Some("CWE-125"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A GGUF tensor's data range runs past the end of the file (or overflows), or overlaps another tensor's data.",
    remediation: "Do not load the file; a reader that maps it trusts these offsets. Re-convert the model from a trusted source.",
    docs: r#"## What it does
Computes each tensor's byte size from its dimensions and its ggml type's
block and type sizes (checked arithmetic), places it at the data section
(aligned end of the tensor infos) plus its offset, and reports ranges that
end past the file or overflow, and ranges shared by two tensors.

## Why is this bad?
Readers memory-map the file and hand each tensor a pointer computed from
these offsets. An offset past the end reads (or, with a writable mapping,
writes) outside the mapping; overlapping tensors alias each other's
weights. llama.cpp checks both today, earlier readers and other
implementations did not. No converter produces either.

## Example
A tensor of 4096 F32 elements at offset 0x7fff0000 in a 2 MiB file.

## How to fix
Do not load the file; re-convert the model.

## References
- https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
- CVE-2026-7482 ("Bleeding Llama": out-of-bounds heap read in Ollama from a GGUF that lies about tensor sizes)
- CWE-125: Out-of-bounds Read
"#,
};

pub fn finding(location: &Location, anomaly: &GgufAnomaly) -> Finding {
    described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_with_the_range() {
        let f = finding(
            &Location::file("m.gguf"),
            &GgufAnomaly::DataOutOfBounds {
                tensor: "output.weight".into(),
                start: 0x4000_00e0,
                end: Some(0x4000_0160),
                file_len: 256,
            },
        );
        assert_eq!(f.severity, Severity::High);
        assert_eq!(
            f.title,
            "Tensor `output.weight` data 0x400000e0..0x40000160 runs past the end of the 256-byte file"
        );
        assert_eq!(f.location_detail.offset, Some(0x4000_00e0));
    }
}
