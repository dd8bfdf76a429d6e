//! Keras model configurations: the `config.json` of a Keras 3 `.keras` zip,
//! the `model_config` and `training_config` attributes of a Keras 2 HDF5
//! file, and `metadata.json`.
//!
//! The configuration is how Keras rebuilds a model, and rebuilding runs
//! code: Lambda layers carry marshalled Python bytecode, and any object can
//! name a module and a class or function for Keras to import and call. This
//! module walks every object of the JSON (nested models, wrappers, build and
//! compile configs) with bounded depth and count, and records what a rule
//! must judge: every object's `module`/`class_name`/`registered_name`, every
//! callable named by a string or a function object, Lambda bytecode decoded
//! with [`crate::pymarshal`] (never executed), embedded blobs
//! (`TorchModuleWrapper`'s pickled module) and strings that point outside
//! the file (URLs, absolute or escaping paths). Classifying them is the
//! detectors' job.

use base64::Engine as _;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::pymarshal::{self, DecodedCode};

/// JSON values visited per configuration.
const MAX_NODES: u64 = 2_000_000;
/// Nesting of JSON values walked (serde_json itself stops at 128).
const MAX_DEPTH: u32 = 256;
/// Lambda functions decoded per configuration.
const MAX_LAMBDAS: u64 = 10_000;
/// Encoded bytecode or blob length accepted (a Lambda is a few hundred bytes).
const MAX_BLOB_CHARS: usize = 64 << 20;
/// Characters of a key kept in a path, and of a whole path.
const MAX_KEY_CHARS: usize = 64;
const MAX_PATH_CHARS: usize = 512;
/// Records of each kind (objects, callables, locations…) kept per config.
const MAX_RECORDS: usize = 100_000;
/// Strings longer than this are blobs, not locations.
const MAX_LOCATION_CHARS: usize = 4096;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KerasError {
    #[error("configuration is not valid JSON: {0}")]
    Json(String),
    #[error("configuration is not a JSON object")]
    NotObject,
}

/// What a configuration asks Keras to build.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KerasConfig {
    /// `class_name` of the top-level object (`Sequential`, `Functional`).
    pub root_class: Option<String>,
    /// Objects listed under a `layers` key, at any depth.
    pub layer_count: usize,
    /// Every JSON object with a `class_name`.
    pub objects: Vec<KerasObject>,
    /// Python bytecode Keras would unmarshal (Lambda layers, `__lambda__`).
    pub lambdas: Vec<LambdaCode>,
    /// Functions and callables named by the configuration.
    pub callables: Vec<CallableRef>,
    /// Strings that point outside the file.
    pub locations: Vec<ConfigLocation>,
    /// Serialised payloads Keras would deserialise (`TorchModuleWrapper`).
    pub blobs: Vec<EmbeddedBlob>,
    /// Limits that stopped the walk early: name and value.
    pub limits_hit: Vec<(&'static str, u64)>,
}

/// One object of the configuration: a layer, model, initializer, optimizer…
#[derive(Debug, Clone, PartialEq)]
pub struct KerasObject {
    /// Path of the object in the JSON (`config.layers[2]`).
    pub path: String,
    pub class_name: String,
    pub module: Option<String>,
    pub registered_name: Option<String>,
    /// `config.name`, the layer's name.
    pub name: Option<String>,
    /// The key the object sits under (`layers`, `kernel_initializer`).
    pub slot: String,
    /// `config.filepath` (TFSMLayer's SavedModel path).
    pub filepath: Option<String>,
}

impl KerasObject {
    /// The object's display name: the layer name, else its path.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.path)
    }
}

/// Marshalled Python bytecode in a configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaCode {
    pub path: String,
    /// The enclosing layer's class and name.
    pub layer_class: String,
    pub layer_name: Option<String>,
    /// `function`, `output_shape`, `mask` or the key of a `__lambda__` object.
    pub slot: String,
    /// `base64` or `raw_unicode_escape` (Keras before 2.1).
    pub encoding: &'static str,
    /// Length of the encoded text.
    pub encoded_len: usize,
    /// The code object, or why it could not be decoded.
    pub decoded: Result<DecodedCode, String>,
}

