//! GBT006: the model carries an embedded executable or pickle.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_binaries};

pub static RULE: RuleMeta = RuleMeta {
    code: "GBT006",
    name: "gbt-embedded-binary",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "gbt",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string of the tree model holds an executable, a script or a pickle (raw, base64, hex or latin-1 escaped).",
    remediation: "Find out what reads this string; do not run or fetch it. Re-save the model without it.",
    docs: r#"## What it does
Decodes strings of the model that look like base64, hex or escaped bytes and reports executables and pickles; the pickles are run through the pickle rules.

## Why is this bad?
A binary inside model attributes is staged for another loader (`pickle.loads(base64.b64decode(booster.attr("x")))` in a serving wrapper).

## Example
An XGBoost attribute `sklearn_meta` holding a base64 pickle that calls `os.system`.

## How to fix
Remove the string and re-save the model; never execute what a model carries.

## References
- https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html
- CWE-506
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_binaries(&RULE, "gbt", texts, location, out);
}
