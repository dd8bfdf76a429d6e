//! The ExecuTorch `Program` flatbuffer reader (extended header, plans,
//! operators, delegates, inline data, segments, constant and named data)
//! and the `PTE` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::executorch::{self, MAX_ANOMALIES};

fuzz_target!(|data: &[u8]| {
    let _ = executorch::sniff(data);
    let location = Location::file("model.pte");
    let mut findings = Vec::new();
    match executorch::parse(data) {
        Ok(view) => {
            let len = data.len() as u64;
            assert_eq!(view.file_len, len);
            assert!(view.anomalies.len() <= MAX_ANOMALIES);
            for d in &view.delegates {
                if let Some((off, n)) = d.payload {
                    assert!(off.checked_add(n).is_some_and(|e| e <= len), "{d:?}");
                }
            }
            for (_, off, n) in view.segment_ranges() {
                assert!(off + n <= len);
            }
            for a in &view.anomalies {
                let _ = (a.to_string(), a.kind(), a.offset());
            }
            sentrascan_detectors::check_executorch(&view, data, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::executorch_program_unreadable(&location, &e)),
    }
    for f in &findings {
        assert!(f.rule.starts_with("PTE"), "{}", f.rule);
    }
});
