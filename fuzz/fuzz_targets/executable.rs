//! The executable header validator and the `object`-based image reader:
//! a header found in a prefix must be found in the whole image, a parsed
//! image keeps its header's format, and the `EXE` rules accept any view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::executable::{self, ExeError};

fuzz_target!(|data: &[u8]| {
    let header = executable::sniff_header(data);
    if let Some(h) = &header {
        // Every format validates from the first 64 KiB alone.
        let head = &data[..data.len().min(64 << 10)];
        assert_eq!(
            executable::sniff_header(head).map(|x| x.format),
            Some(h.format)
        );
    }
    let location = Location::file("model.bin");
    match executable::parse(data) {
        Ok(view) => {
            let h = header.expect("parsed without a header");
            assert_eq!(view.header.format, h.format);
            assert!(view.imports_of_interest.len() <= 32 && view.libraries.len() <= 32);
            for i in &view.imports_of_interest {
                assert!(executable::is_import_of_interest(i), "{i}");
            }
            let _ = sentrascan_detectors::standalone_executable(
                &location,
                "model.bin",
                &view.header,
                Some(&view),
            );
            let _ = sentrascan_detectors::executable_in_container(&location, &view.header, Some(&view));
        }
        Err(ExeError::NotExecutable) => assert!(header.is_none()),
        Err(e) => {
            let h = header.expect("malformed without a header");
            let _ = sentrascan_detectors::executable_unreadable(&location, &h, &e.to_string());
        }
    }
});
