//! CML008: the Core ML metadata links to a host outside the Hugging Face Hub.

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_links};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML008",
    name: "coreml-metadata-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "coreml",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The Core ML metadata links to a host outside the Hugging Face Hub.",
    remediation: "Check that the link is documentation, not something a loader fetches.",
    docs: r#"## What it does
Reports URLs in metadata strings whose host is not the Hugging Face Hub.

## Why is this bad?
A URL is usually documentation, but a tool that follows model metadata (a download helper, a label-map fetcher) fetches whatever the model names.

## Example
`userDefined { key: "labels", value: "http://127.0.0.1:9/labels.txt" }`.

## How to fix
Review the link; remove it if nothing should fetch it.

## References
- https://apple.github.io/coremltools/mlmodel/Format/Model.html#metadata
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_links(&RULE, texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low() {
        use crate::rules::safetensors::metadata_payloads::Text;
        let texts = [MetadataText {
            key: "author",
            text: Text::Str("see http://127.0.0.1:9/x"),
            offset: 0,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.mlmodel"), &mut out);
        assert_eq!(out[0].severity, Severity::Low);
    }
}
