//! The `.npy` header parser: any bytes after the magic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::npy;

fuzz_target!(|data: &[u8]| {
    let mut buf = b"\x93NUMPY".to_vec();
    buf.extend_from_slice(data);
    if let Ok(v) = npy::parse(&buf) {
        // A parsed header never points past the data it was parsed from.
        assert!(v.data_offset as usize <= buf.len());
        if let Some(n) = v.expected_data_len {
            let _ = n;
        }
    }
});
