//! TensorFlow graphs: SavedModel (`saved_model.pb`), MetaGraph (`.meta`),
//! frozen GraphDef (`.pb`) and Keras's `keras_metadata.pb`.
//!
//! A TensorFlow graph is a program: its nodes are ops the runtime executes
//! when the model is loaded or called, and some ops read and write files,
//! call back into Python or need native libraries. This module turns the
//! protobuf into a [`TfView`] of the graph, every library function and the
//! metadata around them; the `TF` rules judge the ops.
//!
//! Decoding is bounded: the repeated messages that can be numerous (meta
//! graphs, nodes, functions) are walked field by field with [`wire`] and
//! counted against [`Limits`] before prost decodes each one from our own
//! message definitions in [`proto`]; a node whose encoding is larger than
//! [`MAX_FULL_NODE_BYTES`] (a constant holding weights) is read without its
//! attributes, and the bytes decoded in full are capped by
//! [`MAX_DECODED_BYTES`]. prost bounds the nesting of attribute values.
//! Nothing here runs, imports or loads anything.

pub mod bundle;
pub mod proto;
pub mod wire;

use std::collections::BTreeMap;

use prost::Message;

use crate::Limits;
use proto::{
    AssetFileDef, CollectionEntry, GradientDef, MetaInfoDef, NodeDef, NodeHead, OpDef, SavedObject,
    SaverDef, SignatureEntry, VersionDef,
};
use wire::{Value, fields};

/// A node encoded in more bytes than this is read without its attributes
/// and inputs (such nodes are constants holding weights).
pub const MAX_FULL_NODE_BYTES: usize = 1 << 20;
/// Bytes of nodes and metadata decoded in full per file; past it, nodes
/// are read without attributes and the view records the limit.
pub const MAX_DECODED_BYTES: u64 = 64 << 20;
/// Meta graphs read from one SavedModel.
pub const MAX_META_GRAPHS: usize = 1024;
/// Bytes of the head that sniffing looks at.
const SNIFF_BYTES: usize = 1 << 20;

/// What kind of TensorFlow protobuf a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TfKind {
    /// `tensorflow.SavedModel` (`saved_model.pb`).
    SavedModel,
    /// `tensorflow.MetaGraphDef` (`.meta` files of `tf.train.Saver`).
    MetaGraph,
    /// `tensorflow.GraphDef` (frozen graphs, `.pb`).
    GraphDef,
    /// Keras's `SavedMetadata` (`keras_metadata.pb` beside a SavedModel).
    KerasMetadata,
}

/// Why a buffer could not be read as the TensorFlow message it looked like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TfError {
    #[error("malformed protobuf at offset {offset}: {reason}")]
    Malformed { offset: u64, reason: String },
    #[error("{what} at offset {offset} cannot be decoded: {reason}")]
    Undecodable {
        what: &'static str,
        offset: u64,
        reason: String,
    },
}

impl TfError {
    pub fn offset(&self) -> u64 {
        match self {
            TfError::Malformed { offset, .. } | TfError::Undecodable { offset, .. } => *offset,
        }
    }
}

/// A node of a graph or of a library function.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub def: NodeDef,
    /// Offset of the node's message in the file.
    pub offset: u64,
    /// False when the node was too large (or the budget spent) to read its
    /// attributes and inputs.
    pub complete: bool,
}

/// A library function (`FunctionDef`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Function {
    pub signature: OpDef,
    pub nodes: Vec<Node>,
    /// Output name to the node output that produces it.
    pub ret: BTreeMap<String, String>,
    pub offset: u64,
}

/// A `GraphDef`: nodes, library functions and versions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub functions: Vec<Function>,
    pub gradients: Vec<GradientDef>,
    pub versions: Option<VersionDef>,
}

/// A `MetaGraphDef`: the graph and what describes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetaGraph {
    pub info: Option<MetaInfoDef>,
    pub graph: Graph,
    pub saver: Option<SaverDef>,
    pub collections: Vec<CollectionEntry>,
    pub signatures: Vec<SignatureEntry>,
    pub assets: Vec<AssetFileDef>,
    /// A TF2 object graph (`SavedObjectGraph`) is present.
    pub has_object_graph: bool,
    pub offset: u64,
}

