//! KER007: a Keras config contains a TFSMLayer, which loads a SavedModel from a path.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use sentrascan_formats::keras::KerasObject;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER007",
    name: "keras-tfsm-layer",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "keras",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras configuration contains a TFSMLayer, which loads a TensorFlow SavedModel (a graph that can read and write files) from a path the configuration chooses.",
    remediation: "Do not load the model unless the SavedModel it references is one you trust and have scanned; upgrade Keras to 3.13.2 or later.",
    docs: r#"## What it does
Reports every `TFSMLayer` object with the `filepath` it loads.

## Why is this bad?
A TFSMLayer wraps a SavedModel loaded from disk when the layer is rebuilt.
Keras before 3.13.2 did so even with `safe_mode=True` (CVE-2026-1462), so a
`.keras` file can make the loader run an attacker-chosen SavedModel graph,
whose ops can read and write files, outside the model archive.

## Example
`{"class_name": "TFSMLayer", "config": {"filepath": "/tmp/dropped_savedmodel", "call_endpoint": "serve"}}`

## How to fix
Ship the SavedModel itself and scan it; do not load `.keras` files that
reference SavedModels by path.

## References
- CVE-2026-1462
- https://keras.io/api/layers/backend_specific_layers/tfsm_layer/
"#,
};

pub(crate) fn finding(location: &Location, o: &KerasObject) -> Finding {
    let path = o.filepath.as_deref().unwrap_or("(no filepath)");
    Finding::new(
        &RULE,
        location.clone(),
        format!("TFSMLayer `{}` loads a SavedModel from `{path}`", o.label()),
    )
    .description(format!(
        "TFSMLayer `{}` at `{}` loads the TensorFlow SavedModel at `{path}` when the model is rebuilt.",
        o.label(),
        o.path
    ))
    .evidence("layer", o.label())
    .evidence("filepath", path)
    .evidence("config_path", o.path.as_str())
}
