//! The ONNX reader (sniff, budgeted wire walk, prost decode, graph and
//! subgraph walk) and the `ONNX` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::onnx;

fuzz_target!(|data: &[u8]| {
    let _ = onnx::sniff(data);
    let location = Location::file("model.onnx");
    let mut findings = Vec::new();
    match onnx::parse(data) {
        Ok(view) => {
            let used: u64 = view.ops.iter().map(|o| o.count).sum();
            assert!(used <= view.node_count, "{used} > {}", view.node_count);
            assert!(view.ops.len() <= onnx::MAX_DISTINCT_OPS);
            assert!(view.texts.len() <= onnx::MAX_TEXTS);
            assert!(view.complete || !view.limits_hit.is_empty());
            for t in &view.external {
                assert!(t.dims.len() <= 16);
                // A size is only computed for element types of known width.
                if t.expected_bytes.is_some() {
                    assert!(onnx::element_bits(t.data_type).is_some());
                }
            }
            sentrascan_detectors::rules::onnx::check_onnx(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::rules::onnx::model_unreadable(
            &location, &e,
        )),
    }
    for f in &findings {
        assert!(
            f.rule.starts_with("ONNX") || f.rule.starts_with("PKL"),
            "{}",
            f.rule
        );
    }
});
