//! MXN001: a `Custom` operator (a Python `CustomOp` the loader registers).

use sentrascan_formats::mxnet::MxNode;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MXN001",
    name: "mxnet-custom-op",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::UnsafeImports,
    scanner: "mxnet",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The graph uses a `Custom` operator: MXNet runs the Python `CustomOp` registered under its `op_type` for every forward pass.",
    remediation: "Find and review the Python code that registers the `op_type` before running the model.",
    docs: r#"## What it does
Reports each node whose `op` is `Custom`, with its `op_type` attribute.

## Why is this bad?
`Custom` is MXNet's bridge to Python: `mx.operator.register(op_type)`
binds a Python class whose `forward` and `backward` run arbitrary code.
The graph says which registered class runs; whoever ships the model
usually ships (or asks you to import) that registration code too.

## Example
`{"op": "Custom", "name": "proposal", "attrs": {"op_type": "proposal"}}`.

## How to fix
Review the module that registers the custom op; replace it with built-in
operators where possible.

## References
- https://mxnet.apache.org/versions/1.9.1/api/faq/new_op
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, node: &MxNode) -> Finding {
    let op_type = node.attr("op_type").unwrap_or("?");
    Finding::new(
        &RULE,
        location.member(format!("<nodes[{}]>", node.index)),
        format!("Custom operator `{op_type}` runs registered Python code"),
    )
    .description(format!(
        "Node {} (`{}`) is a `Custom` op of type `{op_type}`: MXNet calls the Python CustomOp registered under that name.",
        node.index, node.name
    ))
    .evidence("node", node.name.clone())
    .evidence("op_type", op_type)
}
