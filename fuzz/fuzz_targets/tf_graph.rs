//! The TensorFlow protobuf walkers (SavedModel, MetaGraph, GraphDef,
//! `keras_metadata.pb`) and the `TF` rules over their views: every kind is
//! tried on every input, with default and with tiny node limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::Limits;
use sentrascan_formats::tensorflow::{self, TfKind};

fuzz_target!(|data: &[u8]| {
    let _ = tensorflow::sniff(data);
    let _ = tensorflow::sniff_keras_metadata(data, "keras_metadata.pb");
    let _ = tensorflow::sniff_named(data, "saved_model.pb");
    let _ = tensorflow::sniff_named(data, "frozen.pb");
    let location = Location::file("saved_model.pb");
    let tiny = Limits {
        max_tf_nodes: 16,
        max_tf_functions: 2,
        ..Limits::default()
    };
    for limits in [Limits::default(), tiny] {
        for kind in [
            TfKind::SavedModel,
            TfKind::MetaGraph,
            TfKind::GraphDef,
            TfKind::KerasMetadata,
        ] {
            let Ok(view) = tensorflow::parse(data, kind, &limits) else {
                continue;
            };
            assert!(view.node_count() as u64 <= limits.max_tf_nodes);
            let functions: usize = view.meta_graphs.iter().map(|m| m.graph.functions.len()).sum();
            assert!(functions as u64 <= limits.max_tf_functions);
            for p in &view.problems {
                assert!(p.offset() <= data.len() as u64, "{p}");
            }
            let mut findings = Vec::new();
            sentrascan_detectors::check_tensorflow(&view, &location, &mut findings);
            for f in &findings {
                assert!(f.rule.starts_with("TF"), "{}", f.rule);
            }
        }
    }
});
