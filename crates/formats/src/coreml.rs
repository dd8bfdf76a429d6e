//! Core ML models (`.mlmodel`, and the `model.mlmodel` inside an
//! `.mlpackage`): a bounded reader for the part of the `Model` protobuf
//! (coremltools `mlmodel/format/Model.proto` and the messages it nests) that
//! the scan needs — the specification version, the description (inputs,
//! outputs, metadata), the model type, and what makes Core ML load code or
//! other files: `customModel` and custom neural-network layers (classes the
//! application supplies), `linkedModel` file names and search paths, the
//! weight files an ML Program's constants name, and pipelines of sub-models.
//!
//! Decoded with a wire walk ([`crate::tensorflow::wire`]) rather than prost:
//! only the fields below are read, nothing is allocated for the weights or
//! the layers, and nesting (pipelines, branch and loop layers, ML Program
//! blocks) is bounded by [`MAX_DEPTH`] and the whole walk by
//! [`MAX_FIELDS`]. What Core ML would reject becomes a [`CoreMlAnomaly`];
//! only a file whose top-level message cannot be read is an error.

use std::collections::BTreeSet;

use crate::tensorflow::wire::{self, Field, Value};

/// Nesting of models, networks and blocks followed.
pub const MAX_DEPTH: u32 = 32;
/// Protobuf fields visited per file (the walk only enters the messages
/// above, never weights, so real models stay far below).
pub const MAX_FIELDS: u64 = 2_000_000;
/// Strings kept per list (features, metadata, blob files, op types, ...).
pub const MAX_ITEMS: usize = 10_000;
/// Bytes of one string kept in the view.
pub const MAX_STRING: usize = 64 << 10;

/// Why the file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoreMlError {
    #[error("top-level `Model` message is malformed at offset {offset:#x}: {reason}")]
    Wire { offset: u64, reason: &'static str },
    #[error("no model type field: not a Core ML `Model`")]
    NoModel,
}

/// Something Core ML would reject, or that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreMlAnomaly {
    pub path: String,
    pub reason: String,
    pub offset: u64,
}

/// A class the application must supply (custom model or custom layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomClass {
    /// Where in the model tree: `pipeline.models[1].layers[3]`.
    pub path: String,
    pub class_name: String,
    pub description: String,
    pub offset: u64,
}

/// A `linkedModel`: another compiled model Core ML loads from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedModel {
    pub path: String,
    pub file_name: String,
    pub search_path: String,
    pub offset: u64,
}

/// A file an ML Program constant reads its value from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobFile {
    pub path: String,
    pub file_name: String,
    pub offset: u64,
}

/// What the scan knows about one Core ML model file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreMlView {
    pub specification_version: u64,
    /// The top-level model type (`neuralNetwork`, `mlProgram`, `pipeline`, ...).
    pub model_type: String,
    /// Every model in the tree with its type, top-level first.
    pub models: Vec<(String, String)>,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    /// `shortDescription`, `versionString`, `author`, `license` and
    /// `userDefined` entries, with their keys, and feature descriptions.
    pub metadata: Vec<(String, String)>,
    pub custom_models: Vec<CustomClass>,
    pub custom_layers: Vec<CustomClass>,
    pub linked_models: Vec<LinkedModel>,
    pub blob_files: Vec<BlobFile>,
    /// ML Program operation types and neural-network layer count.
    pub program_ops: BTreeSet<String>,
    pub layers: u64,
    pub anomalies: Vec<CoreMlAnomaly>,
    /// Limits that stopped the walk: (name, value).
    pub limits_hit: Vec<(&'static str, u64)>,
}

