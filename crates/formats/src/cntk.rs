//! Microsoft CNTK models. Version 2 (`Function.save`, `.model`/`.cntk`)
//! is a protobuf `Dictionary` (`CNTK.proto`: a version and a map of
//! `DictionaryValue`s, which nest dictionaries and vectors); this module
//! decodes our own subset of that schema with prost (tensor payloads are
//! skipped) and walks it for user-defined functions: a function dictionary
//! of type `UserDefinedFunction` names the Python module and class (or
//! native library and factory) that CNTK imports to rebuild it.
//!
//! Version 1 models (BrainScript, `ComputationNetwork::Save`) start with
//! the wide-string marker `BCN`; they are recognised only.

use std::collections::BTreeMap;

use prost::Message;

/// User-defined functions kept.
pub const MAX_USER_FUNCTIONS: usize = 1_000;
/// Dictionaries visited.
pub const MAX_DICTIONARIES: u64 = 10_000_000;
/// Characters kept per string value.
const MAX_TEXT: usize = 1024;

#[derive(Clone, PartialEq, prost::Message)]
pub struct Dictionary {
    #[prost(uint64, tag = "1")]
    pub version: u64,
    #[prost(btree_map = "string, message", tag = "2")]
    pub data: BTreeMap<String, DictionaryValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct DictionaryValue {
    #[prost(uint64, tag = "1")]
    pub version: u64,
    #[prost(int32, tag = "2")]
    pub value_type: i32,
    #[prost(oneof = "Value", tags = "3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13")]
    pub value: Option<Value>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Value {
    #[prost(bool, tag = "3")]
    Bool(bool),
    #[prost(int32, tag = "4")]
    Int(i32),
    #[prost(uint64, tag = "5")]
    SizeT(u64),
    #[prost(float, tag = "6")]
    Float(f32),
    #[prost(double, tag = "7")]
    Double(f64),
    #[prost(string, tag = "8")]
    String(String),
    #[prost(message, tag = "9")]
    Shape(NdShape),
    #[prost(message, tag = "10")]
    Axis(Axis),
    #[prost(message, tag = "11")]
    Vector(Vector),
    #[prost(message, tag = "12")]
    Dictionary(Dictionary),
    #[prost(message, tag = "13")]
    Array(NdArrayView),
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct NdShape {
    #[prost(uint64, repeated, tag = "1")]
    pub shape_dim: Vec<u64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Axis {
    #[prost(int32, tag = "1")]
    pub static_axis_idx: i32,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(bool, tag = "3")]
    pub is_ordered_dynamic_axis: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Vector {
    #[prost(message, repeated, tag = "1")]
    pub value: Vec<DictionaryValue>,
}

/// The header of a tensor; its values (fields 4–7) are skipped.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NdArrayView {
    #[prost(int32, tag = "1")]
    pub data_type: i32,
    #[prost(int32, tag = "2")]
    pub storage_format: i32,
    #[prost(message, optional, tag = "3")]
    pub shape: Option<NdShape>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CntkError {
    #[error("not a CNTK v2 model")]
    NotCntk,
    #[error("CNTK protobuf does not decode: {0}")]
    Decode(String),
}

/// A user-defined function the loader must import or link to rebuild.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserFunction {
    /// Where the dictionary sits (`primitive_functions[3]`).
    pub path: String,
    /// The string fields that say what is loaded: `module`, `class`,
    /// `op_name`, `name`, `uid`, `factory_method`…, sorted by key.
    pub fields: Vec<(String, String)>,
    /// A native (C++) UDF rather than a Python one.
    pub native: bool,
}

impl UserFunction {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CntkView {
    pub version: u64,
    /// `type` of the root dictionary (`CompositeFunction`).
    pub root_type: Option<String>,
    pub name: Option<String>,
    /// Function dictionaries (`PrimitiveFunction` and user-defined), by type.
    pub function_types: BTreeMap<String, u64>,
    pub user_functions: Vec<UserFunction>,
    /// String values naming a native library (`.dll`, `.so`, `.dylib`, `.pyd`).
    pub library_paths: Vec<(String, String)>,
    pub arrays: u64,
    pub dictionaries: u64,
    /// The walk stopped at [`MAX_DICTIONARIES`].
    pub truncated: bool,
}

/// Whether `data` is a CNTK v1 model (`BCN` wide-string marker).
pub fn sniff_legacy(data: &[u8]) -> bool {
    data.starts_with(b"B\0C\0N\0\0\0")
}

fn varint(data: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *data.get(at)?;
        at = at.checked_add(1)?;
        v |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
        if b & 0x80 == 0 {
            return Some((v, at));
        }
    }
    None
}

/// Whether `data` starts like a CNTK v2 `Dictionary`: a small version, a
/// map entry whose key is an identifier, and a function type name nearby.
pub fn sniff(data: &[u8]) -> bool {
    let Some((version, at)) = (data.first() == Some(&0x08))
        .then(|| varint(data, 1))
        .flatten()
    else {
        return false;
    };
    if version > 100 || data.get(at) != Some(&0x12) {
        return false;
    }
    let Some((_, at)) = varint(data, at.saturating_add(1)) else {
        return false;
    };
    if data.get(at) != Some(&0x0a) {
        return false;
    }
    let Some((klen, at)) = varint(data, at.saturating_add(1)) else {
        return false;
    };
    let Some(key) = usize::try_from(klen)
        .ok()
        .filter(|k| (1..=40).contains(k))
        .and_then(|k| data.get(at..at.checked_add(k)?))
    else {
        return false;
    };
    if !key.iter().all(|c| c.is_ascii_lowercase() || *c == b'_') {
        return false;
    }
    let head = data.get(..data.len().min(1 << 20)).unwrap_or(data);
    memchr::memmem::find(head, b"CompositeFunction").is_some()
        || memchr::memmem::find(head, b"PrimitiveFunction").is_some()
}

/// Decodes a CNTK v2 model and walks its dictionaries.
pub fn parse(data: &[u8]) -> Result<CntkView, CntkError> {
    if !sniff(data) {
        return Err(CntkError::NotCntk);
    }
    let root = Dictionary::decode(data).map_err(|e| CntkError::Decode(e.to_string()))?;
    let mut view = CntkView {
        version: root.version,
        root_type: string_of(&root, "type"),
        name: string_of(&root, "name"),
        ..CntkView::default()
    };
    let mut stack: Vec<(String, &Dictionary)> = vec![(String::new(), &root)];
    while let Some((path, dict)) = stack.pop() {
        view.dictionaries = view.dictionaries.saturating_add(1);
        if view.dictionaries > MAX_DICTIONARIES {
            view.truncated = true;
            break;
        }
        visit(&path, dict, &mut view);
        for (key, value) in &dict.data {
            let here = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            push_value(&here, value, &mut stack, &mut view);
        }
    }
    Ok(view)
}

fn push_value<'a>(
    path: &str,
    value: &'a DictionaryValue,
    stack: &mut Vec<(String, &'a Dictionary)>,
    view: &mut CntkView,
) {
    // Vectors of vectors are rare; nested ones are flattened with an explicit stack.
    let mut pending: Vec<(String, &'a DictionaryValue)> = vec![(path.to_string(), value)];
    while let Some((p, v)) = pending.pop() {
        match &v.value {
            Some(Value::Dictionary(d)) => stack.push((p, d)),
            Some(Value::Vector(vec)) => {
                for (i, item) in vec.value.iter().enumerate() {
                    pending.push((format!("{p}[{i}]"), item));
                }
            }
            Some(Value::Array(_)) => view.arrays = view.arrays.saturating_add(1),
            Some(Value::String(s)) => {
                let lower = s.to_ascii_lowercase();
                if [".dll", ".so", ".dylib", ".pyd"]
                    .iter()
                    .any(|e| lower.ends_with(e) || lower.contains(&format!("{e}.")))
                    && view.library_paths.len() < MAX_USER_FUNCTIONS
                {
                    view.library_paths.push((p, clip(s)));
                }
            }
            _ => {}
        }
    }
}

fn string_of(d: &Dictionary, key: &str) -> Option<String> {
    match d.data.get(key).and_then(|v| v.value.as_ref()) {
        Some(Value::String(s)) => Some(clip(s)),
        _ => None,
    }
}

fn clip(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

/// Keys that name what a user-defined function loads.
const UDF_KEYS: &[&str] = &[
    "module",
    "class",
    "factory_method",
    "factory",
    "op_name",
    "name",
    "uid",
    "native_module",
    "library",
];

fn visit(path: &str, dict: &Dictionary, view: &mut CntkView) {
    let ty = string_of(dict, "type");
    if let Some(t) = &ty
        && t.ends_with("Function")
    {
        let n = view.function_types.entry(t.clone()).or_insert(0);
        *n = n.saturating_add(1);
    }
    let is_udf = ty.as_deref() == Some("UserDefinedFunction")
        || (dict.data.contains_key("module") && dict.data.contains_key("class"));
    if !is_udf || view.user_functions.len() >= MAX_USER_FUNCTIONS {
        return;
    }
    let mut fields: Vec<(String, String)> = UDF_KEYS
        .iter()
        .filter_map(|k| string_of(dict, k).map(|v| ((*k).to_string(), v)))
        .collect();
    // Python UDFs keep their state in a nested dictionary: note its keys' strings too.
    if let Some(Value::Dictionary(state)) = dict.data.get("state").and_then(|v| v.value.as_ref()) {
        for (k, v) in &state.data {
            if let Some(Value::String(s)) = &v.value {
                fields.push((format!("state.{k}"), clip(s)));
            }
        }
    }
    fields.sort();
    let native = matches!(
        dict.data.get("native").and_then(|v| v.value.as_ref()),
        Some(Value::Bool(true))
    );
    view.user_functions.push(UserFunction {
        path: if path.is_empty() {
            "<root>".into()
        } else {
            path.to_string()
        },
        fields,
        native,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> DictionaryValue {
        DictionaryValue {
            version: 1,
            value_type: 6,
            value: Some(Value::String(v.into())),
        }
    }

    fn model(udf: bool) -> Vec<u8> {
        let mut f = Dictionary {
            version: 1,
            data: BTreeMap::new(),
        };
        if udf {
            f.data.insert("type".into(), s("UserDefinedFunction"));
            f.data.insert("module".into(), s("evil_udf"));
            f.data.insert("class".into(), s("Payload"));
        } else {
            f.data.insert("type".into(), s("PrimitiveFunction"));
        }
        let mut root = Dictionary {
            version: 1,
            data: BTreeMap::new(),
        };
        root.data.insert("type".into(), s("CompositeFunction"));
        root.data.insert(
            "primitive_functions".into(),
            DictionaryValue {
                version: 1,
                value_type: 9,
                value: Some(Value::Vector(Vector {
                    value: vec![DictionaryValue {
                        version: 1,
                        value_type: 10,
                        value: Some(Value::Dictionary(f)),
                    }],
                })),
            },
        );
        root.encode_to_vec()
    }

    #[test]
    fn finds_user_functions() {
        let b = model(true);
        assert!(sniff(&b));
        let v = parse(&b).unwrap();
        assert_eq!(v.root_type.as_deref(), Some("CompositeFunction"));
        assert_eq!(v.user_functions.len(), 1);
        assert_eq!(v.user_functions[0].field("module"), Some("evil_udf"));
        assert_eq!(v.user_functions[0].path, "primitive_functions[0]");
        let v = parse(&model(false)).unwrap();
        assert!(v.user_functions.is_empty());
        assert_eq!(v.function_types.get("PrimitiveFunction"), Some(&1));
    }

    #[test]
    fn not_cntk() {
        assert!(!sniff(b"\x08\x07\x12\x07pytorch"));
        assert!(sniff_legacy(b"B\0C\0N\0\0\0B\0V\0"));
        let mut b = model(false);
        b.truncate(b.len() - 3);
        assert!(matches!(parse(&b), Err(CntkError::Decode(_))));
    }
}
