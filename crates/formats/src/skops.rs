//! skops archives (`.skops`): a zip whose `schema.json` describes the
//! object tree that `skops.io.load` rebuilds. Every JSON object with a
//! `__loader__` is a node: the loader (`ObjectNode`, `FunctionNode`, …)
//! decides what the library does with `__module__`/`__class__` (import a
//! type and build it, return a function, bind a method, call an operator).
//! Arrays and bytes live in other members, named by `file`.
//!
//! This module reads the schema only; the members are analysed by the
//! engine like any archive member.

use serde_json::Value;

/// Nodes kept per schema.
pub const MAX_NODES: usize = 1_000_000;
/// Bytes of `schema.json` read.
pub const MAX_SCHEMA_BYTES: usize = 256 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SkopsError {
    #[error("schema.json is not valid JSON: {0}")]
    Json(String),
    #[error("schema.json is larger than {MAX_SCHEMA_BYTES} bytes")]
    TooLarge,
    #[error("schema.json is not an object with `__loader__`")]
    NotASchema,
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkopsNode {
    pub loader: String,
    pub module: String,
    pub class: String,
    /// JSON path from the root (`$.content.steps.content[0]`).
    pub path: String,
    /// `MethodNode`: the method name and the bound object's type.
    pub method: Option<String>,
    pub method_owner: Option<(String, String)>,
    /// `NdArrayNode`/`SparseMatrixNode`/`BytesNode`: `type` and `file`.
    pub storage_type: Option<String>,
    pub file: Option<String>,
    /// `JsonNode`'s content (truncated).
    pub json_content: Option<String>,
    /// The node was written as a non-string `__module__`/`__class__`.
    pub malformed: bool,
}

impl SkopsNode {
    pub fn type_name(&self) -> String {
        format!("{}.{}", self.module, self.class)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkopsSchema {
    pub protocol: Option<i64>,
    pub skops_version: Option<String>,
    pub nodes: Vec<SkopsNode>,
    pub limit_hit: Option<(&'static str, u64)>,
}

impl SkopsSchema {
    /// Files the nodes name (members of the archive).
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().filter_map(|n| n.file.as_deref())
    }
}

/// True when a zip's member names make it a skops archive.
pub fn is_skops_names<'a>(mut names: impl Iterator<Item = &'a str>) -> bool {
    names.any(|n| n == "schema.json")
}

pub fn parse_schema(data: &[u8]) -> Result<SkopsSchema, SkopsError> {
    if data.len() > MAX_SCHEMA_BYTES {
        return Err(SkopsError::TooLarge);
    }
    // serde_json stops at 128 levels of nesting, which bounds the walk below.
    let root: Value = serde_json::from_slice(data).map_err(|e| SkopsError::Json(e.to_string()))?;
    let Some(obj) = root.as_object() else {
        return Err(SkopsError::NotASchema);
    };
    if !obj.contains_key("__loader__") {
        return Err(SkopsError::NotASchema);
    }
    let mut out = SkopsSchema {
        protocol: obj.get("protocol").and_then(Value::as_i64),
        skops_version: obj
            .get("_skops_version")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..SkopsSchema::default()
    };
    let mut stack: Vec<(&Value, String)> = vec![(&root, "$".to_string())];
    while let Some((v, path)) = stack.pop() {
        match v {
            Value::Object(map) => {
                if map.contains_key("__loader__") {
                    if out.nodes.len() >= MAX_NODES {
                        out.limit_hit = Some(("skops_max_nodes", MAX_NODES as u64));
                        break;
                    }
                    out.nodes.push(node(map, &path));
                }
                // Children in reverse so that nodes come out in document order.
                for (k, child) in map.iter().rev() {
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        stack.push((child, format!("{path}.{k}")));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        stack.push((child, format!("{path}[{i}]")));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn string(map: &serde_json::Map<String, Value>, key: &str, malformed: &mut bool) -> String {
    match map.get(key) {
        Some(Value::String(s)) => s.clone(),
        None => String::new(),
        Some(other) => {
            *malformed = true;
            other.to_string()
        }
    }
}

fn node(map: &serde_json::Map<String, Value>, path: &str) -> SkopsNode {
    let mut malformed = false;
    let mut n = SkopsNode {
        loader: string(map, "__loader__", &mut malformed),
        module: string(map, "__module__", &mut malformed),
        class: string(map, "__class__", &mut malformed),
        path: path.to_string(),
        ..SkopsNode::default()
    };
    n.storage_type = map.get("type").and_then(Value::as_str).map(str::to_string);
    n.file = map.get("file").and_then(Value::as_str).map(str::to_string);
    if n.loader == "MethodNode" {
        let content = map.get("content");
        n.method = content
            .and_then(|c| c.get("func"))
            .and_then(Value::as_str)
            .map(str::to_string);
        n.method_owner = content.and_then(|c| c.get("obj")).map(|o| {
            (
                o.get("__module__")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                o.get("__class__")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        });
    }
    if n.loader == "JsonNode" {
        n.json_content = map.get("content").map(|c| {
            let s = match c {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            s.chars().take(256).collect()
        });
    }
    n.malformed = malformed;
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nodes_in_order() {
        let doc = br#"{"__class__":"Pipeline","__module__":"sklearn.pipeline","__loader__":"ObjectNode",
          "content":{"__class__":"dict","__module__":"builtins","__loader__":"DictNode","content":{
            "m":{"__class__":"str","__module__":"operator","__loader__":"MethodNode",
                 "content":{"func":"system","obj":{"__class__":"module","__module__":"os","__loader__":"ObjectNode"}}},
            "a":{"__class__":"ndarray","__module__":"numpy","__loader__":"NdArrayNode","type":"numpy","file":"a.npy"}}},
          "protocol":2,"_skops_version":"0.10.0"}"#;
        let s = parse_schema(doc).unwrap();
        assert_eq!(s.protocol, Some(2));
        assert_eq!(s.skops_version.as_deref(), Some("0.10.0"));
        let loaders: Vec<&str> = s.nodes.iter().map(|n| n.loader.as_str()).collect();
        // serde_json keeps object keys sorted: `a` comes before `m`.
        assert_eq!(
            loaders,
            [
                "ObjectNode",
                "DictNode",
                "NdArrayNode",
                "MethodNode",
                "ObjectNode"
            ]
        );
        assert_eq!(s.nodes[3].method.as_deref(), Some("system"));
        assert_eq!(
            s.nodes[3].method_owner,
            Some(("os".into(), "module".into()))
        );
        assert_eq!(s.files().collect::<Vec<_>>(), ["a.npy"]);
        assert!(parse_schema(b"[1]").is_err());
        assert!(parse_schema(b"{").is_err());
    }
}
