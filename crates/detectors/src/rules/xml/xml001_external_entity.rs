//! XML001: the DOCTYPE names an external DTD or declares external entities (XXE).

use sentrascan_formats::xml::{ExternalId, XmlView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "XML001",
    name: "xml-external-entity",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "xml",
    cwe: Some("CWE-611"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The DOCTYPE declares an entity or DTD read from a file or URL (XML external entity, XXE).",
    remediation: "Remove the DOCTYPE; model files never need external entities. Load XML with a parser that forbids DTDs.",
    docs: r#"## What it does
Reports a `<!DOCTYPE>` whose external subset is named with `SYSTEM` or
`PUBLIC`, and every `<!ENTITY>` (general or parameter) whose content is
read from a `SYSTEM`/`PUBLIC` identifier. The scanner never resolves them.

## Why is this bad?
A parser that resolves external entities reads the named file or URL and
substitutes it into the document: local files (`file:///etc/passwd`,
credentials) end up in the model's fields and in error messages, URLs are
fetched (server-side request forgery, exfiltration through out-of-band
parameter entities), and devices such as `/dev/random` block the loader.
OpenVINO's and PMML evaluators' XML stacks have shipped with DTD
processing enabled.

## Example
`<!DOCTYPE PMML [<!ENTITY x SYSTEM "file:///etc/passwd">]> … <Annotation>&x;</Annotation>`

## How to fix
Strip the DOCTYPE and re-export the model; configure loaders to reject DTDs.

## References
- https://owasp.org/www-community/vulnerabilities/XML_External_Entity_(XXE)_Processing
- CWE-611: Improper Restriction of XML External Entity Reference
"#,
};

fn id_text(id: &ExternalId) -> String {
    match &id.public {
        Some(p) => format!("PUBLIC \"{p}\" \"{}\"", id.system),
        None => format!("SYSTEM \"{}\"", id.system),
    }
}

/// True for a system identifier that names a file or URL a parser would
/// read (everything does, but local files and network URLs are worst).
fn is_remote(system: &str) -> bool {
    let l = system.to_ascii_lowercase();
    l.starts_with("http:")
        || l.starts_with("https:")
        || l.starts_with("ftp:")
        || l.starts_with("//")
}

pub fn check(view: &XmlView, location: &Location, out: &mut Vec<Finding>) {
    let Some(dt) = &view.doctype else { return };
    if let Some(id) = &dt.external {
        out.push(
            Finding::new(
                &RULE,
                location.at(dt.offset),
                format!("DOCTYPE `{}` loads an external DTD {}", dt.root, id_text(id)),
            )
            .description(format!(
                "The document type declaration names an external subset ({}); a validating or DTD-loading parser {} it before reading the document.",
                id_text(id),
                if is_remote(&id.system) { "fetches" } else { "reads" }
            ))
            .evidence("doctype", dt.root.clone())
            .evidence("system_id", id.system.clone()),
        );
    }
    let used: std::collections::BTreeSet<&str> = view
        .entity_uses
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(dt.parameter_references.iter().map(String::as_str))
        .collect();
    for e in dt.entities.iter().filter(|e| e.external.is_some()).take(64) {
        let Some(id) = &e.external else { continue };
        let kind = if e.parameter {
            "parameter entity"
        } else {
            "entity"
        };
        let referenced = used.contains(e.name.as_str());
        out.push(
            Finding::new(
                &RULE,
                location.at(e.offset),
                format!("External {kind} `{}` reads {}", e.name, id_text(id)),
            )
            .description(format!(
                "The internal subset declares {kind} `{}` whose replacement text is read from {}{}; a parser that resolves external entities substitutes that file or URL into the document.",
                e.name,
                id_text(id),
                if referenced { ", and the document references it" } else { "" }
            ))
            .evidence("entity", e.name.clone())
            .evidence("parameter", e.parameter)
            .evidence("system_id", id.system.clone())
            .evidence("referenced", referenced),
        );
    }
}
