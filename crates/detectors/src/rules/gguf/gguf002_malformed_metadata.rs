//! GGUF002: a length, count or type in the GGUF metadata is impossible.

use sentrascan_formats::gguf::GgufAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF002",
    name: "gguf-malformed-metadata",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "gguf",
    cwe: Some("CWE-130"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "GGUF counts, string or array lengths exceed the file, a value type is unknown, arrays nest too deep, or a bool, key or alignment is invalid.",
    remediation: "Do not load the file with any GGUF reader; re-convert the model from a trusted source.",
    docs: r#"## What it does
Checks the metadata and tensor-info sections before anything is read or
allocated: declared counts against the room left in the file, every string
and array length (v1: u32, v2/v3: u64) against the bytes that remain, with
overflow-checked arithmetic; value type ids (0–12); array nesting (at most
8 levels); bool bytes (0 or 1); keys (non-empty UTF-8); and
`general.alignment` (a non-zero power-of-two uint32). Parsing stops at the
first length that cannot be honoured and reports where.

## Why is this bad?
GGUF readers written in C and C++ have had heap overflows exactly here
(string lengths, array counts and type ids taken from the file), and a
reader that trusts a 2^63-element array tries to allocate it. llama.cpp
now rejects these files; a file that has one was crafted or damaged.

## Example
A `general.name` string declaring a length of 0xffffffffffff in a 2 KiB file.

## How to fix
Re-convert the model with a current llama.cpp from a trusted checkpoint.

## References
- https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
- CVE-2024-21802, CVE-2024-21836 (heap overflows in llama.cpp's GGUF parser, Cisco Talos)
- CVE-2025-53630, CVE-2026-27940 (integer overflows in llama.cpp's `gguf.cpp`)
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
    fn states_the_declared_and_available_lengths() {
        let f = finding(
            &Location::file("m.gguf"),
            &GgufAnomaly::LengthOutOfBounds {
                what: "string",
                key: "general.name".into(),
                declared: 1 << 40,
                available: 27,
                offset: 0x5d,
            },
        );
        assert_eq!(
            f.title,
            "String of `general.name` declares length 1099511627776, but only 27 bytes remain"
        );
        assert_eq!(f.location, "m.gguf@0x5d");
        assert_eq!(f.evidence["anomaly"], "length_out_of_bounds");
    }
}
