//! Orbax/JAX checkpoint metadata: the `_METADATA` tree metadata of a
//! `PyTreeCheckpointHandler` item, the `_CHECKPOINT_METADATA` of a
//! checkpoint step, and the `_sharding` file. Recognised from their JSON
//! keys. The view lists the value types and item handlers the metadata
//! names (an unknown one needs a registered custom handler), the strings
//! that look like paths outside the checkpoint, and every string for the
//! payload rules.

use serde_json::Value;
use thiserror::Error;

/// Value types Orbax's standard type handlers restore (and the markers it
/// writes for empty nodes).
pub const KNOWN_VALUE_TYPES: &[&str] = &[
    "jax.Array",
    "np.ndarray",
    "scalar",
    "string",
    "None",
    "Dict",
    "List",
    "Tuple",
    "Unknown",
    "jax.random.key",
    "PLACEHOLDER",
];

/// Strings kept for payload checks.
const MAX_TEXTS: usize = 100_000;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrbaxError {
    #[error("JSON cannot be read: {0}")]
    Json(String),
    #[error("not Orbax checkpoint metadata")]
    NotOrbax,
}

/// Which metadata file this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrbaxKind {
    /// `_METADATA` (`tree_metadata`).
    TreeMetadata,
    /// `_CHECKPOINT_METADATA` (`item_handlers`, timestamps).
    CheckpointMetadata,
    /// `_sharding` (per-array JSON sharding specs).
    Sharding,
}

impl OrbaxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrbaxKind::TreeMetadata => "_METADATA",
            OrbaxKind::CheckpointMetadata => "_CHECKPOINT_METADATA",
            OrbaxKind::Sharding => "_sharding",
        }
    }
}

/// A name the metadata asks the restoring code to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrbaxType {
    /// `value_type` or `item_handler`.
    pub what: &'static str,
    /// The tree path or item name.
    pub path: String,
    pub name: String,
}

/// What the metadata holds.
#[derive(Debug, Clone)]
pub struct OrbaxView {
    pub kind: OrbaxKind,
    /// Leaves of the tree (`_METADATA`), items (`_CHECKPOINT_METADATA`) or
    /// arrays (`_sharding`).
    pub entries: u64,
    /// Value types and handlers outside the standard set.
    pub custom_types: Vec<OrbaxType>,
    /// `(path, value)`: strings that point outside the checkpoint.
    pub outside_paths: Vec<(String, String)>,
    /// Every string, with its JSON path.
    pub texts: Vec<(String, String)>,
    pub value_types: std::collections::BTreeSet<String>,
}

fn kind_of(doc: &Value) -> Option<OrbaxKind> {
    let obj = doc.as_object()?;
    if obj.get("tree_metadata").is_some_and(Value::is_object) {
        return Some(OrbaxKind::TreeMetadata);
    }
    if obj.contains_key("item_handlers")
        || (obj.contains_key("init_timestamp_nsecs") && obj.contains_key("commit_timestamp_nsecs"))
    {
        return Some(OrbaxKind::CheckpointMetadata);
    }
    let sharding = !obj.is_empty()
        && obj.values().all(|v| {
            v.as_str()
                .and_then(|s| serde_json::from_str::<Value>(s).ok())
                .is_some_and(|j| j.get("sharding_type").is_some())
        });
    sharding.then_some(OrbaxKind::Sharding)
}

/// Cheap check on the head of a JSON file: the keys that start Orbax metadata.
pub fn sniff(data: &[u8]) -> bool {
    let head = data.get(..data.len().min(4096)).unwrap_or_default();
    let has = |k: &[u8]| memchr::memmem::find(head, k).is_some();
    data.trim_ascii_start().starts_with(b"{")
        && (has(b"\"tree_metadata\"")
            || has(b"\"item_handlers\"")
            || has(b"\"commit_timestamp_nsecs\"")
            || has(b"sharding_type"))
        && parse(data).is_ok()
}

