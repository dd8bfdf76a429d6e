//! MAR003: A TorchServe archive carries a requirements file whose packages TorchServe installs when it loads the model.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MAR003",
    name: "mar-requirements",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "torchserve_mar",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TorchServe archive carries a requirements file whose packages TorchServe installs when it loads the model.",
    remediation: "Install reviewed, pinned dependencies in the serving image and keep `install_py_dep_per_model` off.",
    docs: r#"## What it does
Reads the manifest's `requirementsFile`, parses it like pip (comments,
continuations, options) and reports the packages it lists.

## Why is this bad?
With `install_py_dep_per_model=true` TorchServe runs `pip install -r` on
the file when the model is registered: every package's build and install
hooks run on the server, and an unpinned or typo-squatted name pulls
whatever the index serves that day.

## Example
`requirements.txt` listing `transformers` and `sentencepiece`.

## How to fix
Bake dependencies into the serving image from a reviewed lock file; keep
`install_py_dep_per_model` off.

## References
- https://pytorch.org/serve/configuration.html#allow-model-specific-custom-python-packages
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, packages: &[String]) -> Finding {
    Finding::new(&RULE, location.clone(), format!("TorchServe archive installs {} package(s) on load", packages.len()))
        .description(format!("The requirements file lists {}; TorchServe installs them with pip when `install_py_dep_per_model` is on.", packages.join(", ")))
        .evidence("packages", packages.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_packages() {
        let f = finding(&Location::file("m.mar"), &["numpy==1.26".into()]);
        assert_eq!((f.rule.as_str(), f.severity), ("MAR003", Severity::Medium));
        assert!(f.description.contains("numpy==1.26"));
    }
}
