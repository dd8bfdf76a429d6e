//! XML006: the XML document is malformed and was read only in part.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "XML006",
    name: "xml-malformed",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "xml",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The XML document is not well-formed; the rest of it was not analysed.",
    remediation: "Obtain a well-formed copy of the model from its source.",
    docs: r#"## What it does
Reports the first well-formedness error (mismatched or unclosed tags, bad
attributes, a second root element, an unsupported encoding) and where it
is. The scan is marked inconclusive: what follows was not checked.

## Why is this bad?
Lenient parsers recover from errors differently; content after the error
may be read by the loader but not by the scanner (a parser differential).

## Example
`<net><layers><layer></net>`

## How to fix
Re-export the model with a conforming writer.

## References
- https://www.w3.org/TR/xml/#sec-well-formed
"#,
};

pub fn finding(location: &Location, why: &str) -> Finding {
    Finding::new(&RULE, location.clone(), format!("Malformed XML: {why}"))
        .description(format!(
            "The XML tokenizer stopped: {why}. The remainder of the document was not analysed."
        ))
        .evidence("error", why)
}
