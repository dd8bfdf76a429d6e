//! HFR003: a config switches `trust_remote_code` on.

use sentrascan_formats::config::ConfigView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HFR003",
    name: "hf-trust-remote-code-enabled",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ArbitraryCodeExecution,
    scanner: "hf_repository",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A config sets `trust_remote_code` to true, so tools that pass config values to `from_pretrained` import repository code without asking.",
    remediation: "Set it to false and decide per load, after reviewing the code.",
    docs: r#"## What it does
Reports any key named `trust_remote_code` whose value is true (`true`,
`True`, `yes`, `1`) in a JSON, YAML, TOML or INI config or a model card's
front matter.

## Why is this bad?
Pipelines, serving configs and training recipes pass such keys to
`from_pretrained`: the decision to run a repository's Python is then taken
by the file, not by the user.

## Example
```yaml
model:
  pretrained: some/model
  trust_remote_code: true
```

## How to fix
Remove the key or set it to false.

## References
- https://huggingface.co/docs/transformers/custom_models
"#,
};

pub(crate) fn check(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    for v in &view.values {
        if v.key.as_deref() != Some("trust_remote_code") {
            continue;
        }
        let on = matches!(
            v.value.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "on" | "1"
        );
        if on {
            out.push(
                Finding::new(
                    &RULE,
                    location.clone(),
                    format!("`{}` is set to `{}`", v.path, v.value.trim()),
                )
                .description(format!(
                    "The config sets {} to `{}`: loaders given this config run the repository's Python.",
                    crate::rules::config::place(v),
                    v.value.trim()
                ))
                .evidence("path", v.path.as_str())
                .evidence("line", v.line),
            );
        }
    }
}
