//! The whole engine on container layouts: NeMo tars, TorchServe archives,
//! llamafiles and OCI image tars (index → manifests → blobs, digest
//! verification, layer unpacking, whiteouts). Seeded with the container
//! fixtures; asserts the report is consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::Scanner;

fuzz_target!(|data: &[u8]| {
    let report = Scanner::default().scan_bytes("image.tar", data);
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.findings.len(), report.files[0].findings);
    assert_eq!(report.metadata.bytes_scanned, data.len() as u64);
    for f in &report.findings {
        assert!(
            sentrascan_detectors::find_rule(&f.rule).is_some_and(|r| r.name == f.rule_name),
            "unknown rule {}",
            f.rule
        );
    }
});
