//! `TF` rules: TensorFlow SavedModels, MetaGraphs, frozen GraphDefs and
//! `keras_metadata.pb`.
//!
//! A TensorFlow graph is a program the runtime executes when the model is
//! loaded and called. These rules walk every node of every graph and of
//! every library function (functions are where TF2 SavedModels keep their
//! code) and judge each op by what it reaches outside the tensor world
//! (the table in [`ops`]): Python callbacks, file reads and writes, other
//! hosts, native libraries. Path inputs are followed back to the constants
//! that build them, so the model's own checkpoint ops (fed by the
//! checkpoint-prefix placeholder) stay quiet and a constant
//! `/etc/passwd` does not. Strings in constants, attributes, collections
//! and Keras metadata are checked for commands and links.

pub mod ops;
pub mod standard_ops;
pub mod tf001_python_op;
pub mod tf002_file_write_op;
pub mod tf003_file_read_op;
pub mod tf004_checkpoint_path_outside_model;
pub mod tf005_network_op;
pub mod tf006_native_code_op;
pub mod tf007_custom_op;
pub mod tf008_process_control_op;
pub mod tf009_string_code;
pub mod tf010_string_external_url;
pub mod tf011_asset_payload;
pub mod tf012_malformed_graph;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sentrascan_formats::tensorflow::proto::{AttrValue, NodeDef};
use sentrascan_formats::tensorflow::{Node, TfView};
use sentrascan_types::{Finding, Location, RuleFamily};

use crate::rules::safetensors::metadata_payloads::{MetadataText, Text};
use ops::OpClass;

pub use tf011_asset_payload::check as check_tf_asset;
pub use tf012_malformed_graph::finding as tf_malformed;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::TensorFlow;

/// Nodes visited when following one path input back to its sources.
const MAX_TRACE_NODES: usize = 64;
/// Strings handed to the payload rules per file, bytes of each, and bytes
/// in total (a graph can hold millions of string constants).
const MAX_TEXTS: usize = 20_000;
const MAX_TEXT_BYTES: usize = 64 << 10;
const MAX_TEXTS_TOTAL_BYTES: usize = 16 << 20;

/// Where a node sits: the main graph or a library function.
pub(crate) struct Site<'a> {
    pub node: &'a NodeDef,
    pub offset: u64,
    /// `graph` or ``function `name` ``.
    pub scope: &'a str,
}

impl Site<'_> {
    /// `` `name` (`Op`) in the graph ``, for titles.
    pub(crate) fn describe(&self) -> String {
        format!(
            "`{}` (`{}`) in the {}",
            self.node.name, self.node.op, self.scope
        )
    }

    pub(crate) fn finding_base(&self, f: Finding) -> Finding {
        f.evidence("node", self.node.name.clone())
            .evidence("op", self.node.op.clone())
            .evidence("scope", self.scope.to_string())
    }
}

/// What feeds a path input: the constant strings found upstream, and
/// whether a placeholder, function argument or unknown node feeds it too.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct PathSources {
    pub constants: Vec<String>,
    pub fed: bool,
}

impl PathSources {
    /// The first constant that leaves the model directory, with the reason.
    pub(crate) fn escaping(&self) -> Option<(&str, &'static str)> {
        self.constants
            .iter()
            .find_map(|c| ops::path_escape(c).map(|why| (c.as_str(), why)))
    }
}

/// An op TensorFlow does not register: how often and where first.
pub(crate) struct CustomOp {
    pub count: u64,
    pub first: String,
    pub node: String,
    pub scope: String,
    pub offset: u64,
}

/// The nodes of one graph or function, by name.
struct Scope<'a> {
    label: String,
    nodes: &'a [Node],
    by_name: HashMap<&'a str, &'a NodeDef>,
}

impl<'a> Scope<'a> {
    fn new(label: String, nodes: &'a [Node]) -> Self {
        let by_name = nodes
            .iter()
            .map(|n| (n.def.name.as_str(), &n.def))
            .collect();
        Scope {
            label,
            nodes,
            by_name,
        }
    }

