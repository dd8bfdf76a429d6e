//! OpenVINO IR: the `.xml` topology (a `<net>` of `<layer>`s and `<edge>`s),
//! read from the safe [`crate::xml`] view. The weights live in a sibling
//! `.bin` that `Const` layers address by `offset` and `size`; this module
//! only lists those ranges, the caller (which knows the directory) checks
//! them against the file's size.

use crate::xml::{XmlElement, XmlView};

/// `rt_info` entries kept.
pub const MAX_RT_INFO: usize = 4096;

/// One `<layer>` (in the main graph or a `TensorIterator`/`Loop` body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// The operation set (`opset8`) or an extension's own name.
    pub version: String,
    /// Attributes of its `<data>` element.
    pub data: Vec<(String, String)>,
    /// Nested in a sub-graph body.
    pub nested: bool,
    pub offset: u64,
}

impl Layer {
    pub fn data_attr(&self, name: &str) -> Option<&str> {
        self.data
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A `Const` layer's slice of the `.bin` file, as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstRange {
    pub layer: String,
    /// `None` when the attribute is missing or not a number (as written in `raw`).
    pub offset: Option<u64>,
    pub size: Option<u64>,
    pub raw: String,
}

/// An `rt_info` value: `(path of element names, value)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtInfo {
    pub key: String,
    pub value: String,
}

/// The IR's topology.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpenVinoView {
    pub name: String,
    /// The IR version (`<net version="11">`).
    pub ir_version: String,
    pub layers: Vec<Layer>,
    pub consts: Vec<ConstRange>,
    /// Model-level `rt_info` (converter and runtime versions, conversion parameters).
    pub rt_info: Vec<RtInfo>,
    pub edges: u64,
}

impl OpenVinoView {
    /// Distinct operation sets in use, sorted.
    pub fn opsets(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&str> =
            self.layers.iter().map(|l| l.version.as_str()).collect();
        set.into_iter().map(str::to_string).collect()
    }

    pub fn rt(&self, key: &str) -> Option<&str> {
        self.rt_info
            .iter()
            .find(|r| r.key == key)
            .map(|r| r.value.as_str())
    }
}

/// True when the document's root is an IR `<net>`.
pub fn is_ir(view: &XmlView) -> bool {
    view.root().is_some_and(|r| r.local == "net")
}

/// Reads the topology from an XML view whose root is `<net>`.
pub fn read(view: &XmlView) -> OpenVinoView {
    let mut out = OpenVinoView::default();
    let Some(root) = view.root() else {
        return out;
    };
    out.name = root.attr("name").unwrap_or("").to_string();
    out.ir_version = root.attr("version").unwrap_or("").to_string();
    for (i, e) in view.elements.iter().enumerate() {
        match e.local.as_str() {
            "layer" if parent_is(view, e, "layers") => {
                let layer = read_layer(view, i, e);
                if layer.kind == "Const" {
                    let offset = layer.data_attr("offset");
                    let size = layer.data_attr("size");
                    out.consts.push(ConstRange {
                        layer: layer.name.clone(),
                        offset: offset.and_then(|v| v.trim().parse().ok()),
                        size: size.and_then(|v| v.trim().parse().ok()),
                        raw: format!(
                            "offset={} size={}",
                            offset.unwrap_or("(none)"),
                            size.unwrap_or("(none)")
                        ),
                    });
                }
                out.layers.push(layer);
            }
            "edge" => out.edges = out.edges.saturating_add(1),
            _ => {}
        }
    }
    // Model-level rt_info: the root's direct `<rt_info>` child.
    if let Some((rt, _)) = view.children(0).find(|(_, c)| c.local == "rt_info") {
        for (i, e) in view.elements.iter().enumerate().skip(rt.saturating_add(1)) {
            if out.rt_info.len() >= MAX_RT_INFO || !view.is_within(i, rt) {
                break;
            }
            let Some(value) = e.attr("value") else {
                continue;
            };
            // `<attribute name="k" value="v"/>` (IR 10), `<info name="k" value="v"/>`
            // or `<k value="v"/>` (IR 11).
            let key = match (e.local.as_str(), e.attr("name")) {
                ("attribute" | "info", Some(n)) => n.to_string(),
                _ => relative_path(view, i, rt),
            };
            out.rt_info.push(RtInfo {
                key,
                value: value.to_string(),
            });
        }
    }
    out
}

fn parent_is(view: &XmlView, e: &XmlElement, name: &str) -> bool {
    e.parent
        .and_then(|p| view.elements.get(p))
        .is_some_and(|p| p.local == name)
}

fn relative_path(view: &XmlView, index: usize, ancestor: usize) -> String {
    let full = view.path(index);
    let base = view.path(ancestor);
    full.strip_prefix(&base)
        .map(|s| s.trim_start_matches('/').replace('/', "."))
        .unwrap_or(full)
}

fn read_layer(view: &XmlView, index: usize, e: &XmlElement) -> Layer {
    let data = view
        .children(index)
        .find(|(_, c)| c.local == "data")
        .map(|(_, c)| c.attributes.clone())
        .unwrap_or_default();
    Layer {
        id: e.attr("id").unwrap_or("").to_string(),
        name: e.attr("name").unwrap_or("").to_string(),
        kind: e.attr("type").unwrap_or("").to_string(),
        version: e.attr("version").unwrap_or("").to_string(),
        data,
        nested: e.depth > 2,
        offset: e.offset,
    }
}

/// True for the operation sets OpenVINO itself defines (`opsetN` and its
/// internal sets); anything else names an extension.
pub fn is_builtin_opset(version: &str) -> bool {
    if let Some(n) = version.strip_prefix("opset") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    matches!(
        version,
        "experimental" | "internal" | "ie_internal_opset" | "type_relaxed_opset"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, xml};

    #[test]
    fn reads_layers_consts_and_rt_info() {
        let doc = br#"<?xml version="1.0"?>
<net name="m" version="11">
  <layers>
    <layer id="0" name="in" type="Parameter" version="opset1"><data shape="1" element_type="f32"/></layer>
    <layer id="1" name="w" type="Const" version="opset1"><data element_type="f32" shape="1" offset="8" size="4"/></layer>
    <layer id="2" name="c" type="MyOp" version="extension"><data lib="x"/></layer>
  </layers>
  <edges><edge from-layer="0" from-port="0" to-layer="2" to-port="0"/></edges>
  <rt_info><Runtime_version value="2024.4.0"/><conversion_parameters><framework value="onnx"/></conversion_parameters></rt_info>
</net>"#;
        let v = xml::parse(doc, &Limits::default()).unwrap();
        assert!(is_ir(&v));
        let ir = read(&v);
        assert_eq!(ir.ir_version, "11");
        assert_eq!(ir.layers.len(), 3);
        assert_eq!(ir.consts[0].offset, Some(8));
        assert_eq!(ir.consts[0].size, Some(4));
        assert_eq!(ir.rt("Runtime_version"), Some("2024.4.0"));
        assert_eq!(ir.rt("conversion_parameters.framework"), Some("onnx"));
        assert_eq!(ir.edges, 1);
        assert!(is_builtin_opset("opset15"));
        assert!(!is_builtin_opset("extension"));
        assert!(!is_builtin_opset("opset"));
    }
}
