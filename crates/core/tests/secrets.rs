//! Secrets never reach a report: every credential the scanner finds in the
//! `testdata/secrets/` fixtures is reported masked, and no byte run of it
//! long enough to be useful appears anywhere in the JSON report.

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::Severity;
use sentrascan_formats::secrets::{self, Confidence};
use sentrascan_formats::{Limits, zip};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// The raw secrets in `bytes` (and in the members of a zip), as found by
/// the scanner itself, excluding documentation examples.
/// Each as (whole secret, its private part: without the public prefix and
/// the last four characters that its mask shows).
fn raw_secrets(bytes: &[u8], out: &mut Vec<(Vec<u8>, Vec<u8>)>) {
    for m in secrets::scan(bytes, 1 << 20).matches {
        if m.confidence > Confidence::Example {
            let secret = bytes[m.offset..m.offset + m.len].to_vec();
            let shown = m.masked.split('…').next().unwrap_or("").as_bytes();
            let start = if secret.starts_with(shown) {
                shown.len()
            } else {
                0
            };
            let private = secret[start..secret.len().saturating_sub(4).max(start)].to_vec();
            out.push((secret, private));
        }
    }
    if let Ok(view) = zip::parse(bytes, &Limits::default()) {
        for e in &view.entries {
            if let Ok(data) = zip::member_data(bytes, e, &Limits::default()) {
                raw_secrets(&data, out);
            }
        }
    }
}

#[test]
fn no_secret_appears_in_a_report() {
    let scanner = Scanner::default();
    let mut checked = 0;
    let mut dir: Vec<_> = std::fs::read_dir(testdata().join("secrets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dir.sort();
    for path in dir {
        let bytes = std::fs::read(&path).unwrap();
        let mut found = Vec::new();
        raw_secrets(&bytes, &mut found);
        let report = scanner.scan_path(&path).expect("scan runs");
        let json = serde_json::to_string(&report).unwrap();
        for (secret, private) in &found {
            // The whole secret, and every window of 12 bytes of it
            // (masks keep a public prefix and the last four characters).
            let at = json
                .as_bytes()
                .windows(secret.len())
                .position(|w| w == secret);
            assert!(
                at.is_none(),
                "{}: secret in report: …{}…",
                path.display(),
                &json[at.unwrap_or(0).saturating_sub(120)..at.unwrap_or(0)]
            );
            for w in private.windows(12) {
                let w = String::from_utf8_lossy(w);
                assert!(
                    !json.contains(w.as_ref()),
                    "{}: `{w}` leaked",
                    path.display()
                );
            }
            checked += 1;
        }
        if !found.is_empty() {
            let sec: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule.starts_with("SEC") && f.severity >= Severity::Medium)
                .collect();
            assert!(!sec.is_empty(), "{}: no SEC finding", path.display());
            assert!(sec.iter().all(|f| f.evidence.contains_key("masked")));
        }
    }
    // Every malicious fixture's secret was found in the raw bytes and checked.
    assert!(checked >= 8, "only {checked} secrets checked");
}
