//! KER003: a Lambda layer carries Python bytecode (reviewed names only, or unknown names).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::LambdaEvidence;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER003",
    name: "keras-lambda-code",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::ArbitraryCodeExecution,
    scanner: "keras",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras Lambda layer carries Python bytecode: LOW when it only uses reviewed backend math and activations, MEDIUM when it uses names outside that list.",
    remediation: "Review the names listed in the finding; prefer built-in layers or a reviewed, registered custom layer over a Lambda.",
    docs: r#"## What it does
Every decoded Lambda whose bytecode uses nothing dangerous (see KER001) is
reported with the names it uses. When all of them are on the reviewed
safe list (backend and NumPy math such as `tf.reduce_mean`, `K.expand_dims`,
`keras.ops.*`, activations such as `relu`, shape handling and harmless
builtins such as `len`), the finding is LOW; any other name (a helper
function, `print`, an unknown module) makes it MEDIUM.

## Why is this bad?
A Lambda is code that runs on load. Built-in math is expected; a name the
list does not know may be a helper that does anything, so it deserves a
look before the model is trusted.

## Example
`Lambda(lambda x: x * 2)` is LOW; `Lambda(lambda x: helper(x))` is MEDIUM.

## How to fix
Check the listed names; replace the Lambda with built-in layers where
possible.

## References
- https://keras.io/api/layers/core_layers/lambda/
"#,
};

pub(crate) fn finding(location: &Location, e: &LambdaEvidence<'_>) -> Finding {
    let (severity, what) = if e.unknown.is_empty() {
        (
            Severity::Low,
            "only reviewed backend math and builtins".to_string(),
        )
    } else {
        let names: Vec<String> = e.unknown.iter().map(|n| format!("`{n}`")).collect();
        (
            Severity::Medium,
            format!("names outside the reviewed list: {}", names.join(", ")),
        )
    };
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!("{} `{}` carries Python bytecode", e.lambda.layer_class, e.layer_label()),
    )
    .severity(severity)
    .description(format!(
        "Keras unmarshals and calls the Python bytecode of {} when the model is loaded; it uses {what}.{}",
        e.describe(),
        e.strings_sentence()
    ))
    .evidence("unknown_names", e.unknown.clone());
    e.attach(f)
}
