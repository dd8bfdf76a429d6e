//! HDF003: an external link makes the loader open another file.

use sentrascan_formats::hdf5::{Hdf5Link, Hdf5Object};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::reach;

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF003",
    name: "hdf-external-link",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "hdf5",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A group holds an external link: accessing it opens another HDF5 file named by the model.",
    remediation: "Do not load the model from a directory holding other files; ask the publisher for a self-contained file (h5py `copy` with `expand_external=True`).",
    docs: r#"## What it does
Reports every external link (link type 64) with the file and object path it
names. Absolute paths, drive letters, network shares, URLs, `~` and `..`
components are HIGH; a plain relative name (a sibling of the model) is
MEDIUM.

## Why is this bad?
libhdf5 resolves an external link when anything touches it (h5py
`f['model_weights/dense']`, Keras walking `layer_names`): it opens the
named file with the model's privileges. The model author chooses which
file: a weights group can be served from anywhere on the machine or a
network share, disclosing whether files exist, reading attacker-staged
HDF5 files (with their own Lambda-laden configs) from shared directories,
or swapping weights after the scan. Keras writers never create external
links.

## Example
`/model_weights/dense → /etc/passwd:/payload`.

## How to fix
Reject the file, or flatten it with `h5py.File.copy(..., expand_external=True)`
in a sandbox and scan the result.

## References
- HDF5 File Format Specification, Link Message (external links)
- h5py documentation, "External links"
- CWE-73: External Control of File Name or Path
"#,
};

pub fn check(object: &Hdf5Object, location: &Location, out: &mut Vec<Finding>) {
    for link in &object.links {
        let Hdf5Link::External {
            name,
            file,
            object: target,
        } = link
        else {
            continue;
        };
        let Some((why, severity)) = reach(file) else {
            continue;
        };
        let path = if object.path == "/" {
            format!("/{name}")
        } else {
            format!("{}/{name}", object.path)
        };
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("External link `{path}` opens `{file}`"),
            )
            .severity(severity)
            .description(format!(
                "Link `{path}` is an external link to object `{target}` in file `{file}` ({why}); \
                 accessing it makes libhdf5 open that file."
            ))
            .evidence("link", path)
            .evidence("file", file.clone())
            .evidence("object", target.clone())
            .evidence("problem", why),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::hdf5::Hdf5ObjectKind;

    fn group(links: Vec<Hdf5Link>) -> Hdf5Object {
        Hdf5Object {
            path: "/model_weights".into(),
            kind: Hdf5ObjectKind::Group,
            address: 0,
            attributes: vec![],
            links,
            external_files: vec![],
            virtual_sources: vec![],
            dataset: None,
        }
    }

    #[test]
    fn grades_by_reach() {
        let mut out = Vec::new();
        let ext = |file: &str| Hdf5Link::External {
            name: "dense".into(),
            file: file.into(),
            object: "/x".into(),
        };
        let soft = Hdf5Link::Soft {
            name: "s".into(),
            target: "/a".into(),
        };
        check(
            &group(vec![ext("/etc/passwd"), ext("part2.h5"), soft]),
            &Location::file("m.h5"),
            &mut out,
        );
        let got: Vec<_> = out.iter().map(|f| f.severity).collect();
        assert_eq!(got, [Severity::High, Severity::Medium]);
        assert!(out[0].description.contains("/model_weights/dense"));
    }
}
