//! The policy file: arbitrary text through the marked YAML reader and the
//! validation into a typed policy; a policy that validates is then applied
//! to a small report. Nothing may panic, and errors always carry a position.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_policy::{GateInput, Policy, PolicyError};
use sentrascan_types::{
    FileReport, FileStatus, Finding, Location, ModelFormat, ScanMetadata, ScanReport, ScanSummary,
    Severity, Verdict,
};

fn report() -> ScanReport {
    let rules = sentrascan_detectors::all_rules();
    let mut file = FileReport {
        path: "models/m.gguf".into(),
        format: ModelFormat::Gguf,
        size: 4096,
        sha256: Some("ab".repeat(32)),
        sha1: None,
        md5: None,
        status: FileStatus::Scanned,
        message: None,
        scanners: vec![],
        findings: 1,
        max_severity: None,
        metadata: Default::default(),
        frameworks: vec![],
    };
    file.metadata.insert(
        "gguf.general.license".into(),
        "MIT AND GPL-3.0-or-later".into(),
    );
    let mut f = Finding::new(rules[0], Location::file("models/m.gguf").member("x"), "t");
    f.id = "finding-001".into();
    ScanReport {
        scan_id: String::new(),
        timestamp: String::new(),
        model_path: "models".into(),
        model_format: ModelFormat::Directory,
        scan_result: ScanSummary {
            passed: true,
            verdict: Verdict::Pass,
            fail_threshold: Severity::Medium,
            total_issues: 1,
            critical: 0,
            high: 0,
            medium: 0,
            low: 0,
            info: 0,
            files_scanned: 1,
            files_skipped: 0,
            files_inconclusive: 0,
            files_failed: 0,
        },
        findings: vec![f],
        files: vec![file],
        metadata: ScanMetadata {
            scan_duration_ms: 0,
            scanners_used: vec![],
            engine_version: String::new(),
            bytes_scanned: 0,
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Policy::parse(&text, "fuzz.yaml", sentrascan_detectors::all_rules()) {
        Ok(policy) => {
            let r = report();
            let _ = policy.evaluate(&GateInput::new(&r));
        }
        Err(PolicyError::Invalid { span, .. }) => assert!(span.line >= 1 && span.column >= 1),
        Err(_) => {}
    }
});
