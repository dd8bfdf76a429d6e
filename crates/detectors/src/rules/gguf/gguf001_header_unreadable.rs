//! GGUF001: the GGUF fixed header cannot be read.

use sentrascan_formats::gguf::GgufError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF001",
    name: "gguf-header-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "gguf",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file starts with the GGUF magic but its version or counts cannot be read.",
    remediation: "Do not load the file; obtain a copy converted by a current llama.cpp and scan it again.",
    docs: r#"## What it does
Reads the fixed header (`GGUF`, version, tensor count, metadata count) and
reports files where that fails: a file too short for it, a version other
than 1, 2 or 3, or a big-endian file (version read byte-swapped).

## Why is this bad?
No reader accepts the file as it is, so it is not a working model; or it
targets a reader this scanner does not model (big-endian GGUF), and its
contents were not analysed.

## Example
`GGUF\x07\x00\x00\x00…`: version 7.

## How to fix
Re-convert the model with a current llama.cpp (`convert_hf_to_gguf.py`).

## References
- https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &GgufError) -> Finding {
    Finding::new(&RULE, location.at(0), "GGUF header cannot be read")
        .description(format!("The GGUF header cannot be read: {error}."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_error() {
        let f = finding(
            &Location::file("m.gguf"),
            &GgufError::BigEndian { version: 3 },
        );
        assert_eq!((f.rule.as_str(), f.severity), ("GGUF001", Severity::Medium));
        assert_eq!(
            f.description,
            "The GGUF header cannot be read: big-endian GGUF (version 3 read byte-swapped) is not supported."
        );
    }
}
