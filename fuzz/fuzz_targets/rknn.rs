//! The RKNN container reader (header, model data, bounded JSON description)
//! and the `RKN` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::rknn::{self, MAX_ITEMS};

fuzz_target!(|data: &[u8]| {
    let _ = rknn::sniff(data);
    let location = Location::file("model.rknn");
    let mut findings = Vec::new();
    match rknn::parse(data) {
        Ok(view) => {
            let len = data.len() as u64;
            assert!(view.data.0 + view.data.1 <= len);
            assert!(view.json_offset <= len);
            assert!(view.ops.len() <= MAX_ITEMS);
            sentrascan_detectors::check_rknn(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::rknn_model_unreadable(&location, &e)),
    }
    for f in &findings {
        assert!(f.rule.starts_with("RKN"), "{}", f.rule);
    }
});
