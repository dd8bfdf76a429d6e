//! The skops `schema.json` reader (node tree, loaders, types, files) and
//! the `SKO` rules over it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::skops::{self, MAX_NODES};

fuzz_target!(|data: &[u8]| {
    let location = Location::file("model.skops");
    let mut findings = Vec::new();
    match skops::parse_schema(data) {
        Ok(s) => {
            assert!(s.nodes.len() <= MAX_NODES);
            assert!(s.nodes.iter().all(|n| n.path.starts_with('$')));
            let _ = s.files().count();
            sentrascan_detectors::check_skops(&s, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::skops_schema_unreadable(
            &location,
            &e.to_string(),
        )),
    }
    for f in &findings {
        assert!(f.rule.starts_with("SKO"), "{}", f.rule);
    }
});
