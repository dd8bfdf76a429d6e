//! OCI002: An OCI image's index or manifest references a blob that the layout does not contain, or by a digest that is not well formed.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OCI002",
    name: "oci-blob-missing",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "oci_image",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An OCI image's index or manifest references a blob that the layout does not contain, or by a digest that is not well formed.",
    remediation: "Export the complete image again (`docker save`, `skopeo copy oci-archive:`) and scan it.",
    docs: r#"## What it does
Follows `index.json` (or docker-save `manifest.json`) to every manifest,
config and layer, and reports descriptors whose blob is absent or whose
digest is not `<algorithm>:<lowercase hex>`. The image is then
inconclusive: what the missing blob holds was not scanned.

## Why is this bad?
A runtime fetches missing blobs from a registry, so the image that runs
holds content nobody scanned; a malformed digest may name a path outside
`blobs/`.

## Example
A manifest listing layer `sha256:0b…` with no `blobs/sha256/0b…`.

## How to fix
Export the whole image, including every layer, and scan that.

## References
- https://github.com/opencontainers/image-spec/blob/main/image-layout.md
- https://github.com/opencontainers/image-spec/blob/main/descriptor.md
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, role: &str, digest: &str, malformed: bool) -> Finding {
    let why = if malformed {
        "is not a well-formed digest"
    } else {
        "names no blob of the layout"
    };
    Finding::new(
        &RULE,
        location.clone(),
        format!("OCI {role} blob is missing"),
    )
    .description(format!(
        "The {role} descriptor's digest `{digest}` {why}; its content was not scanned."
    ))
    .evidence("role", role)
    .evidence("digest", digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_role() {
        let f = finding(&Location::file("i.tar"), "layer", "sha256:aa", false);
        assert_eq!((f.rule.as_str(), f.severity), ("OCI002", Severity::Medium));
        assert!(f.title.contains("layer"));
    }
}
