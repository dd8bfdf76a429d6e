//! TFL009: a TFLite metadata buffer or string carries an executable or a pickle.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_binaries};

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL009",
    name: "tflite-metadata-embedded-binary",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "tflite",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TFLite metadata buffer or metadata string is an executable (ELF, PE, Mach-O, WebAssembly, #! script) or a pickle, raw or base64/hex-encoded.",
    remediation: "Do not extract or load the embedded content; re-convert the model without the metadata entry.",
    docs: r#"## What it does
Checks each metadata buffer (raw bytes) and each metadata string for an
executable's magic number (ELF, PE with its `PE\0\0` header, Mach-O,
WebAssembly), a `#!` script, or a pickle, raw or encoded as base64 or hex.
An embedded pickle is analysed with the pickle rules, which report what it
would import and call.

## Why is this bad?
Metadata buffers are opaque bytes that travel with the model through app
stores and model hubs. An executable or pickle there is a second stage
waiting for a loader that extracts it; TFLite never needs one.

## Example
A metadata entry `kernel_blob` whose buffer starts with `\x7fELF`.

## How to fix
Do not extract or run the content; re-convert the model.

## References
- https://www.tensorflow.org/lite/models/convert/metadata
- CWE-506: Embedded Malicious Code
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_binaries(&RULE, "tflite", texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::metadata_payloads::Text;

    #[test]
    fn elf_buffer() {
        let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
        elf.resize(64, 0);
        let texts = [MetadataText {
            key: "kernel_blob",
            text: Text::Bytes(&elf),
            offset: 0x80,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.tflite"), &mut out);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].rule, "TFL009");
    }
}
