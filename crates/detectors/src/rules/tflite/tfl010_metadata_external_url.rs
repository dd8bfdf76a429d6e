//! TFL010: TFLite metadata links to a host outside the Hugging Face Hub.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_links};

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL010",
    name: "tflite-metadata-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "tflite",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The TFLite model description or metadata contains a link to a host outside the Hugging Face Hub.",
    remediation: "Check where the link leads before following it; nothing in TFLite fetches it.",
    docs: r#"## What it does
Lists the hosts of `http(s)://` and `ftp://` links in the description,
metadata buffers and TFLite Support metadata strings, except the Hugging
Face Hub's.

## Why is this bad?
Usually it is not: licences and model cards link to their homes. A link is
also how a second stage is fetched, so it is listed for review at LOW.

## Example
`license: "Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0."`

## How to fix
Nothing, if the host is expected.

## References
- https://www.tensorflow.org/lite/models/convert/metadata
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
    fn low_per_host() {
        let texts = [MetadataText {
            key: "TFLITE_METADATA.license",
            text: Text::Str("http://www.apache.org/licenses/LICENSE-2.0"),
            offset: 0,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.tflite"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
    }
}