    /// Follows `input` (`node`, `node:1`, `node:out:0`) upstream.
    fn trace(&self, input: &str) -> PathSources {
        let mut sources = PathSources::default();
        let mut seen = BTreeSet::new();
        let mut queue = vec![input];
        while let Some(name) = queue.pop() {
            if name.starts_with('^') {
                continue;
            }
            let name = name.split(':').next().unwrap_or(name);
            if !seen.insert(name) {
                continue;
            }
            if seen.len() > MAX_TRACE_NODES {
                sources.fed = true;
                break;
            }
            let Some(node) = self.by_name.get(name) else {
                // A function argument, or a node we do not have.
                sources.fed = true;
                continue;
            };
            match node.op.as_str() {
                "Const" | "HostConst" => {
                    if let Some(t) = node.attr.get("value").and_then(|v| v.tensor.as_ref()) {
                        for s in t.string_val.iter().take(16) {
                            sources
                                .constants
                                .push(String::from_utf8_lossy(s).into_owned());
                        }
                    }
                }
                "Placeholder" | "_Arg" => sources.fed = true,
                op => {
                    if op == "PlaceholderWithDefault" {
                        sources.fed = true;
                    }
                    queue.extend(node.input.iter().map(String::as_str));
                }
            }
        }
        sources
    }
}

/// Runs every `TF` rule over a parsed file. `TF011` (assets) runs on the
/// asset files themselves: see [`check_tf_asset`]. Limits and problems in
/// the view are the engine's to report.
pub fn check_tensorflow(view: &TfView, location: &Location, out: &mut Vec<Finding>) {
    let mut customs: BTreeMap<&str, CustomOp> = BTreeMap::new();
    let mut texts = Texts::default();
    for mg in &view.meta_graphs {
        let g = &mg.graph;
        let functions: BTreeSet<&str> = g
            .functions
            .iter()
            .map(|f| f.signature.name.as_str())
            .chain(g.gradients.iter().map(|gd| gd.gradient_func.as_str()))
            .collect();
        let mut scopes = vec![Scope::new("graph".into(), &g.nodes)];
        for f in &g.functions {
            let mut scope = Scope::new(format!("function `{}`", f.signature.name), &f.nodes);
            // Function arguments feed nodes under their own names.
            for a in &f.signature.input_arg {
                scope.by_name.remove(a.name.as_str());
            }
            scopes.push(scope);
        }
        for scope in &scopes {
            for n in scope.nodes {
                let site = Site {
                    node: &n.def,
                    offset: n.offset,
                    scope: &scope.label,
                };
                check_node(&site, scope, location, out);
                let op = n.def.op.as_str();
                if ops::classify(op).is_none()
                    && !ops::is_standard_op(op)
                    && !functions.contains(op)
                {
                    customs
                        .entry(op)
                        .and_modify(|c| c.count += 1)
                        .or_insert_with(|| CustomOp {
                            count: 1,
                            first: site.describe(),
                            node: n.def.name.clone(),
                            scope: scope.label.clone(),
                            offset: n.offset,
                        });
                }
                node_texts(&n.def, n.offset, &mut texts);
            }
        }
        for c in &mg.collections {
            let Some(v) = &c.value else { continue };
            let key = format!("collection `{}`", c.key);
            let strings = v
                .node_list
                .iter()
                .flat_map(|l| l.value.iter().map(|s| s.as_bytes()))
                .chain(
                    v.bytes_list
                        .iter()
                        .flat_map(|l| l.value.iter().map(Vec::as_slice)),
                );
            for s in strings {
                push_text(&mut texts, &key, s, mg.offset);
            }
        }
    }
    for (op, c) in &customs {
        out.push(tf007_custom_op::finding(location, op, c));
    }
    for o in &view.keras_objects {
        let key = format!("keras object `{}`", o.node_path);
        push_text(&mut texts, &key, o.metadata.as_bytes(), 0);
    }
    let texts: Vec<MetadataText<'_>> = texts
        .list
        .iter()
        .map(|(key, text, offset)| MetadataText {
            key,
            text: Text::Str(text),
            offset: *offset,
            in_vocabulary: false,
        })
        .collect();
    tf009_string_code::check(&texts, location, out);
    tf010_string_external_url::check(&texts, location, out);
}

