//! The CatBoost model framing (`CBM1`, core size, flatbuffer root and
//! vtable bounds, string runs) and the `GBT` rules. Inputs are prefixed
//! with the magic so the fuzzer spends its time past the sniff.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::catboost;

fuzz_target!(|data: &[u8]| {
    let mut input = catboost::MAGIC.to_vec();
    input.extend_from_slice(data);
    let mut findings = Vec::new();
    for bytes in [data, input.as_slice()] {
        if let Ok(view) = catboost::parse(bytes) {
            for t in &view.texts {
                assert!(t.offset < bytes.len() as u64);
            }
            sentrascan_detectors::check_gbt(&view, &Location::file("model.cbm"), &mut findings);
        }
    }
    for f in &findings {
        assert!(f.rule.starts_with("GBT") || f.rule.starts_with("PKL"), "{}", f.rule);
    }
});
