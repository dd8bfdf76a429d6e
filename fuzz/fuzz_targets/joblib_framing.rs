//! joblib framing: pickles with NumpyArrayWrapper blocks whose raw array
//! bytes sit inside the stream (seeded with real joblib files).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::{Limits, pickle};

fuzz_target!(|data: &[u8]| {
    let a = pickle::analyze(data, &Limits::default());
    // Every stream found lies inside the input.
    for s in &a.streams {
        assert!(s.start <= s.end && s.end <= data.len() as u64);
    }
});
