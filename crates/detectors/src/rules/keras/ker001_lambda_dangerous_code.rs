//! KER001: a Lambda layer's Python bytecode references dangerous names.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::LambdaEvidence;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER001",
    name: "keras-lambda-dangerous-code",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "keras",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras Lambda layer carries Python bytecode that uses modules or functions that run commands or code, touch files or the network, or load other models.",
    remediation: "Do not load this model. Rebuild it without Lambda layers (use built-in layers or a registered custom layer whose code you review), or obtain it from a trusted source.",
    docs: r#"## What it does
Decodes the marshalled Python bytecode of every Lambda layer (Keras 2
`function: [code, defaults, closure]`, Keras 3 `{"class_name": "__lambda__"}`,
also `output_shape` and `mask` functions) without running it, and checks
the names it uses (`co_names` of the function and every nested function:
globals, attributes, imported modules) and its string constants against the
reviewed dangerous lists (`os`, `subprocess`, `builtins`, `eval`, `exec`,
`__import__`, `open`, `socket`, interpreter internals such as
`__globals__`…) and the Keras/TensorFlow gadgets (`get_file`,
`load_model`, `enable_unsafe_deserialization`, `py_function`…).
Command and code execution is CRITICAL; file and network access HIGH.

## Why is this bad?
Keras rebuilds a Lambda layer by unmarshalling its bytecode into a
function and calls it while building the model, so the code runs on
`load_model`. tf-keras and Keras 2 do this without any `safe_mode`, and
Keras 3 before 3.11.3 ignored `safe_mode` for `.h5` files (CVE-2025-9905;
also CVE-2024-3660).

## Example
`keras.layers.Lambda(lambda x: __import__("os").system("curl … | sh") or x)`
saved to `model.h5`.

## How to fix
Do not load the model. Replace Lambda layers with built-in layers or
reviewed custom layers registered in your own code.

## References
- CVE-2024-3660, CVE-2025-9905
- https://keras.io/api/layers/core_layers/lambda/
- CWE-94: Improper Control of Generation of Code
"#,
};

pub(crate) fn finding(location: &Location, e: &LambdaEvidence<'_>) -> Finding {
    let worst = e
        .dangerous
        .iter()
        .map(|d| d.severity)
        .max()
        .unwrap_or(Severity::Critical);
    let category = e
        .dangerous
        .iter()
        .find(|d| d.severity == worst)
        .map(|d| d.category)
        .unwrap_or(Category::ArbitraryCodeExecution);
    let names: Vec<String> = e
        .dangerous
        .iter()
        .map(|d| format!("`{}`", d.name))
        .collect();
    let effects: Vec<String> = e
        .dangerous
        .iter()
        .map(|d| format!("`{}` ({})", d.name, d.effect))
        .collect();
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!(
            "{} `{}` bytecode uses {}",
            e.lambda.layer_class,
            e.layer_label(),
            names.join(", ")
        ),
    )
    .severity(worst)
    .category(category)
    .description(format!(
        "Keras unmarshals and calls the Python bytecode of {} when the model is loaded; it uses {}.{}",
        e.describe(),
        effects.join(", "),
        e.strings_sentence()
    ))
    .evidence(
        "dangerous_names",
        e.dangerous
            .iter()
            .map(|d| d.name.clone())
            .collect::<Vec<_>>(),
    );
    e.attach(f)
}
