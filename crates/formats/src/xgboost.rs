//! XGBoost models: the JSON and UBJSON documents (`Booster.save_model`,
//! `{"learner": …, "version": [major, minor, patch]}`) and the legacy binary
//! format (`binf`, its base64 form `bs64`, or the bare learner header of
//! models saved before 1.0). Each becomes a [`GbtView`]: the declared
//! objective and booster, the strings, and the faults in the trees.

use serde_json::Value;
use thiserror::Error;

use crate::gbt::{GbtAnomaly, GbtView, NodeTree};
use crate::ubjson::{self, UbjError};

/// Objectives XGBoost ships (`reg:linear` is the pre-1.0 name).
pub const KNOWN_OBJECTIVES: &[&str] = &[
    "reg:squarederror",
    "reg:squaredlogerror",
    "reg:logistic",
    "reg:pseudohubererror",
    "reg:absoluteerror",
    "reg:quantileerror",
    "reg:gamma",
    "reg:tweedie",
    "reg:linear",
    "binary:logistic",
    "binary:logitraw",
    "binary:hinge",
    "count:poisson",
    "survival:cox",
    "survival:aft",
    "multi:softmax",
    "multi:softprob",
    "rank:ndcg",
    "rank:map",
    "rank:pairwise",
];

/// Boosters XGBoost ships.
pub const KNOWN_BOOSTERS: &[&str] = &["gbtree", "gblinear", "dart"];

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XgbError {
    #[error("JSON cannot be read: {0}")]
    Json(String),
    #[error("UBJSON cannot be read: {0}")]
    Ubj(#[from] UbjError),
    #[error("not an XGBoost model: {0}")]
    NotAModel(&'static str),
    #[error("{what} at offset {offset:#x} runs past the end of the data")]
    Truncated { what: &'static str, offset: u64 },
    #[error("bs64 payload is not base64")]
    Base64,
}

fn starts_object_with_learner(rest: &[u8]) -> bool {
    let rest = rest.trim_ascii_start();
    rest.strip_prefix(b"\"learner\"")
        .is_some_and(|r| r.trim_ascii_start().starts_with(b":"))
}

/// `{"learner": …` (XGBoost writes its keys sorted, so `learner` is first),
/// or `{"version": [a, b, c], "learner": …` as tools that re-order keys write it.
pub fn sniff_json(data: &[u8]) -> bool {
    let Some(body) = data.trim_ascii_start().strip_prefix(b"{") else {
        return false;
    };
    if starts_object_with_learner(body) {
        return true;
    }
    let body = body.trim_ascii_start();
    let Some(rest) = body.strip_prefix(b"\"version\"") else {
        return false;
    };
    let rest = rest.trim_ascii_start();
    let Some(array) = rest.strip_prefix(b":").map(<[u8]>::trim_ascii_start) else {
        return false;
    };
    // A short array of integers, then `, "learner":`.
    let Some(close) = array.iter().take(64).position(|&b| b == b']') else {
        return false;
    };
    array.starts_with(b"[")
        && array
            .get(1..close)
            .is_some_and(|v| v.iter().all(|b| b.is_ascii_digit() || b", ".contains(b)))
        && array
            .get(close.saturating_add(1)..)
            .and_then(|r| r.trim_ascii_start().strip_prefix(b","))
            .is_some_and(starts_object_with_learner)
}

/// `{` then the key `learner` with any UBJSON length marker.
pub fn sniff_ubj(data: &[u8]) -> bool {
    let Some(rest) = data.strip_prefix(b"{") else {
        return false;
    };
    let after = match rest.first() {
        Some(b'i' | b'U') => rest.get(2..),
        Some(b'I') => rest.get(3..),
        Some(b'l') => rest.get(5..),
        Some(b'L') => rest.get(9..),
        _ => None,
    };
    after.is_some_and(|a| a.starts_with(b"learner"))
}

/// `binf` or `bs64`, the magics of the legacy binary format.
pub fn sniff_binary(data: &[u8]) -> bool {
    data.starts_with(b"binf") || data.starts_with(b"bs64")
}

/// Reads a JSON model.
pub fn parse_json(data: &[u8]) -> Result<GbtView, XgbError> {
    let mut stream = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
    let doc = match stream.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(XgbError::Json(e.to_string())),
        None => return Err(XgbError::Json("empty".into())),
    };
    let end = stream.byte_offset();
    let mut view = model(&doc)?;
    trailing(&mut view, data, end);
    Ok(view)
}

/// Reads a UBJSON model; `max_values` bounds the values decoded.
pub fn parse_ubj(data: &[u8], max_values: u64) -> Result<GbtView, XgbError> {
    let (doc, end) = ubjson::parse(data, max_values)?;
    let mut view = model(&doc)?;
    trailing(&mut view, data, end);
    Ok(view)
}

fn trailing(view: &mut GbtView, data: &[u8], end: usize) {
    let rest = data.get(end..).unwrap_or_default();
    if !rest.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        view.anomaly(GbtAnomaly::Trailing {
            offset: end as u64,
            len: rest.len() as u64,
        });
    }
}

/// An integer written as a number or a decimal string (`"7"`).
fn int_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn uint_of(v: Option<&Value>) -> Option<u64> {
    int_of(v).and_then(|n| u64::try_from(n).ok())
}

fn ints(v: Option<&Value>) -> Option<Vec<i64>> {
    match v? {
        Value::Array(a) => a.iter().map(|x| int_of(Some(x))).collect(),
        _ => None,
    }
}

fn len_of(v: Option<&Value>) -> Option<usize> {
    match v? {
        Value::Array(a) => Some(a.len()),
        _ => None,
    }
}

fn model(doc: &Value) -> Result<GbtView, XgbError> {
    let learner = doc
        .get("learner")
        .filter(|l| l.is_object())
        .ok_or(XgbError::NotAModel("no `learner` object"))?;
    let mut view = GbtView::new("xgboost");
    if let Some(Value::Array(v)) = doc.get("version") {
        let parts: Vec<String> = v.iter().map(|p| p.to_string()).collect();
        view.version = Some(parts.join("."));
    }
    let lmp = learner.get("learner_model_param");
    view.num_feature = uint_of(lmp.and_then(|p| p.get("num_feature")));
    view.num_class = uint_of(lmp.and_then(|p| p.get("num_class")));
    if let Some(obj) = learner
        .get("objective")
        .and_then(|o| o.get("name"))
        .and_then(Value::as_str)
    {
        view.name("objective", obj, KNOWN_OBJECTIVES.contains(&obj));
    }
    let gb = learner.get("gradient_booster");
    let booster = gb.and_then(|g| g.get("name")).and_then(Value::as_str);
    if let Some(b) = booster {
        view.name("booster", b, KNOWN_BOOSTERS.contains(&b));
    }
    let trees_model = match booster {
        Some("dart") => gb
            .and_then(|g| g.get("gbtree"))
            .and_then(|g| g.get("model")),
        _ => gb.and_then(|g| g.get("model")),
    };
    if booster != Some("gblinear")
        && let Some(m) = trees_model
    {
        check_trees(m, &mut view);
    }
    collect_strings(doc, "", &mut view, 0);
    Ok(view)
}

fn check_trees(m: &Value, view: &mut GbtView) {
    let trees = match m.get("trees") {
        Some(Value::Array(t)) => t.as_slice(),
        _ => {
            view.inconsistent("gradient_booster.model", "no `trees` array");
            return;
        }
    };
    view.trees = trees.len() as u64;
    let declared = uint_of(m.get("gbtree_model_param").and_then(|p| p.get("num_trees")));
    if let Some(d) = declared
        && d != trees.len() as u64
    {
        view.inconsistent(
            "gbtree_model_param.num_trees",
            format!("declares {d} trees but {} are stored", trees.len()),
        );
    }
    if let Some(n) = len_of(m.get("tree_info"))
        && n != trees.len()
    {
        view.inconsistent(
            "tree_info",
            format!("has {n} entries for {} trees", trees.len()),
        );
    }
    let model_features = view.num_feature;
    for (t, tree) in trees.iter().enumerate() {
        let path = format!("trees[{t}]");
        let tp = tree.get("tree_param");
        let (Some(left), Some(right), Some(split)) = (
            ints(tree.get("left_children")),
            ints(tree.get("right_children")),
            ints(tree.get("split_indices")),
        ) else {
            view.inconsistent(
                &path,
                "`left_children`, `right_children` or `split_indices` is missing or not integers",
            );
            continue;
        };
        let parents = ints(tree.get("parents"));
        let num_feature = uint_of(tp.and_then(|p| p.get("num_feature"))).or(model_features);
        view.check_node_tree(
            &path,
            &NodeTree {
                left: &left,
                right: &right,
                parents: parents.as_deref(),
                split: &split,
                num_nodes: uint_of(tp.and_then(|p| p.get("num_nodes"))),
                num_feature,
            },
        );
        let n = left.len();
        let leaf_vec = uint_of(tp.and_then(|p| p.get("size_leaf_vector")))
            .unwrap_or(1)
            .max(1);
        for key in [
            "split_conditions",
            "default_left",
            "sum_hessian",
            "loss_changes",
        ] {
            if let Some(len) = len_of(tree.get(key))
                && len != n
            {
                view.inconsistent(&path, format!("`{key}` has {len} entries for {n} nodes"));
            }
        }
        if let Some(len) = len_of(tree.get("base_weights"))
            && len != n
            && Some(len as u64) != (n as u64).checked_mul(leaf_vec)
        {
            view.inconsistent(
                &path,
                format!("`base_weights` has {len} entries for {n} nodes"),
            );
        }
        check_categories(tree, &path, n, view);
    }
}

/// `categories_nodes` name nodes; `categories_segments`/`sizes` slice `categories`.
fn check_categories(tree: &Value, path: &str, n: usize, view: &mut GbtView) {
    let nodes = ints(tree.get("categories_nodes")).unwrap_or_default();
    let segs = ints(tree.get("categories_segments")).unwrap_or_default();
    let sizes = ints(tree.get("categories_sizes")).unwrap_or_default();
    let cats = len_of(tree.get("categories")).unwrap_or(0) as i64;
    if nodes.len() != segs.len() || segs.len() != sizes.len() {
        view.inconsistent(
            path,
            format!(
                "{} categorical nodes but {} segments and {} sizes",
                nodes.len(),
                segs.len(),
                sizes.len()
            ),
        );
    }
    for &node in &nodes {
        if usize::try_from(node).map_or(true, |i| i >= n) {
            view.anomaly(GbtAnomaly::IndexOutOfRange {
                path: format!("{path}/categories_nodes"),
                what: "categorical node",
                index: node,
                bound: n as u64,
            });
        }
    }
    for (&s, &z) in segs.iter().zip(sizes.iter()) {
        if s < 0 || z < 0 || s.checked_add(z).is_none_or(|e| e > cats) {
            view.anomaly(GbtAnomaly::IndexOutOfRange {
                path: format!("{path}/categories_segments"),
                what: "category segment end",
                index: s.saturating_add(z),
                bound: cats as u64,
            });
        }
    }
}

/// Strings of the document (attributes, feature names, parameters), except
/// the tree arrays, with their JSON paths.
fn collect_strings(v: &Value, path: &str, view: &mut GbtView, depth: u32) {
    if depth > 64 {
        return;
    }
    match v {
        Value::String(s) => view.text(path, 0, s.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if !(item.is_string() || item.is_object() || item.is_array()) {
                    // Numeric arrays (tree nodes, weights) carry no text.
                    break;
                }
                collect_strings(item, &format!("{path}[{i}]"), view, depth.saturating_add(1));
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if !is_plain_key(k) {
                    view.text(format!("{p} (key)"), 0, k.clone());
                }
                collect_strings(item, &p, view, depth.saturating_add(1));
            }
        }
        _ => {}
    }
}

