//! CML004: a neural-network layer is a `custom` layer: Core ML runs an application class (by name) for it.

use sentrascan_formats::coreml::CustomClass;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML004",
    name: "coreml-custom-layer",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "coreml",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A neural-network layer is a `custom` layer: Core ML runs an application class (by name) for it.",
    remediation: "Review the class that implements the layer; prefer models with standard layers only.",
    docs: r#"## What it does
Reports each neural-network layer with `custom` parameters (in any network, branch or loop body, at any pipeline depth) with its `className`.

## Why is this bad?
The layer's computation is whatever class the app links under that name (`MLCustomLayer`); the model decides which class and with which parameters it is called.

## Example
A layer `custom { className: "MyGeLU" }`.

## How to fix
Convert the layer to standard Core ML ops, or review and pin the class that implements it.

## References
- https://apple.github.io/coremltools/mlmodel/Format/NeuralNetwork.html#customlayerparams
- https://developer.apple.com/documentation/coreml/mlcustomlayer
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, c: &CustomClass) -> Finding {
    Finding::new(
        &RULE,
        location.at(c.offset),
        format!("Core ML layer `{}` is a custom layer implemented by class `{}`", c.path, c.class_name),
    )
    .description(format!(
        "Layer `{}` has `custom` parameters with `className` `{}`: Core ML runs that application class for it.",
        c.path, c.class_name
    ))
    .evidence("class_name", c.class_name.clone())
    .evidence("path", c.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let c = CustomClass {
            path: "l".into(),
            class_name: "X".into(),
            description: String::new(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.mlmodel"), &c).severity,
            Severity::Medium
        );
    }
}
