//! OCI003: An OCI image's index or manifest cannot be parsed, so the layers it lists were not followed.

use sentrascan_formats::oci::OciError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OCI003",
    name: "oci-document-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "oci_image",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An OCI image's index or manifest cannot be parsed, so the layers it lists were not followed.",
    remediation: "Export the image again and scan it.",
    docs: r#"## What it does
Parses `index.json`, every manifest and nested index it references (at
most 4 MiB each, nesting bounded), and docker-save `manifest.json`, and
reports those that are not JSON or not an index or manifest. Blobs that
no readable document reaches are still scanned as plain files, but
without their layer structure and whiteouts.

## Why is this bad?
The runtime reads these documents to assemble the filesystem; one the
scanner cannot read leaves the image's structure unchecked.

## Example
`index.json` holding `{"manifests": [` (truncated).

## How to fix
Export the image again.

## References
- https://github.com/opencontainers/image-spec/blob/main/image-index.md
- https://github.com/opencontainers/image-spec/blob/main/manifest.md
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &OciError) -> Finding {
    Finding::new(&RULE, location.clone(), "OCI image document cannot be read")
        .description(format!(
            "{error}; the manifests and layers it lists were not followed."
        ))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_error() {
        let e = OciError::NotADocument {
            name: "index.json".into(),
        };
        let f = finding(&Location::file("i.tar"), &e);
        assert_eq!((f.rule.as_str(), f.severity), ("OCI003", Severity::Medium));
        assert!(f.description.contains("index.json"));
    }
}
