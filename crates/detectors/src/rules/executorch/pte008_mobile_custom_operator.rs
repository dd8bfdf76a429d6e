//! PTE008: the lite-interpreter bytecode of a PyTorch Mobile model calls an operator outside the namespaces whose kernels ship with PyTorch (`aten`, `prim`, `quantized`, `_quantized`, `prepacked`).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE008",
    name: "pytorch-mobile-custom-operator",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "pytorch_mobile",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The lite-interpreter bytecode of a PyTorch Mobile model calls an operator outside the namespaces whose kernels ship with PyTorch (`aten`, `prim`, `quantized`, `_quantized`, `prepacked`).",
    remediation: "Find out which library registers the operator and review it before linking it into the app.",
    docs: r#"## What it does
Reads the operator names of every method in `bytecode.pkl` (the `operators` tuples of `_save_for_lite_interpreter`) and reports each distinct one whose namespace is not a standard PyTorch one. The pickle rules run on `bytecode.pkl`, `constants.pkl` and `data.pkl` as well, and the `code/` sources go through the TorchScript code check.

## Why is this bad?
The lite interpreter looks operators up by name in the registry the app linked: a custom namespace needs native code someone else wrote (`TORCH_LIBRARY`), and the model decides which registered code runs on inputs it controls.

## Example
`("operators", (("sentrascan_fixture::run_shell", "", 1),))` in `bytecode.pkl`.

## How to fix
Use standard operators, or review and pin the library that registers the custom one.

## References
- https://pytorch.org/tutorials/advanced/torch_script_custom_ops.html
- https://pytorch.org/mobile/home/
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

/// Namespaces whose kernels ship with PyTorch (and its mobile builds).
pub const STANDARD_NAMESPACES: &[&str] = &["aten", "prim", "quantized", "_quantized", "prepacked"];

/// True for an operator whose namespace ships with PyTorch.
pub fn is_standard(op: &str) -> bool {
    op.split_once("::")
        .is_some_and(|(ns, _)| STANDARD_NAMESPACES.contains(&ns))
}

/// One finding per non-standard operator of a `bytecode.pkl`.
pub fn check(location: &Location, operators: &[String], out: &mut Vec<Finding>) {
    for op in operators.iter().filter(|o| !is_standard(o)) {
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("PyTorch Mobile bytecode calls custom operator `{op}`"),
            )
            .description(format!(
                "`bytecode.pkl` names operator `{op}`, outside the namespaces whose kernels ship with PyTorch; the lite interpreter needs a custom kernel registered under that name."
            ))
            .evidence("operator", op.as_str()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_custom_namespaces() {
        let ops = [
            "aten::add".to_string(),
            "prim::ListConstruct".into(),
            "evil::run".into(),
        ];
        let mut out = Vec::new();
        check(&Location::file("m.ptl"), &ops, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Medium);
    }
}
