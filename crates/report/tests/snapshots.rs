//! Snapshots of every encoder on real scans, and of each fixture's rendered
//! findings. Time, ids, durations and absolute paths are redacted so that the
//! snapshots only change when the output really does.

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::ScanReport;
use sentrascan_report::{json, markdown, text};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Scans `rel` and makes the report reproducible: relative paths, fixed
/// id, time and duration.
fn scan(rel: &str) -> ScanReport {
    let mut r = Scanner::default()
        .scan_path(testdata().join(rel))
        .expect("scan runs");
    let root = format!("{}/", testdata().display());
    let fix = |s: &mut String| *s = s.replace(&root, "testdata/");
    r.scan_id = "00000000-0000-0000-0000-000000000000".into();
    r.timestamp = "2026-01-01T00:00:00Z".into();
    r.metadata.scan_duration_ms = 0;
    r.metadata.engine_version = "[version]".into();
    fix(&mut r.model_path);
    for f in &mut r.files {
        fix(&mut f.path);
    }
    for f in &mut r.findings {
        fix(&mut f.location);
        fix(&mut f.location_detail.file);
    }
    r
}

#[test]
fn json_report_of_a_malicious_checkpoint() {
    insta::assert_snapshot!(json(&scan("pytorch/ARC001_crc_mismatch.pt")));
}

#[test]
fn markdown_report_of_a_malicious_checkpoint() {
    insta::assert_snapshot!(markdown(&scan("pytorch/ARC001_crc_mismatch.pt")));
}

#[test]
fn text_report_with_and_without_colour() {
    let r = scan("pickle/PKL001_nullifai_invalid_opcode_after_payload.pkl");
    insta::assert_snapshot!("text_plain", text(&r, false));
    insta::assert_snapshot!("text_colour", text(&r, true));
}

#[test]
fn json_report_of_a_benign_model() {
    insta::assert_snapshot!(json(&scan("benign/sklearn_pipeline_protocol4.pkl")));
}

#[test]
fn rendering_is_deterministic() {
    let a = json(&scan("pickle/PKL007_base64_nested_pickle.pkl"));
    let b = json(&scan("pickle/PKL007_base64_nested_pickle.pkl"));
    assert_eq!(a, b);
}

/// One snapshot per fixture of its rendered findings (rule, severity,
/// title, description, location, evidence).
#[test]
fn findings_of_every_fixture() {
    let manifest = std::fs::read_to_string(testdata().join("expected.tsv")).expect("manifest");
    let mut seen = std::collections::BTreeSet::new();
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let rel = line.split('\t').next().unwrap_or_default();
        if rel.starts_with("benign/") || !seen.insert(rel.to_string()) {
            continue;
        }
        let r = scan(rel);
        let findings: Vec<_> = r
            .findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "rule": f.rule, "severity": f.severity, "category": f.category, "title": f.title,
                    "description": f.description, "location": f.location, "evidence": f.evidence,
                })
            })
            .collect();
        let name = rel.replace(['/', '.'], "_");
        insta::assert_json_snapshot!(name, findings);
    }
}
