//! PDL003: operator types that Paddle itself does not register.

use sentrascan_formats::paddle::PaddleProgram;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PDL003",
    name: "paddle-unknown-operator",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::UnsafeImports,
    scanner: "paddle",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The program uses operator types that the reference paddlepaddle does not register (custom operators from a compiled extension).",
    remediation: "Find and review the custom operator library the model needs before loading it.",
    docs: r#"## What it does
Compares every operator type with the table of operators registered by
the pinned paddlepaddle release (`known_ops.txt`, generated from
`core.get_all_op_names()`), and lists the others with their use counts.

## Why is this bad?
An unregistered operator comes from a custom operator library
(`paddle.utils.cpp_extension.load`, `paddle.utils.cpp_extension.setup`)
that must be compiled and loaded before the model runs: native code
outside Paddle's review. A newer Paddle release can also add operators,
so this is a LOW signal.

## Example
`op { type: "my_custom_relu" … }`

## How to fix
Check which library implements the operator and where it comes from.

## References
- https://www.paddlepaddle.org.cn/documentation/docs/en/guides/custom_op/new_cpp_op_en.html
"#,
};

pub fn check(view: &PaddleProgram, location: &Location, out: &mut Vec<Finding>) {
    let unknown: Vec<(&String, &u64)> = view
        .op_types
        .iter()
        .filter(|(t, _)| !super::is_known_op(t))
        .collect();
    if unknown.is_empty() {
        return;
    }
    let names: Vec<String> = unknown
        .iter()
        .take(32)
        .map(|(t, n)| format!("{t} ({n})"))
        .collect();
    out.push(
        Finding::new(
            &RULE,
            location.clone(),
            format!("{} operator type(s) unknown to Paddle: {}", unknown.len(), names.join(", ")),
        )
        .description(format!(
            "The program uses operator types that paddlepaddle does not register: {}. They come from a custom operator library.",
            names.join(", ")
        ))
        .evidence("operators", names.join(",")),
    );
}
