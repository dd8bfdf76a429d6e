//! NPY003: the array data is shorter or longer than the header declares.

use sentrascan_formats::npy::NpyView;
use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "NPY003",
    name: "npy-data-size-mismatch",
    family: RuleFamily::Numpy,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "numpy",
    cwe: Some("CWE-20"),
    owasp_ml: None,
    version: 1,
    summary: "The .npy data length differs from shape × item size; extra bytes were searched for pickles.",
    remediation: "Re-save the array with numpy.save; find out what the extra bytes are.",
    docs: r#"## What it does
Compares the bytes after the header with the product of the shape and the
dtype's item size. Missing bytes make the file unloadable; extra bytes are a
place to carry a payload for another reader and are searched for pickles.

## Why is this bad?
`numpy.save` writes exactly the declared bytes; anything else was changed
after saving.

## Example
A `(3,)` float32 array followed by 200 bytes of something else.

## How to fix
Re-save the array from a trusted copy.

## References
- NumPy format specification, `numpy.lib.format`
"#,
};

pub fn check(location: &Location, view: &NpyView, actual: u64, out: &mut Vec<Finding>) {
    let Some(expected) = view.expected_data_len else {
        return;
    };
    if expected == actual {
        return;
    }
    let what = if actual < expected {
        "shorter"
    } else {
        "longer"
    };
    out.push(
        Finding::new(
            &RULE,
            location.at(view.data_offset),
            format!("Array data is {what} than declared"),
        )
        .description(format!(
            "The header declares {expected} bytes of data ({:?} of {}), the file holds {actual}.",
            view.shape, view.descr
        ))
        .evidence("declared_bytes", expected)
        .evidence("actual_bytes", actual),
    );
}
