//! The bounded MessagePack reader, the Flax/msgpack-numpy view over it and
//! the `FLX` rules; the Orbax metadata reader on the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::{flax, msgpack, orbax};

fuzz_target!(|data: &[u8]| {
    let location = Location::file("state.msgpack");
    let mut findings = Vec::new();
    let _ = flax::sniff(data);
    if let Ok((_, end)) = msgpack::parse(data, 10_000) {
        assert!(end <= data.len());
    }
    match flax::parse(data, 100_000) {
        Ok(view) => {
            assert!(view.anomalies.len() <= flax::MAX_ANOMALIES);
            assert!(view.blobs.len() <= flax::MAX_BLOBS);
            for b in view.blobs.iter().chain(&view.pickled) {
                assert!(b.offset < data.len() as u64);
                assert!(b.data.len() <= data.len());
            }
            for a in &view.anomalies {
                let _ = (a.to_string(), a.kind(), a.offset());
            }
            sentrascan_detectors::check_flax(&view, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::flax_state_unreadable(&location, &e)),
    }
    let _ = orbax::sniff(data);
    if let Ok(view) = orbax::parse(data) {
        sentrascan_detectors::check_orbax(&view, &location, &mut findings);
    }
    for f in &findings {
        assert!(f.rule.starts_with("FLX") || f.rule.starts_with("PKL"), "{}", f.rule);
    }
});
