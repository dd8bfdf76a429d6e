//! GGUF009: a GGUF metadata string links outside the Hugging Face Hub.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_links};

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF009",
    name: "gguf-metadata-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "gguf",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A GGUF metadata string contains an http(s) or ftp link to a host other than huggingface.co or hf.co.",
    remediation: "Check that the link is documentation you expect; never fetch and run what it points to.",
    docs: r#"## What it does
Extracts the host of every `http://`, `https://` and `ftp://` link in
metadata keys and scalar string values (tokenizer arrays and chat templates
excepted; after any `user@`) and reports hosts other than `huggingface.co`,
`hf.co` and their subdomains, once per host and value.

## Why is this bad?
Usually nothing: `general.license.link` and `general.url` legitimately point
elsewhere. But a link in metadata is also how a second stage is fetched, so
it is listed for review at LOW severity.

## Example
`general.source.url = "http://203.0.113.7/update.bin"`

## How to fix
Confirm the link is expected documentation.

## References
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_links(&RULE, texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::metadata_payloads::Text;

    #[test]
    fn userinfo_does_not_hide_the_host() {
        let texts = [MetadataText {
            key: "general.url",
            text: Text::Str("https://huggingface.co@evil.example/model"),
            offset: 0x77,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.gguf"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence["host"], "evil.example");
        assert_eq!(out[0].severity, Severity::Low);
    }
}
