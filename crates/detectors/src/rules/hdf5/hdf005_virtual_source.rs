//! HDF005: a virtual dataset maps data from other files.

use sentrascan_formats::hdf5::Hdf5Object;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF005",
    name: "hdf-virtual-dataset-source",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "hdf5",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A virtual dataset takes its data from source files outside this one.",
    remediation: "Do not load the model; ask for a file whose datasets hold their own data.",
    docs: r#"## What it does
Reports the source file names of virtual datasets (layout class 3, mappings
read from the global heap). `.` (this file) is ignored; absolute paths,
drive letters, shares, URLs, `~` and `..` are HIGH; a plain relative name
is MEDIUM.

## Why is this bad?
Reading a virtual dataset makes libhdf5 open every source file and read the
mapped datasets: the model decides which files are opened on load. Keras and
h5py model writers never create virtual datasets.

## Example
`/virtual` mapped from `/etc/hostname:/data`.

## How to fix
Reject the file, or materialise the dataset in a sandbox and scan the result.

## References
- HDF5 File Format Specification, Data Layout Message (virtual storage)
- h5py documentation, "Virtual Datasets (VDS)"
- CWE-73: External Control of File Name or Path
"#,
};

pub fn check(object: &Hdf5Object, location: &Location, out: &mut Vec<Finding>) {
    let files = &object.virtual_sources;
    super::files_opened(&RULE, object, files, location, out, |path, file, why| {
        (
            format!("Virtual dataset `{path}` reads from `{file}`"),
            format!(
                "Virtual dataset `{path}` maps data from source file `{file}` ({why}); \
                 reading the dataset opens that file."
            ),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::hdf5::Hdf5ObjectKind;

    #[test]
    fn same_file_is_not_reported() {
        let o = Hdf5Object {
            path: "/v".into(),
            kind: Hdf5ObjectKind::Dataset,
            address: 0,
            attributes: vec![],
            links: vec![],
            external_files: vec![],
            virtual_sources: vec![".".into(), "/etc/hostname".into()],
            dataset: None,
        };
        let mut out = Vec::new();
        check(&o, &Location::file("m.h5"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::High);
    }
}
