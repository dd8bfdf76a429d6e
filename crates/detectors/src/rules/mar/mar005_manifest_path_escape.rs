//! MAR005: A TorchServe manifest names a file by an absolute path or a path with `..`, outside the archive.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MAR005",
    name: "mar-manifest-path-escape",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "torchserve_mar",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TorchServe manifest names a file by an absolute path or a path with `..`, outside the archive.",
    remediation: "Rebuild the archive with `torch-model-archiver` so that every file the manifest names is inside it.",
    docs: r#"## What it does
Checks the manifest fields that name archive files (`serializedFile`,
`modelFile`, `handler`, `requirementsFile`, `extensions`) and reports
values that are absolute or contain a `..` component.

## Why is this bad?
TorchServe joins these names to the directory it extracted the archive
to. A path that leaves it loads weights, code or requirements from the
host: a handler that imports a file planted elsewhere, or weights swapped
outside the reviewed archive.

## Example
```json
{"model": {"serializedFile": "../../tmp/weights.pt", "handler": "/tmp/h.py"}}
```

## How to fix
Rebuild the archive with every file inside it.

## References
- https://github.com/pytorch/serve/blob/master/model-archiver/README.md
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
"#,
};

pub fn finding(location: &Location, field: &str, value: &str) -> Finding {
    Finding::new(&RULE, location.clone(), format!("TorchServe manifest `{field}` points outside the archive"))
        .description(format!("The manifest's `{field}` is `{value}`: an absolute path or one with `..`, outside the extracted archive."))
        .evidence("field", field)
        .evidence("path", value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field() {
        let f = finding(&Location::file("m.mar"), "handler", "/tmp/h.py");
        assert_eq!((f.rule.as_str(), f.severity), ("MAR005", Severity::High));
    }
}