/// How a callable is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallableKind {
    /// A string in a callable slot (`"activation": "relu"`).
    SlotString,
    /// A Keras 3 function object (`{"class_name": "function", "module": …, "config": NAME}`).
    FunctionObject,
    /// A Lambda layer whose function is named (`function_type` `function` or `raw`).
    LambdaFunction,
    /// A `TFOpLambda` layer's TensorFlow symbol (`math.add`).
    TfOp,
}

/// A function or callable the configuration names.
#[derive(Debug, Clone, PartialEq)]
pub struct CallableRef {
    pub path: String,
    /// The key it sits under (`activation`, `loss`, `function`).
    pub slot: String,
    pub module: Option<String>,
    pub name: String,
    pub kind: CallableKind,
    pub layer_name: Option<String>,
}

impl CallableRef {
    /// `module.name`, or the bare name.
    pub fn qualified(&self) -> String {
        match &self.module {
            Some(m) if !m.is_empty() => format!("{m}.{}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// What a location string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationKind {
    /// `http://`, `ftp://`, `s3://`, `file:`…
    Url,
    /// An absolute path, a home-relative path or one that climbs with `..`.
    Path,
}

/// A string that points outside the model file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigLocation {
    pub path: String,
    pub key: String,
    pub text: String,
    pub kind: LocationKind,
}

/// A payload embedded in the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddedBlob {
    pub path: String,
    pub layer_class: String,
    pub layer_name: Option<String>,
    /// The decoded bytes, or why they could not be decoded.
    pub data: Result<Vec<u8>, String>,
}

/// `metadata.json` of a `.keras` zip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KerasMetadata {
    pub keras_version: Option<String>,
    pub date_saved: Option<String>,
}

/// Keys whose string values Keras resolves to functions or classes.
pub fn is_callable_slot(key: &str) -> bool {
    matches!(
        key,
        "activation"
            | "recurrent_activation"
            | "loss"
            | "losses"
            | "metrics"
            | "weighted_metrics"
            | "optimizer"
            | "fn"
    ) || key.ends_with("_initializer")
        || key.ends_with("_regularizer")
        || key.ends_with("_constraint")
        || key.ends_with("_activation")
}

/// Parses `metadata.json`; unknown keys are ignored.
pub fn parse_metadata(data: &[u8]) -> Result<KerasMetadata, KerasError> {
    let v: Value = serde_json::from_slice(data).map_err(|e| KerasError::Json(e.to_string()))?;
    let m = v.as_object().ok_or(KerasError::NotObject)?;
    let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(KerasMetadata {
        keras_version: s("keras_version"),
        date_saved: s("date_saved"),
    })
}

/// Parses and walks a configuration (`config.json`, `model_config`,
/// `training_config`).
pub fn parse_config(data: &[u8]) -> Result<KerasConfig, KerasError> {
    let v: Value = serde_json::from_slice(data).map_err(|e| KerasError::Json(e.to_string()))?;
    let root = v.as_object().ok_or(KerasError::NotObject)?;
    let mut w = Walker::default();
    w.out.root_class = root
        .get("class_name")
        .and_then(Value::as_str)
        .map(str::to_string);
    w.value(&v, "", "", 0, None);
    Ok(w.out)
}

#[derive(Default)]
struct Walker {
    out: KerasConfig,
    nodes: u64,
    lambdas: u64,
    stopped: bool,
}

/// The layer a value sits in, for evidence.
#[derive(Clone, Copy)]
struct Layer<'a> {
    class: &'a str,
    name: Option<&'a str>,
}

fn join(path: &str, key: &str) -> String {
    if path.len() >= MAX_PATH_CHARS {
        return path.to_string();
    }
    let key: String = key.chars().take(MAX_KEY_CHARS).collect();
    let joined = if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    };
    cap_path(joined)
}

fn index(path: &str, i: usize) -> String {
    if path.len() >= MAX_PATH_CHARS {
        return path.to_string();
    }
    cap_path(format!("{path}[{i}]"))
}

/// Paths are evidence, not keys: a hostile config with long keys nested
/// deep must not make every recorded path long.
fn cap_path(mut p: String) -> String {
    if p.len() > MAX_PATH_CHARS {
        let mut end = MAX_PATH_CHARS;
        while !p.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        p.truncate(end);
        p.push('…');
    }
    p
}

impl Walker {
    fn limit(&mut self, name: &'static str, value: u64) {
        if !self.out.limits_hit.iter().any(|(n, _)| *n == name) {
            self.out.limits_hit.push((name, value));
        }
        self.stopped = true;
    }

