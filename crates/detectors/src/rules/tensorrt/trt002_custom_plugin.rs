//! TRT002: the engine names a plugin creator that is not one of TensorRT's own (`*_TRT`): deserialising it runs a third-party native plugin.

use sentrascan_formats::tensorrt::EngineString;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TRT002",
    name: "tensorrt-custom-plugin",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "tensorrt",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The engine names a plugin creator that is not one of TensorRT's own (`*_TRT`): deserialising it runs a third-party native plugin.",
    remediation: "Find the plugin library that registers this creator and review it before loading the engine.",
    docs: r#"## What it does
Finds plugin creator names in the engine's strings (TensorRT stores each plugin layer's creator name, version and namespace next to its serialized data) and reports those that are not TensorRT's own `*_TRT` plugins.

## Why is this bad?
On deserialisation TensorRT asks the plugin registry for the named creator and calls its `deserializePlugin` with the stored bytes: the engine makes the process run (and feed attacker-chosen bytes to) whatever native library registered that name.

## Example
A string `MyCustomPlugin` next to a plugin layer.

## How to fix
Rebuild the engine without custom plugins, or pin and review the plugin library.

## References
- https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/extending-custom-layers.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, s: &EngineString) -> Finding {
    Finding::new(
        &RULE,
        location.at(s.offset),
        format!("TensorRT engine uses custom plugin `{}`", s.text),
    )
    .description(format!(
        "The engine names plugin creator `{}`, which is not one of TensorRT's own plugins; loading the engine runs the native library that registers it.",
        s.text
    ))
    .evidence("plugin", s.text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let s = EngineString {
            text: "MyPlugin".into(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.engine"), &s).severity,
            Severity::Medium
        );
    }
}
