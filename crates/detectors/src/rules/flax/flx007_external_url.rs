//! FLX007: the state or metadata carries a link.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_links};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX007",
    name: "flax-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "flax",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string of the Flax/Orbax state or metadata links to a host outside the Hugging Face Hub.",
    remediation: "Check where the link leads; nothing in Flax fetches it.",
    docs: r#"## What it does
Lists the hosts of `http(s)://` and `ftp://` links in string values, except the Hugging Face Hub's.

## Why is this bad?
Usually it is not: configurations link to datasets and homes. A link is also how a second stage is fetched, so it is listed for review at LOW.

## Example
`{"meta": {"source": "http://203.0.113.9/stage2"}}`.

## How to fix
Remove the value and re-save the state; never execute what a checkpoint carries.

## References
- https://flax.readthedocs.io/en/latest/api_reference/flax.serialization.html
- CWE-829
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_links(&RULE, texts, location, out);
}
