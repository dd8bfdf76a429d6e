//! MAR004: A TorchServe requirements file installs from a URL, a VCS, a local path or another package index.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MAR004",
    name: "mar-requirements-remote-source",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::NetworkOperations,
    scanner: "torchserve_mar",
    cwe: Some("CWE-494"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TorchServe requirements file installs from a URL, a VCS, a local path or another package index.",
    remediation: "Remove URLs, VCS references and index options from the requirements; install reviewed packages in the serving image.",
    docs: r#"## What it does
Reports requirement lines that take packages from somewhere other than
the server's configured index: URLs and direct references
(`pkg @ https://…`), VCS installs (`git+https://…`), editable and local
paths (`-e .`, `/tmp/x.whl`), index options (`--index-url`,
`--extra-index-url`, `--find-links`, `--trusted-host`) and included files
(`-r`, `-c`).

## Why is this bad?
These bypass whatever the operator trusts: the archive's author chooses
the code that pip builds and installs on the server at load time, and an
extra index lets a name resolve to an attacker's package (dependency
confusion).

## Example
```
--extra-index-url http://127.0.0.1:9/simple
git+https://127.0.0.1:9/payload.git
```

## How to fix
Delete the lines; if the package is needed, vet it and install it in the
serving image.

## References
- https://pip.pypa.io/en/stable/reference/requirements-file-format/
- https://pytorch.org/serve/configuration.html#allow-model-specific-custom-python-packages
- CWE-494: Download of Code Without Integrity Check
"#,
};

pub fn finding(location: &Location, line: usize, text: &str, source: &str) -> Finding {
    Finding::new(&RULE, location.at(line as u64), format!("TorchServe requirement installs from {source}"))
        .description(format!("Line {line} of the requirements file is `{text}`: pip installs from {source}, outside the server's package index, when the model loads."))
        .evidence("line", line)
        .evidence("requirement", text)
        .evidence("source", source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_line() {
        let f = finding(&Location::file("r.txt"), 2, "git+https://x", "a URL or VCS");
        assert_eq!((f.rule.as_str(), f.severity), ("MAR004", Severity::High));
        assert!(f.description.contains("Line 2"));
    }
}