/// Everything read from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct TfView {
    pub kind: TfKind,
    /// `SavedModel.saved_model_schema_version`.
    pub schema_version: Option<i64>,
    /// One per meta graph; a bare GraphDef gives one without metadata.
    pub meta_graphs: Vec<MetaGraph>,
    /// `keras_metadata.pb` nodes.
    pub keras_objects: Vec<SavedObject>,
    /// Limits that stopped reading early: the view is incomplete.
    pub limits_hit: Vec<(&'static str, u64)>,
    /// Parts that could not be decoded; what came before them is kept.
    pub problems: Vec<TfError>,
}

impl TfView {
    /// Every node in every graph and library function.
    pub fn node_count(&self) -> usize {
        self.meta_graphs
            .iter()
            .map(|m| {
                m.graph
                    .functions
                    .iter()
                    .map(|f| f.nodes.len())
                    .fold(m.graph.nodes.len(), usize::saturating_add)
            })
            .fold(0, usize::saturating_add)
    }
}

/// Recognises a TensorFlow protobuf from its first fields. `keras_metadata.pb`
/// has no distinctive structure and is recognised by name
/// ([`sniff_keras_metadata`]).
pub fn sniff(data: &[u8]) -> Option<TfKind> {
    let (number, first, rest) = leading_field(data)?;
    match (number, first) {
        (1, Value::Varint(1)) => {
            // SavedModel: schema version 1, then meta graphs.
            match leading_field(rest)? {
                (2, Value::Bytes(m), _) if looks_like_meta_graph(m) => Some(TfKind::SavedModel),
                _ => None,
            }
        }
        (1, Value::Bytes(b)) if looks_like_node(b) => Some(TfKind::GraphDef),
        (1, Value::Bytes(b)) if looks_like_meta_info(b) => Some(TfKind::MetaGraph),
        (2, Value::Bytes(g)) if looks_like_graph(g) => Some(TfKind::MetaGraph),
        _ => None,
    }
}

/// The first field of `data` and what follows it. A length-delimited value
/// that runs past the end is cut at the end, so that a truncated file is
/// still recognised (and then reported as truncated by the parser).
fn leading_field(data: &[u8]) -> Option<(u32, Value<'_>, &[u8])> {
    let mut pos = 0;
    let key = wire::varint(data, &mut pos)?;
    let number = u32::try_from(key >> 3).ok()?;
    match key & 7 {
        0 => {
            let v = wire::varint(data, &mut pos)?;
            Some((number, Value::Varint(v), data.get(pos..)?))
        }
        2 => {
            let len = usize::try_from(wire::varint(data, &mut pos)?).ok()?;
            let end = pos.saturating_add(len).min(data.len());
            Some((number, Value::Bytes(data.get(pos..end)?), data.get(end..)?))
        }
        _ => None,
    }
}

/// A TensorFlow protobuf whose first field is not where TensorFlow's
/// writers put it (TensorFlow's parser accepts fields in any order), named
/// as TensorFlow files are: `saved_model.pb`, `*.pb`, `*.meta`. Every
/// top-level field must have the type the message declares, and the file
/// must hold a meta graph or a node with an op name.
pub fn sniff_named(data: &[u8], name: &str) -> Option<TfKind> {
    let lower = name.to_ascii_lowercase();
    let kinds: &[TfKind] = if lower == "saved_model.pb" {
        &[TfKind::SavedModel]
    } else if lower.ends_with(".meta") {
        &[TfKind::MetaGraph]
    } else if lower.ends_with(".pb") || lower.ends_with(".graphdef") {
        &[TfKind::GraphDef, TfKind::MetaGraph]
    } else {
        return None;
    };
    kinds.iter().copied().find(|k| top_level_fits(data, *k))
}

fn top_level_fits(data: &[u8], kind: TfKind) -> bool {
    let mut evidence = false;
    for f in fields(data).take(4096) {
        let Ok(f) = f else { return false };
        match (kind, f.number, f.value) {
            (TfKind::SavedModel, 1, Value::Varint(_)) => {}
            (TfKind::SavedModel, 2, Value::Bytes(m)) => {
                evidence |= fields(head(m))
                    .take(16)
                    .all(|g| g.is_ok_and(|g| matches!(g.value, Value::Bytes(_))));
            }
            (TfKind::GraphDef, 1, Value::Bytes(n)) => evidence |= looks_like_node(n),
            (TfKind::GraphDef, 2 | 4, Value::Bytes(_))
            | (TfKind::GraphDef, 3, Value::Varint(_)) => {}
            (TfKind::MetaGraph, 2, Value::Bytes(g)) => evidence |= looks_like_graph(g),
            (TfKind::MetaGraph, 1 | 3..=9, Value::Bytes(_)) => {}
            _ => return false,
        }
    }
    evidence
}