/// Keys XGBoost writes are short identifiers; anything else is checked as text.
fn is_plain_key(k: &str) -> bool {
    k.len() <= 64 && k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Reads the legacy binary format.
pub fn parse_binary(data: &[u8]) -> Result<GbtView, XgbError> {
    if let Some(rest) = data.strip_prefix(b"bs64") {
        let text: Vec<u8> = rest
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&text)
            .map_err(|_| XgbError::Base64)?;
        let body = decoded.strip_prefix(b"binf").unwrap_or(&decoded);
        return Binary::new(body).model();
    }
    let body = data.strip_prefix(b"binf").unwrap_or(data);
    let mut view = Binary::new(body).model()?;
    if let Some(GbtAnomaly::Trailing { offset, .. }) = view.anomalies.last_mut()
        && data.starts_with(b"binf")
    {
        *offset = offset.saturating_add(4);
    }
    Ok(view)
}

/// True when `data` (without a magic) starts like a pre-1.0 binary model:
/// a plausible learner header followed by a known objective name.
pub fn sniff_bare_binary(data: &[u8]) -> bool {
    let mut b = Binary::new(data);
    let Ok(()) = b.skip(LEARNER_PARAM_BYTES) else {
        return false;
    };
    b.string()
        .is_ok_and(|s| KNOWN_OBJECTIVES.contains(&s.as_str()))
}

