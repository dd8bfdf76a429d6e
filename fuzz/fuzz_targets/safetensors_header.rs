//! The SafeTensors header reader (length, strict JSON reader, layout checks)
//! and the `ST` rules over its view, metadata payload decoding included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::Limits;
use sentrascan_formats::safetensors::{self, SafeTensorsAnomaly};

fuzz_target!(|data: &[u8]| {
    let _ = safetensors::sniff(data);
    let location = Location::file("model.safetensors");
    let mut findings = Vec::new();
    match safetensors::parse(data, &Limits::default()) {
        Ok(view) => {
            let len = data.len() as u64;
            assert_eq!(view.file_len, len);
            assert_eq!(view.data_start, view.header_len + 8);
            assert!(view.data_start <= len);
            for a in &view.anomalies {
                match a {
                    // Layout anomalies are clamped to the file, or name the overrun.
                    SafeTensorsAnomaly::Overlap { start, end, .. }
                    | SafeTensorsAnomaly::Gap { start, end, .. } => {
                        assert!(
                            view.data_start <= *start && start < end && *end <= len,
                            "{a:?}"
                        );
                    }
                    SafeTensorsAnomaly::TrailingBytes {
                        start,
                        len: n,
                        head,
                    } => {
                        assert_eq!(start + n, len);
                        assert!(head.len() <= 16);
                    }
                    _ => {}
                }
                let _ = a.to_string();
            }
            sentrascan_detectors::rules::safetensors::check_safetensors(
                &view,
                &location,
                &mut findings,
            );
        }
        Err(e) => findings.push(sentrascan_detectors::rules::safetensors::header_unreadable(
            &location, &e,
        )),
    }
    for f in &findings {
        assert!(
            f.rule.starts_with("ST") || f.rule.starts_with("PKL"),
            "{}",
            f.rule
        );
    }
});
