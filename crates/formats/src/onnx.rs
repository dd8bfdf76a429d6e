//! ONNX models: the `ModelProto` structure, never the weights.
//!
//! An ONNX file is one protobuf `ModelProto` with no magic number. The view
//! is decoded with prost from our own subset of `onnx.proto`
//! ([`proto`]), after a wire walk ([`wire`]) has checked that decoding stays
//! within a memory and item budget. It lists what a loader would act on:
//! the opsets and operators (with their domains, so custom and Python
//! operators stand out), tensors whose data lives in external files (with
//! their `location`, `offset` and `length` as written), and the free-form
//! strings (doc strings, `metadata_props`) that rules search for payloads.
//! Nested subgraphs (`If`, `Loop`, `Scan` attributes) and model-local
//! functions are walked like the main graph.
//!
//! Nothing here touches the file system: whether an external file exists,
//! is large enough or is reached through a symbolic link is for the caller,
//! which knows the model's directory.

mod proto;
mod wire;

use std::collections::{BTreeMap, HashSet};

use prost::Message;

pub use wire::{MAX_DECODED_BYTES, MAX_DEPTH, MAX_ITEMS, sniff};

/// Distinct `(domain, op_type)` pairs kept in the view.
pub const MAX_DISTINCT_OPS: usize = 10_000;
/// Free-form strings kept for the payload rules.
pub const MAX_TEXTS: usize = 100_000;
/// String attributes kept per operator (of its first node), and their length.
const MAX_OP_STRINGS: usize = 8;
const MAX_OP_STRING_CHARS: usize = 512;
/// Input and output descriptions kept.
const MAX_VALUES: usize = 256;

/// Why the file is not a readable ONNX model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OnnxError {
    #[error("malformed protobuf at offset {offset:#x}: {reason}")]
    Malformed { offset: u64, reason: &'static str },
    #[error("not a valid ModelProto: {reason}")]
    Decode { reason: String },
    #[error("the protobuf has no IR version, opset or graph: not an ONNX model")]
    NotAModel,
}

/// An opset import: operators of `domain` as of `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opset {
    /// As written; `""` is the default `ai.onnx` domain.
    pub domain: String,
    pub version: i64,
}

/// A graph input or output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSummary {
    pub name: String,
    /// `float32[batch,3,224,224]`, `sequence`, `map`, …
    pub kind: String,
}

/// One operator type as used in the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpUse {
    /// As written (`""` for the default domain).
    pub domain: String,
    pub op_type: String,
    /// Nodes using it, in all graphs.
    pub count: u64,
    /// The first node: its name (or `#index`) and graph.
    pub first_node: String,
    pub graph: String,
    /// String attributes of the first node, `(name, value)`, truncated.
    pub string_attributes: Vec<(String, String)>,
    /// The node calls a model-local function of that name and domain.
    pub local_function: bool,
}

/// A tensor whose data a loader reads from another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalTensor {
    pub name: String,
    /// Graph path (`main`, `main/loop.body`, `function:custom.F`).
    pub graph: String,
    /// `initializer`, `sparse initializer values`, `attribute value`, …
    pub role: String,
    /// The `location` entry, lossily as text and as raw bytes.
    pub location: Option<String>,
    pub location_bytes: Option<Vec<u8>>,
    pub offset: Option<u64>,
    pub length: Option<u64>,
    /// Entries that are not what loaders accept (`offset` not a number, …).
    pub problems: Vec<String>,
    /// Bytes the tensor needs: elements × element size; `None` if unknown.
    pub expected_bytes: Option<u64>,
    pub data_type: i32,
    pub dims: Vec<i64>,
    /// `data_location` says EXTERNAL (otherwise only `external_data` entries exist).
    pub declared_external: bool,
    /// File offset of the enclosing top-level field (graph or function).
    pub offset_in_file: u64,
}

