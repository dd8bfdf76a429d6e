//! XML005: processing instructions, such as a stylesheet to apply.

use sentrascan_formats::xml::XmlView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "XML005",
    name: "xml-processing-instruction",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::CodeInjection,
    scanner: "xml",
    cwe: Some("CWE-91"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The document carries processing instructions; `xml-stylesheet` asks consumers to run an XSLT stylesheet.",
    remediation: "Remove processing instructions from model files.",
    docs: r#"## What it does
Reports processing instructions (`<?target …?>`) other than the XML
declaration. `xml-stylesheet` (an XSLT transform named by URL) is MEDIUM;
any other target is LOW.

## Why is this bad?
Model files are data; a processing instruction is an instruction to the
program that reads them. An XSLT stylesheet can read files and, with
processor extensions (Xalan's Java calls, `msxsl:script`), run code; other
targets drive vendor-specific processing that a scanner cannot vouch for.

## Example
`<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:9/x.xsl"?>`

## How to fix
Re-export the model without processing instructions.

## References
- https://www.w3.org/TR/xml-stylesheet/
- CWE-91: XML Injection
"#,
};

pub fn check(view: &XmlView, location: &Location, out: &mut Vec<Finding>) {
    for pi in view.processing_instructions.iter().take(64) {
        if pi.target.eq_ignore_ascii_case("xml") {
            continue;
        }
        let stylesheet = pi.target.eq_ignore_ascii_case("xml-stylesheet");
        let content: String = pi.content.chars().take(200).collect();
        out.push(
            Finding::new(
                &RULE,
                location.at(pi.offset),
                format!("Processing instruction `<?{} {content}?>`", pi.target),
            )
            .severity(if stylesheet { Severity::Medium } else { Severity::Low })
            .description(if stylesheet {
                "The document asks its consumer to transform it with an XSLT stylesheet, which can read files and call extension functions.".to_string()
            } else {
                format!("The document carries a `{}` processing instruction for whatever program reads it.", pi.target)
            })
            .evidence("target", pi.target.clone())
            .evidence("content", content),
        );
    }
}
