//! Replays the committed `policy_file` fuzz corpus (`fuzz/corpus/policy_file/`)
//! through validation and the gate on every `cargo test`: no input may panic,
//! and every validation error carries a line and column.

use std::path::PathBuf;

use sentrascan_policy::{GateInput, Policy, PolicyError};
use sentrascan_types::{ModelFormat, ScanMetadata, ScanReport, ScanSummary, Severity, Verdict};

#[test]
fn the_policy_file_corpus_validates_or_fails_with_a_position() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/policy_file");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} is absent", dir.display());
        return;
    };
    let report = ScanReport {
        scan_id: String::new(),
        timestamp: String::new(),
        model_path: "m".into(),
        model_format: ModelFormat::Directory,
        scan_result: ScanSummary {
            passed: true,
            verdict: Verdict::Pass,
            fail_threshold: Severity::Medium,
            total_issues: 0,
            critical: 0,
            high: 0,
            medium: 0,
            low: 0,
            info: 0,
            files_scanned: 0,
            files_skipped: 0,
            files_inconclusive: 0,
            files_failed: 0,
        },
        findings: vec![],
        files: vec![],
        metadata: ScanMetadata {
            scan_duration_ms: 0,
            scanners_used: vec![],
            engine_version: String::new(),
            bytes_scanned: 0,
        },
    };
    let mut n = 0;
    for e in entries {
        let path = e.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        match Policy::parse(&text, "corpus.yaml", sentrascan_detectors::all_rules()) {
            Ok(p) => {
                let _ = p.evaluate(&GateInput::new(&report));
            }
            Err(PolicyError::Invalid { span, .. }) => {
                assert!(span.line >= 1 && span.column >= 1, "{}", path.display())
            }
            Err(other) => panic!("{}: {other}", path.display()),
        }
        n += 1;
    }
    assert!(n > 0, "the corpus is empty");
}
