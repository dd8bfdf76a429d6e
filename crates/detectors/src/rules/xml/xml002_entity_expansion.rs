//! XML002: internal entities that expand into other entities (billion laughs).

use sentrascan_formats::xml::{XmlView, expansion};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "XML002",
    name: "xml-entity-expansion",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ResourceExhaustion,
    scanner: "xml",
    cwe: Some("CWE-776"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Internal entities reference other entities, so expanding them multiplies the document (billion laughs).",
    remediation: "Remove the DOCTYPE's entity declarations; load XML with a parser that refuses DTDs or caps entity expansion.",
    docs: r#"## What it does
Computes, from the declarations alone, how large each internal entity of
the DOCTYPE becomes when its references to other entities are replaced,
and how deep the chain of references goes. Nested entities are MEDIUM;
an expansion of 1 MiB or more, or an entity that refers to itself, is HIGH.

## Why is this bad?
Ten entities that each repeat the previous one ten times expand a
kilobyte into gigabytes ("billion laughs"): a parser that expands entities
exhausts memory and CPU while loading the model. Model formats never need
entities that reference entities.

## Example
`<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;…">`

## How to fix
Re-export the model without a DOCTYPE.

## References
- https://en.wikipedia.org/wiki/Billion_laughs_attack
- CWE-776: Improper Restriction of Recursive Entity References in DTDs
"#,
};

/// Expanded size from which the expansion is an attack, not a convenience.
pub const HIGH_EXPANSION: u64 = 1 << 20;

pub fn check(view: &XmlView, location: &Location, out: &mut Vec<Finding>) {
    let Some(dt) = &view.doctype else { return };
    let e = expansion(dt);
    if e.depth == 0 && e.recursive.is_none() {
        return;
    }
    let (name, size) = e.largest.clone().unwrap_or_default();
    let severity = if e.recursive.is_some() || size >= HIGH_EXPANSION {
        Severity::High
    } else {
        Severity::Medium
    };
    let title = match &e.recursive {
        Some(r) => format!("Entity `{r}` refers to itself through other entities"),
        None => format!(
            "Nested entities: `{name}` expands to {size} bytes through {} level(s) of references",
            e.depth
        ),
    };
    out.push(
        Finding::new(&RULE, location.at(dt.offset), title)
            .severity(severity)
            .description(format!(
                "The DOCTYPE declares {} entities; references between them nest {} level(s) deep and the largest, `{name}`, expands to {size} bytes{}.",
                dt.entities.len(),
                e.depth,
                if e.recursive.is_some() { ", and one is recursive" } else { "" }
            ))
            .evidence("entities", dt.entities.len())
            .evidence("largest_entity", name)
            .evidence("expanded_bytes", size)
            .evidence("depth", e.depth),
    );
}
