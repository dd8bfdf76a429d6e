//! The zip directory reader, then every member's data (stored borrowed,
//! deflated inflated under the member limit).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::Limits;
use sentrascan_formats::zip;

fuzz_target!(|data: &[u8]| {
    // Small member/entry limits keep each run fast while still reaching the
    // TooLarge / TooManyEntries paths.
    let limits = Limits {
        max_member_bytes: 1 << 20,
        max_archive_entries: 4096,
        ..Limits::default()
    };
    let _ = zip::sniff(data);
    if let Ok(view) = zip::parse(data, &limits) {
        for entry in &view.entries {
            let _ = entry.is_dir();
            let _ = entry.is_symlink();
            let _ = entry.data_range(data.len() as u64);
            if let Ok(bytes) = zip::member_data(data, entry, &limits) {
                // Only inflated members are bounded; stored ones borrow the input.
                if entry.method == 8 {
                    assert!(bytes.len() as u64 <= limits.max_member_bytes);
                }
                let _ = zip::crc32(&bytes);
            }
        }
        let _ = sentrascan_formats::torch::classify_zip(&view);
    }
});
