//! OV001: layers from an extension rather than an OpenVINO operation set.

use std::collections::BTreeMap;

use sentrascan_formats::openvino::{OpenVinoView, is_builtin_opset};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OV001",
    name: "openvino-custom-layer",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "openvino",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The IR uses layers whose `version` is not an OpenVINO operation set: they run code from an extension library.",
    remediation: "Load the model only with extension libraries you have reviewed; prefer a model built from standard operations.",
    docs: r#"## What it does
Reports `<layer>` elements (in the graph and in sub-graph bodies) whose
`version` is not `opsetN` or one of OpenVINO's internal sets
(`experimental`, `internal`, `ie_internal_opset`, `type_relaxed_opset`),
grouped by type and version.

## Why is this bad?
A layer outside the operation sets is implemented by an extension: the
runtime can only load the model after `core.add_extension("lib…so")`, so
the model ships with (or asks the user to fetch) native code that runs
with the application's privileges. Its behaviour is not OpenVINO's.

## Example
`<layer id="2" name="c" type="MyOp" version="extension">`

## How to fix
Review the extension library named by the model's documentation, or
re-export the model with standard operations.

## References
- https://docs.openvino.ai/2024/documentation/openvino-extensibility.html
- https://docs.openvino.ai/2024/documentation/openvino-ir-format/operation-sets.html
"#,
};

pub fn check(view: &OpenVinoView, location: &Location, out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<(&str, &str), (u64, u64, &str)> = BTreeMap::new();
    for l in view.layers.iter().filter(|l| !is_builtin_opset(&l.version)) {
        let g = groups
            .entry((l.kind.as_str(), l.version.as_str()))
            .or_insert((0, l.offset, l.name.as_str()));
        g.0 = g.0.saturating_add(1);
    }
    for ((kind, version), (count, offset, first)) in groups {
        let shown = if version.is_empty() {
            "(none)"
        } else {
            version
        };
        out.push(
            Finding::new(
                &RULE,
                location.at(offset),
                format!("Custom layer `{kind}` from `{shown}` ({count} layer(s))"),
            )
            .description(format!(
                "{count} layer(s) of type `{kind}` declare version `{shown}`, which is not an OpenVINO operation set; loading the model needs the extension that implements them. The first is `{first}`."
            ))
            .evidence("type", kind)
            .evidence("version", version)
            .evidence("layers", count)
            .evidence("first_layer", first),
        );
    }
}
