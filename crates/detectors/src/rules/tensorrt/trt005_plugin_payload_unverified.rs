//! TRT005: the engine has plugin layers whose serialized data only the plugin's native code reads; this scan cannot verify it.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TRT005",
    name: "tensorrt-plugin-payload-unverified",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::ScanCoverage,
    scanner: "tensorrt",
    cwe: Some("CWE-345"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The engine has plugin layers whose serialized data only the plugin's native code reads; this scan cannot verify it.",
    remediation: "Trust the engine only as far as its builder and its plugin libraries.",
    docs: r#"## What it does
Reported once per engine that names any plugin creator (TensorRT's own or custom), with the names. The rest of the engine (kernels, weights) is also opaque: TensorRT's serialization format is undocumented and version-specific.

## Why is this bad?
Plugin `deserializePlugin` implementations parse their bytes natively; a crafted payload targets that parser. The scan cannot say the payload is benign, so it says it did not check it.

## Example
An engine with `GridAnchor_TRT` and `NMS_TRT` layers.

## How to fix
Nothing to fix for engines you built; rebuild untrusted engines from their ONNX source.

## References
- https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/extending-custom-layers.html
- CWE-345: Insufficient Verification of Data Authenticity
"#,
};

pub fn finding(location: &Location, plugins: &[&str]) -> Finding {
    Finding::new(
        &RULE,
        location.at(0),
        format!("Serialized data of {} TensorRT plugin(s) cannot be verified", plugins.len()),
    )
    .description(format!(
        "The engine has plugin layers ({}); their serialized data is read only by the plugins' native code, and this scan cannot verify it.",
        plugins.join(", ")
    ))
    .evidence("plugins", plugins.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low() {
        assert_eq!(
            finding(&Location::file("m.engine"), &["A_TRT"]).severity,
            Severity::Low
        );
    }
}
