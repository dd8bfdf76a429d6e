//! TRT004: the engine contains an absolute file-system path.

use sentrascan_formats::tensorrt::EngineString;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TRT004",
    name: "tensorrt-absolute-path",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::FileSystemAccess,
    scanner: "tensorrt",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The engine contains an absolute file-system path.",
    remediation: "Find out what reads the path (a plugin, a calibration cache) and whether it should be there.",
    docs: r#"## What it does
Reports absolute paths (`/…/…`, `C:\\…`, `\\\\host\\share`, `~/…`) among the engine's strings that are not library names (those are TRT003).

## Why is this bad?
TensorRT itself stores no paths; a path in an engine is plugin data that some native code will open, or build-machine leakage.

## Example
`/etc/secret/conf` in a plugin's serialized data.

## How to fix
Rebuild the engine without the path.

## References
- https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/extending-custom-layers.html
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
"#,
};

pub fn finding(location: &Location, s: &EngineString) -> Finding {
    Finding::new(
        &RULE,
        location.at(s.offset),
        format!("TensorRT engine contains absolute path `{}`", s.text),
    )
    .description(format!(
        "The engine contains the absolute path `{}`.",
        s.text
    ))
    .evidence("path", s.text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let s = EngineString {
            text: "/etc/x/y".into(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.engine"), &s).severity,
            Severity::Medium
        );
    }
}
