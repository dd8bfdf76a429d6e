//! RKN002: a node of the RKNN model uses an op that is not one of rknn-toolkit's own (`VSI_NN_OP_*`, `RKNN_OP_*`): a custom operator the application must supply.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "RKN002",
    name: "rknn-custom-op",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "rknn",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A node of the RKNN model uses an op that is not one of rknn-toolkit's own (`VSI_NN_OP_*`, `RKNN_OP_*`): a custom operator the application must supply.",
    remediation: "Find the custom-op library the application registers for it and review it.",
    docs: r#"## What it does
Reports each distinct node op in the JSON description whose name has neither standard prefix, with its count.

## Why is this bad?
rknn-toolkit2 custom operators run application-registered CPU/GPU kernels (`rknn_register_custom_ops`); the model chooses which registered code runs on inputs it controls.

## Example
`{"op": "cstExec", ...}` in the node list.

## How to fix
Use standard ops, or review the custom-op implementation.

## References
- https://github.com/airockchip/rknn-toolkit2/tree/master/doc
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, op: &str, count: u64, offset: u64) -> Finding {
    Finding::new(
        &RULE,
        location.at(offset),
        format!("RKNN model uses custom op `{op}` ({count} node(s))"),
    )
    .description(format!(
        "{count} node(s) use op `{op}`, which is not an rknn-toolkit op; the runtime needs a custom operator registered for it."
    ))
    .evidence("op", op)
    .evidence("nodes", count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        assert_eq!(
            finding(&Location::file("m.rknn"), "x", 1, 0).severity,
            Severity::Medium
        );
    }
}