/// `keras_metadata.pb`: a file of that name whose fields are all
/// `SavedObject` messages with a string identifier.
pub fn sniff_keras_metadata(data: &[u8], name: &str) -> bool {
    if !name.eq_ignore_ascii_case("keras_metadata.pb") || data.is_empty() {
        return false;
    }
    fields(data).take(64).all(|f| match f {
        Ok(f) => match (f.number, f.value) {
            (1, Value::Bytes(b)) => fields(b).take(16).all(|g| {
                g.is_ok_and(|g| {
                    matches!(
                        (g.number, g.value),
                        (2, Value::Varint(_)) | (3..=6, Value::Bytes(_))
                    )
                })
            }),
            _ => false,
        },
        Err(_) => false,
    })
}

fn head(b: &[u8]) -> &[u8] {
    b.get(..b.len().min(SNIFF_BYTES)).unwrap_or(b)
}

/// An op name as TensorFlow registers them: `[A-Za-z_][A-Za-z0-9_>]*`
/// (`>` appears in namespaced ops such as `Namespace>Op`).
pub fn is_op_name(s: &[u8]) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.first()
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && s.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'>' | b'.'))
}

/// A NodeDef: optionally a UTF-8 name (field 1), then an op name (field 2).
fn looks_like_node(b: &[u8]) -> bool {
    let Some((number, first, rest)) = leading_field(head(b)) else {
        return false;
    };
    let op = match (number, first) {
        (1, Value::Bytes(name)) if std::str::from_utf8(name).is_ok() => match leading_field(rest) {
            Some((2, Value::Bytes(op), _)) => op,
            _ => return false,
        },
        (2, Value::Bytes(op)) => op,
        _ => return false,
    };
    is_op_name(op)
}

/// A GraphDef whose first field is a node, a library or versions.
fn looks_like_graph(b: &[u8]) -> bool {
    match leading_field(head(b)) {
        Some((1, Value::Bytes(n), _)) => looks_like_node(n),
        Some((2 | 4, Value::Bytes(m), _)) => wire::is_message(head(m), 16),
        _ => false,
    }
}

/// A MetaInfoDef: known fields with their wire types, and at least tags, a
/// TensorFlow version or a stripped op list.
fn looks_like_meta_info(b: &[u8]) -> bool {
    let mut evidence = false;
    for f in fields(head(b)).take(64) {
        let Ok(f) = f else {
            // A truncated file or head: judge what was read.
            return evidence;
        };
        match (f.number, f.value) {
            (1 | 3 | 6 | 8, Value::Bytes(_)) | (7, Value::Varint(_)) => {}
            // An OpList of OpDefs (never an op name, as in a NodeDef).
            (2, Value::Bytes(ops)) if ops.first() == Some(&0x0a) => evidence = true,
            (4, Value::Bytes(_)) => evidence = true,
            (5, Value::Bytes(v)) if v.first().is_some_and(u8::is_ascii_digit) => evidence = true,
            _ => return false,
        }
    }
    evidence
}

/// A MetaGraphDef: its first field is a MetaInfoDef or a GraphDef.
fn looks_like_meta_graph(b: &[u8]) -> bool {
    match leading_field(head(b)) {
        Some((1, Value::Bytes(info), _)) => looks_like_meta_info(info),
        Some((2, Value::Bytes(g), _)) => looks_like_graph(g),
        _ => false,
    }
}

/// The fields of one message and where it starts in the file.
struct Walk<'a> {
    fields: wire::Fields<'a>,
    base: u64,
}

impl<'a> Walk<'a> {
    fn new(message: &'a [u8], base: u64) -> Self {
        Walk {
            fields: fields(message),
            base,
        }
    }
}

/// Counters shared by the whole file.
struct Reader<'l> {
    limits: &'l Limits,
    nodes: u64,
    functions: u64,
    decoded: u64,
    limits_hit: Vec<(&'static str, u64)>,
    problems: Vec<TfError>,
    stopped: bool,
}

