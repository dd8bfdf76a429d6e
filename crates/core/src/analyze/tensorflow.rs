//! TensorFlow graphs (SavedModel, MetaGraph, frozen GraphDef,
//! `keras_metadata.pb`): the parser and the `TF` rules, the facts the SBOM
//! needs, and the check of files that lie in a SavedModel's `assets/`.

use std::collections::BTreeMap;

use sentrascan_detectors as rules;
use sentrascan_formats::tensorflow::{self, TfKind, TfView, proto};
use sentrascan_types::{Location, ModelFormat};

use super::Ctx;

/// Signatures recorded as facts per file.
const MAX_SIGNATURE_FACTS: usize = 32;
/// Distinct op types listed in the `tensorflow.ops` fact.
const MAX_OP_FACTS: usize = 256;

pub(crate) fn format_of_kind(kind: TfKind) -> ModelFormat {
    match kind {
        TfKind::SavedModel => ModelFormat::TfSavedModel,
        TfKind::MetaGraph => ModelFormat::TfMetaGraph,
        TfKind::GraphDef => ModelFormat::TfGraphDef,
        TfKind::KerasMetadata => ModelFormat::TfKerasMetadata,
    }
}

/// A TensorFlow file whose fields are out of the usual order, by its name.
pub(crate) fn named_format(data: &[u8], name: &str) -> Option<ModelFormat> {
    tensorflow::sniff_named(data, name).map(format_of_kind)
}

/// `keras_metadata.pb` has no structure of its own to sniff: its name decides.
pub(crate) fn is_keras_metadata(data: &[u8], name: &str) -> bool {
    tensorflow::sniff_keras_metadata(data, name)
}

