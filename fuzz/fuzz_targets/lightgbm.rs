//! The LightGBM text-model reader (header, tree blocks, parameters,
//! pandas_categorical), its tree checks and the `GBT` rules. Inputs are
//! prefixed with the `tree` / `version=v` header so the fuzzer spends its
//! time past the sniff.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::lightgbm;

fuzz_target!(|data: &[u8]| {
    let mut input = b"tree\nversion=v4\n".to_vec();
    input.extend_from_slice(data);
    let mut findings = Vec::new();
    for bytes in [data, input.as_slice()] {
        if let Ok(view) = lightgbm::parse(bytes) {
            for a in &view.anomalies {
                let _ = (a.to_string(), a.kind(), a.offset());
            }
            sentrascan_detectors::check_gbt(&view, &Location::file("model.txt"), &mut findings);
        }
    }
    for f in &findings {
        assert!(f.rule.starts_with("GBT") || f.rule.starts_with("PKL"), "{}", f.rule);
    }
});