/// A free-form string a person or tool could act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextField {
    /// Where it was (`metadata_props.author`, `doc_string`, `main/node#3.doc_string`).
    pub key: String,
    pub text: String,
    /// File offset of the enclosing top-level field.
    pub offset: u64,
    /// A node's or function's doc string (exporters put stack traces there;
    /// links are expected).
    pub node_text: bool,
}

/// What the scan needs from a `ModelProto`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnnxView {
    pub ir_version: i64,
    pub producer_name: String,
    pub producer_version: String,
    pub domain: String,
    pub model_version: i64,
    pub opsets: Vec<Opset>,
    pub has_graph: bool,
    pub graph_name: String,
    pub inputs: Vec<ValueSummary>,
    pub outputs: Vec<ValueSummary>,
    /// Nodes in all graphs and functions.
    pub node_count: u64,
    /// The main graph and every subgraph.
    pub graph_count: u64,
    /// Model-local functions, `(domain, name)`.
    pub functions: Vec<(String, String)>,
    /// Distinct operators, sorted by domain and type.
    pub ops: Vec<OpUse>,
    pub external: Vec<ExternalTensor>,
    pub texts: Vec<TextField>,
    /// Limits that stopped the parse early, `(name, value)`.
    pub limits_hit: Vec<(&'static str, u64)>,
    /// False when a limit stopped the parse before the graph was read.
    pub complete: bool,
}

/// Bits per element of a `TensorProto.DataType`; `None` for strings and
/// unknown types.
pub fn element_bits(data_type: i32) -> Option<u64> {
    Some(match data_type {
        2 | 3 | 9 | 17..=20 => 8,
        4 | 5 | 10 | 16 => 16,
        1 | 6 | 12 => 32,
        7 | 11 | 13 | 14 => 64,
        15 => 128,
        21..=23 | 25 | 26 => 4,
        _ => return None,
    })
}

