//! TFL005: the model needs a custom op kernel the application must supply.

use sentrascan_formats::tflite::OperatorCode;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL005",
    name: "tflite-custom-op",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "tflite",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model uses a custom op (not a Flex op and not one that ships with TFLite, TFLite Support or MediaPipe) that needs a native kernel the runtime must register.",
    remediation: "Find out which library provides the kernel and review it before registering it; prefer builtin ops.",
    docs: r#"## What it does
Reports each operator code that is `CUSTOM` with a name that does not
start with `Flex` and is not a well-known custom op
(`TFLite_Detection_PostProcess`, `Convolution2DTransposeBias`,
`MaxPoolingWithArgmax2D`, `MaxUnpooling2D`, the audio and MediaPipe ops).

## Why is this bad?
The runtime refuses a custom op unless the application registers a native
kernel for its name, so the model asks whoever deploys it to link native
code the model's author chose. A name-squatted kernel (a "helper" library
that registers it) runs with the application's privileges on inputs the
model controls.

## Example
`custom_code: "VendorSecretKernel"`.

## How to fix
Review the library that implements the kernel, pin it, or convert the
model with builtin ops only.

## References
- https://www.tensorflow.org/lite/guide/ops_custom
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, code: &OperatorCode) -> Finding {
    let name = code.name();
    Finding::new(
        &RULE,
        location.at(code.offset),
        format!("Custom op `{name}` needs a native kernel the runtime must register"),
    )
    .description(format!(
        "Operator code `{name}` (version {}) is a custom op used by {} operator(s); the runtime can only run it with a kernel the application registers.",
        code.version, code.uses
    ))
    .evidence("custom_code", name)
    .evidence("uses", code.uses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let code = OperatorCode {
            builtin: 32,
            custom: Some("X".into()),
            version: 1,
            uses: 1,
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.tflite"), &code).severity,
            Severity::Medium
        );
    }
}
