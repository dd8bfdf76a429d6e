//! The R serialisation walker (`saveRDS` and `save` streams in XDR, ASCII
//! and native encodings: pairlists, vectors, references, byte code, ALTREP)
//! and its sniffers; asserts the kept lists stay within their caps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::Limits;
use sentrascan_formats::rds::{self, MAX_CODE, MAX_KEPT, MAX_PER_CODE};

fuzz_target!(|data: &[u8]| {
    let _ = (rds::sniff_rds(data), rds::sniff_rdata(data));
    if let Ok(view) = rds::parse(data, &Limits::default()) {
        assert!(view.code.len() <= MAX_CODE);
        assert!(view.altrep.len() <= MAX_KEPT && view.variables.len() <= MAX_KEPT);
        assert!(view.trailing <= data.len() as u64);
        for c in &view.code {
            assert!(c.calls.len() <= MAX_PER_CODE && c.strings.len() <= MAX_PER_CODE);
            assert!(c.offset < data.len() as u64);
        }
        if let Some(e) = &view.error {
            let _ = e.to_string();
        }
    }
});