/// The ONNX name of a `TensorProto.DataType`.
pub fn element_type_name(data_type: i32) -> &'static str {
    match data_type {
        1 => "float32",
        2 => "uint8",
        3 => "int8",
        4 => "uint16",
        5 => "int16",
        6 => "int32",
        7 => "int64",
        8 => "string",
        9 => "bool",
        10 => "float16",
        11 => "float64",
        12 => "uint32",
        13 => "uint64",
        14 => "complex64",
        15 => "complex128",
        16 => "bfloat16",
        17 => "float8e4m3fn",
        18 => "float8e4m3fnuz",
        19 => "float8e5m2",
        20 => "float8e5m2fnuz",
        21 => "uint4",
        22 => "int4",
        23 => "float4e2m1",
        _ => "unknown",
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn truncated(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Reads the model in `data`.
pub fn parse(data: &[u8]) -> Result<OnnxView, OnnxError> {
    let mut top = wire::TopOffsets::default();
    let mut budget = wire::Budget::default();
    let walked = wire::walk(data, 0, wire::Kind::Model, 0, &mut budget, Some(&mut top));
    let mut view = OnnxView::default();
    match walked {
        Ok(()) => {}
        Err(wire::Stop::Malformed { offset, reason }) => {
            return Err(OnnxError::Malformed { offset, reason });
        }
        Err(wire::Stop::Limit { limit, value }) => {
            // Read the scalar header only; the graph is skipped unread.
            view.limits_hit.push((limit, value));
            let head = ModelHeader::decode(data).map_err(|e| OnnxError::Decode {
                reason: e.to_string(),
            })?;
            view.ir_version = head.ir_version;
            view.producer_name = text(&head.producer_name);
            view.producer_version = text(&head.producer_version);
            view.domain = text(&head.domain);
            view.model_version = head.model_version;
            if head.ir_version == 0 {
                return Err(OnnxError::NotAModel);
            }
            return Ok(view);
        }
    }
    let model = proto::ModelProto::decode(data).map_err(|e| OnnxError::Decode {
        reason: e.to_string(),
    })?;
    if model.ir_version == 0 && model.graph.is_none() && model.opset_import.is_empty() {
        return Err(OnnxError::NotAModel);
    }
    view.complete = true;
    view.ir_version = model.ir_version;
    view.producer_name = text(&model.producer_name);
    view.producer_version = text(&model.producer_version);
    view.domain = text(&model.domain);
    view.model_version = model.model_version;
    view.opsets = model
        .opset_import
        .iter()
        .map(|o| Opset {
            domain: text(&o.domain),
            version: o.version,
        })
        .collect();
    let mut b = Builder {
        view: &mut view,
        functions: model
            .functions
            .iter()
            .map(|f| (text(&f.domain), text(&f.name)))
            .collect(),
        ops: BTreeMap::new(),
        ops_limited: false,
        texts_limited: false,
    };
    b.top_texts(&model, &top);
    if let Some(g) = &model.graph {
        b.view.has_graph = true;
        b.view.graph_name = text(&g.name);
        b.view.inputs = g.input.iter().take(MAX_VALUES).map(summary).collect();
        b.view.outputs = g.output.iter().take(MAX_VALUES).map(summary).collect();
        b.graph(g, "main", top.first(7).unwrap_or(0));
    }
    for (i, f) in model.functions.iter().enumerate() {
        let path = format!("function:{}.{}", text(&f.domain), text(&f.name));
        let at = top.functions.get(i).copied().unwrap_or(0);
        b.push_text(format!("{path}.doc_string"), &f.doc_string, at, true);
        for (n, node) in f.node.iter().enumerate() {
            b.node(node, n, &path, at);
        }
    }
    let mut fns: Vec<_> = b.functions.iter().cloned().collect();
    fns.sort();
    let ops = std::mem::take(&mut b.ops);
    let (ops_limited, texts_limited) = (b.ops_limited, b.texts_limited);
    view.functions = fns;
    view.ops = ops.into_values().collect();
    if ops_limited {
        view.limits_hit
            .push(("onnx_max_distinct_ops", MAX_DISTINCT_OPS as u64));
    }
    if texts_limited {
        view.limits_hit.push(("onnx_max_texts", MAX_TEXTS as u64));
    }
    Ok(view)
}

/// The scalar fields of `ModelProto`, for a model too large to decode.
#[derive(Clone, PartialEq, prost::Message)]
struct ModelHeader {
    #[prost(int64, tag = "1")]
    ir_version: i64,
    #[prost(bytes = "vec", tag = "2")]
    producer_name: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    producer_version: Vec<u8>,
    #[prost(bytes = "vec", tag = "4")]
    domain: Vec<u8>,
    #[prost(int64, tag = "5")]
    model_version: i64,
}

fn summary(v: &proto::ValueInfoProto) -> ValueSummary {
    let kind = match &v.r#type {
        Some(t) => {
            if let Some(tt) = &t.tensor_type {
                tensor_kind(tt)
            } else if let Some(tt) = &t.sparse_tensor_type {
                format!("sparse {}", tensor_kind(tt))
            } else if t.sequence_type.is_some() {
                "sequence".into()
            } else if t.map_type.is_some() {
                "map".into()
            } else if t.optional_type.is_some() {
                "optional".into()
            } else {
                "unknown".into()
            }
        }
        None => "unknown".into(),
    };
    ValueSummary {
        name: truncated(&text(&v.name), 256),
        kind,
    }
}

fn tensor_kind(t: &proto::TypeTensor) -> String {
    let elem = element_type_name(t.elem_type);
    match &t.shape {
        None => elem.to_string(),
        Some(s) => {
            let dims: Vec<String> = s
                .dim
                .iter()
                .take(16)
                .map(|d| match (&d.dim_value, &d.dim_param) {
                    (Some(v), _) => v.to_string(),
                    (None, Some(p)) if !p.is_empty() => truncated(&text(p), 32),
                    _ => "?".into(),
                })
                .collect();
            let more = if s.dim.len() > 16 { ",…" } else { "" };
            format!("{elem}[{}{more}]", dims.join(","))
        }
    }
}

struct Builder<'v> {
    view: &'v mut OnnxView,
    functions: HashSet<(String, String)>,
    ops: BTreeMap<(String, String), OpUse>,
    ops_limited: bool,
    texts_limited: bool,
}

