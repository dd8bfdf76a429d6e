//! TFL003: a Flex op runs a TensorFlow kernel that reaches outside the model.

use sentrascan_formats::tflite::{FlexOperator, OperatorCode};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::op_lists::OpRisk;

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL003",
    name: "tflite-dangerous-flex-op",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "tflite",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model uses a Flex op (a TensorFlow kernel run by the Flex delegate) that reads or writes files, runs Python or loads native code.",
    remediation: "Do not run the model with the Flex delegate linked in (the plain TFLite runtime refuses Flex ops); find out why a TensorFlow op with file or code access was converted into it.",
    docs: r#"## What it does
Looks at every operator code whose custom name starts with `Flex`: the
Flex delegate runs the TensorFlow op named after the prefix
(`FlexReadFile` runs `ReadFile`). The op is classified with the
TensorFlow rules' op table: ops that run Python (`PyFunc`, `EagerPyFunc`,
…) or load native code (`LoadLibrary`) are CRITICAL; ops that read or
write files (`ReadFile`, `WriteFile`, `MatchingFiles`, record readers and
datasets, `ImmutableConst`, …), checkpoint ops (`Save`/`Restore`
variants, `MergeV2Checkpoints`: a TFLite model has no checkpoint) and
network ops (`Rpc*`, data service) are HIGH; `Abort` is MEDIUM. The delegate
actually runs the op of the serialized `NodeDef` in the operator's custom
options, so those are read too: an operator coded `FlexAddV2` whose
NodeDef says `ReadFile` is reported as `ReadFile`.

## Why is this bad?
A TFLite model is expected to compute on its inputs. With the Flex
delegate (the `tensorflow-lite-select-tf-ops` runtime, or full
TensorFlow's `tf.lite.Interpreter`), a Flex op has the powers it has in
TensorFlow: `ReadFile` reads any path the process can, `WriteFile` writes
one, `EagerPyFunc` calls back into Python.

## Example
An operator code `{builtin_code: CUSTOM, custom_code: "FlexWriteFile"}`
used by an operator whose inputs are the constant strings
`/home/user/.bashrc` and a payload.

## How to fix
Convert without `SELECT_TF_OPS`, or rewrite the model without the op; never
load such a model with the Flex delegate.

## References
- https://www.tensorflow.org/lite/guide/ops_select
- https://github.com/tensorflow/tensorflow/tree/master/tensorflow/lite/delegates/flex
- CWE-73: External Control of File Name or Path
"#,
};

/// An operator code `Flex<op>` whose op is on the list.
pub fn from_code(location: &Location, code: &OperatorCode, tf_op: &str, risk: OpRisk) -> Finding {
    let name = code.name();
    Finding::new(
        &RULE,
        location.at(code.offset),
        format!("Flex op `{name}` {}", risk.what),
    )
    .severity(risk.severity)
    .category(risk.category)
    .description(format!(
        "Operator code `{name}` runs TensorFlow's `{tf_op}` through the Flex delegate ({} operator(s) use it); `{tf_op}` {}.",
        code.uses, risk.what
    ))
    .evidence("custom_code", name)
    .evidence("tf_op", tf_op)
    .evidence("uses", code.uses)
}

/// A Flex operator whose custom options name a listed op the code does not.
pub fn from_options(
    location: &Location,
    op: &FlexOperator,
    declared: &str,
    tf_op: &str,
    risk: OpRisk,
) -> Finding {
    Finding::new(
        &RULE,
        location.at(op.offset),
        format!("Flex operator `{}` runs `{tf_op}` under the name `{declared}`", op.path),
    )
    .severity(risk.severity)
    .category(risk.category)
    .description(format!(
        "Operator {} is coded `{declared}`, but its custom options (the NodeDef the Flex delegate runs) name `{tf_op}`, which {}.",
        op.path, risk.what
    ))
    .evidence("custom_code", declared)
    .evidence("tf_op", tf_op)
    .evidence("operator", op.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tflite::op_lists::tf_op_risk;

    #[test]
    fn graded_by_the_op() {
        let code = OperatorCode {
            builtin: 32,
            custom: Some("FlexEagerPyFunc".into()),
            version: 1,
            uses: 2,
            offset: 0x40,
        };
        let f = from_code(
            &Location::file("m.tflite"),
            &code,
            "EagerPyFunc",
            tf_op_risk("EagerPyFunc").unwrap(),
        );
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.title, "Flex op `FlexEagerPyFunc` runs a Python function");
    }
}
