//! KER006: a Keras config needs a class from outside Keras and TensorFlow.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use sentrascan_formats::keras::KerasObject;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER006",
    name: "keras-custom-object",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "keras",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras configuration object has a `module`, `class_name` or `registered_name` outside the Keras and TensorFlow namespaces (a custom layer, loss, metric or other object).",
    remediation: "Load the model only with custom objects you have reviewed (`custom_objects=` or your own registered classes), never by installing or importing a package the model names.",
    docs: r#"## What it does
Lists objects whose `module` is not under `keras`, `tf_keras`,
`tensorflow` (or the official `keras_hub`, `keras_nlp`, `keras_cv`,
`keras_rs`), whose `registered_name` is a `package>Name` of another
package, or — in Keras 2 configs, which carry no module — whose
`class_name` is not one Keras or tf.keras defines.

## Why is this bad?
Keras can only rebuild these objects with code from outside the model:
a package it imports by name (Keras before 3.9 imported whatever module a
config named, CVE-2025-1550) or classes the loader passes in. That code
runs on load; the model file cannot show what it does.

## Example
`{"module": "my_package.layers", "class_name": "MyLayer", "registered_name": "MyPackage>MyLayer"}`

## How to fix
Review the custom code the model needs and pass it explicitly; do not
install packages because a model names them.

## References
- CVE-2025-1550
- https://keras.io/guides/serialization_and_saving/#custom-objects
"#,
};

pub(crate) fn finding(location: &Location, o: &KerasObject, why: &str) -> Finding {
    let mut f = Finding::new(
        &RULE,
        location.clone(),
        format!("Keras config needs custom object `{}`", o.class_name),
    )
    .description(format!(
        "Object `{}` at `{}` (class `{}`{}{}) {why}; Keras needs code from outside the model file to rebuild it.",
        o.label(),
        o.path,
        o.class_name,
        o.module
            .as_deref()
            .map(|m| format!(", module `{m}`"))
            .unwrap_or_default(),
        o.registered_name
            .as_deref()
            .map(|m| format!(", registered as `{m}`"))
            .unwrap_or_default(),
    ))
    .evidence("class_name", o.class_name.as_str())
    .evidence("config_path", o.path.as_str());
    if let Some(m) = &o.module {
        f = f.evidence("module", m.as_str());
    }
    if let Some(r) = &o.registered_name {
        f = f.evidence("registered_name", r.as_str());
    }
    f
}