impl Builder<'_> {
    fn push_text(&mut self, key: String, value: &[u8], offset: u64, node_text: bool) {
        if value.is_empty() {
            return;
        }
        if self.view.texts.len() >= MAX_TEXTS {
            self.texts_limited = true;
            return;
        }
        self.view.texts.push(TextField {
            key,
            text: text(value),
            offset,
            node_text,
        });
    }

    /// Model-level strings, located by their own fields.
    fn top_texts(&mut self, model: &proto::ModelProto, top: &wire::TopOffsets) {
        let at = |field| top.first(field).unwrap_or(0);
        self.push_text("producer_name".into(), &model.producer_name, at(2), false);
        self.push_text(
            "producer_version".into(),
            &model.producer_version,
            at(3),
            false,
        );
        self.push_text("domain".into(), &model.domain, at(4), false);
        self.push_text("doc_string".into(), &model.doc_string, at(6), false);
        for (i, m) in model.metadata_props.iter().enumerate() {
            let key = format!("metadata_props.{}", text(&m.key));
            self.push_text(
                key.clone(),
                &m.key,
                top.metadata_props.get(i).copied().unwrap_or(0),
                false,
            );
            self.push_text(
                key,
                &m.value,
                top.metadata_props.get(i).copied().unwrap_or(0),
                false,
            );
        }
    }

    fn graph(&mut self, g: &proto::GraphProto, path: &str, at: u64) {
        self.view.graph_count = self.view.graph_count.saturating_add(1);
        self.push_text(format!("{path}.doc_string"), &g.doc_string, at, false);
        for m in &g.metadata_props {
            let key = format!("{path}.metadata_props.{}", text(&m.key));
            self.push_text(key.clone(), &m.key, at, false);
            self.push_text(key, &m.value, at, false);
        }
        for t in &g.initializer {
            self.tensor(t, path, "initializer", at);
        }
        for s in &g.sparse_initializer {
            self.sparse(s, path, "sparse initializer", at);
        }
        for (i, n) in g.node.iter().enumerate() {
            self.node(n, i, path, at);
        }
    }

    fn node(&mut self, n: &proto::NodeProto, index: usize, path: &str, at: u64) {
        self.view.node_count = self.view.node_count.saturating_add(1);
        let domain = text(&n.domain);
        let op_type = text(&n.op_type);
        let node_name = if n.name.is_empty() {
            format!("#{index}")
        } else {
            truncated(&text(&n.name), 256)
        };
        let key = (domain, op_type);
        if let Some(op) = self.ops.get_mut(&key) {
            op.count = op.count.saturating_add(1);
        } else if self.ops.len() >= MAX_DISTINCT_OPS {
            self.ops_limited = true;
        } else {
            let string_attributes = n
                .attribute
                .iter()
                .filter(|a| !a.s.is_empty() || !a.strings.is_empty())
                .take(MAX_OP_STRINGS)
                .map(|a| {
                    let value = if a.s.is_empty() {
                        a.strings
                            .iter()
                            .map(|s| text(s))
                            .collect::<Vec<_>>()
                            .join(" ")
                    } else {
                        text(&a.s)
                    };
                    (
                        truncated(&text(&a.name), 64),
                        truncated(&value, MAX_OP_STRING_CHARS),
                    )
                })
                .collect();
            let local_function = self.functions.contains(&key);
            self.ops.insert(
                key.clone(),
                OpUse {
                    domain: key.0.clone(),
                    op_type: key.1.clone(),
                    count: 1,
                    first_node: node_name.clone(),
                    graph: path.to_string(),
                    string_attributes,
                    local_function,
                },
            );
        }
        self.push_text(
            format!("{path}/{node_name}.doc_string"),
            &n.doc_string,
            at,
            true,
        );
        for m in &n.metadata_props {
            let k = format!("{path}/{node_name}.metadata_props.{}", text(&m.key));
            self.push_text(k.clone(), &m.key, at, false);
            self.push_text(k, &m.value, at, false);
        }
        for a in &n.attribute {
            let attr = truncated(&text(&a.name), 64);
            let role = format!("attribute `{attr}` of {node_name}");
            if let Some(t) = &a.t {
                self.tensor(t, path, &role, at);
            }
            for t in &a.tensors {
                self.tensor(t, path, &role, at);
            }
            if let Some(s) = &a.sparse_tensor {
                self.sparse(s, path, &role, at);
            }
            for s in &a.sparse_tensors {
                self.sparse(s, path, &role, at);
            }
            if let Some(g) = &a.g {
                self.graph(g, &format!("{path}/{node_name}.{attr}"), at);
            }
            for (i, g) in a.graphs.iter().enumerate() {
                self.graph(g, &format!("{path}/{node_name}.{attr}[{i}]"), at);
            }
        }
    }

    fn sparse(&mut self, s: &proto::SparseTensorProto, path: &str, role: &str, at: u64) {
        if let Some(v) = &s.values {
            self.tensor(v, path, &format!("{role} (sparse values)"), at);
        }
        if let Some(i) = &s.indices {
            self.tensor(i, path, &format!("{role} (sparse indices)"), at);
        }
    }

    fn tensor(&mut self, t: &proto::TensorProto, path: &str, role: &str, at: u64) {
        let declared_external = t.data_location == proto::DATA_LOCATION_EXTERNAL;
        if !declared_external && t.external_data.is_empty() {
            return;
        }
        let mut x = ExternalTensor {
            name: truncated(&text(&t.name), 256),
            graph: path.to_string(),
            role: role.to_string(),
            location: None,
            location_bytes: None,
            offset: None,
            length: None,
            problems: Vec::new(),
            expected_bytes: expected_bytes(&t.dims, t.data_type),
            data_type: t.data_type,
            dims: t.dims.iter().take(16).copied().collect(),
            declared_external,
            offset_in_file: at,
        };
        // Loaders apply the entries in order, so the last one of a key wins.
        for e in &t.external_data {
            let value = text(&e.value);
            match e.key.as_slice() {
                b"location" => {
                    x.location = Some(value);
                    x.location_bytes = Some(e.value.clone());
                }
                b"offset" | b"length" => {
                    let parsed = value.trim().parse::<u64>().ok();
                    if parsed.is_none() {
                        x.problems.push(format!(
                            "`{}` is `{}`, not a byte count",
                            text(&e.key),
                            truncated(&value, 64)
                        ));
                    }
                    if e.key == b"offset" {
                        x.offset = parsed;
                    } else {
                        x.length = parsed;
                    }
                }
                _ => {}
            }
        }
        if x.location.is_none() {
            x.problems.push("no `location` entry".into());
        }
        self.view.external.push(x);
    }
}

