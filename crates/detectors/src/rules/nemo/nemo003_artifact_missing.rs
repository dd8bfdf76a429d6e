//! NEMO003: A NeMo config references a `nemo:` artifact that the archive does not contain.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "NEMO003",
    name: "nemo-artifact-missing",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "nemo",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A NeMo config references a `nemo:` artifact that the archive does not contain.",
    remediation: "Export the model again so that every registered artifact is stored in the archive.",
    docs: r#"## What it does
Compares every `nemo:<file>` reference of `model_config.yaml` with the
archive's members and reports references to files it does not hold.

## Why is this bad?
`save_to()` stores every registered artifact, so a well-formed archive
never misses one. A missing artifact makes the restore fall back to
whatever the loader finds at the rewritten path, or fail: either the
archive was edited after export, or the model expects files from outside.

## Example
`tokenizer.model: nemo:abc_tokenizer.model` with no `abc_tokenizer.model`
in the tar.

## How to fix
Re-export the model, or obtain an intact copy.

## References
- https://docs.nvidia.com/nemo-framework/user-guide/latest/nemotoolkit/core/core.html#register-artifacts
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, key: &str, file: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("NeMo artifact `{file}` is missing"),
    )
    .description(format!(
        "`{key}` in model_config.yaml references `nemo:{file}`, which the archive does not contain."
    ))
    .evidence("key", key)
    .evidence("artifact", file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_artifact() {
        let f = finding(&Location::file("m.nemo"), "tokenizer.model", "t.model");
        assert_eq!((f.rule.as_str(), f.severity), ("NEMO003", Severity::Medium));
        assert!(f.title.contains("t.model"));
    }
}
