//! OCI001: An OCI image blob's content does not match its digest or the size its descriptor declares.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OCI001",
    name: "oci-blob-digest-mismatch",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArchiveAnomaly,
    scanner: "oci_image",
    cwe: Some("CWE-354"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An OCI image blob's content does not match its digest or the size its descriptor declares.",
    remediation: "Do not run the image; pull it again by digest from a trusted registry and verify it.",
    docs: r#"## What it does
Hashes every blob the image's index and manifests reach (manifests,
configs, layers) with SHA-256 and compares it with the blob's name
(`blobs/sha256/<hex>`) and with the descriptor's `digest` and `size`.
Blobs of a layout directory scanned file by file are checked against
their names.

## Why is this bad?
Content addressing is the image's integrity guarantee: runtimes and
registries trust a digest they have verified once. A blob whose content
differs from its digest was modified after the image was built (a layer
with a swapped model file, a config with a changed entrypoint) and may
be accepted by tools that only compare names.

## Example
`blobs/sha256/3f…` whose bytes hash to `sha256:9a…`.

## How to fix
Pull the image again by digest and verify its signature.

## References
- https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
- https://github.com/opencontainers/image-spec/blob/main/image-layout.md
- CWE-354: Improper Validation of Integrity Check Value
"#,
};

pub fn finding(
    location: &Location,
    declared: &str,
    actual: &str,
    declared_size: Option<u64>,
    actual_size: u64,
) -> Finding {
    let what = if declared == actual {
        format!(
            "is {actual_size} bytes, but its descriptor declares {}",
            declared_size.unwrap_or_default()
        )
    } else {
        format!("hashes to `{actual}`, not `{declared}`")
    };
    Finding::new(
        &RULE,
        location.clone(),
        "OCI blob does not match its digest",
    )
    .description(format!(
        "The blob {what}: it was changed after the image was built."
    ))
    .evidence("declared_digest", declared)
    .evidence("actual_digest", actual)
    .evidence("declared_size", declared_size)
    .evidence("actual_size", actual_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_digest_and_size() {
        let f = finding(
            &Location::file("i.tar"),
            "sha256:aa",
            "sha256:bb",
            Some(1),
            1,
        );
        assert_eq!((f.rule.as_str(), f.severity), ("OCI001", Severity::High));
        assert!(f.description.contains("sha256:bb"));
        let f = finding(
            &Location::file("i.tar"),
            "sha256:aa",
            "sha256:aa",
            Some(2),
            1,
        );
        assert!(f.description.contains("declares 2"));
    }
}
