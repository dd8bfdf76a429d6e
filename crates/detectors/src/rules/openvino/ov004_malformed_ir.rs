//! OV004: the IR's structure is not what OpenVINO writes.

use sentrascan_formats::openvino::OpenVinoView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OV004",
    name: "openvino-malformed-ir",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "openvino",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The `<net>` has no layers, or a `Const` layer's `offset`/`size` are missing or not numbers.",
    remediation: "Re-export the model with OpenVINO's own serializer.",
    docs: r#"## What it does
Reports an IR root with no `<layer>` at all, a missing IR `version`, and
`Const` layers whose `offset` or `size` are missing or not decimal
integers (the weights they read cannot be located, so they were not
checked).

## Why is this bad?
OpenVINO's serializer never writes these; a hand-made IR is either broken
or shaped to make readers disagree about which bytes are weights.

## Example
`<layer type="Const" version="opset1"><data offset="-8" size="4"/></layer>`

## How to fix
Obtain the model from its source or re-export it.

## References
- https://docs.openvino.ai/2024/documentation/openvino-ir-format.html
"#,
};

pub fn check(view: &OpenVinoView, location: &Location, out: &mut Vec<Finding>) {
    if view.layers.is_empty() {
        out.push(
            Finding::new(&RULE, location.clone(), "OpenVINO IR `<net>` has no layers").description(
                "The `<net>` root has no `<layers>/<layer>` elements: there is no model to load.",
            ),
        );
    }
    if view.ir_version.trim().parse::<u32>().is_err() {
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("OpenVINO IR version `{}` is not a number", view.ir_version),
            )
            .description("The `<net version=…>` attribute is missing or not a number.")
            .evidence("ir_version", view.ir_version.clone()),
        );
    }
    for c in view
        .consts
        .iter()
        .filter(|c| c.offset.is_none() || c.size.is_none())
        .take(16)
    {
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!(
                    "Const `{}` has an unreadable weights range ({})",
                    c.layer, c.raw
                ),
            )
            .description(format!(
                "Layer `{}` declares {}; the bytes it reads cannot be located.",
                c.layer, c.raw
            ))
            .evidence("layer", c.layer.clone())
            .evidence("range", c.raw.clone()),
        );
    }
}