/// Top-level field numbers of `Model` that hold a model type, with names.
const MODEL_TYPES: &[(u32, &str)] = &[
    (200, "pipelineClassifier"),
    (201, "pipelineRegressor"),
    (202, "pipeline"),
    (300, "glmRegressor"),
    (301, "supportVectorRegressor"),
    (302, "treeEnsembleRegressor"),
    (303, "neuralNetworkRegressor"),
    (304, "bayesianProbitRegressor"),
    (400, "glmClassifier"),
    (401, "supportVectorClassifier"),
    (402, "treeEnsembleClassifier"),
    (403, "neuralNetworkClassifier"),
    (404, "kNearestNeighborsClassifier"),
    (500, "neuralNetwork"),
    (501, "itemSimilarityRecommender"),
    (502, "mlProgram"),
    (555, "customModel"),
    (556, "linkedModel"),
    (560, "classConfidenceThresholding"),
    (600, "oneHotEncoder"),
    (601, "imputer"),
    (602, "featureVectorizer"),
    (603, "dictVectorizer"),
    (604, "scaler"),
    (606, "categoricalMapping"),
    (607, "normalizer"),
    (609, "arrayFeatureExtractor"),
    (610, "nonMaximumSuppression"),
    (900, "identity"),
    (2000, "textClassifier"),
    (2001, "wordTagger"),
    (2002, "visionFeaturePrint"),
    (2003, "soundAnalysisPreprocessing"),
    (2004, "gazetteer"),
    (2005, "wordEmbedding"),
    (2006, "audioFeaturePrint"),
    (3000, "serializedModel"),
];

fn model_type(number: u32) -> Option<&'static str> {
    MODEL_TYPES
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, name)| *name)
}

/// True when `data` is a Core ML `Model`: a specification version first,
/// then only `Model` fields, one of them a model type. ONNX and TensorFlow
/// protobufs (sniffed before) have no fields numbered 200 and above.
pub fn sniff(data: &[u8]) -> bool {
    let mut walk = wire::fields(data);
    match walk.next() {
        Some(Ok(Field {
            number: 1,
            value: Value::Varint(1..=64),
            ..
        })) => {}
        _ => return false,
    }
    let mut typed = false;
    for f in walk.take(64) {
        let Ok(f) = f else { return false };
        match f.number {
            2 | 10 => {}
            n if model_type(n).is_some() => typed = true,
            _ => return false,
        }
    }
    typed
}

pub fn parse(data: &[u8]) -> Result<CoreMlView, CoreMlError> {
    // The top level must parse completely.
    for f in wire::fields(data) {
        if let Err(e) = f {
            return Err(CoreMlError::Wire {
                offset: e.offset as u64,
                reason: e.reason,
            });
        }
    }
    let mut p = Parser {
        view: CoreMlView::default(),
        fields: 0,
    };
    p.model(data, 0, "model", 0, true);
    if p.view.models.is_empty() {
        return Err(CoreMlError::NoModel);
    }
    Ok(p.view)
}

struct Parser {
    view: CoreMlView,
    fields: u64,
}

/// Where a nested message starts in the file: its base plus the payload offset.
fn at(base: u64, f: &Field<'_>) -> u64 {
    base.saturating_add(f.payload as u64)
}

fn text(b: &[u8]) -> String {
    let cut = b.get(..b.len().min(MAX_STRING)).unwrap_or_default();
    String::from_utf8_lossy(cut).into_owned()
}