/// Elements × element size, rounded up to whole bytes.
fn expected_bytes(dims: &[i64], data_type: i32) -> Option<u64> {
    let bits = element_bits(data_type)?;
    let mut n: u64 = 1;
    for d in dims {
        n = n.checked_mul(u64::try_from(*d).ok()?)?;
    }
    Some(n.checked_mul(bits)?.div_ceil(8))
}

#[cfg(test)]
mod tests;

/// A floating-point initializer of the main graph and where its elements are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initializer {
    pub name: String,
    pub data_type: i32,
    pub dims: Vec<i64>,
    /// Byte range of `raw_data`, or of a packed `float_data`/`double_data`
    /// (both little-endian, as `raw_data`), in the model file.
    pub data: Option<(u64, u64)>,
    /// `location`, `offset` and `length` of external data.
    pub external: Option<(String, u64, Option<u64>)>,
}

/// Initializers of the main graph kept.
pub const MAX_INITIALIZERS: usize = 100_000;

/// The main graph's initializers, read from the wire without decoding their
/// data (a light walk: model field 7, graph field 5).
pub fn initializers(data: &[u8]) -> Vec<Initializer> {
    let mut out = Vec::new();
    for (n, _, f) in fields(data, 0) {
        if let (7, Payload::Bytes(g, at)) = (n, f) {
            for (n, _, f) in fields(g, at) {
                if let (5, Payload::Bytes(t, at)) = (n, f)
                    && out.len() < MAX_INITIALIZERS
                {
                    out.push(initializer(t, at));
                }
            }
        }
    }
    out
}

