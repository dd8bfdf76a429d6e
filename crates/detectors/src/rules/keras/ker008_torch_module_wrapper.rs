//! KER008: a Keras config contains a TorchModuleWrapper with a pickled PyTorch module.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use sentrascan_formats::keras::EmbeddedBlob;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER008",
    name: "keras-torch-module-wrapper",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "keras",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras configuration contains a TorchModuleWrapper whose `module` is a whole PyTorch module saved with torch.save, which Keras restores with torch.load(weights_only=False).",
    remediation: "Do not load the model unless the embedded module's pickle (analysed and reported alongside) is clean and you trust its classes; prefer weights-only formats.",
    docs: r#"## What it does
Reports every `TorchModuleWrapper` and decodes its `module` payload
(base64 of a `torch.save` archive); the engine analyses the payload like any
PyTorch file, so dangerous pickle globals inside it are reported too
(`PKL…` findings under `<TorchModuleWrapper …>`).

## Why is this bad?
Keras rebuilds the wrapper with `torch.load(..., weights_only=False)`: an
unrestricted unpickler that imports and calls whatever the pickle names
(CVE-2025-49655). A model config is therefore a carrier for an arbitrary
pickle.

## Example
`{"class_name": "TorchModuleWrapper", "config": {"module": "UEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAQABIAYXJjaGl2ZS9kYXRhLnBrbEZC…"}}`

## How to fix
Save the torch weights as SafeTensors and rebuild the module in reviewed
code.

## References
- CVE-2025-49655
- https://pytorch.org/docs/stable/generated/torch.load.html
"#,
};

pub(crate) fn finding(location: &Location, b: &EmbeddedBlob) -> Finding {
    let label = b.layer_name.as_deref().unwrap_or(&b.path);
    let (size, detail) = match &b.data {
        Ok(d) => (
            d.len(),
            format!("{} bytes of pickled PyTorch module", d.len()),
        ),
        Err(e) => (0, format!("a payload that could not be decoded ({e})")),
    };
    Finding::new(
        &RULE,
        location.clone(),
        format!("TorchModuleWrapper `{label}` embeds a pickled PyTorch module"),
    )
    .description(format!(
        "TorchModuleWrapper `{label}` at `{}` carries {detail}, which Keras restores with torch.load(weights_only=False) when the model is rebuilt.",
        b.path
    ))
    .evidence("layer", label)
    .evidence("config_path", b.path.as_str())
    .evidence("payload_bytes", size)
}
