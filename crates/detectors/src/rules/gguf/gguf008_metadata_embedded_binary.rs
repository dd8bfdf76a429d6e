//! GGUF008: a GGUF metadata string carries an executable or a pickle.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_binaries};

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF008",
    name: "gguf-metadata-embedded-binary",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "gguf",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A GGUF metadata string is an executable (ELF, PE, Mach-O, WebAssembly, #! script) or a pickle, raw, base64 or hex.",
    remediation: "Do not extract or load the embedded content; re-convert the model without the entry.",
    docs: r#"## What it does
Decodes metadata strings that are raw bytes, base64 (standard or URL-safe)
or hex, and reports those that start with an executable's magic number
(ELF, PE with its `PE\0\0` header, Mach-O, WebAssembly), scripts with a
`#!` line and a body, and pickles (PROTO 2–5 followed by a complete stream
or imports). Embedded pickles are also analysed with the pickle rules.

## Why is this bad?
GGUF strings are length-prefixed bytes and can hold anything. A binary or
pickle there is a second stage for a loader that decodes it, shipped
inside a format users consider inert.

## Example
`general.config = "gAJjcG9zaXgKc3lzdGVtCn…"` (base64 of a pickle calling
`posix.system`).

## How to fix
Do not decode or load the value; re-convert the model.

## References
- CWE-506: Embedded Malicious Code
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_binaries(&RULE, "gguf", texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::metadata_payloads::Text;

    #[test]
    fn raw_bytes_with_an_executable_magic() {
        let elf = [0x7f, b'E', b'L', b'F', 2, 1, 1, 0xff];
        let texts = [MetadataText {
            key: "general.blob",
            text: Text::Bytes(&elf),
            offset: 0x77,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.gguf"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].title,
            "Metadata `general.blob` holds a raw ELF executable"
        );
        assert_eq!(out[0].severity, Severity::High);
    }
}
