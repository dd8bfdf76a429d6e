//! MXN002: operators MXNet does not register.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MXN002",
    name: "mxnet-unknown-op",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "mxnet",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The graph uses operators MXNet does not register: they need an operator library (native code) loaded first.",
    remediation: "Find out which library provides the operators and review it before loading it.",
    docs: r#"## What it does
Reports the operator names of the graph that are neither MXNet 1.x
operators nor members of its generated families (`_contrib_*`, `_np_*`,
`_random_*`, `broadcast_*`…).

## Why is this bad?
`Symbol.load` fails on an unregistered operator, so such a model comes
with instructions to `mx.library.load` a shared library that registers
it: native code of the author's choosing.

## Example
`{"op": "VendorFastConv", …}`.

## How to fix
Review the operator library; prefer models exported with built-in ops.

## References
- https://mxnet.apache.org/versions/1.9.1/api/faq/add_op_in_backend
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, ops: &[&str]) -> Finding {
    let listed = ops
        .iter()
        .take(16)
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Finding::new(
        &RULE,
        location.clone(),
        format!(
            "{} operator(s) unknown to MXNet need an operator library: {listed}",
            ops.len()
        ),
    )
    .description(format!(
        "The graph uses operators MXNet does not register: {listed}."
    ))
    .evidence(
        "ops",
        ops.iter()
            .take(64)
            .map(|o| o.to_string())
            .collect::<Vec<_>>(),
    )
}
