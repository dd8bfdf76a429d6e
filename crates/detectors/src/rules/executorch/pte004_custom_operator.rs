//! PTE004: an execution plan calls an operator outside the namespaces whose kernels ship with ExecuTorch (`aten`, `prim`, `executorch_prim`, `quantized_decomposed`, `dim_order_ops`).

use sentrascan_formats::executorch::Operator;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE004",
    name: "executorch-custom-operator",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "executorch",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An execution plan calls an operator outside the namespaces whose kernels ship with ExecuTorch (`aten`, `prim`, `executorch_prim`, `quantized_decomposed`, `dim_order_ops`).",
    remediation: "Find out which kernel library registers the operator and review it before linking it into the runtime.",
    docs: r#"## What it does
Reports each distinct operator (`name.overload`) of every execution plan whose namespace is not one of ExecuTorch's standard kernel namespaces.

## Why is this bad?
ExecuTorch resolves operators by name in the kernel registry the application linked. A custom namespace needs a native kernel someone else wrote; a name chosen to collide with a "helper" library makes the program run that library's code on inputs the model controls.

## Example
`Operator { name: "evil_ns::run", overload: "out" }`.

## How to fix
Use standard ATen ops, or review and pin the kernel library that provides the operator.

## References
- https://pytorch.org/executorch/stable/kernel-library-custom-aten-kernel.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, op: &Operator) -> Finding {
    let name = op.qualified();
    Finding::new(
        &RULE,
        location.at(op.offset),
        format!("ExecuTorch plan `{}` calls custom operator `{name}`", op.plan),
    )
    .description(format!(
        "Operator `{name}` (namespace `{}`) is not in a namespace whose kernels ship with ExecuTorch; the runtime needs a custom kernel registered under that name.",
        op.namespace()
    ))
    .evidence("operator", name)
    .evidence("plan", op.plan.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let op = Operator {
            plan: "forward".into(),
            name: "x::y".into(),
            overload: String::new(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.pte"), &op).severity,
            Severity::Medium
        );
    }
}
