//! SKO004: `__loader__` names that skops does not define.

use sentrascan_formats::skops::SkopsSchema;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SKO004",
    name: "skops-unknown-loader",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::MalformedFile,
    scanner: "skops",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A node's `__loader__` is not one of skops' loaders (or the node's names are not strings).",
    remediation: "Do not load the file with a patched or extended skops; obtain it from its author.",
    docs: r#"## What it does
Reports nodes whose `__loader__` is outside the loaders skops defines in
any protocol (`ObjectNode`, `FunctionNode`, `NdArrayNode`, …), and nodes
whose `__loader__`, `__module__` or `__class__` are not strings.

## Why is this bad?
Stock skops refuses such files, so they target something else: a fork or
plugin that registers extra loaders, or a parser differential between
the loader and scanners that skip what they do not know. Their types were
not checked against any trusted list.

## Example
`{"__class__": "x", "__module__": "os", "__loader__": "ExecNode"}`

## How to fix
Reject the file.

## References
- https://skops.readthedocs.io/en/stable/persistence.html
"#,
};

pub fn check(schema: &SkopsSchema, location: &Location, out: &mut Vec<Finding>) {
    for node in schema
        .nodes
        .iter()
        .filter(|n| n.malformed || !super::KNOWN_LOADERS.contains(&n.loader.as_str()))
        .take(64)
    {
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("Unknown skops loader `{}` for `{}` at {}", node.loader, node.type_name(), node.path),
            )
            .description(format!(
                "Node {} uses loader `{}`{}, which skops does not define; its type `{}` was not checked against a trusted list.",
                node.path,
                node.loader,
                if node.malformed { " (with non-string names)" } else { "" },
                node.type_name()
            ))
            .evidence("loader", node.loader.clone())
            .evidence("type", node.type_name())
            .evidence("path", node.path.clone()),
        );
    }
}
