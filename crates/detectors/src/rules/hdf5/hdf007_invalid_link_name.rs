//! HDF007: a link name no HDF5 library writes.

use sentrascan_formats::hdf5::Hdf5Anomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF007",
    name: "hdf-invalid-link-name",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "hdf5",
    cwe: Some("CWE-436"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A link name is empty, `.`, contains `/`, or appears twice in one group.",
    remediation: "Do not trust any tool's view of this file; ask the publisher for a file written by h5py or Keras.",
    docs: r#"## What it does
Reports link names that libhdf5 refuses to create: empty, `.`, containing
`/`, or duplicated within one group.

## Why is this bad?
Such names only come from hand-crafted bytes. They make tools disagree about
what the file holds: a link named `model_weights/dense` inside `/` looks
like the path `/model_weights/dense` to one reader and is unreachable to
another; with duplicates, which one a reader returns depends on its lookup
(B-tree search, hash order or first match). A scanner and the loader can
then see different configs or weights.

## Example
A root-group link message named `model_weights/dense`.

## How to fix
Re-save the model with h5py; reject the file if the publisher cannot explain it.

## References
- HDF5 File Format Specification, Link Message
- CWE-436: Interpretation Conflict
"#,
};

pub fn finding(location: &Location, anomaly: &Hdf5Anomaly) -> Finding {
    Finding::new(
        &RULE,
        location.at(anomaly.offset),
        format!("Invalid link name in group `{}`", anomaly.path),
    )
    .description(format!("In group `{}`: {}.", anomaly.path, anomaly.detail))
    .evidence("group", anomaly.path.clone())
    .evidence("detail", anomaly.detail.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::hdf5::Hdf5AnomalyKind;

    #[test]
    fn names_the_group() {
        let a = Hdf5Anomaly {
            kind: Hdf5AnomalyKind::BadLinkName,
            path: "/".into(),
            offset: 10,
            detail: "link name `a/b` is not a valid HDF5 link name".into(),
        };
        let f = finding(&Location::file("m.h5"), &a);
        assert_eq!((f.rule.as_str(), f.severity), ("HDF007", Severity::Medium));
        assert!(f.description.contains("`a/b`"));
    }
}
