//! GBT001: a gradient-boosted tree model cannot be read.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "GBT001",
    name: "gbt-model-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "gbt",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file looks like an XGBoost, LightGBM or CatBoost model but cannot be read (invalid JSON/UBJSON, truncated binary, missing header).",
    remediation: "Do not load the file; re-save the model with the library from a trusted source.",
    docs: r#"## What it does
Reports the error that stopped the bounded reader of an XGBoost JSON,
UBJSON or legacy binary model, a LightGBM text model or a CatBoost model.

## Why is this bad?
The library refuses such a file or, for the binary formats, reads it with
native code that trusts the lengths in it. What the scanner could not read
may hide strings or trees the other rules would report.

## Example
A legacy XGBoost `binf` file whose objective-name length is 2^40.

## How to fix
Re-save the model with the library and scan it again.

## References
- https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html
- CWE-20: Improper Input Validation
"#,
};

/// `library` names the format (`xgboost`, `lightgbm`, `catboost`).
pub fn finding(location: &Location, library: &str, error: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("{library} model cannot be read"),
    )
    .scanner(library)
    .description(format!("The {library} model cannot be read: {error}."))
    .evidence("error", error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_library_and_error() {
        let f = finding(&Location::file("m.json"), "xgboost", "no `learner` object");
        assert_eq!((f.rule.as_str(), f.severity), ("GBT001", Severity::Medium));
        assert_eq!(f.scanner, "xgboost");
    }
}
