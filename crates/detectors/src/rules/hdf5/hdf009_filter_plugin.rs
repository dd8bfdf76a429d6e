//! HDF009: a dataset needs a dynamically loaded filter plugin.

use sentrascan_formats::hdf5::Hdf5Object;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF009",
    name: "hdf-filter-plugin",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::UnsafeImports,
    scanner: "hdf5",
    cwe: Some("CWE-427"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A dataset's filter pipeline names a filter libhdf5 does not build in; reading it loads a plugin library.",
    remediation: "Read the file only where `HDF5_PLUGIN_PATH` points at trusted plugins, or re-save it with built-in filters (gzip, shuffle).",
    docs: r#"## What it does
Reports filter ids other than libhdf5's built-in ones (1 deflate, 2 shuffle,
3 Fletcher-32, 4 szip, 5 n-bit, 6 scale-offset) in dataset filter
pipelines, such as 32001 (Blosc) or 32015 (Zstandard).

## Why is this bad?
To read such a dataset libhdf5 searches `HDF5_PLUGIN_PATH` (default
`/usr/local/hdf5/lib/plugin`) and loads the first shared library that
registers the id: native code runs on load. The model cannot ship that
library, so the risk depends on the machine (hence LOW), but it widens what
loading the model executes, and Keras never writes such filters.

## Example
`/kernel` compressed with filter 32001 (Blosc).

## How to fix
Re-save with built-in compression, or pin the plugin directory.

## References
- HDF5 "Dynamically Loaded Filters" (H5PL)
- HDF Group registered filter plugins list
- CWE-427: Uncontrolled Search Path Element
"#,
};

pub fn check(object: &Hdf5Object, location: &Location, out: &mut Vec<Finding>) {
    let Some(ds) = &object.dataset else {
        return;
    };
    let plugins: Vec<u16> = ds
        .filters
        .iter()
        .copied()
        .filter(|id| !(1..=6).contains(id))
        .collect();
    if plugins.is_empty() {
        return;
    }
    let ids: Vec<String> = plugins.iter().map(u16::to_string).collect();
    out.push(
        Finding::new(
            &RULE,
            location.clone(),
            format!("Dataset `{}` needs filter plugin {}", object.path, ids.join(", ")),
        )
        .description(format!(
            "Dataset `{}` is stored through filter id {}, which libhdf5 loads from a plugin library when the data is read.",
            object.path,
            ids.join(", ")
        ))
        .evidence("dataset", object.path.clone())
        .evidence("filters", ids),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::hdf5::{Hdf5Dataset, Hdf5Layout, Hdf5ObjectKind};

    #[test]
    fn built_in_filters_are_silent() {
        let mut o = Hdf5Object {
            path: "/k".into(),
            kind: Hdf5ObjectKind::Dataset,
            address: 0,
            attributes: vec![],
            links: vec![],
            external_files: vec![],
            virtual_sources: vec![],
            dataset: Some(Hdf5Dataset {
                dtype: "float32".into(),
                element_size: 4,
                shape: vec![4],
                layout: Hdf5Layout::Chunked,
                storage_bytes: 16,
                data_offset: None,
                filters: vec![2, 1],
                big_endian: false,
            }),
        };
        let mut out = Vec::new();
        check(&o, &Location::file("m.h5"), &mut out);
        assert!(out.is_empty());
        o.dataset.as_mut().unwrap().filters.push(32001);
        check(&o, &Location::file("m.h5"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
    }
}
