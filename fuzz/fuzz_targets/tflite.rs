//! The TFLite flatbuffer reader (operator codes, subgraphs, operators,
//! buffers, metadata, signatures, Flex custom options, the TFLite Support
//! metadata flatbuffer) and the `TFL` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::tflite::{self, BufferData, MAX_ANOMALIES, MAX_METADATA_BYTES};

fuzz_target!(|data: &[u8]| {
    let _ = tflite::sniff(data);
    let location = Location::file("model.tflite");
    let mut findings = Vec::new();
    match tflite::parse(data) {
        Ok(view) => {
            let len = data.len() as u64;
            assert_eq!(view.file_len, len);
            assert!(view.flatbuffer_end <= len);
            assert!(view.anomalies.len() <= MAX_ANOMALIES);
            for b in &view.buffers {
                if let BufferData::Inline { start, len: n } = b {
                    assert!(start.checked_add(*n).is_some_and(|e| e <= len), "{b:?}");
                }
            }
            for m in &view.metadata {
                assert!(m.data.len() as u64 <= MAX_METADATA_BYTES.min(m.len));
            }
            for c in &view.operator_codes {
                let _ = c.name();
                assert!(c.uses <= view.subgraphs.iter().map(|s| s.operators).sum::<u64>());
            }
            for a in &view.anomalies {
                let _ = (a.to_string(), a.kind(), a.offset());
            }
            let _ = (
                view.min_runtime_version(),
                view.tensor_count(),
                tflite::operator_histogram(&view),
            );
            sentrascan_detectors::check_tflite(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::tflite_model_unreadable(&location, &e)),
    }
    for f in &findings {
        assert!(
            f.rule.starts_with("TFL") || f.rule.starts_with("PKL"),
            "{}",
            f.rule
        );
    }
});
