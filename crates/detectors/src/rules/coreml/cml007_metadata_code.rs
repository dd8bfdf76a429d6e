//! CML007: the Core ML metadata (description, author, license, version, user-defined entries, feature descriptions, ML Program doc string) contains a shell command or Python code.

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML007",
    name: "coreml-metadata-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "coreml",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The Core ML metadata (description, author, license, version, user-defined entries, feature descriptions, ML Program doc string) contains a shell command or Python code.",
    remediation: "Find out what reads this metadata; do not run it. Re-export the model without the entry.",
    docs: r#"## What it does
Looks for shell commands and Python code (the same detector as the other metadata rules) in every metadata string of the model and its sub-models' descriptions.

## Why is this bad?
Core ML never runs metadata, but tooling around models does (`eval` of a "preprocessing" entry, shell templates fed from `userDefined`); a command staged here is a payload waiting for such a reader.

## Example
`userDefined { key: "postprocess", value: "__import__('os').system('echo x')" }`.

## How to fix
Remove the entry and re-export the model.

## References
- https://apple.github.io/coremltools/mlmodel/Format/Model.html#metadata
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
    fn python_in_user_defined() {
        use crate::rules::safetensors::metadata_payloads::Text;
        let texts = [MetadataText {
            key: "userDefined.x",
            text: Text::Str("__import__('os').system('echo x')"),
            offset: 0,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.mlmodel"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::High);
    }
}
