//! MAR001: A TorchServe archive's `MAR-INF/MANIFEST.json` cannot be parsed, so its handler and requirements were not checked.

use sentrascan_formats::mar::MarError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MAR001",
    name: "mar-manifest-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "torchserve_mar",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TorchServe archive's `MAR-INF/MANIFEST.json` cannot be parsed, so its handler and requirements were not checked.",
    remediation: "Rebuild the archive with `torch-model-archiver` and scan it again.",
    docs: r#"## What it does
Parses `MAR-INF/MANIFEST.json` (at most 1 MiB) and reports a manifest
that is not JSON or has no `model` object. The archive's members are
still analysed, but the handler, model file and requirements it names
could not be identified.

## Why is this bad?
TorchServe reads the manifest to decide which code to import and which
packages to install; a manifest the scanner cannot read hides that.

## Example
`MANIFEST.json` holding `{"model": ` (truncated).

## How to fix
Rebuild the archive with `torch-model-archiver`.

## References
- https://github.com/pytorch/serve/blob/master/model-archiver/README.md
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &MarError) -> Finding {
    Finding::new(&RULE, location.clone(), "TorchServe manifest cannot be read")
        .description(format!("MAR-INF/MANIFEST.json cannot be read: {error}; the handler and requirements it names were not checked."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_error() {
        let f = finding(&Location::file("m.mar"), &MarError::NoModel);
        assert_eq!((f.rule.as_str(), f.severity), ("MAR001", Severity::Medium));
    }
}
