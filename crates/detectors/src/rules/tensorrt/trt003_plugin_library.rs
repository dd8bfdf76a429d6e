//! TRT003: the engine names a shared library (`lib*.so`, `*.dll`, `*.dylib`), the way version-compatible engines record plugin libraries to load.

use sentrascan_formats::tensorrt::EngineString;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TRT003",
    name: "tensorrt-plugin-library",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ArbitraryCodeExecution,
    scanner: "tensorrt",
    cwe: Some("CWE-427"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The engine names a shared library (`lib*.so`, `*.dll`, `*.dylib`), the way version-compatible engines record plugin libraries to load.",
    remediation: "Check which library the engine asks for and where it is loaded from; do not allow engine host code from untrusted engines.",
    docs: r#"## What it does
Reports each shared-library name or path found in the engine's strings. A
string match, not proof that TensorRT will load it, hence MEDIUM (an
embedded library itself is TRT006, HIGH).

## Why is this bad?
Version-compatible and lean-runtime engines can record (and embed) plugin libraries that the runtime loads with `dlopen`/`LoadLibrary` when host code is allowed; a library name in an engine is native code the engine asks to run.

## Example
`/opt/plugins/libevil_plugin.so` inside the engine.

## How to fix
Rebuild the engine without serialized plugin libraries, or disable engine host code (`setEngineHostCodeAllowed(false)`).

## References
- https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/advanced.html#version-compatibility
- CWE-427: Uncontrolled Search Path Element
"#,
};

pub fn finding(location: &Location, s: &EngineString) -> Finding {
    Finding::new(
        &RULE,
        location.at(s.offset),
        format!("TensorRT engine names shared library `{}`", s.text),
    )
    .description(format!(
        "The engine contains the library name `{}`; a runtime that allows engine host code loads such libraries.",
        s.text
    ))
    .evidence("library", s.text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let s = EngineString {
            text: "libx.so".into(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.engine"), &s).severity,
            Severity::Medium
        );
    }
}
