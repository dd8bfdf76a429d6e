//! GBT005: the model carries a shell command or Python code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};

pub static RULE: RuleMeta = RuleMeta {
    code: "GBT005",
    name: "gbt-string-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "gbt",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An attribute, feature name, parameter or other string of the tree model contains a shell command or Python code.",
    remediation: "Find out what reads this string; do not run or fetch it. Re-save the model without it.",
    docs: r#"## What it does
Looks at XGBoost attributes, feature names and types and every other string of the document, LightGBM header values, feature names, `parameters:` values and the `pandas_categorical:` line, and printable strings of CatBoost models (the `params` JSON, feature names, info entries) for Python that evaluates code and shell commands. The patterns need call or pipe syntax.

## Why is this bad?
The libraries never execute these strings; a command there is staged for a pipeline that will (a wrapper that `eval`s an attribute, a script that runs a parameter) or for a person who copies it.

## Example
`"attributes": {"post_load": "__import__("os").system("sh x")"}`.

## How to fix
Remove the string and re-save the model; never execute what a model carries.

## References
- https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html
- CWE-94
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_code(&RULE, texts, location, out);
}
