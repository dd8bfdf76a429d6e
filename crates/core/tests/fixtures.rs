//! Every fixture under `testdata/` against `testdata/expected.tsv`: each
//! malicious fixture must produce exactly its expected rule codes at their
//! expected severities (and nothing more severe), and each benign fixture
//! nothing above LOW.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::{Severity, Verdict};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

type Expected = BTreeMap<String, BTreeSet<(String, Severity)>>;

/// Every `testdata/expected*.tsv` manifest, merged.
fn manifest() -> Expected {
    let mut names: Vec<String> = std::fs::read_dir(testdata())
        .expect("testdata")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("expected") && n.ends_with(".tsv"))
        .collect();
    names.sort();
    assert!(names.contains(&"expected.tsv".to_string()), "{names:?}");
    let mut text = String::new();
    for n in &names {
        text.push_str(&std::fs::read_to_string(testdata().join(n)).expect("manifest"));
        text.push('\n');
    }
    let mut out: Expected = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "bad manifest line {line:?}");
        let entry = out.entry(cols[0].to_string()).or_default();
        if cols[1] != "-" {
            entry.insert((cols[1].to_string(), cols[2].parse().expect("severity")));
        }
    }
    out
}

#[test]
fn every_fixture_yields_its_exact_findings() {
    let scanner = Scanner::default();
    let mut failures = Vec::new();
    let expected = manifest();
    assert!(
        expected.len() >= 60,
        "manifest lists only {} fixtures",
        expected.len()
    );
    for (rel, want) in &expected {
        let path = testdata().join(rel);
        assert!(
            path.is_file(),
            "fixture {rel} is missing; run testdata/gen/generate_pickle_fixtures.py"
        );
        let report = scanner.scan_path(&path).expect("scan runs");
        let got: BTreeSet<(String, Severity)> = report
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.severity))
            .collect();
        let max = report.max_severity();
        if want.is_empty() {
            if max.is_some_and(|m| m > Severity::Low) {
                failures.push(format!("{rel}: benign but got {got:?}"));
            }
            if report.scan_result.verdict != Verdict::Pass {
                failures.push(format!(
                    "{rel}: benign but verdict {:?} ({:?})",
                    report.scan_result.verdict, report.files[0].message
                ));
            }
            continue;
        }
        let missing: Vec<_> = want.difference(&got).collect();
        if !missing.is_empty() {
            failures.push(format!("{rel}: missing {missing:?}, got {got:?}"));
        }
        let want_max = want.iter().map(|(_, s)| *s).max();
        if max != want_max {
            failures.push(format!(
                "{rel}: most severe finding {max:?}, expected {want_max:?}; got {got:?}"
            ));
        }
        let verdict_ok = match want_max {
            Some(s) if s >= Severity::Medium => report.scan_result.verdict == Verdict::Fail,
            _ => report.scan_result.verdict == Verdict::Pass,
        };
        if !verdict_ok {
            failures.push(format!("{rel}: verdict {:?}", report.scan_result.verdict));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn whole_testdata_tree_scans_with_every_file_listed() {
    let report = Scanner::default().scan_path(testdata()).expect("scan runs");
    let listed: BTreeSet<_> = report.files.iter().map(|f| f.path.clone()).collect();
    for rel in manifest().keys() {
        let p = testdata().join(rel).display().to_string();
        assert!(listed.contains(&p), "{p} not listed");
    }
    // Generator scripts and docs are listed as skipped, never dropped.
    assert!(report.files.iter().any(|f| f.path.ends_with("README.md")
        && f.status == sentrascan_core::types::FileStatus::Skipped));
    assert_eq!(report.scan_result.verdict, Verdict::Fail);
}

/// `sentrascan-model formats` lists only what the engine really recognises:
/// every catalogued format is the sniffed format of at least one committed
/// fixture (benign or malicious), and there are at least 45 of them.
#[test]
fn every_catalogued_format_is_recognised_from_a_fixture() {
    use sentrascan_core::types::catalogue::CATALOGUE;
    let scanner = Scanner::default();
    let mut seen = BTreeMap::new();
    for rel in manifest().keys() {
        let report = scanner.scan_path(testdata().join(rel)).expect("scan runs");
        for f in &report.files {
            seen.entry(f.format).or_insert_with(|| rel.clone());
        }
    }
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .filter(|i| !seen.contains_key(&i.format))
        .map(|i| i.format.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "catalogued formats with no fixture recognised as them: {missing:?}"
    );
    assert!(CATALOGUE.len() >= 45, "only {} formats", CATALOGUE.len());
}
