//! KER004: a Keras config names a Python module or function that runs commands or code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Named;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER004",
    name: "keras-dangerous-callable",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "keras",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras configuration names a module, class or function (as `module`/`class_name`, a function object, a Lambda function name or a callable slot) that runs commands or code or touches files or the network.",
    remediation: "Do not load this model. A legitimate model never names `os`, `subprocess`, `builtins` or similar modules in its configuration.",
    docs: r#"## What it does
Checks every object's `module` + `class_name`, every Keras 3 function object
(`{"class_name": "function", "module": M, "config": NAME}`), every Lambda
function given by name (`function_type` `function` or `raw`) and every
string in a callable slot (activation, loss, metrics, initializers…)
against the reviewed dangerous list shared with the pickle rules (`os`,
`subprocess`, `builtins.exec`, `builtins.eval`, `socket`, `shutil`,
`importlib`…). Command and code execution is CRITICAL; file and network
access HIGH.

## Why is this bad?
Keras resolves these names by importing the module and calling the
attribute. Keras before 3.9 imported any module a `.keras` config named,
even with `safe_mode=True` (CVE-2025-1550), so a config alone could call
`os.system` with arguments from the config.

## Example
`{"module": "os", "class_name": "function", "config": "system", "registered_name": "function"}`
as a Lambda's function, with `arguments: {"command": "echo pwned"}`.

## How to fix
Do not load the model; report it to its publisher or hub.

## References
- CVE-2025-1550 (GHSA-48g7-3x6r-xfhp)
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub(crate) fn finding(
    location: &Location,
    n: &Named<'_>,
    entry: &str,
    category: Category,
    effect: &str,
) -> Finding {
    let severity = match category {
        Category::FileSystemAccess | Category::NetworkOperations => Severity::High,
        _ => Severity::Critical,
    };
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!("Keras config names `{}` ({effect})", n.qualified),
    )
    .severity(severity)
    .category(category)
    .description(format!(
        "{} names `{}`, which Keras imports and calls when it rebuilds the model; it matches the dangerous entry `{entry}` ({effect}).",
        n.describe(),
        n.qualified
    ))
    .evidence("entry", entry);
    n.attach(f)
}
