//! The neutral view of a gradient-boosted tree model (XGBoost, LightGBM,
//! CatBoost): what the model declares, the strings it carries, and the
//! structural faults found in its trees. Native loaders index node and
//! feature arrays with the numbers stored in the file, so an index out of
//! range is a memory-safety problem, not only a broken model.

use std::fmt;

/// Anomalies kept per model (the rest are counted in `dropped`).
pub const MAX_ANOMALIES: usize = 10_000;
/// Strings kept per model for payload checks.
pub const MAX_TEXTS: usize = 100_000;

/// A structural fault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GbtAnomaly {
    /// A node, child, parent or feature index outside its array.
    IndexOutOfRange {
        path: String,
        what: &'static str,
        index: i64,
        bound: u64,
    },
    /// Arrays or counts that disagree, or a field that cannot be read.
    Inconsistent { path: String, why: String },
    /// Bytes after the model.
    Trailing { offset: u64, len: u64 },
}

impl GbtAnomaly {
    pub fn kind(&self) -> &'static str {
        match self {
            GbtAnomaly::IndexOutOfRange { .. } => "index_out_of_range",
            GbtAnomaly::Inconsistent { .. } => "inconsistent",
            GbtAnomaly::Trailing { .. } => "trailing_data",
        }
    }

    pub fn offset(&self) -> u64 {
        match self {
            GbtAnomaly::Trailing { offset, .. } => *offset,
            _ => 0,
        }
    }
}

impl fmt::Display for GbtAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GbtAnomaly::IndexOutOfRange {
                path,
                what,
                index,
                bound,
            } => write!(f, "`{path}`: {what} {index} is outside 0..{bound}"),
            GbtAnomaly::Inconsistent { path, why } => write!(f, "`{path}`: {why}"),
            GbtAnomaly::Trailing { offset, len } => {
                write!(f, "{len} bytes follow the model at offset {offset:#x}")
            }
        }
    }
}

/// A string from the model (attribute, feature name, parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GbtText {
    pub key: String,
    pub offset: u64,
    pub text: String,
}

/// A name the loader resolves (objective, booster) and whether it is one
/// the library ships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GbtName {
    pub what: &'static str,
    pub name: String,
    pub known: bool,
}

/// What a tree model declares and what is wrong with it.
#[derive(Debug, Default, Clone)]
pub struct GbtView {
    /// `xgboost`, `lightgbm`, `catboost`.
    pub library: &'static str,
    /// Library or format version written in the model.
    pub version: Option<String>,
    pub names: Vec<GbtName>,
    pub num_feature: Option<u64>,
    pub num_class: Option<u64>,
    pub trees: u64,
    pub nodes: u64,
    pub anomalies: Vec<GbtAnomaly>,
    pub texts: Vec<GbtText>,
    pub dropped: u64,
}

impl GbtView {
    pub fn new(library: &'static str) -> Self {
        GbtView {
            library,
            ..GbtView::default()
        }
    }

    pub fn anomaly(&mut self, a: GbtAnomaly) {
        if self.anomalies.len() < MAX_ANOMALIES {
            self.anomalies.push(a);
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    pub fn inconsistent(&mut self, path: impl Into<String>, why: impl Into<String>) {
        self.anomaly(GbtAnomaly::Inconsistent {
            path: path.into(),
            why: why.into(),
        });
    }

    pub fn text(&mut self, key: impl Into<String>, offset: u64, text: impl Into<String>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        if self.texts.len() < MAX_TEXTS {
            self.texts.push(GbtText {
                key: key.into(),
                offset,
                text,
            });
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    pub fn name(&mut self, what: &'static str, name: &str, known: bool) {
        self.names.push(GbtName {
            what,
            name: name.chars().take(200).collect(),
            known,
        });
    }

    /// Checks one binary tree stored as parallel node arrays where `-1`
    /// marks "no child" (XGBoost): children and parents in range, both or
    /// neither child present, split features below `num_feature`.
    pub fn check_node_tree(&mut self, path: &str, tree: &NodeTree<'_>) {
        let n = tree.left.len();
        self.nodes = self.nodes.saturating_add(n as u64);
        let bound = n as u64;
        for (name, len) in [
            ("right_children", tree.right.len()),
            ("parents", tree.parents.map_or(n, <[i64]>::len)),
            ("split_indices", tree.split.len()),
        ] {
            if len != n {
                self.inconsistent(
                    path,
                    format!("`{name}` has {len} entries but `left_children` has {n}"),
                );
            }
        }
        if let Some(declared) = tree.num_nodes
            && declared != bound
        {
            self.inconsistent(
                path,
                format!("`num_nodes` is {declared} but the node arrays have {n} entries"),
            );
        }
        let in_range = |i: i64| u64::try_from(i).is_ok_and(|i| i < bound);
        let mut reported = 0usize;
        for (i, (&l, &r)) in tree.left.iter().zip(tree.right.iter()).enumerate() {
            if reported >= 16 {
                break;
            }
            let node = format!("{path}/nodes[{i}]");
            let is_leaf = l == -1;
            for (what, c) in [("left child", l), ("right child", r)] {
                if c != -1 && (!in_range(c) || c == 0) {
                    reported = reported.saturating_add(1);
                    self.anomaly(GbtAnomaly::IndexOutOfRange {
                        path: node.clone(),
                        what,
                        index: c,
                        bound,
                    });
                }
            }
            if (l == -1) != (r == -1) {
                reported = reported.saturating_add(1);
                self.inconsistent(&node, "one child is missing (-1) and the other is not");
            }
            if let Some(parents) = tree.parents
                && let Some(&p) = parents.get(i)
                && i > 0
                && !in_range(p)
            {
                reported = reported.saturating_add(1);
                self.anomaly(GbtAnomaly::IndexOutOfRange {
                    path: node.clone(),
                    what: "parent",
                    index: p,
                    bound,
                });
            }
            if !is_leaf
                && let (Some(&f), Some(nf)) = (tree.split.get(i), tree.num_feature)
                && nf > 0
                && u64::try_from(f).map_or(true, |f| f >= nf)
            {
                reported = reported.saturating_add(1);
                self.anomaly(GbtAnomaly::IndexOutOfRange {
                    path: node,
                    what: "split feature",
                    index: f,
                    bound: nf,
                });
            }
        }
    }
}

/// Parallel node arrays of one XGBoost-style tree.
pub struct NodeTree<'a> {
    pub left: &'a [i64],
    pub right: &'a [i64],
    pub parents: Option<&'a [i64]>,
    pub split: &'a [i64],
    pub num_nodes: Option<u64>,
    pub num_feature: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_out_of_range_children_and_features() {
        let mut v = GbtView::new("xgboost");
        v.check_node_tree(
            "trees[0]",
            &NodeTree {
                left: &[1, -1, -1],
                right: &[2, -1, -1],
                parents: Some(&[i64::from(i32::MAX), 0, 0]),
                split: &[3, 0, 0],
                num_nodes: Some(3),
                num_feature: Some(4),
            },
        );
        assert!(v.anomalies.is_empty(), "{:?}", v.anomalies);
        v.check_node_tree(
            "trees[1]",
            &NodeTree {
                left: &[1, -1, -1],
                right: &[70000, -1, -1],
                parents: Some(&[-1, 0, 9]),
                split: &[4, 0, 0],
                num_nodes: Some(3),
                num_feature: Some(4),
            },
        );
        let kinds: Vec<String> = v.anomalies.iter().map(ToString::to_string).collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert!(kinds[0].contains("right child 70000"));
        assert!(kinds[1].contains("split feature 4"));
        assert!(kinds[2].contains("parent 9"));
    }
}