impl Ctx<'_> {
    pub(super) fn tensorflow(&mut self, data: &[u8], location: &Location, format: ModelFormat) {
        self.out.scanners.insert("tensorflow");
        let kind = match format {
            ModelFormat::TfSavedModel => TfKind::SavedModel,
            ModelFormat::TfMetaGraph => TfKind::MetaGraph,
            ModelFormat::TfKerasMetadata => TfKind::KerasMetadata,
            _ => TfKind::GraphDef,
        };
        let view = match tensorflow::parse(data, kind, self.limits) {
            Ok(v) => v,
            Err(e) => {
                self.out.findings.push(rules::tf_malformed(location, &e));
                return self.inconclusive(location, format!("TensorFlow {format}: {e}"));
            }
        };
        rules::check_tensorflow(&view, location, &mut self.out.findings);
        if view.kind == TfKind::KerasMetadata {
            self.keras_metadata_configs(&view, location);
        }
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        for p in &view.problems {
            let at = location.at(p.offset());
            self.out.findings.push(rules::tf_malformed(location, p));
            self.inconclusive(&at, format!("TensorFlow {format}: {p}"));
        }
        self.tensorflow_facts(&view);
    }

    /// A file in a SavedModel's `assets/` that is a program or a pickle.
    pub(super) fn tensorflow_asset(
        &mut self,
        data: &[u8],
        location: &Location,
        name: &str,
        format: ModelFormat,
    ) {
        if let Some(f) = rules::check_tf_asset(location, name, data, format.as_str()) {
            self.out.findings.push(f);
        }
    }

    /// Each Keras object's metadata is a layer or model configuration
    /// (`{"class_name": …, "config": …}`): the Keras rules judge it.
    fn keras_metadata_configs(&mut self, view: &TfView, location: &Location) {
        self.out.scanners.insert("keras");
        for (i, o) in view.keras_objects.iter().enumerate() {
            if !o.identifier.starts_with("_tf_keras") || o.metadata.is_empty() {
                continue;
            }
            let path = if o.node_path.is_empty() {
                "root"
            } else {
                o.node_path.as_str()
            };
            let member = location.member(format!("<{path}>"));
            self.keras_config(o.metadata.as_bytes(), &member, "metadata", 1, i == 0);
        }
    }

    fn tensorflow_facts(&mut self, view: &TfView) {
        if view.kind == TfKind::KerasMetadata {
            self.framework(
                "keras",
                None,
                "keras_metadata.pb (Keras SavedModel metadata)",
            );
            self.fact("keras.saved_objects", view.keras_objects.len().to_string());
            return;
        }
        let version = view
            .meta_graphs
            .iter()
            .filter_map(|m| m.info.as_ref())
            .map(|i| i.tensorflow_version.as_str())
            .find(|v| !v.is_empty());
        let evidence = match (view.kind, version) {
            (_, Some(_)) => "meta_info_def.tensorflow_version",
            (TfKind::SavedModel, None) => "SavedModel protobuf (saved_model.pb)",
            (TfKind::MetaGraph, None) => "MetaGraphDef protobuf",
            _ => "GraphDef protobuf",
        };
        self.framework("tensorflow", version, evidence);
        if let Some(v) = version {
            self.fact("tensorflow.version", v);
        }
        if let Some(git) = view
            .meta_graphs
            .iter()
            .filter_map(|m| m.info.as_ref())
            .map(|i| i.tensorflow_git_version.as_str())
            .find(|v| !v.is_empty())
        {
            self.fact("tensorflow.git_version", git);
        }
        if let Some(s) = view.schema_version {
            self.fact("tensorflow.saved_model.schema_version", s.to_string());
        }
        let tags: Vec<String> = view
            .meta_graphs
            .iter()
            .filter_map(|m| m.info.as_ref())
            .map(|i| i.tags.join(","))
            .filter(|t| !t.is_empty())
            .collect();
        self.fact("tensorflow.tags", tags.join(";"));
        self.fact("tensorflow.meta_graphs", view.meta_graphs.len().to_string());
        let describe = |m: &BTreeMap<String, proto::TensorInfo>| {
            m.iter()
                .map(|(k, t)| format!("{k}:{}", proto::dtype_name(t.dtype)))
                .collect::<Vec<_>>()
                .join(",")
        };
        let signatures = view
            .meta_graphs
            .iter()
            .flat_map(|m| m.signatures.iter())
            .filter_map(|s| s.value.as_ref().map(|v| (&s.key, v)));
        let mut names = Vec::new();
        for (key, sig) in signatures.take(MAX_SIGNATURE_FACTS) {
            names.push(key.clone());
            self.fact(
                format!("tensorflow.signature.{key}.inputs"),
                describe(&sig.inputs),
            );
            self.fact(
                format!("tensorflow.signature.{key}.outputs"),
                describe(&sig.outputs),
            );
            self.fact(
                format!("tensorflow.signature.{key}.method"),
                sig.method_name.clone(),
            );
        }
        self.fact("tensorflow.signatures", names.join(","));
        let mut ops: BTreeMap<&str, u64> = BTreeMap::new();
        let mut functions = 0usize;
        for m in &view.meta_graphs {
            functions = functions.saturating_add(m.graph.functions.len());
            let nodes = m
                .graph
                .nodes
                .iter()
                .chain(m.graph.functions.iter().flat_map(|f| f.nodes.iter()));
            for n in nodes {
                *ops.entry(n.def.op.as_str()).or_default() += 1;
            }
            if let Some(v) = &m.graph.versions {
                self.fact("tensorflow.graph.producer", v.producer.to_string());
            }
        }
        self.fact("tensorflow.node_count", view.node_count().to_string());
        self.fact("tensorflow.function_count", functions.to_string());
        self.fact("tensorflow.op_types", ops.len().to_string());
        let listed: Vec<String> = ops
            .iter()
            .take(MAX_OP_FACTS)
            .map(|(op, n)| format!("{op}:{n}"))
            .collect();
        self.fact("tensorflow.ops", listed.join(","));
    }
}
