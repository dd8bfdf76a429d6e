//! The Torch7 `readObject` reader (binary with 8- and 4-byte longs, ASCII;
//! tables, references, torch classes, tensors and storages, functions).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::Limits;
use sentrascan_formats::torch7::{self, MAX_FUNCTIONS};

fuzz_target!(|data: &[u8]| {
    let sniffed = torch7::sniff(data);
    match torch7::parse(data, &Limits::default()) {
        Ok(view) => {
            assert!(sniffed);
            assert!(view.functions.len() <= MAX_FUNCTIONS);
            assert!(view.trailing <= data.len() as u64);
            for f in &view.functions {
                assert!(f.bytecode_len <= data.len() as u64);
            }
        }
        Err(_) => assert!(!sniffed),
    }
});