fn check_node(site: &Site<'_>, scope: &Scope<'_>, location: &Location, out: &mut Vec<Finding>) {
    let node = site.node;
    if node.op == "PrintV2" {
        let stream = attr_string(node.attr.get("output_stream"));
        if let Some(path) = stream.as_deref().and_then(ops::print_to_file) {
            let sources = PathSources {
                constants: vec![path.to_string()],
                fed: false,
            };
            out.push(tf002_file_write_op::finding(location, site, &sources));
        }
        return;
    }
    if matches!(node.op.as_str(), "DecodeProtoV2" | "EncodeProto") {
        let source = attr_string(node.attr.get("descriptor_source"));
        // `local://` is the built-in pool and `bytes://` an inline descriptor.
        if let Some(path) =
            source.filter(|s| !s.is_empty() && s != "local://" && !s.starts_with("bytes://"))
        {
            let sources = PathSources {
                constants: vec![path],
                fed: false,
            };
            out.push(tf003_file_read_op::finding(location, site, &sources));
        }
        return;
    }
    let Some(info) = ops::classify(&node.op) else {
        return;
    };
    let mut sources = PathSources::default();
    for &i in info.path_inputs {
        if let Some(input) = node.input.get(i) {
            let s = scope.trace(input);
            sources.constants.extend(s.constants);
            sources.fed |= s.fed;
        }
    }
    if let Some(attr) = info.path_attr
        && let Some(p) = attr_string(node.attr.get(attr))
    {
        sources.constants.push(p);
    }
    match info.class {
        OpClass::Python => out.push(tf001_python_op::finding(location, site)),
        OpClass::FileWrite => out.push(tf002_file_write_op::finding(location, site, &sources)),
        OpClass::FileRead => out.push(tf003_file_read_op::finding(location, site, &sources)),
        OpClass::Checkpoint => {
            if let Some((path, why)) = sources.escaping() {
                out.push(tf004_checkpoint_path_outside_model::finding(
                    location, site, path, why,
                ));
            }
        }
        OpClass::Network => out.push(tf005_network_op::finding(location, site)),
        OpClass::NativeCode => out.push(tf006_native_code_op::finding(location, site)),
        OpClass::ProcessControl => out.push(tf008_process_control_op::finding(location, site)),
    }
}

fn attr_string(v: Option<&AttrValue>) -> Option<String> {
    v.and_then(|v| v.s.as_ref())
        .map(|s| String::from_utf8_lossy(s).into_owned())
}

/// Attribute names whose strings are identifiers, layouts and device
/// placements, never payloads.
const PLAIN_ATTRS: &[&str] = &[
    "_class",
    "data_format",
    "padding",
    "container",
    "shared_name",
    "_output_shapes",
    "T",
    "dtype",
];

/// String constants and string attributes of a node.
fn node_texts(node: &NodeDef, offset: u64, texts: &mut Texts) {
    for (name, v) in &node.attr {
        if PLAIN_ATTRS.contains(&name.as_str()) {
            continue;
        }
        let key = format!("node `{}` attribute `{name}`", node.name);
        if let Some(s) = &v.s {
            push_text(texts, &key, s, offset);
        }
        let tensors = v
            .tensor
            .iter()
            .chain(v.list.iter().flat_map(|l| l.tensor.iter()));
        for t in tensors {
            for s in &t.string_val {
                push_text(texts, &key, s, offset);
            }
        }
        if let Some(l) = &v.list {
            for s in &l.s {
                push_text(texts, &key, s, offset);
            }
        }
    }
}

/// Strings collected for the payload rules: `(where, text, offset)`.
#[derive(Default)]
struct Texts {
    list: Vec<(String, String, u64)>,
    bytes: usize,
}

fn push_text(texts: &mut Texts, key: &str, s: &[u8], offset: u64) {
    if texts.list.len() >= MAX_TEXTS || texts.bytes >= MAX_TEXTS_TOTAL_BYTES || s.len() < 4 {
        return;
    }
    let s = s.get(..s.len().min(MAX_TEXT_BYTES)).unwrap_or(s);
    let text = match std::str::from_utf8(s) {
        Ok(t) => t,
        // Cut in the middle of a character: keep what is whole.
        Err(e) if e.error_len().is_none() => s
            .get(..e.valid_up_to())
            .and_then(|v| std::str::from_utf8(v).ok())
            .unwrap_or(""),
        Err(_) => return,
    };
    texts.bytes = texts.bytes.saturating_add(text.len());
    texts.list.push((key.to_string(), text.to_string(), offset));
}

#[cfg(test)]
pub(crate) mod tests;
