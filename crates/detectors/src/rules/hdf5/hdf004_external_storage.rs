//! HDF004: a dataset's raw data lives in external files.

use sentrascan_formats::hdf5::Hdf5Object;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF004",
    name: "hdf-external-storage",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "hdf5",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A dataset's data is stored in external raw files: reading it reads those files.",
    remediation: "Do not load the model; ask for a file whose weights are stored inside it.",
    docs: r#"## What it does
Reports datasets with an External Data Files message (0x0007), naming each
file. Absolute paths, drive letters, shares, URLs, `~` and `..` are HIGH; a
plain relative name is MEDIUM.

## Why is this bad?
Reading such a dataset (Keras loading a weight) makes libhdf5 read raw bytes
from the named files — any file the loading user can read, such as
`/etc/shadow` or an SSH key, becomes tensor data that later ends up in
outputs, logs or a re-saved model sent elsewhere. Keras and h5py never use
external storage unless asked to explicitly.

## Example
`/kernel` stored in `/etc/shadow`, bytes 0–16.

## How to fix
Reject the file; a legitimate one can be re-saved with internal storage.

## References
- HDF5 File Format Specification, External Data Files Message
- h5py `create_dataset(..., external=...)`
- CWE-73: External Control of File Name or Path
"#,
};

pub fn check(object: &Hdf5Object, location: &Location, out: &mut Vec<Finding>) {
    let files = &object.external_files;
    super::files_opened(&RULE, object, files, location, out, |path, file, why| {
        (
            format!("Dataset `{path}` reads its data from `{file}`"),
            format!(
                "Dataset `{path}` stores its raw data in external file `{file}` ({why}); \
                 reading the dataset reads that file."
            ),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::hdf5::Hdf5ObjectKind;

    #[test]
    fn one_finding_per_file() {
        let o = Hdf5Object {
            path: "/kernel".into(),
            kind: Hdf5ObjectKind::Dataset,
            address: 0,
            attributes: vec![],
            links: vec![],
            external_files: vec!["../x.bin".into(), "y.bin".into()],
            virtual_sources: vec![],
            dataset: None,
        };
        let mut out = Vec::new();
        check(&o, &Location::file("m.h5"), &mut out);
        let got: Vec<_> = out.iter().map(|f| f.severity).collect();
        assert_eq!(got, [Severity::High, Severity::Medium]);
    }
}