impl Reader<'_> {
    fn hit(&mut self, limit: &'static str, value: u64) {
        if !self.limits_hit.iter().any(|(l, _)| *l == limit) {
            self.limits_hit.push((limit, value));
        }
    }

    fn time_up(&mut self) -> bool {
        if self.limits.out_of_time() {
            self.hit("time_budget", 0);
            self.stopped = true;
        }
        self.stopped
    }

    /// Charges `len` bytes of full decoding; false once the budget is spent.
    fn charge(&mut self, len: usize) -> bool {
        let next = self.decoded.saturating_add(len as u64);
        if next > MAX_DECODED_BYTES {
            self.hit("max_tf_decoded_bytes", MAX_DECODED_BYTES);
            return false;
        }
        self.decoded = next;
        true
    }

    fn decode<M: Message + Default>(
        &mut self,
        what: &'static str,
        b: &[u8],
        offset: u64,
    ) -> Option<M> {
        if !self.charge(b.len()) {
            return None;
        }
        match M::decode(b) {
            Ok(m) => Some(m),
            Err(e) => {
                self.problems.push(TfError::Undecodable {
                    what,
                    offset,
                    reason: e.to_string(),
                });
                None
            }
        }
    }

    /// The next field of `walk` with the file offset of its value; `None`
    /// at the end, at a malformed field (recorded) or once time is up.
    fn next_field<'a>(&mut self, walk: &mut Walk<'a>) -> Option<(wire::Field<'a>, u64)> {
        if self.time_up() {
            return None;
        }
        match walk.fields.next()? {
            Ok(f) => Some((f, walk.base.saturating_add(f.payload as u64))),
            Err(e) => {
                self.malformed(walk.base, e);
                None
            }
        }
    }

    fn malformed(&mut self, base: u64, e: wire::WireError) {
        self.problems.push(TfError::Malformed {
            offset: base.saturating_add(e.offset as u64),
            reason: e.reason.to_string(),
        });
    }

    fn node(&mut self, b: &[u8], offset: u64) -> Option<Node> {
        if self.nodes >= self.limits.max_tf_nodes {
            self.hit("max_tf_nodes", self.limits.max_tf_nodes);
            self.stopped = true;
            return None;
        }
        self.nodes = self.nodes.saturating_add(1);
        if b.len() <= MAX_FULL_NODE_BYTES && self.charge(b.len()) {
            return match NodeDef::decode(b) {
                Ok(def) => Some(Node {
                    def,
                    offset,
                    complete: true,
                }),
                Err(e) => {
                    self.problems.push(TfError::Undecodable {
                        what: "node",
                        offset,
                        reason: e.to_string(),
                    });
                    None
                }
            };
        }
        // Too large (or over budget): name and op only.
        match NodeHead::decode(b) {
            Ok(h) => Some(Node {
                def: NodeDef {
                    name: h.name,
                    op: h.op,
                    device: h.device,
                    ..NodeDef::default()
                },
                offset,
                complete: false,
            }),
            Err(e) => {
                self.problems.push(TfError::Undecodable {
                    what: "node",
                    offset,
                    reason: e.to_string(),
                });
                None
            }
        }
    }

    fn graph(&mut self, b: &[u8], base: u64) -> Graph {
        let mut g = Graph::default();
        let mut walk = Walk::new(b, base);
        while let Some((f, at)) = self.next_field(&mut walk) {
            match (f.number, f.value) {
                (1, Value::Bytes(n)) => {
                    if let Some(node) = self.node(n, at) {
                        g.nodes.push(node);
                    }
                }
                (2, Value::Bytes(lib)) => self.library(lib, at, &mut g),
                (4, Value::Bytes(v)) => g.versions = self.decode("versions", v, at),
                _ => {}
            }
        }
        g
    }

    fn library(&mut self, b: &[u8], base: u64, g: &mut Graph) {
        let mut walk = Walk::new(b, base);
        while let Some((f, at)) = self.next_field(&mut walk) {
            match (f.number, f.value) {
                (1, Value::Bytes(func)) => {
                    if self.functions >= self.limits.max_tf_functions {
                        self.hit("max_tf_functions", self.limits.max_tf_functions);
                        self.stopped = true;
                        break;
                    }
                    self.functions = self.functions.saturating_add(1);
                    let f = self.function(func, at);
                    g.functions.push(f);
                }
                (2, Value::Bytes(grad)) => {
                    if let Some(gd) = self.decode("gradient", grad, at) {
                        g.gradients.push(gd);
                    }
                }
                _ => {}
            }
        }
    }

    fn function(&mut self, b: &[u8], base: u64) -> Function {
        let mut func = Function {
            offset: base,
            ..Function::default()
        };
        let mut walk = Walk::new(b, base);
        while let Some((f, at)) = self.next_field(&mut walk) {
            match (f.number, f.value) {
                (1, Value::Bytes(sig)) => {
                    if let Some(s) = self.decode("function signature", sig, at) {
                        func.signature = s;
                    }
                }
                (3, Value::Bytes(n)) => {
                    if let Some(node) = self.node(n, at) {
                        func.nodes.push(node);
                    }
                }
                (4, Value::Bytes(entry)) => {
                    if let Some(e) = self.decode::<StringEntry>("function return", entry, at) {
                        func.ret.insert(e.key, e.value);
                    }
                }
                _ => {}
            }
        }
        func
    }

    fn meta_graph(&mut self, b: &[u8], base: u64) -> MetaGraph {
        let mut m = MetaGraph {
            offset: base,
            ..MetaGraph::default()
        };
        let mut walk = Walk::new(b, base);
        while let Some((f, at)) = self.next_field(&mut walk) {
            match (f.number, f.value) {
                (1, Value::Bytes(info)) => m.info = self.decode("meta_info_def", info, at),
                (2, Value::Bytes(g)) => m.graph = self.graph(g, at),
                (3, Value::Bytes(s)) => m.saver = self.decode("saver_def", s, at),
                (4, Value::Bytes(c)) => {
                    if let Some(c) = self.decode("collection_def", c, at) {
                        m.collections.push(c);
                    }
                }
                (5, Value::Bytes(s)) => {
                    if let Some(s) = self.decode("signature_def", s, at) {
                        m.signatures.push(s);
                    }
                }
                (6, Value::Bytes(a)) => {
                    if let Some(a) = self.decode("asset_file_def", a, at) {
                        m.assets.push(a);
                    }
                }
                (7, Value::Bytes(_)) => m.has_object_graph = true,
                _ => {}
            }
        }
        m
    }
}

