//! LightGBM text models (`Booster.save_model`): a `key=value` header, one
//! `Tree=N` block per tree, then feature importances, a `parameters:`
//! section and a `pandas_categorical:` JSON line. Read line by line with a
//! bounded line length; every tree's arrays are checked against
//! `num_leaves` and its child and feature indices against their ranges.

use thiserror::Error;

use crate::gbt::{GbtAnomaly, GbtView};

/// Objectives LightGBM ships (and the aliases it writes back).
pub const KNOWN_OBJECTIVES: &[&str] = &[
    "regression",
    "regression_l1",
    "regression_l2",
    "huber",
    "fair",
    "poisson",
    "quantile",
    "mape",
    "gamma",
    "tweedie",
    "binary",
    "multiclass",
    "multiclassova",
    "cross_entropy",
    "cross_entropy_lambda",
    "xentropy",
    "xentlambda",
    "lambdarank",
    "rank_xendcg",
    "custom",
];

/// A line longer than this is refused (feature name lists can be long).
pub const MAX_LINE: usize = 64 << 20;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LgbError {
    #[error("not a LightGBM model: {0}")]
    NotAModel(&'static str),
    #[error("line at offset {offset:#x} is longer than {MAX_LINE} bytes")]
    LineTooLong { offset: u64 },
}

/// `tree` then `version=v…` on the next line.
pub fn sniff(data: &[u8]) -> bool {
    let Some(rest) = data
        .strip_prefix(b"tree\n")
        .or_else(|| data.strip_prefix(b"tree\r\n"))
    else {
        return false;
    };
    rest.starts_with(b"version=v")
}

/// One `key=value` block (the header or a tree) and where it starts.
#[derive(Default)]
struct Block<'a> {
    offset: u64,
    name: String,
    fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Block<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.trim().parse().ok())
    }

    fn ints(&self, key: &str) -> Option<Result<Vec<i64>, ()>> {
        self.get(key).map(|v| {
            v.split_ascii_whitespace()
                .map(|x| x.parse::<i64>().map_err(|_| ()))
                .collect()
        })
    }

    fn count(&self, key: &str) -> Option<usize> {
        self.get(key).map(|v| v.split_ascii_whitespace().count())
    }
}

/// Reads a LightGBM text model.
pub fn parse(data: &[u8]) -> Result<GbtView, LgbError> {
    if !sniff(data) {
        return Err(LgbError::NotAModel("no `tree` / `version=` header"));
    }
    let text = String::from_utf8_lossy(data);
    let mut view = GbtView::new("lightgbm");
    let mut header = Block::default();
    let mut trees: Vec<Block<'_>> = Vec::new();
    let mut section = Section::Header;
    let mut offset = 0u64;
    let mut end_of_trees = false;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset = offset.saturating_add(line.len() as u64);
        if line.len() > MAX_LINE {
            return Err(LgbError::LineTooLong { offset: at });
        }
        let line = line.trim_end_matches(['\n', '\r']);
        if line.is_empty() {
            continue;
        }
        if let Some(n) = line.strip_prefix("Tree=") {
            section = Section::Tree;
            trees.push(Block {
                offset: at,
                name: format!("Tree={}", n.trim()),
                fields: Vec::new(),
            });
            continue;
        }
        match line {
            "end of trees" => {
                section = Section::Other;
                end_of_trees = true;
                continue;
            }
            "feature_importances:" => {
                section = Section::Importances;
                continue;
            }
            "parameters:" => {
                section = Section::Parameters;
                continue;
            }
            "end of parameters" => {
                section = Section::Other;
                continue;
            }
            _ => {}
        }
        if let Some(json) = line.strip_prefix("pandas_categorical:") {
            view.text("pandas_categorical", at, json);
            continue;
        }
        match section {
            Section::Header | Section::Tree => {
                let (k, v) = line.split_once('=').unwrap_or((line, ""));
                let block = match section {
                    Section::Tree => trees.last_mut(),
                    _ => Some(&mut header),
                };
                if let Some(b) = block {
                    b.fields.push((k, v));
                }
            }
            Section::Parameters => {
                // `[key: value]`
                let inner = line.trim().trim_start_matches('[').trim_end_matches(']');
                let (k, v) = inner.split_once(':').unwrap_or((inner, ""));
                view.text(format!("parameters.{}", k.trim()), at, v.trim());
            }
            Section::Importances => {
                let name = line.rsplit_once('=').map_or(line, |(n, _)| n);
                if !is_plain_name(name) {
                    view.text("feature_importances", at, name);
                }
            }
            Section::Other => view.text("trailer", at, line),
        }
    }
    if !end_of_trees {
        view.inconsistent(
            "model",
            "no `end of trees` line: the tree list is cut short",
        );
    }
    check_header(&header, &mut view);
    let max_feature = header.int("max_feature_idx");
    view.trees = trees.len() as u64;
    if let (Some(per_iter), n) = (header.int("num_tree_per_iteration"), trees.len())
        && (per_iter <= 0 || (n as i64).checked_rem(per_iter) != Some(0))
    {
        view.inconsistent(
            "num_tree_per_iteration",
            format!("{n} trees are not a multiple of {per_iter} trees per iteration"),
        );
    }
    if let Some(Ok(sizes)) = header.ints("tree_sizes")
        && sizes.len() != trees.len()
    {
        view.inconsistent(
            "tree_sizes",
            format!("lists {} sizes for {} trees", sizes.len(), trees.len()),
        );
    }
    for t in &trees {
        check_tree(t, max_feature, &mut view);
    }
    Ok(view)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Tree,
    Importances,
    Parameters,
    Other,
}

