//! HFR002: `auto_map` pulls code from another repository (`owner/repo--module.Class`).

use std::collections::BTreeMap;

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::AutoMapRef;

pub static RULE: RuleMeta = RuleMeta {
    code: "HFR002",
    name: "hf-remote-code-other-repository",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "hf_repository",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A config's `auto_map` names code in another repository (`owner/repo--module.Class`): `trust_remote_code=True` imports code that this repository's review does not cover.",
    remediation: "Review the other repository at a pinned revision, or copy the reviewed code into this one.",
    docs: r#"## What it does
Reports `auto_map` values of the form `owner/repo--module.Class`, one
finding per other repository, naming the module files.

## Why is this bad?
Transformers fetches the module from the other repository at load time.
Scanning this repository says nothing of that code, and the other
repository's owner can change it whenever they like: a clean model can be
turned malicious without a commit here.

## Example
```json
{"auto_map": {"AutoModel": "someone/else--modeling_x.XModel"}}
```

## How to fix
Pin and review the other repository, or vendor the code.

## References
- https://huggingface.co/docs/transformers/custom_models#using-a-model-with-custom-code
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn check(refs: &[AutoMapRef<'_>], location: &Location, out: &mut Vec<Finding>) {
    let mut by_repo: BTreeMap<&str, Vec<&AutoMapRef<'_>>> = BTreeMap::new();
    for r in refs {
        if let Some(repo) = r.repo {
            by_repo.entry(repo).or_default().push(r);
        }
    }
    for (repo, list) in by_repo {
        let mut files: Vec<&str> = list.iter().map(|r| r.module_file.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        let classes: Vec<&str> = list.iter().map(|r| r.class).collect();
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("`auto_map` loads code from another repository `{repo}` ({})", files.join(", ")),
            )
            .description(format!(
                "`auto_map` names `{}` in repository `{repo}`: loading with `trust_remote_code=True` imports {} from there.",
                classes.join("`, `"),
                files.join(", ")
            ))
            .evidence("repository", repo)
            .evidence("module_files", files.join(", ")),
        );
    }
}
