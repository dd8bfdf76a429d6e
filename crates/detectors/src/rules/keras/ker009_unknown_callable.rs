//! KER009: a Keras config names a function Keras does not build in.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Named;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER009",
    name: "keras-unknown-callable",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::UnsafeImports,
    scanner: "keras",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras configuration names a function (activation, loss, metric, initializer, regularizer, constraint, optimizer or Lambda function) that is not a Keras built-in: LOW for a bare name, MEDIUM when it names a module outside Keras and TensorFlow.",
    remediation: "Provide the function from reviewed code (`custom_objects=`); do not import a module because the model names it.",
    docs: r#"## What it does
Checks every string in a callable slot (`activation`, `loss`, `metrics`,
`*_initializer`, `*_regularizer`, `*_constraint`, `optimizer`, `fn`), every
Lambda function given by name and every Keras 3 function object against
the built-in identifiers of Keras 3 and tf.keras (`relu`, `mse`, `acc`,
`glorot_uniform`…). Names that are neither built in nor dangerous (see
KER004/KER005) are listed: LOW for a bare name, which loads only if the
loader supplies it, MEDIUM for a function in a named module Keras would
import (`{"module": "my_utils", "class_name": "function", "config": "f"}`).

## Why is this bad?
The function's code is not in the model; whoever loads the model runs
code from elsewhere under that name.

## Example
`"loss": "focal_loss_fixed"` (LOW); a function object in module `helpers` (MEDIUM).

## How to fix
Review the code the name refers to and pass it explicitly.

## References
- https://keras.io/guides/serialization_and_saving/#custom-objects
"#,
};

pub(crate) fn finding(location: &Location, n: &Named<'_>, has_module: bool) -> Finding {
    let severity = if has_module {
        Severity::Medium
    } else {
        Severity::Low
    };
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!("Keras config names non-built-in function `{}`", n.qualified),
    )
    .severity(severity)
    .description(format!(
        "{} names `{}`, which is not a Keras built-in; its code comes from outside the model file.",
        n.describe(),
        n.qualified
    ));
    n.attach(f)
}