impl Parser {
    /// The fields of the message at `data` (starting at file offset `base`);
    /// a malformed field ends the walk with an anomaly.
    fn fields<'d>(&mut self, data: &'d [u8], base: u64, path: &str) -> Vec<Field<'d>> {
        let mut out = Vec::new();
        for f in wire::fields(data) {
            if self.fields >= MAX_FIELDS {
                if !self
                    .view
                    .limits_hit
                    .iter()
                    .any(|(l, _)| *l == "max_coreml_fields")
                {
                    self.view.limits_hit.push(("max_coreml_fields", MAX_FIELDS));
                }
                break;
            }
            self.fields = self.fields.saturating_add(1);
            match f {
                Ok(f) => out.push(f),
                Err(e) => {
                    self.anomaly(
                        path,
                        e.reason.to_string(),
                        base.saturating_add(e.offset as u64),
                    );
                    break;
                }
            }
        }
        out
    }

    fn anomaly(&mut self, path: &str, reason: String, offset: u64) {
        if self.view.anomalies.len() < MAX_ITEMS {
            self.view.anomalies.push(CoreMlAnomaly {
                path: path.to_string(),
                reason,
                offset,
            });
        }
    }

    fn deep(&mut self, depth: u32, path: &str, offset: u64) -> bool {
        if depth < MAX_DEPTH {
            return false;
        }
        if !self
            .view
            .limits_hit
            .iter()
            .any(|(l, _)| *l == "max_coreml_depth")
        {
            self.view
                .limits_hit
                .push(("max_coreml_depth", u64::from(MAX_DEPTH)));
        }
        self.anomaly(path, "nesting too deep to follow".into(), offset);
        true
    }

    fn model(&mut self, data: &[u8], base: u64, path: &str, depth: u32, top: bool) {
        if self.deep(depth, path, base) {
            return;
        }
        let mut kind = None;
        for f in self.fields(data, base, path) {
            match (f.number, f.value) {
                (1, Value::Varint(v)) if top => self.view.specification_version = v,
                (2, Value::Bytes(b)) if top => self.description(b, at(base, &f)),
                (n, Value::Bytes(b)) => {
                    let Some(name) = model_type(n) else { continue };
                    if kind.is_some() {
                        self.anomaly(
                            path,
                            format!("second model type `{name}` (a oneof)"),
                            at(base, &f),
                        );
                    }
                    kind = Some(name);
                    self.model_body(n, b, at(base, &f), path, depth);
                }
                _ => {}
            }
        }
        if let Some(k) = kind {
            if top {
                self.view.model_type = k.to_string();
            }
            if self.view.models.len() < MAX_ITEMS {
                self.view.models.push((path.to_string(), k.to_string()));
            }
        }
    }

    fn model_body(&mut self, number: u32, b: &[u8], base: u64, path: &str, depth: u32) {
        match number {
            200 | 201 => {
                for f in self.fields(b, base, path) {
                    if let (1, Value::Bytes(p)) = (f.number, f.value) {
                        self.pipeline(p, at(base, &f), path, depth);
                    }
                }
            }
            202 => self.pipeline(b, base, path, depth),
            303 | 403 | 500 => self.network(b, base, path, depth),
            502 => self.program(b, base, path, depth),
            555 => {
                let class = self.custom_class(b, base, path);
                if self.view.custom_models.len() < MAX_ITEMS {
                    self.view.custom_models.push(class);
                }
            }
            556 => self.linked_model(b, base, path),
            _ => {}
        }
    }

    fn description(&mut self, b: &[u8], base: u64) {
        for f in self.fields(b, base, "description") {
            let Value::Bytes(v) = f.value else { continue };
            match f.number {
                1 | 10 => {
                    let (mut name, mut doc) = (String::new(), String::new());
                    for g in self.fields(v, at(base, &f), "description.feature") {
                        match (g.number, g.value) {
                            (1, Value::Bytes(n)) => name = text(n),
                            (2, Value::Bytes(d)) => doc = text(d),
                            _ => {}
                        }
                    }
                    if !doc.is_empty() {
                        self.meta(format!("feature `{name}`"), doc);
                    }
                    let list = if f.number == 1 {
                        &mut self.view.inputs
                    } else {
                        &mut self.view.outputs
                    };
                    if list.len() < MAX_ITEMS {
                        list.push(name);
                    }
                }
                100 => self.metadata(v, at(base, &f)),
                _ => {}
            }
        }
    }

    fn meta(&mut self, key: String, value: String) {
        if self.view.metadata.len() < MAX_ITEMS {
            self.view.metadata.push((key, value));
        }
    }

    fn metadata(&mut self, b: &[u8], base: u64) {
        for f in self.fields(b, base, "metadata") {
            let Value::Bytes(v) = f.value else { continue };
            match f.number {
                1 => self.meta("shortDescription".into(), text(v)),
                2 => self.meta("versionString".into(), text(v)),
                3 => self.meta("author".into(), text(v)),
                4 => self.meta("license".into(), text(v)),
                100 => {
                    let (k, val) = self.map_entry(v, at(base, &f), "metadata.userDefined");
                    self.meta(format!("userDefined.{}", text(k)), text(val));
                }
                _ => {}
            }
        }
    }

    /// A `map<string, _>` entry: (key, value bytes).
    fn map_entry<'d>(&mut self, b: &'d [u8], base: u64, path: &str) -> (&'d [u8], &'d [u8]) {
        let (mut key, mut value) = (&[][..], &[][..]);
        for f in self.fields(b, base, path) {
            match (f.number, f.value) {
                (1, Value::Bytes(k)) => key = k,
                (2, Value::Bytes(v)) => value = v,
                _ => {}
            }
        }
        (key, value)
    }

    fn pipeline(&mut self, b: &[u8], base: u64, path: &str, depth: u32) {
        let mut i = 0usize;
        for f in self.fields(b, base, path) {
            if let (1, Value::Bytes(m)) = (f.number, f.value) {
                let sub = format!("{path}.models[{i}]");
                self.model(m, at(base, &f), &sub, depth.saturating_add(1), false);
                i = i.saturating_add(1);
            }
        }
    }

    fn network(&mut self, b: &[u8], base: u64, path: &str, depth: u32) {
        if self.deep(depth, path, base) {
            return;
        }
        let mut i = 0usize;
        for f in self.fields(b, base, path) {
            if let (1, Value::Bytes(layer)) = (f.number, f.value) {
                let lpath = format!("{path}.layers[{i}]");
                self.layer(layer, at(base, &f), &lpath, depth);
                i = i.saturating_add(1);
            }
        }
    }

    fn layer(&mut self, b: &[u8], base: u64, path: &str, depth: u32) {
        self.view.layers = self.view.layers.saturating_add(1);
        for f in self.fields(b, base, path) {
            let Value::Bytes(v) = f.value else { continue };
            match f.number {
                500 => {
                    let class = self.custom_class(v, at(base, &f), path);
                    if self.view.custom_layers.len() < MAX_ITEMS {
                        self.view.custom_layers.push(class);
                    }
                }
                // branch (ifBranch, elseBranch) and loop (conditionNetwork, bodyNetwork).
                605 | 615 => {
                    let nets: &[u32] = if f.number == 605 { &[1, 2] } else { &[3, 4] };
                    for g in self.fields(v, at(base, &f), path) {
                        if let Value::Bytes(n) = g.value
                            && nets.contains(&g.number)
                        {
                            let sub = format!(
                                "{path}.{}",
                                if f.number == 605 { "branch" } else { "loop" }
                            );
                            self.network(n, at(at(base, &f), &g), &sub, depth.saturating_add(1));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `CustomModel` and `CustomLayerParams` share `className` (10) and `description` (40).
    fn custom_class(&mut self, b: &[u8], base: u64, path: &str) -> CustomClass {
        let mut class = CustomClass {
            path: path.to_string(),
            class_name: String::new(),
            description: String::new(),
            offset: base,
        };
        for f in self.fields(b, base, path) {
            match (f.number, f.value) {
                (10, Value::Bytes(c)) => class.class_name = text(c),
                (40, Value::Bytes(d)) => class.description = text(d),
                _ => {}
            }
        }
        if class.class_name.is_empty() {
            self.anomaly(path, "custom class without `className`".into(), base);
        }
        class
    }

    fn linked_model(&mut self, b: &[u8], base: u64, path: &str) {
        for f in self.fields(b, base, path) {
            let (1, Value::Bytes(file)) = (f.number, f.value) else {
                continue;
            };
            let mut linked = LinkedModel {
                path: path.to_string(),
                file_name: String::new(),
                search_path: String::new(),
                offset: at(base, &f),
            };
            for g in self.fields(file, at(base, &f), path) {
                let Value::Bytes(sp) = g.value else { continue };
                // StringParameter { defaultValue = 1 }
                let mut value = String::new();
                for h in self.fields(sp, at(at(base, &f), &g), path) {
                    if let (1, Value::Bytes(s)) = (h.number, h.value) {
                        value = text(s);
                    }
                }
                match g.number {
                    1 => linked.file_name = value,
                    2 => linked.search_path = value,
                    _ => {}
                }
            }
            if self.view.linked_models.len() < MAX_ITEMS {
                self.view.linked_models.push(linked);
            }
        }
    }

    /// `MILSpec.Program`: functions (map) → block specialisations (map) → blocks.
    fn program(&mut self, b: &[u8], base: u64, path: &str, depth: u32) {
        for f in self.fields(b, base, path) {
            match (f.number, f.value) {
                (2, Value::Bytes(entry)) => {
                    let (name, func) = self.map_entry(entry, at(base, &f), path);
                    let fpath = format!("{path}.functions[{}]", text(name));
                    let fbase = at(base, &f);
                    for g in self.fields(func, fbase, &fpath) {
                        if let (3, Value::Bytes(spec)) = (g.number, g.value) {
                            let (_, block) = self.map_entry(spec, at(fbase, &g), &fpath);
                            self.block(block, at(fbase, &g), &fpath, depth.saturating_add(1));
                        }
                    }
                }
                (3, Value::Bytes(doc)) if !doc.is_empty() => {
                    self.meta(format!("{path}.docString"), text(doc));
                }
                _ => {}
            }
        }
    }

    fn block(&mut self, b: &[u8], base: u64, path: &str, depth: u32) {
        if self.deep(depth, path, base) {
            return;
        }
        for f in self.fields(b, base, path) {
            let (3, Value::Bytes(op)) = (f.number, f.value) else {
                continue;
            };
            let obase = at(base, &f);
            for g in self.fields(op, obase, path) {
                match (g.number, g.value) {
                    (1, Value::Bytes(t)) if self.view.program_ops.len() < MAX_ITEMS => {
                        self.view.program_ops.insert(text(t));
                    }
                    // inputs: map<string, Argument>; Argument.arguments → Binding.value (2).
                    (2, Value::Bytes(entry)) => {
                        let (_, arg) = self.map_entry(entry, at(obase, &g), path);
                        for h in self.fields(arg, at(obase, &g), path) {
                            if let (1, Value::Bytes(binding)) = (h.number, h.value) {
                                for k in self.fields(binding, at(obase, &g), path) {
                                    if let (2, Value::Bytes(v)) = (k.number, k.value) {
                                        self.value(v, at(obase, &g), path);
                                    }
                                }
                            }
                        }
                    }
                    (4, Value::Bytes(inner)) => {
                        self.block(inner, at(obase, &g), path, depth.saturating_add(1));
                    }
                    // attributes: map<string, Value>.
                    (5, Value::Bytes(entry)) => {
                        let (_, v) = self.map_entry(entry, at(obase, &g), path);
                        self.value(v, at(obase, &g), path);
                    }
                    _ => {}
                }
            }
        }
    }

    /// A `MILSpec.Value`: only `blobFileValue` (5) matters.
    fn value(&mut self, b: &[u8], base: u64, path: &str) {
        for f in self.fields(b, base, path) {
            let (5, Value::Bytes(blob)) = (f.number, f.value) else {
                continue;
            };
            for g in self.fields(blob, at(base, &f), path) {
                if let (1, Value::Bytes(name)) = (g.number, g.value) {
                    let file_name = text(name);
                    if self.view.blob_files.len() < MAX_ITEMS
                        && !self
                            .view
                            .blob_files
                            .iter()
                            .any(|x| x.file_name == file_name)
                    {
                        self.view.blob_files.push(BlobFile {
                            path: path.to_string(),
                            file_name,
                            offset: at(base, &f),
                        });
                    }
                }
            }
        }
    }
}

/// Why a path a model names (linked model, weight file) leaves the model's
/// own directory: absolute, a drive or UNC path, `..`, or a URL. `None` for
/// a plain relative path.
pub fn path_escape(path: &str) -> Option<&'static str> {
    let p = path.trim();
    let rest = p.strip_prefix("@model_path/").unwrap_or(p);
    if rest.starts_with('/') || rest.starts_with('\\') {
        return Some("absolute path");
    }
    if rest.as_bytes().get(1) == Some(&b':') {
        return Some("drive-letter path");
    }
    if rest.contains("://") {
        return Some("URL");
    }
    if rest.split(['/', '\\']).any(|c| c == "..") {
        return Some("`..` component");
    }
    if rest.starts_with('~') || rest.starts_with('$') {
        return Some("home or variable expansion");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32, wt: u8) -> Vec<u8> {
        varint(((n as usize) << 3) | usize::from(wt))
    }

    fn bytes_field(n: u32, b: &[u8]) -> Vec<u8> {
        let mut out = key(n, 2);
        assert!(b.len() < 128);
        out.push(b.len() as u8);
        out.extend_from_slice(b);
        out
    }

    fn model(body: &[u8]) -> Vec<u8> {
        let mut m = vec![0x08, 0x04];
        m.extend(body);
        m
    }

    #[test]
    fn custom_model_and_linked_model() {
        let mut custom = bytes_field(10, b"EvilClass");
        custom.extend(bytes_field(40, b"runs code"));
        let data = model(&bytes_field(555, &custom));
        assert!(sniff(&data));
        let v = parse(&data).unwrap();
        assert_eq!(v.model_type, "customModel");
        assert_eq!(v.custom_models[0].class_name, "EvilClass");

        let name = bytes_field(1, b"/etc/evil.mlmodelc");
        let file = bytes_field(1, &name);
        let data = model(&bytes_field(556, &bytes_field(1, &file)));
        let v = parse(&data).unwrap();
        assert_eq!(v.linked_models[0].file_name, "/etc/evil.mlmodelc");
    }

    #[test]
    fn pipelines_and_custom_layers_recurse() {
        let layer = [
            bytes_field(1, b"l0"),
            bytes_field(500, &bytes_field(10, b"MyLayer")),
        ]
        .concat();
        let nn = bytes_field(1, &layer);
        let inner = model(&bytes_field(500, &nn));
        let pipe = bytes_field(1, &inner);
        let data = model(&bytes_field(202, &pipe));
        let v = parse(&data).unwrap();
        assert_eq!(v.model_type, "pipeline");
        assert_eq!(v.custom_layers[0].class_name, "MyLayer");
        assert_eq!(v.custom_layers[0].path, "model.models[0].layers[0]");
        assert_eq!(v.models.len(), 2);
    }

    #[test]
    fn deep_pipelines_hit_the_depth_limit() {
        let mut m = model(&bytes_field(900, b""));
        for _ in 0..40 {
            let pipe = [key(1, 2), varint(m.len()), m.clone()].concat();
            let outer = [key(202, 2), varint(pipe.len()), pipe].concat();
            m = model(&outer);
        }
        let v = parse(&m).unwrap();
        assert!(v.limits_hit.iter().any(|(l, _)| *l == "max_coreml_depth"));
    }

    fn varint(mut v: usize) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return out;
            }
            out.push(b | 0x80);
        }
    }

    #[test]
    fn not_coreml() {
        assert!(!sniff(b""));
        assert!(!sniff(&[0x08, 0x07, 0x12, 0x00])); // ONNX-like: no model type
        assert!(parse(&[0x08]).is_err());
        assert!(parse(&[0x08, 0x04]).is_err());
    }

    #[test]
    fn path_escapes() {
        assert_eq!(path_escape("@model_path/weights/weight.bin"), None);
        assert_eq!(path_escape("sub.mlmodelc"), None);
        assert!(path_escape("/etc/passwd").is_some());
        assert!(path_escape("@model_path/../../x.bin").is_some());
        assert!(path_escape("C:\\x").is_some());
        assert!(path_escape("https://127.0.0.1:9/x").is_some());
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let mut seed = 7u64;
        for len in 0..300usize {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (seed >> 33) as u8
                })
                .collect();
            let _ = sniff(&data);
            let _ = parse(&data);
        }
    }
}
