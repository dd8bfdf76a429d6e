//! CML006: an ML Program constant reads its value from a file outside the `.mlpackage` (absolute path, `..`, URL).

use sentrascan_formats::coreml::BlobFile;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML006",
    name: "coreml-weight-path-escape",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "coreml",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An ML Program constant reads its value from a file outside the `.mlpackage` (absolute path, `..`, URL).",
    remediation: "Re-export the model with coremltools; weights belong under `@model_path/weights/`.",
    docs: r#"## What it does
Checks the `blobFileValue.fileName` of every ML Program value. coremltools writes `@model_path/weights/weight.bin`; a name that is absolute, climbs with `..`, or is a URL is reported.

## Why is this bad?
Core ML maps the named file and reads tensors from it at the stored offsets: a path outside the package reads any file the process can open into the model (information disclosure through outputs) or lets a second file swap the weights unseen.

## Example
`blobFileValue { fileName: "@model_path/../../../etc/passwd", offset: 64 }`.

## How to fix
Re-export the model so that weights live in the package.

## References
- https://apple.github.io/coremltools/mlmodel/Format/MIL.html
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
"#,
};

pub fn finding(location: &Location, b: &BlobFile, why: &str) -> Finding {
    Finding::new(
        &RULE,
        location.at(b.offset),
        format!("Core ML ML Program reads weights from `{}` outside the package ({why})", b.file_name),
    )
    .description(format!(
        "A value in `{}` is a `blobFileValue` whose file name `{}` is a {why}: Core ML reads that file as weights.",
        b.path, b.file_name
    ))
    .evidence("file_name", b.file_name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high() {
        let b = BlobFile {
            path: "p".into(),
            file_name: "/etc/passwd".into(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.mlmodel"), &b, "absolute path").severity,
            Severity::High
        );
    }
}
