//! The TensorRT engine header and string scan (plugin names, libraries,
//! paths, embedded executables) and the `TRT` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::tensorrt::{self, MAX_STRINGS};

fuzz_target!(|data: &[u8]| {
    let _ = tensorrt::sniff(data);
    let location = Location::file("model.engine");
    let mut findings = Vec::new();
    match tensorrt::parse(data) {
        Ok(view) => {
            let len = data.len() as u64;
            assert!(view.plugins.len() <= MAX_STRINGS && view.libraries.len() <= MAX_STRINGS);
            for s in view.plugins.iter().chain(&view.libraries).chain(&view.paths) {
                assert!(s.offset < len);
            }
            for (off, _) in &view.executables {
                assert!(*off < len);
            }
            sentrascan_detectors::check_tensorrt(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::tensorrt_engine_unreadable(&location, &e)),
    }
    for f in &findings {
        assert!(f.rule.starts_with("TRT"), "{}", f.rule);
    }
});
