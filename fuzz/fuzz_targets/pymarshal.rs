//! The CPython marshal reader behind Keras Lambda decoding: every layout,
//! references, nested code objects, bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::pymarshal;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = pymarshal::decode_code(data) {
        let mut count = 0usize;
        d.code.visit(&mut |c| {
            count += 1;
            assert!(c.bytes_consts.iter().all(|b| b.len() <= 1 << 16));
            assert_eq!(c.bytes_consts.len(), c.bytes_const_lens.len());
        });
        // Every code object comes from at least one byte of input.
        assert!(count <= data.len());
        let _ = (
            d.code.all_names(),
            d.code.all_strings(),
            d.layout.versions(),
        );
    }
});
