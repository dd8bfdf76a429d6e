//! ONNX010: an ONNX doc string or metadata value links outside the Hugging
//! Face Hub.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_links};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX010",
    name: "onnx-metadata-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "onnx",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An ONNX metadata_props entry or model/graph doc string contains an http(s) or ftp link to a host other than huggingface.co or hf.co.",
    remediation: "Check that the link is documentation you expect; never fetch and run what it points to.",
    docs: r#"## What it does
Extracts the host of every `http://`, `https://` and `ftp://` link in
`metadata_props` and in the model's and graphs' doc strings (node doc
strings, where exporters write stack traces, excepted) and reports hosts
other than `huggingface.co`, `hf.co` and their subdomains, once per host
and value.

## Why is this bad?
Usually nothing: a licence or paper link is normal. But a link in metadata
is also how a second stage is fetched, so it is listed for review at LOW.

## Example
`metadata_props { key: "weights_url" value: "http://203.0.113.7/w.bin" }`

## How to fix
Confirm the link is expected documentation.

## References
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_links(&RULE, texts, location, out);
}
