//! PMML002: URLs inside `<Extension>` content.

use sentrascan_formats::pmml::PmmlView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::foreign_hosts;

pub static RULE: RuleMeta = RuleMeta {
    code: "PMML002",
    name: "pmml-extension-url",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::NetworkOperations,
    scanner: "pmml",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An `<Extension>` names `http(s)`/`ftp` URLs: resources a vendor evaluator may fetch.",
    remediation: "Check what the URL serves and remove it from the model.",
    docs: r#"## What it does
Lists the hosts of `http://`, `https://` and `ftp://` links in each
`<Extension>`'s attributes and content (the Hugging Face Hub excepted).

## Why is this bad?
Standard PMML never fetches anything; a URL in vendor content is a
resource some evaluator or pipeline step will download (a script, a
lookup table, a second-stage model), or a beacon.

## Example
`<Extension name="lookup" value="http://127.0.0.1:9/table.csv"/>`

## How to fix
Inline the data or remove the extension.

## References
- https://dmg.org/pmml/v4-4-1/GeneralStructure.html#xsdElement_Extension
"#,
};

pub fn check(view: &PmmlView, location: &Location, out: &mut Vec<Finding>) {
    for e in view.extensions.iter().take(10_000) {
        let mut text = String::new();
        for s in [e.value.as_deref(), e.extender.as_deref()]
            .into_iter()
            .flatten()
        {
            text.push_str(s);
            text.push(' ');
        }
        text.push_str(&e.content);
        let hosts = foreign_hosts(&text);
        if hosts.is_empty() {
            continue;
        }
        let label = e.name.as_deref().unwrap_or("(unnamed)");
        out.push(
            Finding::new(
                &RULE,
                location.at(e.offset),
                format!("Extension `{label}` links to {}", hosts.join(", ")),
            )
            .description(format!(
                "`<Extension>` `{label}` at {} names URLs on {}.",
                e.path,
                hosts.join(", ")
            ))
            .evidence("extension", label)
            .evidence("hosts", hosts.join(",")),
        );
    }
}
