//! ST008: a SafeTensors metadata string links outside the Hugging Face Hub.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::metadata_payloads::{MetadataText, check_links};

pub static RULE: RuleMeta = RuleMeta {
    code: "ST008",
    name: "safetensors-metadata-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "safetensors",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A SafeTensors metadata string contains an http(s) or ftp link to a host other than huggingface.co or hf.co.",
    remediation: "Check that the link is documentation you expect; never fetch and run what it points to.",
    docs: r#"## What it does
Extracts the host of every `http://`, `https://` and `ftp://` link in
metadata keys and values (after any `user@`, so
`https://huggingface.co@evil.example/` is `evil.example`) and reports hosts
other than `huggingface.co`, `hf.co` and their subdomains, once per host
and value.

## Why is this bad?
Usually nothing: licences and papers live elsewhere. But a link in model
metadata is also how a loader or a "setup" instruction fetches a second
stage, so it is listed for review at LOW severity.

## Example
`{"__metadata__": {"weights_url": "http://203.0.113.7/update.bin"}}`

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
    fn hub_links_pass_others_are_low() {
        let texts = [MetadataText {
            key: "links",
            text: Text::Str("https://hf.co/x https://huggingface.co/y http://203.0.113.7/u.bin"),
            offset: 16,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.safetensors"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
        assert_eq!(out[0].evidence["host"], "203.0.113.7");
    }
}
