//! NPY002: the .npy header cannot be parsed.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "NPY002",
    name: "npy-header-invalid",
    family: RuleFamily::Numpy,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "numpy",
    cwe: Some("CWE-20"),
    owasp_ml: None,
    version: 1,
    summary: "The .npy header is not the dict literal NumPy writes.",
    remediation: "Re-save the array with numpy.save from a trusted copy.",
    docs: r#"## What it does
Parses the `.npy` header (a Python dict literal with `descr`,
`fortran_order` and `shape`) without evaluating it, and reports headers that
are not such a literal, use an unknown dtype, or run past the file.

## Why is this bad?
Old NumPy versions evaluated the header with `eval`-like code; a header with
expressions targets them, and a broken header hides what the data really is.
The data after the header is still searched for a pickle.

## Example
`{'descr': __import__('os').system('…'), …}`.

## How to fix
Re-save the array with `numpy.save`.

## References
- NumPy format specification, `numpy.lib.format`
"#,
};

pub fn finding(location: &Location, problem: &str) -> Finding {
    Finding::new(&RULE, location.at(0), "Invalid .npy header")
        .description(format!("The .npy header cannot be parsed: {problem}."))
        .evidence("problem", problem)
}
