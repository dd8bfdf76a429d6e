//! ONNX009: an ONNX doc string or metadata value holds an executable or a
//! pickle.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_binaries};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX009",
    name: "onnx-metadata-embedded-binary",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "onnx",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An ONNX metadata_props entry or doc string holds an executable, script or pickle (raw, base64 or hex).",
    remediation: "Do not decode or run the embedded data. Re-export the model without the entry.",
    docs: r#"## What it does
Decodes metadata values and doc strings that are raw bytes, base64 or hex
and reports ELF, PE, Mach-O and WebAssembly executables, `#!` scripts and
pickle streams. Each pickle is analysed with the pickle rules (`PKL…`),
reported inside the metadata entry.

## Why is this bad?
A loader never needs a binary in metadata. A pickle or executable there is
a payload staged for a second-stage loader that decodes and runs it.

## Example
`metadata_props { key: "config" value: "gASVIAAAAAAAAACMBXBvc2l4lIwGc3lzdGVt…" }`

## How to fix
Treat the model as hostile; re-export it from a trusted source.

## References
- CWE-506: Embedded Malicious Code
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_binaries(&RULE, "onnx", texts, location, out);
}
