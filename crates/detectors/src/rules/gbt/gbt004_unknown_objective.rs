//! GBT004: an objective or booster outside the library's set.

use sentrascan_formats::gbt::GbtName;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "GBT004",
    name: "gbt-unknown-objective",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "gbt",
    cwe: Some("CWE-470"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model names an objective or booster that the library does not ship: loading it needs a plugin or custom code.",
    remediation: "Find out which plugin or custom objective the model expects and review it before loading.",
    docs: r#"## What it does
Compares the XGBoost objective (`learner.objective.name`, or `name_obj` of
a legacy binary) and booster (`gbtree`, `gblinear`, `dart`) and the
LightGBM `objective=` with the names the libraries ship.

## Why is this bad?
Libraries resolve these names in registries that plugins extend: a name
outside the built-in set means the model was trained with, and expects, a
plugin that runs native or Python code at load or predict time, or is a
crafted file probing the loader.

## Example
`"objective": {"name": "plugin:remote"}`.

## How to fix
Load only with plugins you have reviewed; re-save with a built-in objective.

## References
- https://xgboost.readthedocs.io/en/stable/parameter.html#learning-task-parameters
- https://xgboost.readthedocs.io/en/stable/tutorials/custom_metric_obj.html
- CWE-470: Use of Externally-Controlled Input to Select Classes or Code
"#,
};

pub fn finding(location: &Location, library: &str, name: &GbtName) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("{library} {} `{}` is not one the library ships", name.what, name.name),
    )
    .scanner(library)
    .description(format!(
        "The model names the {} `{}`, which is not a built-in {library} {}; loading it needs a plugin or custom code.",
        name.what, name.name, name.what
    ))
    .evidence(name.what, name.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_it() {
        let n = GbtName {
            what: "objective",
            name: "x:y".into(),
            known: false,
        };
        let f = finding(&Location::file("m.json"), "xgboost", &n);
        assert_eq!((f.rule.as_str(), f.severity), ("GBT004", Severity::Medium));
    }
}
