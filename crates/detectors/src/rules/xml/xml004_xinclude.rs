//! XML004: XInclude elements that pull other files into the document.

use sentrascan_formats::xml::XmlView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "XML004",
    name: "xml-xinclude",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "xml",
    cwe: Some("CWE-611"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An XInclude `include` element makes XInclude-aware parsers read another file or URL into the document.",
    remediation: "Inline the content or remove the include; load XML with XInclude processing disabled.",
    docs: r#"## What it does
Reports elements named `include` in the XInclude namespace
(`http://www.w3.org/2001/XInclude`, or the `xi:` prefix), with their
`href` and `parse` attributes.

## Why is this bad?
XInclude works without a DOCTYPE, so it survives "DTDs disabled"
hardening: a processor with XInclude enabled (libxml2's `XML_PARSE_XINCLUDE`,
lxml's `xinclude()`) replaces the element by the named file (`parse="text"`
reads any file verbatim) or URL.

## Example
`<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>`

## How to fix
Remove the element and re-export the model.

## References
- https://www.w3.org/TR/xinclude/
- https://portswigger.net/web-security/xxe#xinclude-attacks
"#,
};

const XINCLUDE_NS: &[&str] = &[
    "http://www.w3.org/2001/XInclude",
    "http://www.w3.org/2003/XInclude",
];

pub fn check(view: &XmlView, location: &Location, out: &mut Vec<Finding>) {
    // Prefixes bound to the XInclude namespace anywhere in the document.
    let mut prefixes: Vec<String> = vec!["xi".to_string()];
    let mut default_ns = false;
    for e in &view.elements {
        for (k, v) in &e.attributes {
            if XINCLUDE_NS.contains(&v.as_str()) {
                match k.strip_prefix("xmlns:") {
                    Some(p) => prefixes.push(p.to_string()),
                    None if k == "xmlns" => default_ns = true,
                    None => {}
                }
            }
        }
    }
    for e in view
        .elements
        .iter()
        .filter(|e| e.local == "include")
        .take(64)
    {
        let prefix = e.name.split_once(':').map(|(p, _)| p);
        let included = match prefix {
            Some(p) => prefixes.iter().any(|x| x == p),
            None => default_ns || e.attr("xmlns").is_some_and(|v| XINCLUDE_NS.contains(&v)),
        };
        if !included {
            continue;
        }
        let href = e.attr("href").unwrap_or("");
        let parse = e.attr("parse").unwrap_or("xml");
        out.push(
            Finding::new(
                &RULE,
                location.at(e.offset),
                format!("XInclude reads `{href}` (parse=\"{parse}\")"),
            )
            .description(format!(
                "Element `{}` includes `{href}`; an XInclude-aware parser replaces it by that resource's content.",
                e.name
            ))
            .evidence("href", href)
            .evidence("parse", parse),
        );
    }
}
