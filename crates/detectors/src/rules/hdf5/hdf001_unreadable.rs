//! HDF001: the HDF5 superblock cannot be read.

use sentrascan_formats::hdf5::Hdf5Error;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF001",
    name: "hdf-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "hdf5",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file looks like HDF5 but its superblock cannot be read.",
    remediation: "Do not load the file; obtain a copy written by h5py or Keras and scan it again.",
    docs: r#"## What it does
Reports files that carry the HDF5 signature (at offset 0 or after a user
block) whose superblock is truncated, has a version other than 0 to 3, or
declares offset and length sizes other than 2, 4 or 8 bytes.

## Why is this bad?
Nothing in the file could be analysed, so the scan is inconclusive: the
file may still be opened by a tolerant reader, and whatever it holds
(model configs with Lambda layers, external links) was not seen.

## Example
`\x89HDF\r\n\x1a\n` followed by superblock version 9.

## How to fix
Re-save the model with h5py or Keras and scan it again.

## References
- HDF5 File Format Specification, section II.A (superblock)
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &Hdf5Error) -> Finding {
    Finding::new(&RULE, location.at(0), "HDF5 superblock cannot be read")
        .description(format!("The HDF5 superblock cannot be read: {error}."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_error() {
        let f = finding(
            &Location::file("m.h5"),
            &Hdf5Error::UnsupportedVersion {
                offset: 0,
                version: 9,
            },
        );
        assert_eq!((f.rule.as_str(), f.severity), ("HDF001", Severity::Medium));
        assert!(f.description.contains("version 9"));
    }
}
