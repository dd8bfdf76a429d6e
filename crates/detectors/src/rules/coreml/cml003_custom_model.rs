//! CML003: the model is (or contains) a `customModel`: Core ML instantiates an application class by name and hands it the model parameters.

use sentrascan_formats::coreml::CustomClass;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML003",
    name: "coreml-custom-model",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "coreml",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model is (or contains) a `customModel`: Core ML instantiates an application class by name and hands it the model parameters.",
    remediation: "Find the class the model names and review it; load the model only in an app whose custom classes you trust.",
    docs: r#"## What it does
Reports each `customModel` in the model tree (top level or inside a pipeline) with its `className` and description.

## Why is this bad?
A custom model has no network at all: Core ML looks up `className` with the Objective-C runtime and runs that class's code on every prediction. The model file chooses which class runs, so a model can select any class linked into the app that conforms to `MLCustomModel`.

## Example
`customModel { className: "EvilHelper" }`.

## How to fix
Replace the custom model by a standard model type, or pin the model to an app whose custom classes you have reviewed.

## References
- https://apple.github.io/coremltools/mlmodel/Format/CustomModel.html
- https://developer.apple.com/documentation/coreml/mlcustommodel
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, c: &CustomClass) -> Finding {
    Finding::new(
        &RULE,
        location.at(c.offset),
        format!("Core ML custom model `{}` runs application class `{}` on load", c.path, c.class_name),
    )
    .description(format!(
        "`{}` is a `customModel` whose `className` is `{}`{}: Core ML instantiates that class and runs its code for every prediction.",
        c.path,
        c.class_name,
        if c.description.is_empty() { String::new() } else { format!(" (\"{}\")", c.description) }
    ))
    .evidence("class_name", c.class_name.clone())
    .evidence("path", c.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high() {
        let c = CustomClass {
            path: "model".into(),
            class_name: "X".into(),
            description: String::new(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.mlmodel"), &c).severity,
            Severity::High
        );
    }
}
