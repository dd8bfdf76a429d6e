//! GBT007: the model carries a link.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_links};

pub static RULE: RuleMeta = RuleMeta {
    code: "GBT007",
    name: "gbt-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "gbt",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string of the tree model links to a host outside the Hugging Face Hub.",
    remediation: "Check where the link leads; nothing in the library fetches it.",
    docs: r#"## What it does
Lists the hosts of `http(s)://` and `ftp://` links in the model's strings, except the Hugging Face Hub's.

## Why is this bad?
Usually it is not. A link is also how a second stage is fetched, so it is listed for review at LOW.

## Example
`feature_names=http://203.0.113.9/x f1 f2`.

## How to fix
Remove the string and re-save the model; never execute what a model carries.

## References
- https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html
- CWE-829
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_links(&RULE, texts, location, out);
}
