//! The GGUF reader (header, metadata values, nested arrays, tensor infos,
//! data layout) and the `GGUF` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::Limits;
use sentrascan_formats::gguf::{self, GgufAnomaly, MAX_TEMPLATE_BYTES};

fuzz_target!(|data: &[u8]| {
    let _ = gguf::sniff(data);
    let location = Location::file("model.gguf");
    let mut findings = Vec::new();
    match gguf::parse(data, &Limits::default()) {
        Ok(view) => {
            let len = data.len() as u64;
            assert!(view.metadata.len() as u64 <= view.kv_count);
            assert!(view.tensors.len() as u64 <= view.tensor_count);
            assert!(view.alignment.is_power_of_two());
            assert!(
                view.templates
                    .iter()
                    .all(|(_, t)| t.len() <= MAX_TEMPLATE_BYTES)
            );
            if let Some(start) = view.data_start {
                assert!(view.complete);
                assert_eq!(start % view.alignment, 0);
            }
            for a in &view.anomalies {
                if let GgufAnomaly::DataOverlap { start, end, .. }
                | GgufAnomaly::DataGap { start, end, .. } = a
                {
                    assert!(start < end && *end <= len, "{a:?}");
                }
                let _ = a.to_string();
            }
            let _ = (
                view.architecture(),
                view.file_type().and_then(gguf::file_type_name),
            );
            sentrascan_detectors::rules::gguf::check_gguf(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::rules::gguf::header_unreadable(
            &location, &e,
        )),
    }
    for f in &findings {
        assert!(
            f.rule.starts_with("GGUF") || f.rule.starts_with("PKL"),
            "{}",
            f.rule
        );
    }
});