/// A `map<string, string>` entry.
#[derive(Clone, PartialEq, prost::Message)]
struct StringEntry {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(string, tag = "2")]
    value: String,
}

/// Reads `data` as `kind`. A malformed part stops the walk of the message
/// it is in and is recorded in [`TfView::problems`]; what came before is
/// kept. Only a file whose first field is unreadable is an error.
pub fn parse(data: &[u8], kind: TfKind, limits: &Limits) -> Result<TfView, TfError> {
    let mut r = Reader {
        limits,
        nodes: 0,
        functions: 0,
        decoded: 0,
        limits_hit: Vec::new(),
        problems: Vec::new(),
        stopped: false,
    };
    if let Some(Err(e)) = fields(data).next() {
        return Err(TfError::Malformed {
            offset: e.offset as u64,
            reason: e.reason.to_string(),
        });
    }
    let mut view = TfView {
        kind,
        schema_version: None,
        meta_graphs: Vec::new(),
        keras_objects: Vec::new(),
        limits_hit: Vec::new(),
        problems: Vec::new(),
    };
    match kind {
        TfKind::GraphDef => {
            let graph = r.graph(data, 0);
            view.meta_graphs.push(MetaGraph {
                graph,
                ..MetaGraph::default()
            });
        }
        TfKind::MetaGraph => view.meta_graphs.push(r.meta_graph(data, 0)),
        TfKind::SavedModel => {
            let mut walk = Walk::new(data, 0);
            while let Some((f, at)) = r.next_field(&mut walk) {
                match (f.number, f.value) {
                    (1, Value::Varint(v)) => view.schema_version = Some(v as i64),
                    (2, Value::Bytes(m)) => {
                        if view.meta_graphs.len() >= MAX_META_GRAPHS {
                            r.hit("max_tf_meta_graphs", MAX_META_GRAPHS as u64);
                            break;
                        }
                        let mg = r.meta_graph(m, at);
                        view.meta_graphs.push(mg);
                    }
                    _ => {}
                }
            }
        }
        TfKind::KerasMetadata => {
            let mut walk = Walk::new(data, 0);
            while let Some((f, at)) = r.next_field(&mut walk) {
                if let (1, Value::Bytes(b)) = (f.number, f.value) {
                    if r.nodes >= limits.max_tf_nodes {
                        r.hit("max_tf_nodes", limits.max_tf_nodes);
                        break;
                    }
                    r.nodes = r.nodes.saturating_add(1);
                    if let Some(o) = r.decode("keras object", b, at) {
                        view.keras_objects.push(o);
                    }
                }
            }
        }
    }
    if kind == TfKind::SavedModel && view.meta_graphs.is_empty() && r.problems.is_empty() {
        r.problems.push(TfError::Undecodable {
            what: "SavedModel",
            offset: 0,
            reason: "it holds no meta graph".into(),
        });
    }
    view.limits_hit = r.limits_hit;
    view.problems = r.problems;
    Ok(view)
}

#[cfg(test)]
mod tests;
