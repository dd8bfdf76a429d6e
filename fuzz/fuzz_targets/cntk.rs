//! The CNTK v2 model reader: the sniffer, prost decoding of our
//! `Dictionary` subset and the walk for user-defined functions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::cntk::{self, MAX_USER_FUNCTIONS};

fuzz_target!(|data: &[u8]| {
    let _ = cntk::sniff_legacy(data);
    let sniffed = cntk::sniff(data);
    if let Ok(view) = cntk::parse(data) {
        assert!(sniffed);
        assert!(view.user_functions.len() <= MAX_USER_FUNCTIONS);
        assert!(view.library_paths.len() <= MAX_USER_FUNCTIONS);
    }
});
