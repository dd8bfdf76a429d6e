//! The whole engine on one buffer named like a PyTorch checkpoint: content
//! sniffing, the PyTorch zip / legacy / tar readers, nested archives and
//! the pickle machine, then the detection rules and report assembly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::Scanner;

fuzz_target!(|data: &[u8]| {
    let report = Scanner::default().scan_bytes("model.pt", data);
    // Cheap consistency checks on the report itself.
    assert_eq!(report.files.len(), 1);
    // Counted after identical findings are merged (fuzz/README.md, finding 1).
    assert_eq!(report.findings.len(), report.files[0].findings);
    assert_eq!(report.metadata.bytes_scanned, data.len() as u64);
    let s = &report.scan_result;
    assert_eq!(
        s.critical + s.high + s.medium + s.low + s.info,
        report.findings.len()
    );
    assert_eq!(
        s.files_scanned + s.files_skipped + s.files_inconclusive + s.files_failed,
        1
    );
    for f in &report.findings {
        let rule = sentrascan_detectors::find_rule(&f.rule);
        assert!(
            rule.is_some_and(|r| r.name == f.rule_name),
            "unknown rule {} / {}",
            f.rule,
            f.rule_name
        );
    }
});
