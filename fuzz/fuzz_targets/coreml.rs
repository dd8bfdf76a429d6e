//! The Core ML `Model` protobuf walk (pipelines, networks, custom classes,
//! linked models, ML Program blocks) and the `CML` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::coreml::{self, MAX_ITEMS};

fuzz_target!(|data: &[u8]| {
    let _ = coreml::sniff(data);
    let location = Location::file("model.mlmodel");
    let mut findings = Vec::new();
    match coreml::parse(data) {
        Ok(view) => {
            let len = data.len() as u64;
            assert!(!view.models.is_empty());
            assert!(view.anomalies.len() <= MAX_ITEMS);
            assert!(view.custom_layers.len() <= MAX_ITEMS);
            for a in &view.anomalies {
                assert!(a.offset <= len, "{a:?}");
            }
            for b in &view.blob_files {
                let _ = coreml::path_escape(&b.file_name);
            }
            sentrascan_detectors::check_coreml(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::coreml_model_unreadable(&location, &e)),
    }
    for f in &findings {
        assert!(f.rule.starts_with("CML"), "{}", f.rule);
    }
});