/// `LearnerModelParamLegacy`: base_score, num_feature, num_class,
/// contain_extra_attrs, contain_eval_metrics, major, minor, num_target,
/// boost_from_average, 25 reserved ints.
const LEARNER_PARAM_BYTES: usize = 136;
/// `GBTreeModelParam`.
const GBTREE_PARAM_BYTES: usize = 160;
/// `TreeParam`: 6 ints and 31 reserved.
const TREE_PARAM_BYTES: usize = 148;
/// `RTreeNodeStat`.
const NODE_STAT_BYTES: usize = 16;
/// Strings longer than this are refused.
const MAX_STRING: u64 = 1 << 24;

struct Binary<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Binary<'a> {
    fn new(data: &'a [u8]) -> Self {
        Binary { data, pos: 0 }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], XgbError> {
        let offset = self.pos as u64;
        crate::cursor::take(self.data, &mut self.pos, n).ok_or(XgbError::Truncated { what, offset })
    }

    fn skip(&mut self, n: usize) -> Result<(), XgbError> {
        self.take(n, "header").map(|_| ())
    }

    fn i32_at(b: &[u8], at: usize) -> i32 {
        let mut w = [0u8; 4];
        if let Some(s) = b.get(at..at.saturating_add(4)) {
            w.copy_from_slice(s);
        }
        i32::from_le_bytes(w)
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, XgbError> {
        let mut w = [0u8; 8];
        w.copy_from_slice(self.take(8, what)?);
        Ok(u64::from_le_bytes(w))
    }

    fn string(&mut self) -> Result<String, XgbError> {
        let offset = self.pos as u64;
        let n = self.u64("string length")?;
        if n > MAX_STRING {
            return Err(XgbError::Truncated {
                what: "string",
                offset,
            });
        }
        let s = self.take(n as usize, "string")?;
        Ok(String::from_utf8_lossy(s).into_owned())
    }

    fn model(mut self) -> Result<GbtView, XgbError> {
        let mut view = GbtView::new("xgboost");
        let head = self.take(LEARNER_PARAM_BYTES, "learner header")?;
        let num_feature = Self::i32_at(head, 4);
        let num_class = Self::i32_at(head, 8);
        let extra_attrs = Self::i32_at(head, 12);
        let eval_metrics = Self::i32_at(head, 16);
        let (major, minor) = (Self::i32_at(head, 20), Self::i32_at(head, 24));
        view.num_feature = u64::try_from(num_feature).ok();
        view.num_class = u64::try_from(num_class).ok();
        if major > 0 {
            view.version = Some(format!("{major}.{minor}"));
        }
        let objective = self.string()?;
        view.name(
            "objective",
            &objective,
            KNOWN_OBJECTIVES.contains(&objective.as_str()),
        );
        view.text("name_obj", 0, objective.clone());
        let booster = self.string()?;
        view.name(
            "booster",
            &booster,
            KNOWN_BOOSTERS.contains(&booster.as_str()),
        );
        view.text("name_gbm", 0, booster.clone());
        match booster.as_str() {
            "gbtree" | "dart" => self.gbtree(&mut view, booster == "dart")?,
            _ => {
                // gblinear and unknown boosters: their layout is not read,
                // so nothing after them can be.
                view.inconsistent(
                    "gradient_booster",
                    format!("the `{booster}` booster's binary layout is not analysed"),
                );
                return Ok(view);
            }
        }
        if extra_attrs != 0 {
            let at = self.pos as u64;
            let n = self.u64("attribute count")?;
            for i in 0..n {
                if self.pos >= self.data.len() {
                    return Err(XgbError::Truncated {
                        what: "attributes",
                        offset: at,
                    });
                }
                let k = self.string()?;
                let v = self.string()?;
                view.text(format!("attributes[{i}] (key)"), at, k.clone());
                view.text(format!("attributes.{k}"), at, v);
            }
        }
        if eval_metrics != 0 {
            let at = self.pos as u64;
            let n = self.u64("metric count")?;
            for i in 0..n {
                if self.pos >= self.data.len() {
                    return Err(XgbError::Truncated {
                        what: "metrics",
                        offset: at,
                    });
                }
                let m = self.string()?;
                view.text(format!("metrics[{i}]"), at, m);
            }
        }
        if objective == "count:poisson" && self.pos < self.data.len() {
            let s = self.string()?;
            view.text("max_delta_step", 0, s);
        }
        if self.pos < self.data.len() {
            view.anomaly(GbtAnomaly::Trailing {
                offset: self.pos as u64,
                len: self.data.len().saturating_sub(self.pos) as u64,
            });
        }
        Ok(view)
    }

    fn gbtree(&mut self, view: &mut GbtView, dart: bool) -> Result<(), XgbError> {
        let p = self.take(GBTREE_PARAM_BYTES, "gbtree header")?;
        let num_trees = Self::i32_at(p, 0);
        let gb_features = Self::i32_at(p, 8);
        let Ok(num_trees) = usize::try_from(num_trees) else {
            view.inconsistent("gbtree_model_param.num_trees", format!("is {num_trees}"));
            return Ok(());
        };
        // Each tree takes at least its parameter block.
        if num_trees > self.data.len().saturating_sub(self.pos) / TREE_PARAM_BYTES {
            return Err(XgbError::Truncated {
                what: "trees",
                offset: self.pos as u64,
            });
        }
        view.trees = num_trees as u64;
        let model_features = view.num_feature.or(u64::try_from(gb_features).ok());
        for t in 0..num_trees {
            let path = format!("trees[{t}]");
            let tp = self.take(TREE_PARAM_BYTES, "tree header")?;
            let num_nodes = Self::i32_at(tp, 4);
            let tree_features = Self::i32_at(tp, 16);
            let Ok(n) = usize::try_from(num_nodes) else {
                view.inconsistent(&path, format!("num_nodes is {num_nodes}"));
                return Ok(());
            };
            let node_bytes = n.checked_mul(20).ok_or(XgbError::Truncated {
                what: "nodes",
                offset: self.pos as u64,
            })?;
            let nodes = self.take(node_bytes, "nodes")?;
            let (mut left, mut right, mut parents, mut split) = (
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
            );
            for chunk in nodes.chunks_exact(20) {
                let parent = Self::i32_at(chunk, 0);
                // The top bit marks a left child; -1 is the root's "no parent".
                parents.push(if parent == -1 {
                    -1
                } else {
                    i64::from(parent & 0x7fff_ffff)
                });
                left.push(i64::from(Self::i32_at(chunk, 4)));
                right.push(i64::from(Self::i32_at(chunk, 8)));
                split.push(i64::from(Self::i32_at(chunk, 12) & 0x7fff_ffff));
            }
            view.check_node_tree(
                &path,
                &NodeTree {
                    left: &left,
                    right: &right,
                    parents: Some(&parents),
                    split: &split,
                    num_nodes: None,
                    num_feature: u64::try_from(tree_features)
                        .ok()
                        .filter(|&f| f > 0)
                        .or(model_features),
                },
            );
            let stat_bytes = n.checked_mul(NODE_STAT_BYTES).ok_or(XgbError::Truncated {
                what: "node statistics",
                offset: self.pos as u64,
            })?;
            // `RegTree::Load` reads no leaf vector in the binary format.
            self.take(stat_bytes, "node statistics")?;
        }
        let info = num_trees.checked_mul(4).ok_or(XgbError::Truncated {
            what: "tree_info",
            offset: self.pos as u64,
        })?;
        self.take(info, "tree_info")?;
        if dart && num_trees != 0 {
            self.floats("weight_drop")?;
        }
        Ok(())
    }

    fn floats(&mut self, what: &'static str) -> Result<(), XgbError> {
        let offset = self.pos as u64;
        let n = self.u64(what)?;
        let bytes = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(4))
            .ok_or(XgbError::Truncated { what, offset })?;
        self.take(bytes, what).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = r#"{"left_children":[1,-1,-1],"right_children":[2,-1,-1],"parents":[2147483647,0,0],"split_indices":[1,0,0],"split_conditions":[0.5,0.1,0.2],"default_left":[0,0,0],"base_weights":[0,1,2],"sum_hessian":[1,1,1],"loss_changes":[1,0,0],"tree_param":{"num_nodes":"3","num_feature":"2","size_leaf_vector":"1"}}"#;

    fn doc(tree: &str, objective: &str) -> String {
        format!(
            r#"{{"learner":{{"attributes":{{}},"feature_names":["a","b"],"gradient_booster":{{"model":{{"gbtree_model_param":{{"num_trees":"1"}},"tree_info":[0],"trees":[{tree}]}},"name":"gbtree"}},"learner_model_param":{{"num_feature":"2","num_class":"0"}},"objective":{{"name":"{objective}"}}}},"version":[2,1,4]}}"#
        )
    }

    #[test]
    fn reads_a_consistent_model() {
        let d = doc(TREE, "binary:logistic");
        assert!(sniff_json(d.as_bytes()));
        assert!(sniff_json(b"{\"version\": [2, 1, 4], \"learner\": {}}"));
        assert!(!sniff_json(b"{\"version\": [2, 1, 4], \"other\": {}}"));
        let v = parse_json(d.as_bytes()).unwrap();
        assert!(v.anomalies.is_empty(), "{:?}", v.anomalies);
        assert_eq!(v.version.as_deref(), Some("2.1.4"));
        assert_eq!(v.trees, 1);
        assert!(v.names.iter().all(|n| n.known));
    }

    #[test]
    fn reports_bad_indices_and_unknown_objective() {
        let bad = TREE
            .replace("[2,-1,-1]", "[99,-1,-1]")
            .replace("[1,0,0]", "[7,0,0]");
        let v = parse_json(doc(&bad, "evil:obj").as_bytes()).unwrap();
        assert_eq!(v.anomalies.len(), 2, "{:?}", v.anomalies);
        assert!(v.names.iter().any(|n| !n.known && n.name == "evil:obj"));
        let trailing = format!("{} \u{80}", doc(TREE, "binary:logistic"));
        let v = parse_json(trailing.as_bytes()).unwrap();
        assert!(matches!(v.anomalies[..], [GbtAnomaly::Trailing { .. }]));
    }
}
