//! NEMO002: A NeMo config names an artifact or data file by an absolute path or a path with `..`, outside the archive.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "NEMO002",
    name: "nemo-artifact-path-escape",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "nemo",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A NeMo config names an artifact or data file by an absolute path or a path with `..`, outside the archive.",
    remediation: "Register artifacts with `register_artifact()` so they are stored in the archive as `nemo:` references; remove host paths from the config.",
    docs: r#"## What it does
Walks every string of `model_config.yaml` and checks the values that name
files: `nemo:<file>` artifact references and values of path-like keys
(`*_file`, `*_path`, `*_dir`, `*_filepath`, `model`, `vocab`). It reports
those that are absolute (`/…`, `~`, `C:\…`, `\\host\…`) or contain a `..`
component.

## Why is this bad?
On restore NeMo rewrites `nemo:` references to the extraction directory
and hands every path to the model's constructor: tokenizers, vocabularies
and manifests are then read from wherever the path points. A path outside
the archive makes the loader read (or, for `..` in an artifact name,
extract to) files of the host the model was never shipped with: a way to
swap in an attacker-staged tokenizer or to read local files into the model.

## Example
```yaml
tokenizer:
  model: nemo:../../../home/user/.ssh/id_rsa
```

## How to fix
Keep every artifact inside the `.nemo` archive and reference it as
`nemo:<file>`; training-data paths do not belong in a published model.

## References
- https://docs.nvidia.com/nemo-framework/user-guide/latest/nemotoolkit/core/core.html#register-artifacts
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
"#,
};

pub fn finding(location: &Location, key: &str, value: &str) -> Finding {
    Finding::new(&RULE, location.clone(), format!("NeMo config `{key}` points outside the archive"))
        .description(format!("`{key}` in model_config.yaml is `{value}`: an absolute path or one with `..`, which NeMo reads from the host rather than the archive."))
        .evidence("key", key)
        .evidence("path", value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_key() {
        let f = finding(&Location::file("m.nemo"), "tokenizer.model", "nemo:../x");
        assert_eq!((f.rule.as_str(), f.severity), ("NEMO002", Severity::High));
        assert!(f.title.contains("tokenizer.model"));
    }
}