/// Reads Orbax metadata JSON.
pub fn parse(data: &[u8]) -> Result<OrbaxView, OrbaxError> {
    let doc: Value = serde_json::from_slice(data).map_err(|e| OrbaxError::Json(e.to_string()))?;
    let kind = kind_of(&doc).ok_or(OrbaxError::NotOrbax)?;
    let mut view = OrbaxView {
        kind,
        entries: 0,
        custom_types: Vec::new(),
        outside_paths: Vec::new(),
        texts: Vec::new(),
        value_types: Default::default(),
    };
    match kind {
        OrbaxKind::TreeMetadata => {
            if let Some(Value::Object(tree)) = doc.get("tree_metadata") {
                view.entries = tree.len() as u64;
                for (path, leaf) in tree {
                    let vt = leaf
                        .get("value_metadata")
                        .and_then(|m| m.get("value_type"))
                        .and_then(Value::as_str);
                    if let Some(vt) = vt {
                        view.value_types.insert(vt.chars().take(80).collect());
                        if !KNOWN_VALUE_TYPES.contains(&vt) {
                            view.custom_types.push(OrbaxType {
                                what: "value_type",
                                path: path.clone(),
                                name: vt.to_string(),
                            });
                        }
                    }
                }
            }
        }
        OrbaxKind::CheckpointMetadata => match doc.get("item_handlers") {
            Some(Value::Object(items)) => {
                view.entries = items.len() as u64;
                for (item, h) in items {
                    handler(&mut view, item, h);
                }
            }
            Some(h) => {
                view.entries = 1;
                handler(&mut view, "default", h);
            }
            None => {}
        },
        OrbaxKind::Sharding => {
            view.entries = doc.as_object().map_or(0, |o| o.len() as u64);
        }
    }
    walk(&doc, "", &mut view, 0);
    Ok(view)
}

fn handler(view: &mut OrbaxView, item: &str, h: &Value) {
    if let Some(name) = h.as_str()
        && !name.starts_with("orbax.checkpoint.")
    {
        view.custom_types.push(OrbaxType {
            what: "item_handler",
            path: item.to_string(),
            name: name.to_string(),
        });
    }
}

/// Absolute paths, parent traversals and non-local URLs.
fn points_outside(s: &str) -> bool {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    t.starts_with('/')
        || t.starts_with('\\')
        || t.get(1..3) == Some(":\\")
        || t.split(['/', '\\']).any(|c| c == "..")
        || [
            "file://", "gs://", "s3://", "hdfs://", "http://", "https://",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
}

fn walk(v: &Value, path: &str, view: &mut OrbaxView, depth: u32) {
    if depth > 64 || view.texts.len() >= MAX_TEXTS {
        return;
    }
    match v {
        Value::String(s) => {
            let key = path
                .rsplit(['.', '/'])
                .next()
                .unwrap_or(path)
                .to_ascii_lowercase();
            if (key.contains("path")
                || key.contains("dir")
                || key.contains("file")
                || key.contains("kvstore"))
                && points_outside(s)
            {
                view.outside_paths.push((path.to_string(), s.clone()));
            }
            view.texts.push((path.to_string(), s.clone()));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), view, depth.saturating_add(1));
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(item, &p, view, depth.saturating_add(1));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_metadata_value_types() {
        let d = br#"{"tree_metadata": {"('params', 'w')": {"key_metadata": [{"key": "params", "key_type": 2}], "value_metadata": {"value_type": "jax.Array", "skip_deserialize": false}}, "('opt', 'x')": {"value_metadata": {"value_type": "mylib.PickledThing"}}}, "use_zarr3": false}"#;
        assert!(sniff(d));
        let v = parse(d).unwrap();
        assert_eq!(v.kind, OrbaxKind::TreeMetadata);
        assert_eq!(v.entries, 2);
        assert_eq!(v.custom_types.len(), 1);
        assert_eq!(v.custom_types[0].name, "mylib.PickledThing");
    }

    #[test]
    fn checkpoint_metadata_handlers_and_paths() {
        let d = br#"{"item_handlers": {"state": "orbax.checkpoint._src.handlers.standard_checkpoint_handler.StandardCheckpointHandler", "extra": "evil.Handler"}, "metrics": {}, "custom_metadata": {"data_path": "../../etc/passwd"}, "init_timestamp_nsecs": 1, "commit_timestamp_nsecs": 2}"#;
        let v = parse(d).unwrap();
        assert_eq!(v.kind, OrbaxKind::CheckpointMetadata);
        assert_eq!(v.custom_types.len(), 1);
        assert_eq!(v.outside_paths.len(), 1);
        assert!(!sniff(br#"{"a": 1}"#));
    }
}
