//! OCI004: A later image layer deletes (whites out) a model file of an earlier layer, or one that carried findings: the file is still in the image.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OCI004",
    name: "oci-whiteout-hides-file",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ArchiveAnomaly,
    scanner: "oci_image",
    cwe: Some("CWE-912"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A later image layer deletes (whites out) a model file of an earlier layer, or one that carried findings: the file is still in the image.",
    remediation: "Inspect the deleted file (it was scanned under its layer's location) and rebuild the image without it.",
    docs: r#"## What it does
Walks the layers of each manifest in order and applies their whiteouts
(`dir/.wh.name` deletes `dir/name`, `dir/.wh..wh..opq` empties `dir`).
Every file of every layer is scanned, deleted or not; this rule reports a
deletion of a file a reviewer would want to see: a model format the
engine recognises (pickle, PyTorch, GGUF, SafeTensors, ONNX, …) or a file
that raised findings above LOW. Deleted code and libraries alone are not
reported: package managers remove them in ordinary builds.

## Why is this bad?
A deleted file is invisible in the running container but ships in the
image and every copy of it: a payload staged in one layer and "removed"
in the next is still pulled, and tools that inspect only the final
filesystem miss it. Replacing a model by deleting and re-adding it also
hides what the first layer shipped.

## Example
Layer 1 adds `models/model.pkl`; layer 2 adds `models/.wh.model.pkl`.

## How to fix
Rebuild the image so the file is never added (multi-stage builds,
`.dockerignore`), then check what the deleted file did.

## References
- https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
- CWE-912: Hidden Functionality
"#,
};

pub fn finding(location: &Location, path: &str, lower: &str, upper: &str, why: &str) -> Finding {
    Finding::new(&RULE, location.clone(), format!("layer {upper} deletes `{path}` from layer {lower}"))
        .description(format!("`{path}` ({why}) is added by layer {lower} and whited out by layer {upper}: it is hidden in the container but still shipped in the image."))
        .evidence("path", path)
        .evidence("added_by", lower)
        .evidence("deleted_by", upper)
        .evidence("reason", why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_both_layers() {
        let f = finding(
            &Location::file("i.tar"),
            "m.pkl",
            "sha256:aa",
            "sha256:bb",
            "pickle",
        );
        assert_eq!((f.rule.as_str(), f.severity), ("OCI004", Severity::Medium));
        assert!(f.title.contains("sha256:bb"));
    }
}
