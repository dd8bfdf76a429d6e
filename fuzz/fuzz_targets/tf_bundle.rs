//! TensorFlow checkpoint files: the tensor-bundle index reader (a
//! LevelDB-format table) on arbitrary bytes, also with the table magic
//! appended so that the block and entry walk is reached, the `checkpoint`
//! state file and `fingerprint.pb` readers, and the engine on an `.index`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::Scanner;
use sentrascan_formats::tensorflow::bundle::{self, MAX_ENTRIES, MAX_LISTED_ENTRIES, TABLE_MAGIC};

fuzz_target!(|data: &[u8]| {
    let mut table = data.to_vec();
    if !bundle::sniff_index(&table) {
        table.extend_from_slice(&TABLE_MAGIC);
    }
    for input in [data, table.as_slice()] {
        if let Ok(index) = bundle::parse_index(input) {
            assert!(index.entries.len() <= MAX_LISTED_ENTRIES);
            assert!(index.tensors <= MAX_ENTRIES);
            assert!(index.entries.len() as u64 <= index.tensors);
        }
    }
    let _ = bundle::is_fingerprint(data, "fingerprint.pb");
    let _ = bundle::fingerprint_fields(data);
    let _ = bundle::is_checkpoint_state(data, "checkpoint");
    let _ = bundle::checkpoint_state_paths(data);
    let report = Scanner::default().scan_bytes("variables.index", &table);
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.findings.len(), report.files[0].findings);
});
