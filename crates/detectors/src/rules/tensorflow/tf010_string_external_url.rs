//! TF010: a string in a TensorFlow graph or its metadata links to a host.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_links};

pub static RULE: RuleMeta = RuleMeta {
    code: "TF010",
    name: "tf-string-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "tensorflow",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string in a TensorFlow graph or its metadata links to a host other than the Hugging Face Hub.",
    remediation: "Check where the link leads and what in the model uses it.",
    docs: r#"## What it does
Reports `http(s)://` and `ftp://` links to hosts other than the Hugging
Face Hub in string constants, string attributes, collections and Keras
metadata (one finding per host and string).

## Why is this bad?
Alone a link is information; next to a network or file op it is where
data goes or a payload comes from. It is reported LOW so that it is seen
with the rest.

## Example
`Const(value="https://example.invalid/stage2")`.

## How to fix
Review the link and what consumes it.

## References
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_links(&RULE, texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{const_string, rules, run_graph};

    #[test]
    fn link_in_a_constant() {
        let out = run_graph(vec![const_string(
            "c",
            "see https://example.invalid/stage2",
        )]);
        assert_eq!(rules(&out), ["TF010 LOW"]);
    }
}
