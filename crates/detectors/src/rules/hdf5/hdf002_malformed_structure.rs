//! HDF002: part of the HDF5 structure cannot be read.

use sentrascan_formats::hdf5::Hdf5Anomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF002",
    name: "hdf-malformed-structure",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "hdf5",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An object header, B-tree, heap or message is truncated, out of bounds, cyclic or not readable.",
    remediation: "Treat the scan as inconclusive; re-save the model with h5py or Keras and scan it again.",
    docs: r#"## What it does
Reports each HDF5 structure the reader had to give up on: an object header
or heap at an address past the end of the file, a truncated message, a
B-tree or continuation chain that reaches a node twice, an unknown version,
or a feature this reader does not decode (messages in the shared-message
heap, huge or filtered fractal-heap objects). The objects and attributes
behind it are missing from the analysis, so the file is inconclusive.

## Why is this bad?
Writers (libhdf5, h5py, Keras) do not produce such files. A truncated
download is the common cause; a crafted one hides content from scanners
that stop at the first error while libhdf5, which reads lazily, still
opens the parts it needs. libhdf5 itself has a long CVE history in exactly
these structures (B-tree, heap and message decoding).

## Example
A Keras `.h5` cut after 40 %: the root attributes are readable, the
weights groups point past the end of the file.

## How to fix
Obtain the file again (compare its digest with the publisher's), or re-save
it with a current h5py.

## References
- HDF5 File Format Specification 3.0
- CVE-2020-10810, CVE-2021-37501 (libhdf5 parsing bugs)
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, anomaly: &Hdf5Anomaly) -> Finding {
    Finding::new(
        &RULE,
        location.at(anomaly.offset),
        format!("HDF5 structure under `{}` cannot be read", anomaly.path),
    )
    .description(format!(
        "Under `{}`: {} (offset {}); what it holds was not analysed.",
        anomaly.path, anomaly.detail, anomaly.offset
    ))
    .evidence("object", anomaly.path.clone())
    .evidence("anomaly", anomaly.kind.as_str())
    .evidence("detail", anomaly.detail.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::hdf5::Hdf5AnomalyKind;

    #[test]
    fn names_the_object_and_offset() {
        let a = Hdf5Anomaly {
            kind: Hdf5AnomalyKind::OutOfBounds,
            path: "/model_weights".into(),
            offset: 7280,
            detail: "object header: address 7280 is outside the file (6601 bytes)".into(),
        };
        let f = finding(&Location::file("m.h5"), &a);
        assert_eq!((f.rule.as_str(), f.severity), ("HDF002", Severity::Medium));
        assert!(f.description.contains("/model_weights"));
        assert!(f.description.contains("7280"));
    }
}
