//! The in-place tar walker: every entry's content range must lie inside
//! the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::Limits;
use sentrascan_formats::tar;

fuzz_target!(|data: &[u8]| {
    let _ = tar::sniff(data);
    let limits = Limits {
        max_archive_entries: 4096,
        ..Limits::default()
    };
    if let Ok(entries) = tar::entries(data, &limits) {
        for e in &entries {
            assert!(e.data.start <= e.data.end, "inverted range for {}", e.name);
            assert!(
                e.data.end <= data.len() as u64,
                "range past the end for {}",
                e.name
            );
        }
    }
});
