//! CNT001: a user-defined function the loader imports or links to rebuild.

use sentrascan_formats::cntk::UserFunction;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CNT001",
    name: "cntk-user-defined-function",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::UnsafeImports,
    scanner: "cntk",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model contains a user-defined function: loading it imports the Python module and class (or native library) the file names.",
    remediation: "Review the module or library the function names before loading; prefer models with built-in ops only.",
    docs: r#"## What it does
Reports each function dictionary of type `UserDefinedFunction` (or that
names a `module` and a `class`), with the module, class, op name and
whether it is a native UDF.

## Why is this bad?
To rebuild a Python UDF, `Function.load` imports the module named in the
file and calls the class's `deserialize` with state from the file; a
native UDF makes CNTK load a library and call its factory. The file
chooses which code runs at load time.

## Example
`{"type": "UserDefinedFunction", "module": "helpers", "class": "Op"}`.

## How to fix
Make sure the module or library is yours and trusted; otherwise do not
load the model.

## References
- https://cntk.ai/pythondocs/extend.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, u: &UserFunction) -> Finding {
    let module = u.field("module").unwrap_or("?");
    let class = u.field("class").or(u.field("op_name")).unwrap_or("?");
    let kind = if u.native { "native" } else { "Python" };
    Finding::new(
        &RULE,
        location.member(format!("<{}>", u.path)),
        format!("{kind} user-defined function `{module}.{class}` is imported on load"),
    )
    .description(format!(
        "The function dictionary at `{}` is a {kind} user-defined function; loading the model imports `{module}` and rebuilds `{class}`.",
        u.path
    ))
    .evidence("path", u.path.clone())
    .evidence(
        "fields",
        u.fields
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>(),
    )
    .evidence("native", u.native)
}
