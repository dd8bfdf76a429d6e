//! HFR001: the repository's config maps Auto classes to its own code, so
//! loading it needs `trust_remote_code=True`.

use std::collections::BTreeSet;

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::AutoMapRef;

pub static RULE: RuleMeta = RuleMeta {
    code: "HFR001",
    name: "hf-remote-code-required",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ArbitraryCodeExecution,
    scanner: "hf_repository",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A config's `auto_map` points Auto classes at Python modules of the repository: loading it needs `trust_remote_code=True`, which imports and runs those files.",
    remediation: "Review the named module files (the PY rules report what they call) before passing trust_remote_code=True; pin the revision you reviewed.",
    docs: r#"## What it does
Reads `auto_map` in `config.json`, `tokenizer_config.json` and the other
Hugging Face configs, and names the module files it points at
(`"AutoModelForCausalLM": "modeling_x.XForCausalLM"` → `modeling_x.py`).

## Why is this bad?
With `trust_remote_code=True`, transformers downloads and imports those
files: their top-level code runs with the user's rights. The repository's
owner can change them at any time unless the revision is pinned.

## Example
```json
{"auto_map": {"AutoModel": "modeling_custom.CustomModel"}}
```

## How to fix
Read the files, pin `revision=` to the commit you read, or use a model
whose architecture is part of transformers.

## References
- https://huggingface.co/docs/transformers/custom_models
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn check(refs: &[AutoMapRef<'_>], location: &Location, out: &mut Vec<Finding>) {
    let local: Vec<&AutoMapRef<'_>> = refs.iter().filter(|r| r.repo.is_none()).collect();
    let Some(first) = local.first() else {
        return;
    };
    let files: BTreeSet<&str> = local.iter().map(|r| r.module_file.as_str()).collect();
    let files: Vec<&str> = files.into_iter().collect();
    let classes: Vec<String> = local
        .iter()
        .map(|r| format!("{} → {}", r.auto_class, r.value.value))
        .collect();
    out.push(
        Finding::new(
            &RULE,
            location.clone(),
            format!(
                "`auto_map` needs trust_remote_code: runs {}",
                files.join(", ")
            ),
        )
        .description(format!(
            "`auto_map` maps {}; loading with `trust_remote_code=True` imports {}.",
            classes.join(", "),
            files.join(", ")
        ))
        .evidence("module_files", files.join(", "))
        .evidence("path", first.value.path.as_str()),
    );
}
