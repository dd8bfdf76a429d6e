//! The MXNet readers: the NDArray list (`.params`) with its bounds checks,
//! and the symbol graph JSON (the input is read as both).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::Limits;
use sentrascan_formats::mxnet::{self, MAX_NODES};

fuzz_target!(|data: &[u8]| {
    // The input as a parameter file: behind the list magic when it lacks one.
    let mut framed = Vec::with_capacity(data.len() + 16);
    if !mxnet::sniff_params(data) {
        framed.extend_from_slice(&mxnet::LIST_MAGIC.to_le_bytes());
        framed.extend_from_slice(&[0; 8]);
    }
    framed.extend_from_slice(data);
    if let Ok(view) = mxnet::parse_params(&framed, &Limits::default()) {
        let len = framed.len() as u64;
        let total: u64 = view.arrays.iter().map(|a| a.data_bytes).sum();
        assert!(total <= len);
        for a in &view.anomalies {
            assert!(a.offset() <= len);
            let _ = a.to_string();
        }
    }
    let _ = mxnet::sniff_symbol(data);
    if let Ok(view) = mxnet::parse_symbol(data) {
        assert!(view.nodes.len() <= MAX_NODES);
    }
});
