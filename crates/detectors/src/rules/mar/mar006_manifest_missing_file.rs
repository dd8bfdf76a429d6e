//! MAR006: A TorchServe manifest names a file the archive does not contain.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MAR006",
    name: "mar-manifest-missing-file",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "torchserve_mar",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TorchServe manifest names a file the archive does not contain.",
    remediation: "Rebuild the archive with `torch-model-archiver`, or obtain an intact copy.",
    docs: r#"## What it does
Checks that each file the manifest names (`serializedFile`, `modelFile`,
a `.py` handler, `requirementsFile`, `extensions`) is a member of the
archive.

## Why is this bad?
`torch-model-archiver` copies every named file into the archive, so a
well-formed archive never misses one. A missing file means the archive
was edited after it was built, or that TorchServe will look for the file
elsewhere (its working directory, the model store) at load time.

## Example
`"modelFile": "model.py"` with no `model.py` in the zip.

## How to fix
Rebuild the archive.

## References
- https://github.com/pytorch/serve/blob/master/model-archiver/README.md
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, field: &str, value: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("TorchServe manifest `{field}` names a missing file"),
    )
    .description(format!(
        "The manifest's `{field}` is `{value}`, which the archive does not contain."
    ))
    .evidence("field", field)
    .evidence("path", value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field() {
        let f = finding(&Location::file("m.mar"), "modelFile", "model.py");
        assert_eq!((f.rule.as_str(), f.severity), ("MAR006", Severity::Medium));
    }
}