fn initializer(t: &[u8], at: u64) -> Initializer {
    let mut x = Initializer {
        name: String::new(),
        data_type: 0,
        dims: Vec::new(),
        data: None,
        external: None,
    };
    let mut external = false;
    let (mut location, mut offset, mut length) = (None, 0u64, None);
    for (n, _, f) in fields(t, at) {
        match (n, f) {
            (1, Payload::Varint(v)) if x.dims.len() < 16 => x.dims.push(v as i64),
            (1, Payload::Bytes(b, _)) => {
                let mut pos = 0;
                while x.dims.len() < 16
                    && let Some(v) = wire::varint(b, &mut pos)
                {
                    x.dims.push(v as i64);
                }
            }
            (2, Payload::Varint(v)) => x.data_type = i32::try_from(v).unwrap_or(-1),
            (8, Payload::Bytes(b, _)) => x.name = truncated(&text(b), 256),
            (4 | 9 | 10, Payload::Bytes(b, start)) => {
                x.data = Some((start, start.saturating_add(b.len() as u64)))
            }
            (14, Payload::Varint(v)) => external = v == proto::DATA_LOCATION_EXTERNAL as u64,
            (13, Payload::Bytes(e, at)) => {
                let (mut key, mut value) = (Vec::new(), String::new());
                for (n, _, f) in fields(e, at) {
                    match (n, f) {
                        (1, Payload::Bytes(b, _)) => key = b.to_vec(),
                        (2, Payload::Bytes(b, _)) => value = text(b),
                        _ => {}
                    }
                }
                match key.as_slice() {
                    b"location" => location = Some(value),
                    b"offset" => offset = value.trim().parse().unwrap_or(0),
                    b"length" => length = value.trim().parse().ok(),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if external && let Some(l) = location {
        x.external = Some((l, offset, length));
        x.data = None;
    }
    x
}

enum Payload<'a> {
    Varint(u64),
    /// A length-delimited payload and its offset in the file.
    Bytes(&'a [u8], u64),
    Fixed,
}

/// The fields of one message (`at` is its offset in the file); stops at
/// the first malformed tag.
fn fields(msg: &[u8], at: u64) -> impl Iterator<Item = (u64, u64, Payload<'_>)> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let tag = wire::varint(msg, &mut pos)?;
        let (number, wt) = (tag >> 3, tag & 7);
        let payload = match wt {
            0 => Payload::Varint(wire::varint(msg, &mut pos)?),
            1 | 5 => {
                pos = pos.checked_add(if wt == 1 { 8 } else { 4 })?;
                (pos <= msg.len()).then_some(Payload::Fixed)?
            }
            2 => {
                let len = usize::try_from(wire::varint(msg, &mut pos)?).ok()?;
                let end = pos.checked_add(len)?;
                let b = msg.get(pos..end)?;
                let start = at.saturating_add(pos as u64);
                pos = end;
                Payload::Bytes(b, start)
            }
            _ => return None,
        };
        Some((number, wt, payload))
    })
}
