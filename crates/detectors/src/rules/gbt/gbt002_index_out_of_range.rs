//! GBT002: a tree index is out of range.

use sentrascan_formats::gbt::GbtAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "GBT002",
    name: "gbt-tree-index-out-of-range",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::MalformedFile,
    scanner: "gbt",
    cwe: Some("CWE-129"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tree of the model has a child, parent, split-feature, categorical-node or flatbuffer offset outside its array: native loaders index memory with these numbers.",
    remediation: "Do not load the model with a native loader; re-train or re-save it from a trusted source.",
    docs: r#"## What it does
Checks every tree: XGBoost `left_children`/`right_children` (−1 or a node
index), `parents`, `split_indices` below `num_feature`, categorical nodes
and segments; LightGBM `left_child`/`right_child` (an internal node below
`num_leaves − 1`, or leaf `~i` below `num_leaves`) and `split_feature` up
to `max_feature_idx`, `cat_boundaries`; the CatBoost flatbuffer root and
vtable offsets.

## Why is this bad?
The libraries' predictors walk trees by these indices in C++ and index the
feature vector with the split features. An index out of range reads or
writes outside the node arrays: a crafted model can crash the process or
corrupt memory on load or on the first prediction. No library writes one.

## Example
An XGBoost tree with `"right_children": [70000, -1, -1]` and three nodes.

## How to fix
Re-save the model from a trusted training run.

## References
- https://xgboost.readthedocs.io/en/stable/tutorials/saving_model.html
- https://lightgbm.readthedocs.io/en/latest/
- CWE-129: Improper Validation of Array Index
"#,
};

pub fn finding(location: &Location, library: &str, anomaly: &GbtAnomaly) -> Finding {
    super::described(&RULE, location, library, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_with_the_index() {
        let a = GbtAnomaly::IndexOutOfRange {
            path: "trees[0]/nodes[0]".into(),
            what: "right child",
            index: 70000,
            bound: 3,
        };
        let f = finding(&Location::file("m.json"), "xgboost", &a);
        assert_eq!((f.rule.as_str(), f.severity), ("GBT002", Severity::High));
        assert!(f.title.contains("70000"), "{}", f.title);
    }
}
