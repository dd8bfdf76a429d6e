//! TFL004: the model needs the Flex delegate (TensorFlow kernels).

use sentrascan_formats::tflite::OperatorCode;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL004",
    name: "tflite-flex-op",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::UnsafeImports,
    scanner: "tflite",
    cwe: None,
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model uses a Flex op that is not on the dangerous list; it needs the Flex delegate (TensorFlow kernels) to run.",
    remediation: "Nothing to fix if the op is expected; know that loading the model links TensorFlow's kernels into the runtime.",
    docs: r#"## What it does
Reports each operator code whose custom name starts with `Flex` and whose
TensorFlow op is not one that `TFL003` grades (ordinary math such as
`FlexErf`, `FlexAddV2`).

## Why is this bad?
It is not, by itself. It tells that the model only runs with the Flex
delegate, which brings TensorFlow's kernels (and their attack surface)
into the application; an inventory should know.

## Example
`custom_code: "FlexErf"`.

## How to fix
Nothing, or convert with builtin ops only (`TFLITE_BUILTINS`).

## References
- https://www.tensorflow.org/lite/guide/ops_select
"#,
};

pub fn finding(location: &Location, code: &OperatorCode, tf_op: &str) -> Finding {
    let name = code.name();
    Finding::new(
        &RULE,
        location.at(code.offset),
        format!("Model needs the Flex delegate for `{name}`"),
    )
    .description(format!(
        "Operator code `{name}` runs TensorFlow's `{tf_op}` through the Flex delegate ({} operator(s) use it).",
        code.uses
    ))
    .evidence("custom_code", name)
    .evidence("tf_op", tf_op)
    .evidence("uses", code.uses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low() {
        let code = OperatorCode {
            builtin: 32,
            custom: Some("FlexErf".into()),
            version: 1,
            uses: 1,
            offset: 0,
        };
        let f = finding(&Location::file("m.tflite"), &code, "Erf");
        assert_eq!(f.severity, Severity::Low);
    }
}