fn is_plain_name(s: &str) -> bool {
    s.len() <= 64 && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn check_header(h: &Block<'_>, view: &mut GbtView) {
    view.version = h.get("version").map(str::to_string);
    view.num_class = h.int("num_class").and_then(|n| u64::try_from(n).ok());
    view.num_feature = h
        .int("max_feature_idx")
        .and_then(|n| u64::try_from(n.saturating_add(1)).ok());
    if let Some(obj) = h.get("objective") {
        let name = obj.split_ascii_whitespace().next().unwrap_or("");
        view.name("objective", name, KNOWN_OBJECTIVES.contains(&name));
        view.text("objective", h.offset, obj);
    }
    for key in ["feature_names", "feature_infos", "monotone_constraints"] {
        if let Some(v) = h.get(key) {
            for (i, f) in v.split_ascii_whitespace().enumerate() {
                if !is_plain_name(f) && key == "feature_names" {
                    view.text(format!("feature_names[{i}]"), h.offset, f);
                }
            }
        }
    }
    for (k, v) in &h.fields {
        if !matches!(
            *k,
            "version"
                | "num_class"
                | "num_tree_per_iteration"
                | "label_index"
                | "max_feature_idx"
                | "objective"
                | "average_output"
                | "feature_names"
                | "feature_infos"
                | "monotone_constraints"
                | "tree_sizes"
        ) {
            view.text(format!("header.{k}"), h.offset, *v);
        }
    }
}

fn check_tree(t: &Block<'_>, max_feature: Option<i64>, view: &mut GbtView) {
    let path = t.name.as_str();
    let Some(leaves) = t.int("num_leaves").filter(|&n| n >= 1) else {
        view.inconsistent(path, "`num_leaves` is missing or below 1");
        return;
    };
    let leaves = leaves as u64;
    let internal = leaves.saturating_sub(1);
    view.nodes = view.nodes.saturating_add(leaves.saturating_add(internal));
    for key in ["leaf_value", "leaf_weight", "leaf_count"] {
        if let Some(n) = t.count(key)
            && n as u64 != leaves
        {
            view.inconsistent(path, format!("`{key}` has {n} entries for {leaves} leaves"));
        }
    }
    if internal == 0 {
        return;
    }
    for key in [
        "split_feature",
        "split_gain",
        "threshold",
        "decision_type",
        "left_child",
        "right_child",
        "internal_value",
        "internal_weight",
        "internal_count",
    ] {
        match t.count(key) {
            Some(n) if n as u64 == internal => {}
            Some(n) => view.inconsistent(
                path,
                format!("`{key}` has {n} entries for {internal} internal nodes"),
            ),
            None if matches!(
                key,
                "split_feature" | "left_child" | "right_child" | "threshold"
            ) =>
            {
                view.inconsistent(path, format!("`{key}` is missing"));
            }
            None => {}
        }
    }
    for key in ["left_child", "right_child"] {
        let Some(Ok(children)) = t.ints(key) else {
            continue;
        };
        for c in children {
            // >= 0: an internal node; < 0: leaf !c (that is -c - 1).
            let (what, index, bound) = if c >= 0 {
                ("internal child", c, internal)
            } else {
                ("leaf child", c.saturating_neg().saturating_sub(1), leaves)
            };
            if u64::try_from(index).map_or(true, |i| i >= bound) {
                view.anomaly(GbtAnomaly::IndexOutOfRange {
                    path: format!("{path}/{key}"),
                    what,
                    index,
                    bound,
                });
                break;
            }
        }
    }
    if let (Some(Ok(features)), Some(maxf)) = (t.ints("split_feature"), max_feature) {
        let bound = u64::try_from(maxf.saturating_add(1)).unwrap_or(0);
        if let Some(&f) = features.iter().find(|&&f| f < 0 || f > maxf) {
            view.anomaly(GbtAnomaly::IndexOutOfRange {
                path: format!("{path}/split_feature"),
                what: "split feature",
                index: f,
                bound,
            });
        }
    }
    if let Some(cats) = t.int("num_cat").filter(|&c| c > 0) {
        match t.ints("cat_boundaries") {
            Some(Ok(b)) if b.len() as i64 == cats.saturating_add(1) => {
                let n = t.count("cat_threshold").unwrap_or(0) as i64;
                if b.windows(2).any(|w| matches!(w, [a, z] if a > z))
                    || b.last().is_some_and(|&last| last > n)
                    || b.first().is_some_and(|&f| f < 0)
                {
                    view.anomaly(GbtAnomaly::IndexOutOfRange {
                        path: format!("{path}/cat_boundaries"),
                        what: "category boundary",
                        index: b.last().copied().unwrap_or(0),
                        bound: n as u64,
                    });
                }
            }
            _ => view.inconsistent(
                path,
                format!(
                    "`cat_boundaries` does not have num_cat + 1 = {} entries",
                    cats.saturating_add(1)
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=1\nobjective=binary sigmoid:1\nfeature_names=a b\ntree_sizes=100\n\nTree=0\nnum_leaves=3\nnum_cat=0\nsplit_feature=1 0\nthreshold=0.5 0.2\ndecision_type=2 2\nleft_child=1 -1\nright_child=-2 -3\nleaf_value=0.1 0.2 0.3\n\n\nend of trees\n\nparameters:\n[boosting: gbdt]\nend of parameters\n\npandas_categorical:null\n";

    #[test]
    fn reads_a_consistent_model() {
        let v = parse(MODEL.as_bytes()).unwrap();
        assert!(v.anomalies.is_empty(), "{:?}", v.anomalies);
        assert_eq!(v.trees, 1);
        assert_eq!(v.num_feature, Some(2));
        assert!(v.texts.iter().any(|t| t.key == "parameters.boosting"));
    }

    #[test]
    fn reports_out_of_range_children() {
        let bad = MODEL.replace("right_child=-2 -3", "right_child=-2 -9");
        let v = parse(bad.as_bytes()).unwrap();
        assert!(matches!(
            v.anomalies[..],
            [GbtAnomaly::IndexOutOfRange {
                index: 8,
                bound: 3,
                ..
            }]
        ));
        let bad = MODEL.replace("split_feature=1 0", "split_feature=1 5");
        assert_eq!(parse(bad.as_bytes()).unwrap().anomalies.len(), 1);
    }
}
