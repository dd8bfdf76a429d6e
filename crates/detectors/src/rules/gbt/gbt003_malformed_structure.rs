//! GBT003: the model's structure is inconsistent.

use sentrascan_formats::gbt::GbtAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "GBT003",
    name: "gbt-malformed-structure",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "gbt",
    cwe: Some("CWE-130"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The model's arrays and counts disagree (node arrays of different lengths, tree counts, core sizes), part of it cannot be read, or bytes follow the model.",
    remediation: "Do not load the file; re-save the model from a trusted source.",
    docs: r#"## What it does
Checks that per-node arrays have one entry per node, that declared tree,
node and leaf counts match what is stored, that LightGBM's tree list ends
with `end of trees` and `tree_sizes` lists every tree, that CatBoost's core
size fits the file, and that nothing follows an XGBoost or CatBoost model.

## Why is this bad?
A library never writes such a file. Loaders that size buffers from one
count and fill them from another read out of bounds; data after the model
is invisible to the library and is a place to hide a second payload
(a pickle or an archive appended to the model).

## Example
`"num_nodes": "7"` with three entries in `left_children`.

## How to fix
Re-save the model.

## References
- https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html
- CWE-130: Improper Handling of Length Parameter Inconsistency
"#,
};

pub fn finding(location: &Location, library: &str, anomaly: &GbtAnomaly) -> Finding {
    super::described(&RULE, location, library, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_is_medium_at_its_offset() {
        let a = GbtAnomaly::Trailing {
            offset: 0x40,
            len: 9,
        };
        let f = finding(&Location::file("m.cbm"), "catboost", &a);
        assert_eq!((f.rule.as_str(), f.severity), ("GBT003", Severity::Medium));
        assert_eq!(f.location, "m.cbm@0x40");
    }
}
