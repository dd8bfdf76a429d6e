//! MXN003: code or links in node attributes.

use sentrascan_formats::mxnet::MxNode;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{code_hits, foreign_hosts};

pub static RULE: RuleMeta = RuleMeta {
    code: "MXN003",
    name: "mxnet-attribute-payload",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "mxnet",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A node attribute holds shell commands or Python code (high) or links to a foreign host (medium).",
    remediation: "Remove the payload from the graph; find out which tool was meant to read it.",
    docs: r#"## What it does
Checks every attribute value of every node for shell commands and Python
calls (`os.system(`, `curl … | sh`, `__import__`) and for `http(s)`/`ftp`
links outside the Hugging Face Hub.

## Why is this bad?
Operator attributes are numbers, shapes and names. Code in them is staged
for a custom op (whose Python reads its attributes), for a loader script
that evaluates them, or for a later stage of an attack; links fetch
payloads.

## Example
`"attrs": {"op_type": "loader", "script": "__import__('os').system('…')"}`.

## How to fix
Strip the attribute; review the custom op or script that consumes it.

## References
- CWE-94: Improper Control of Generation of Code
"#,
};

pub fn check(location: &Location, node: &MxNode, out: &mut Vec<Finding>) {
    for (key, value) in &node.attrs {
        let loc = location.member(format!("<nodes[{}].attrs.{key}>", node.index));
        if let Some(hit) = code_hits(value).into_iter().next() {
            let what = if hit.shell {
                "shell command"
            } else {
                "Python code"
            };
            out.push(
                Finding::new(
                    &RULE,
                    loc,
                    format!(
                        "Attribute `{key}` of node `{}` holds {what} (`{}`)",
                        node.name, hit.pattern
                    ),
                )
                .description(format!(
                    "The attribute value contains `{}`: {}",
                    hit.pattern, hit.excerpt
                ))
                .evidence("attribute", key.clone())
                .evidence("pattern", hit.pattern),
            );
            continue;
        }
        let hosts = foreign_hosts(value);
        if let Some(host) = hosts.first() {
            let mut f = Finding::new(
                &RULE,
                loc,
                format!(
                    "Attribute `{key}` of node `{}` links to `{host}`",
                    node.name
                ),
            )
            .severity(Severity::Medium)
            .description(format!(
                "The attribute value links to {}.",
                hosts.join(", ")
            ))
            .evidence("attribute", key.clone())
            .evidence("hosts", hosts.clone());
            f.category = Category::NetworkOperations;
            out.push(f);
        }
    }
}
