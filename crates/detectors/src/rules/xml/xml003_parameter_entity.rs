//! XML003: parameter entities in the internal subset.

use sentrascan_formats::xml::XmlView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "XML003",
    name: "xml-parameter-entity",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::CodeInjection,
    scanner: "xml",
    cwe: Some("CWE-611"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The DOCTYPE declares or references parameter entities (`%name;`), the building block of out-of-band XXE.",
    remediation: "Remove the DOCTYPE; model files have no use for parameter entities.",
    docs: r#"## What it does
Reports `<!ENTITY % name …>` declarations and `%name;` references in the
internal subset, with their names. External parameter entities are also
reported by XML001.

## Why is this bad?
Parameter entities rewrite the DTD itself while it is parsed. Blind
(out-of-band) XXE uses them to build, at parse time, an entity whose URL
carries the content of a local file to an attacker's server; they also
smuggle declarations past filters that only look at general entities.

## Example
`<!DOCTYPE r [<!ENTITY % d SYSTEM "http://127.0.0.1:9/x.dtd"> %d;]>`

## How to fix
Re-export the document without a DOCTYPE.

## References
- https://portswigger.net/web-security/xxe/blind
- CWE-611: Improper Restriction of XML External Entity Reference
"#,
};

pub fn check(view: &XmlView, location: &Location, out: &mut Vec<Finding>) {
    let Some(dt) = &view.doctype else { return };
    let declared: Vec<&str> = dt
        .entities
        .iter()
        .filter(|e| e.parameter)
        .map(|e| e.name.as_str())
        .collect();
    if declared.is_empty() && dt.parameter_references.is_empty() {
        return;
    }
    let names: Vec<&str> = declared
        .iter()
        .copied()
        .chain(dt.parameter_references.iter().map(String::as_str))
        .take(16)
        .collect();
    out.push(
        Finding::new(
            &RULE,
            location.at(dt.offset),
            format!(
                "DOCTYPE uses parameter entities ({} declared, {} referenced): {}",
                declared.len(),
                dt.parameter_references.len(),
                names.join(", ")
            ),
        )
        .description(
            "Parameter entities are expanded inside the DTD while it is parsed; they are how blind XXE builds exfiltration URLs.",
        )
        .evidence("declared", declared.len())
        .evidence("referenced", dt.parameter_references.len())
        .evidence("names", names.join(",")),
    );
}
