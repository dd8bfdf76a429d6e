//! NPY001: an object array, whose data is a pickle.

use sentrascan_formats::npy::NpyView;
use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "NPY001",
    name: "numpy-object-array",
    family: RuleFamily::Numpy,
    default_severity: Severity::Low,
    category: Category::UnsafeImports,
    scanner: "numpy",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The .npy array has an object dtype: its data is a pickle, loaded only with allow_pickle=True.",
    remediation: "Store numeric arrays, or load with allow_pickle=True only after reviewing the pickle findings for this file.",
    docs: r#"## What it does
Reports `.npy` files (including `.npz` members) whose dtype holds Python
objects. Their data is a pickle, which the scanner analyses with the pickle
machine; its own findings are reported separately.

## Why is this bad?
`numpy.load(..., allow_pickle=True)` unpickles the data, running whatever it
calls (CVE-2019-6446 made that the default in old NumPy). Numeric model
weights never need object arrays.

## Example
A header `{'descr': '|O', 'fortran_order': False, 'shape': (2,), }` followed
by a pickle.

## How to fix
Save numeric arrays; keep `allow_pickle=False` when loading.

## References
- CVE-2019-6446
- NumPy documentation, `numpy.load` (allow_pickle)
"#,
};

pub fn finding(location: &Location, view: &NpyView) -> Finding {
    Finding::new(
        &RULE,
        location.at(view.data_offset),
        "NumPy object array holds a pickle",
    )
    .description(format!(
        "The array of shape {:?} has dtype {}: its data at offset {:#x} is a pickle.",
        view.shape, view.descr, view.data_offset
    ))
    .evidence("descr", view.descr.clone())
    .evidence("shape", view.shape.clone())
}
