//! NEMO001: A NeMo archive's `model_config.yaml` is missing or cannot be parsed, so its artifact references were not checked.

use sentrascan_formats::nemo::NemoError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "NEMO001",
    name: "nemo-config-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "nemo",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A NeMo archive's `model_config.yaml` is missing or cannot be parsed, so its artifact references were not checked.",
    remediation: "Re-export the model with `model.save_to()` from a current NeMo and scan it again.",
    docs: r#"## What it does
Reads `model_config.yaml` from a tar whose members are a NeMo archive's
(`model_config.yaml` and `model_weights.ckpt`) with a bounded YAML reader
(no aliases expanded, a node and depth budget) and reports a config that
is not UTF-8, not YAML, too large or over the budget. The archive is then
inconclusive: the artifact references and the target class were not
checked.

## Why is this bad?
NeMo restores a model by instantiating the class the config names and
loading the files it references; a config the scanner cannot read may
still be read by NeMo's OmegaConf loader.

## Example
`model_config.yaml` holding `a: [1, 2` (an unterminated flow sequence).

## How to fix
Export the model again with `save_to()`.

## References
- https://docs.nvidia.com/nemo-framework/user-guide/latest/nemotoolkit/core/core.html#save-and-restore
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &NemoError) -> Finding {
    Finding::new(&RULE, location.clone(), "NeMo model config cannot be read")
        .description(format!("The NeMo archive's model_config.yaml cannot be read: {error}; its artifact references were not checked."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_error() {
        let f = finding(&Location::file("m.nemo"), &NemoError::Yaml);
        assert_eq!((f.rule.as_str(), f.severity), ("NEMO001", Severity::Medium));
        assert!(f.description.contains("YAML"), "{}", f.description);
    }
}