    fn value(&mut self, v: &Value, path: &str, key: &str, depth: u32, layer: Option<Layer<'_>>) {
        if self.stopped {
            return;
        }
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > MAX_NODES {
            return self.limit("max_keras_config_nodes", MAX_NODES);
        }
        if depth > MAX_DEPTH {
            return self.limit("max_keras_config_depth", u64::from(MAX_DEPTH));
        }
        let next = depth.saturating_add(1);
        match v {
            Value::Object(m) => self.object(m, path, key, next, layer),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(item, &index(path, i), key, next, layer);
                }
            }
            Value::String(s) => {
                if let Some(kind) = location_kind(s) {
                    if self.out.locations.len() >= MAX_RECORDS {
                        return self.limit("max_keras_config_records", MAX_RECORDS as u64);
                    }
                    self.out.locations.push(ConfigLocation {
                        path: path.to_string(),
                        key: key.to_string(),
                        text: s.clone(),
                        kind,
                    });
                }
            }
            _ => {}
        }
    }

    fn object(
        &mut self,
        m: &Map<String, Value>,
        path: &str,
        key: &str,
        depth: u32,
        layer: Option<Layer<'_>>,
    ) {
        let class = m.get("class_name").and_then(Value::as_str);
        let config = m.get("config");
        let cfg = config.and_then(Value::as_object);
        let name = cfg.and_then(|c| c.get("name")).and_then(Value::as_str);
        let mut here = layer;
        // Keys whose values this object consumed (blobs, bytecode): not walked again.
        let mut consumed: Vec<&str> = Vec::new();
        if let Some(class) = class {
            if self.out.objects.len() >= MAX_RECORDS {
                return self.limit("max_keras_config_records", MAX_RECORDS as u64);
            }
            let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
            self.out.objects.push(KerasObject {
                path: path.to_string(),
                class_name: class.to_string(),
                module: s("module"),
                registered_name: s("registered_name"),
                name: name.map(str::to_string),
                slot: key.to_string(),
                filepath: cfg
                    .and_then(|c| c.get("filepath"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
            if key == "layers" {
                self.out.layer_count = self.out.layer_count.saturating_add(1);
            }
            let this = Layer { class, name };
            match class {
                "__lambda__" => {
                    if let Some(code) = cfg.and_then(|c| c.get("code")) {
                        let owner = layer.unwrap_or(this);
                        self.lambda(code, &join(path, "config.code"), key, "base64", owner);
                    }
                    return;
                }
                "function" => {
                    if let Some(fname) = config.and_then(Value::as_str) {
                        self.callable(
                            path,
                            key,
                            m.get("module").and_then(Value::as_str),
                            fname,
                            CallableKind::FunctionObject,
                            layer,
                        );
                    }
                }
                "Lambda" => {
                    here = Some(this);
                    if let Some(c) = cfg {
                        consumed = self.lambda_layer(c, &join(path, "config"), this);
                    }
                }
                "TFOpLambda" => {
                    here = Some(this);
                    if let Some(f) = cfg.and_then(|c| c.get("function")).and_then(Value::as_str) {
                        self.callable(
                            &join(path, "config.function"),
                            "function",
                            Some("tensorflow"),
                            f,
                            CallableKind::TfOp,
                            Some(this),
                        );
                    }
                }
                "TorchModuleWrapper" => {
                    here = Some(this);
                    if let Some(b) = cfg.and_then(|c| c.get("module")) {
                        self.blob(b, &join(path, "config.module"), this);
                        consumed.push("module");
                    }
                }
                _ => {
                    if key == "layers" || key == "layer" || key.ends_with("_layer") {
                        here = Some(this);
                    }
                }
            }
        }
        for (k, v) in m {
            let p = join(path, k);
            if k == "config"
                && let Value::Object(c) = v
            {
                // The object's own arguments: walk them, skipping consumed blobs.
                self.slot_strings(c, &p, here);
                for (ck, cv) in c {
                    if consumed.contains(&ck.as_str()) {
                        continue;
                    }
                    self.value(cv, &join(&p, ck), ck, depth, here);
                }
                continue;
            }
            if class.is_none() && is_callable_slot(k) {
                self.slot_value(v, &p, k, here);
            }
            self.value(v, &p, k, depth, here);
        }
    }

    /// Callable slots among an object's arguments.
    fn slot_strings(&mut self, c: &Map<String, Value>, path: &str, layer: Option<Layer<'_>>) {
        for (k, v) in c {
            if is_callable_slot(k) {
                self.slot_value(v, &join(path, k), k, layer);
            }
        }
    }

    /// A callable slot's value: a name, a list of names, or names per output.
    fn slot_value(&mut self, v: &Value, path: &str, key: &str, layer: Option<Layer<'_>>) {
        match v {
            Value::String(s) => self.callable(path, key, None, s, CallableKind::SlotString, layer),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().take(10_000) {
                    if let Value::String(s) = item {
                        self.callable(
                            &index(path, i),
                            key,
                            None,
                            s,
                            CallableKind::SlotString,
                            layer,
                        );
                    }
                }
            }
            Value::Object(m) if !m.contains_key("class_name") => {
                for (k, item) in m.iter().take(10_000) {
                    if let Value::String(s) = item {
                        self.callable(
                            &join(path, k),
                            key,
                            None,
                            s,
                            CallableKind::SlotString,
                            layer,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn callable(
        &mut self,
        path: &str,
        slot: &str,
        module: Option<&str>,
        name: &str,
        kind: CallableKind,
        layer: Option<Layer<'_>>,
    ) {
        if self.out.callables.len() >= MAX_RECORDS {
            return self.limit("max_keras_config_records", MAX_RECORDS as u64);
        }
        self.out.callables.push(CallableRef {
            path: path.to_string(),
            slot: slot.to_string(),
            module: module.map(str::to_string),
            name: name.to_string(),
            kind,
            layer_name: layer.and_then(|l| l.name).map(str::to_string),
        });
    }

    /// A Lambda layer's `function`, `output_shape` and `mask`, in the Keras 2
    /// form (`[code, defaults, closure]` or a name, with a `*_type` key).
    /// Keras 3 function objects are left to the generic walk. Returns the
    /// keys consumed.
    fn lambda_layer<'m>(
        &mut self,
        c: &'m Map<String, Value>,
        path: &str,
        layer: Layer<'_>,
    ) -> Vec<&'m str> {
        let mut consumed = Vec::new();
        for (slot, type_key, module_key) in [
            ("function", "function_type", "module"),
            ("output_shape", "output_shape_type", "output_shape_module"),
            ("mask", "mask_type", "mask_module"),
        ] {
            let Some((slot_key, v)) = c.get_key_value(slot) else {
                continue;
            };
            let ty = c.get(type_key).and_then(Value::as_str);
            let module = c.get(module_key).and_then(Value::as_str);
            let p = join(path, slot);
            match (v, ty) {
                (Value::Array(items), Some("lambda") | None) => {
                    if let Some(code) = items.first().filter(|c| c.is_string()) {
                        self.lambda(code, &index(&p, 0), slot, "", layer);
                        consumed.push(slot_key.as_str());
                    }
                }
                (Value::String(_), Some("lambda")) => {
                    self.lambda(v, &p, slot, "", layer);
                    consumed.push(slot_key.as_str());
                }
                (Value::String(name), _) => {
                    self.callable(
                        &p,
                        slot,
                        module,
                        name,
                        CallableKind::LambdaFunction,
                        Some(layer),
                    );
                    consumed.push(slot_key.as_str());
                }
                _ => {}
            }
        }
        consumed
    }

    /// Decodes marshalled bytecode. `encoding` is `base64`, or empty to
    /// accept Keras 2's fallback (`raw_unicode_escape` text).
    fn lambda(
        &mut self,
        code: &Value,
        path: &str,
        slot: &str,
        encoding: &'static str,
        layer: Layer<'_>,
    ) {
        self.lambdas = self.lambdas.saturating_add(1);
        if self.lambdas > MAX_LAMBDAS {
            return self.limit("max_keras_lambdas", MAX_LAMBDAS);
        }
        let text = code.as_str().unwrap_or_default();
        let (encoding, decoded) = if !code.is_string() {
            ("base64", Err("the bytecode is not a string".to_string()))
        } else if text.len() > MAX_BLOB_CHARS {
            (
                "base64",
                Err(format!(
                    "the bytecode is longer than {MAX_BLOB_CHARS} characters"
                )),
            )
        } else {
            match (decode_base64(text), encoding) {
                (Some(raw), _) => ("base64", decode_marshal(&raw)),
                (None, "base64") => ("base64", Err("the bytecode is not valid base64".into())),
                (None, _) => match raw_unicode_escape(text) {
                    Some(raw) => ("raw_unicode_escape", decode_marshal(&raw)),
                    None => ("raw_unicode_escape", Err("the bytecode is not text".into())),
                },
            }
        };
        self.out.lambdas.push(LambdaCode {
            path: path.to_string(),
            layer_class: layer.class.to_string(),
            layer_name: layer.name.map(str::to_string),
            slot: slot.to_string(),
            encoding,
            encoded_len: text.len(),
            decoded,
        });
    }

    fn blob(&mut self, v: &Value, path: &str, layer: Layer<'_>) {
        let data = match v {
            Value::String(s) if s.len() <= MAX_BLOB_CHARS => {
                decode_base64(s).ok_or_else(|| "not valid base64".to_string())
            }
            Value::String(_) => Err(format!("longer than {MAX_BLOB_CHARS} characters")),
            // Older Keras wrote a list of byte values.
            Value::Array(items) if items.len() <= MAX_BLOB_CHARS => items
                .iter()
                .map(|i| i.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| "a list that is not bytes".to_string()),
            _ => Err("neither base64 text nor a byte list".to_string()),
        };
        if self.out.blobs.len() >= MAX_RECORDS {
            return self.limit("max_keras_config_records", MAX_RECORDS as u64);
        }
        self.out.blobs.push(EmbeddedBlob {
            path: path.to_string(),
            layer_class: layer.class.to_string(),
            layer_name: layer.name.map(str::to_string),
            data,
        });
    }
}

fn decode_marshal(raw: &[u8]) -> Result<DecodedCode, String> {
    pymarshal::decode_code(raw).map_err(|e| e.to_string())
}

/// Base64 as Python's `codecs` and `base64` write it (line breaks allowed).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    STANDARD
        .decode(compact.as_bytes())
        .or_else(|_| URL_SAFE.decode(compact.as_bytes()))
        .ok()
}

/// Python's `str.encode("raw_unicode_escape")`: code points below 256 are
/// bytes, others `\uXXXX` / `\UXXXXXXXX`.
fn raw_unicode_escape(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => out.push(b),
            Err(_) if u32::from(c) <= 0xffff => {
                out.extend_from_slice(format!("\\u{:04x}", u32::from(c)).as_bytes())
            }
            Err(_) => out.extend_from_slice(format!("\\U{:08x}", u32::from(c)).as_bytes()),
        }
    }
    Some(out)
}

/// Whether a string points outside the file: a URL, an absolute path, a
/// home-relative path or one that climbs out with `..`.
pub fn location_kind(s: &str) -> Option<LocationKind> {
    if s.len() > MAX_LOCATION_CHARS || s.len() < 3 {
        return None;
    }
    let lower = s.trim().to_ascii_lowercase();
    const SCHEMES: &[&str] = &[
        "http://", "https://", "ftp://", "ftps://", "file:", "s3://", "gs://", "hdfs://", "smb://",
        "sftp://", "ssh://",
    ];
    if SCHEMES.iter().any(|p| lower.starts_with(p)) {
        return Some(LocationKind::Url);
    }
    if s.chars().any(char::is_whitespace) {
        return None;
    }
    let b = s.as_bytes();
    let unix_abs = b.first() == Some(&b'/')
        && b.get(1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'~'));
    let windows_abs = b.get(1) == Some(&b':')
        && matches!(b.get(2), Some(b'\\' | b'/'))
        && b.first().is_some_and(u8::is_ascii_alphabetic);
    let unc = s.starts_with("\\\\");
    let home = s.starts_with("~/");
    let climbs = s.starts_with("../") || s.contains("/../") || s.contains("..\\");
    (unix_abs || windows_abs || unc || home || climbs).then_some(LocationKind::Path)
}

#[cfg(test)]
mod tests {
    use super::*;

    // `marshal.dumps((lambda x: os.system('echo hi')).__code__)` on CPython 3.11, base64.
    const OS_SYSTEM_B64: &str = "4wEAAAAAAAAAAAAAAAMAAAADAAAA8yoAAACXAHQBAAAAAAAAAAAAAGoBAAAAAAAAAABkAaYBAACrAQAAAAAAAAAAUwApAk76B2VjaG8gaGkpAtoCb3PaBnN5c3RlbSkB2gF4cwEAAAAg+gg8c3RyaW5nPvoIPGxhbWJkYT5yBwAAAAMAAABzEAAAAIAAjUKMSZBp0Qwg1AwggADzAAAAAA==";

    fn config(json: &str) -> KerasConfig {
        parse_config(json.as_bytes()).unwrap()
    }

    #[test]
    fn keras2_lambda_list_form_is_decoded() {
        let c = config(&format!(
            r#"{{"class_name": "Sequential", "config": {{"name": "s", "layers": [
                {{"class_name": "Dense", "config": {{"name": "d", "activation": "relu"}}}},
                {{"class_name": "Lambda", "config": {{"name": "lam",
                  "function": ["{OS_SYSTEM_B64}", null, null], "function_type": "lambda",
                  "module": "__main__", "output_shape": [3], "output_shape_type": "raw"}}}}]}}}}"#
        ));
        assert_eq!(c.root_class.as_deref(), Some("Sequential"));
        assert_eq!(c.layer_count, 2);
        assert_eq!(c.lambdas.len(), 1);
        let l = &c.lambdas[0];
        assert_eq!(l.layer_name.as_deref(), Some("lam"));
        assert_eq!(l.slot, "function");
        assert_eq!(l.path, "config.layers[1].config.function[0]");
        let code = l.decoded.as_ref().unwrap();
        assert_eq!(code.code.names, ["os", "system"]);
        assert_eq!(c.callables.len(), 1);
        assert_eq!(c.callables[0].name, "relu");
        assert_eq!(c.callables[0].slot, "activation");
        assert!(c.locations.is_empty(), "{:?}", c.locations);
    }

    #[test]
    fn keras3_lambda_and_function_objects() {
        let c = config(&format!(
            r#"{{"module": "keras", "class_name": "Functional", "config": {{"layers": [
               {{"module": "keras.layers", "class_name": "Lambda", "config": {{"name": "l",
                 "function": {{"class_name": "__lambda__", "config": {{"code": "{OS_SYSTEM_B64}", "defaults": null}}}}}}}},
               {{"module": "keras.layers", "class_name": "Lambda", "config": {{"name": "g",
                 "function": {{"module": "keras.models", "class_name": "function", "config": "load_model", "registered_name": "function"}},
                 "arguments": {{"filepath": "https://example.com/m.keras"}}}}}}]}}}}"#
        ));
        assert_eq!(c.lambdas.len(), 1);
        assert_eq!(c.lambdas[0].layer_name.as_deref(), Some("l"));
        assert!(c.lambdas[0].decoded.is_ok());
        let f = c
            .callables
            .iter()
            .find(|f| f.kind == CallableKind::FunctionObject)
            .unwrap();
        assert_eq!(f.qualified(), "keras.models.load_model");
        assert_eq!(f.layer_name.as_deref(), Some("g"));
        assert_eq!(c.locations.len(), 1);
        assert_eq!(c.locations[0].kind, LocationKind::Url);
        assert_eq!(c.locations[0].key, "filepath");
    }

    #[test]
    fn wrappers_nested_models_and_blobs() {
        let c = config(
            r#"{"class_name": "Sequential", "config": {"layers": [
                {"class_name": "TimeDistributed", "config": {"name": "td", "layer":
                   {"class_name": "MyPkg>Custom", "module": "evil", "config": {"name": "inner"}}}},
                {"class_name": "Sequential", "config": {"layers": [
                   {"class_name": "TorchModuleWrapper", "config": {"name": "t", "module": "gASVAgAAAAAAAAB9lC4="}},
                   {"class_name": "TFSMLayer", "config": {"name": "sm", "filepath": "/tmp/evil_savedmodel"}}]}}]},
               "compile_config": {"loss": "my_loss", "metrics": ["accuracy", "mod.fn"]}}"#,
        );
        let classes: Vec<&str> = c.objects.iter().map(|o| o.class_name.as_str()).collect();
        assert_eq!(
            classes,
            [
                "Sequential",
                "TimeDistributed",
                "MyPkg>Custom",
                "Sequential",
                "TorchModuleWrapper",
                "TFSMLayer"
            ]
        );
        assert_eq!(c.objects[2].module.as_deref(), Some("evil"));
        assert_eq!(
            c.objects[5].filepath.as_deref(),
            Some("/tmp/evil_savedmodel")
        );
        assert_eq!(c.layer_count, 4);
        assert_eq!(c.blobs.len(), 1);
        assert_eq!(c.blobs[0].data.as_deref().unwrap()[..2], [0x80, 0x04]);
        let names: Vec<&str> = c.callables.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["my_loss", "accuracy", "mod.fn"]);
        // The TFSMLayer path is a location too.
        assert_eq!(c.locations.len(), 1);
    }

    #[test]
    fn undecodable_bytecode_is_kept_with_its_reason() {
        let c = config(
            r#"{"class_name": "Lambda", "config": {"function": {"class_name": "__lambda__", "config": {"code": "not base64!"}}}}"#,
        );
        assert_eq!(c.lambdas.len(), 1);
        assert!(c.lambdas[0].decoded.is_err());
        let c = config(
            r#"{"class_name": "Lambda", "config": {"function": ["YWJj", null, null], "function_type": "lambda"}}"#,
        );
        assert!(
            c.lambdas[0]
                .decoded
                .as_ref()
                .unwrap_err()
                .contains("not a marshalled code object")
        );
    }

    #[test]
    fn raw_unicode_escape_fallback() {
        assert_eq!(raw_unicode_escape("a\u{e3}").unwrap(), [b'a', 0xe3]);
        assert_eq!(raw_unicode_escape("\u{1234}").unwrap(), b"\\u1234");
    }

    #[test]
    fn locations() {
        for (s, k) in [
            ("https://x.example/a", Some(LocationKind::Url)),
            ("file:///etc/passwd", Some(LocationKind::Url)),
            ("/etc/passwd", Some(LocationKind::Path)),
            ("C:\\Windows\\x", Some(LocationKind::Path)),
            ("../../x", Some(LocationKind::Path)),
            ("~/.ssh/id_rsa", Some(LocationKind::Path)),
            ("dense_1", None),
            ("float32", None),
            ("a b /c", None),
        ] {
            assert_eq!(location_kind(s), k, "{s}");
        }
    }

    #[test]
    fn depth_and_bad_json() {
        assert!(parse_config(b"[1]").is_err());
        assert!(parse_config(b"{").is_err());
        let deep = format!(
            "{}{}",
            "{\"a\":".repeat(120),
            "1".to_string() + &"}".repeat(120)
        );
        assert!(parse_config(deep.as_bytes()).is_ok());
        let deeper = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        assert!(parse_config(deeper.as_bytes()).is_err());
    }

    #[test]
    fn long_keys_do_not_make_long_paths() {
        let key = "k".repeat(100_000);
        let json = format!(
            r#"{{"{key}": {{"{key}": [{}]}}}}"#,
            vec![r#""https://x.example/a""#; 1000].join(",")
        );
        let c = parse_config(json.as_bytes()).unwrap();
        assert_eq!(c.locations.len(), 1000);
        assert!(
            c.locations
                .iter()
                .all(|l| l.path.len() <= MAX_PATH_CHARS + 3)
        );
    }

    /// The committed fuzz corpora of `keras_config` and `pymarshal` decode
    /// without panicking (libFuzzer found them interesting).
    #[test]
    fn fuzz_corpora_replay() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus");
        let mut n = 0;
        for (target, f) in [
            (
                "keras_config",
                parse_config as fn(&[u8]) -> Result<KerasConfig, KerasError>,
            ),
            ("pymarshal", |d: &[u8]| {
                let _ = pymarshal::decode_code(d);
                Ok(KerasConfig::default())
            }),
        ] {
            let Ok(dir) = std::fs::read_dir(format!("{root}/{target}")) else {
                continue;
            };
            for e in dir.flatten() {
                if let Ok(data) = std::fs::read(e.path()) {
                    let _ = f(&data);
                    n += 1;
                }
            }
        }
        assert!(n > 0, "no corpus under {root}");
    }

    #[test]
    fn metadata() {
        let m =
            parse_metadata(br#"{"keras_version": "3.12.0", "date_saved": "2026-01-01@00:00:00"}"#)
                .unwrap();
        assert_eq!(m.keras_version.as_deref(), Some("3.12.0"));
    }
}
