//! CNT002: a string value names a native library.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CNT002",
    name: "cntk-native-library-path",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "cntk",
    cwe: Some("CWE-427"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A value in the model names a native library (`.dll`, `.so`, `.dylib`, `.pyd`).",
    remediation: "Find out which component loads the library and from where; remove the reference or ship the library through a trusted channel.",
    docs: r#"## What it does
Reports string values of the model's dictionaries that end in a native
library extension, with their path in the dictionary tree.

## Why is this bad?
Native user-defined functions are loaded from a library named in the
model; a path chosen by the file's author (or a bare name resolved
through the search path) loads native code with the process's rights.

## Example
`"module": "C:\\models\\udf_ops.dll"`.

## How to fix
Check the library; keep native extensions out of shared model files.

## References
- https://cntk.ai/pythondocs/extend.html
- CWE-427: Uncontrolled Search Path Element
"#,
};

pub fn finding(location: &Location, path: &str, value: &str) -> Finding {
    Finding::new(
        &RULE,
        location.member(format!("<{path}>")),
        format!("Model value `{path}` names native library `{value}`"),
    )
    .description(format!(
        "The string at `{path}` names a native library: `{value}`."
    ))
    .evidence("path", path)
    .evidence("library", value)
}
