//! GGUF003: a metadata key or tensor name appears twice.

use sentrascan_formats::gguf::GgufAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF003",
    name: "gguf-duplicate-key",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "gguf",
    cwe: Some("CWE-436"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A GGUF metadata key or tensor name is declared more than once.",
    remediation: "Do not trust any reader's view of this file; re-convert the model from a trusted source.",
    docs: r#"## What it does
Reports metadata keys and tensor names that occur more than once.

## Why is this bad?
llama.cpp rejects duplicate keys and tensor names, but other readers keep
the first or the last occurrence. The same file then has two chat
templates, two architectures or two versions of a tensor depending on the
tool, which is how a template that looks harmless in one viewer is the
malicious one in another.

## Example
`tokenizer.chat_template` twice: a plain ChatML template first, an SSTI
payload second.

## How to fix
Treat the file as tampered with; re-convert it.

## References
- https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
- CWE-436: Interpretation Conflict
"#,
};

pub fn finding(location: &Location, anomaly: &GgufAnomaly) -> Finding {
    described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_tensor_names() {
        let loc = Location::file("m.gguf");
        let f = finding(
            &loc,
            &GgufAnomaly::DuplicateKey {
                key: "tokenizer.chat_template".into(),
                offset: 0x77,
            },
        );
        assert_eq!(
            f.title,
            "Key `tokenizer.chat_template` appears more than once"
        );
        let f = finding(
            &loc,
            &GgufAnomaly::DuplicateTensorName {
                tensor: "output.weight".into(),
                offset: 0x99,
            },
        );
        assert_eq!(f.title, "Tensor `output.weight` is declared more than once");
        assert_eq!(f.severity, Severity::Medium);
    }
}
