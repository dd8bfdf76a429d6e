//! Engine behaviour across files: parallel scans, digests, the verdict
//! cache and per-file budgets.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sentrascan_core::types::{FileStatus, ScanReport, Verdict};
use sentrascan_core::{Digests, ScanOptions, Scanner};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// The parts of a report that must not depend on scheduling.
fn stable(r: &ScanReport) -> String {
    let mut r = r.clone();
    r.scan_id.clear();
    r.timestamp.clear();
    r.metadata.scan_duration_ms = 0;
    serde_json::to_string_pretty(&r).unwrap()
}

fn scan(options: ScanOptions, path: &Path) -> ScanReport {
    Scanner::new(options).scan_path(path).expect("scan runs")
}

#[test]
fn parallel_and_serial_scans_give_identical_reports() {
    let dir = testdata().join("pickle");
    let serial = scan(
        ScanOptions {
            jobs: 1,
            ..ScanOptions::default()
        },
        &dir,
    );
    let parallel = scan(
        ScanOptions {
            jobs: 4,
            ..ScanOptions::default()
        },
        &dir,
    );
    assert!(serial.files.len() > 40, "{} files", serial.files.len());
    assert!(serial.findings.len() > 40);
    assert_eq!(stable(&serial), stable(&parallel));
}

#[test]
fn digests_are_those_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("abc.bin");
    std::fs::write(&path, b"abc").unwrap();
    let all = scan(ScanOptions::default(), &path);
    let f = &all.files[0];
    assert_eq!(
        f.sha256.as_deref(),
        Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(
        f.sha1.as_deref(),
        Some("a9993e364706816aba3e25717850c26c9cd0d89d")
    );
    assert_eq!(f.md5.as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
    let none = scan(
        ScanOptions {
            hashes: Digests::NONE,
            ..ScanOptions::default()
        },
        &path,
    );
    let f = &none.files[0];
    assert_eq!((&f.sha256, &f.sha1, &f.md5), (&None, &None, &None));
}

/// A verdict-only scan finds exactly what a full scan finds in every
/// malicious and benign fixture.
#[test]
fn verdict_only_scan_finds_the_same_as_a_full_scan() {
    let full = scan(ScanOptions::default(), &testdata().join("pytorch"));
    let quick = scan(
        ScanOptions {
            hashes: Digests::NONE,
            ..ScanOptions::default()
        },
        &testdata().join("pytorch"),
    );
    let codes = |r: &ScanReport| {
        r.findings
            .iter()
            .map(|f| (f.location.clone(), f.rule.clone()))
            .collect::<Vec<_>>()
    };
    assert!(!full.findings.is_empty());
    assert_eq!(codes(&full), codes(&quick));
}

/// Verdict-only scans read the weights of the final layers only: a NaN in
/// a hidden layer is found by a full scan alone, a tampered head by both.
#[test]
fn verdict_only_scan_reads_only_the_head_weights() {
    let dir = testdata().join("weights");
    let full = scan(ScanOptions::default(), &dir);
    let quick = scan(
        ScanOptions {
            hashes: Digests::NONE,
            ..ScanOptions::default()
        },
        &dir,
    );
    let found = |r: &ScanReport, file: &str, rule: &str| {
        r.findings
            .iter()
            .any(|f| f.rule == rule && f.location.contains(file))
    };
    for (file, rule) in [
        ("WGT001_head_row_x50.pt", "WGT001"),
        ("WGT001_head_column_x50.h5", "WGT001"),
        ("WGT003_inf_f16.safetensors", "WGT003"),
        ("WGT004_zeroed_head.safetensors", "WGT004"),
    ] {
        assert!(
            found(&full, file, rule) && found(&quick, file, rule),
            "{file}"
        );
    }
    assert!(found(&full, "WGT003_nan_f32.safetensors", "WGT003"));
    assert!(!found(&quick, "WGT003_nan_f32.safetensors", "WGT003"));
    let sampled = |r: &ScanReport, file: &str| -> u64 {
        r.files
            .iter()
            .find(|f| f.path.ends_with(file))
            .and_then(|f| f.metadata.get("weights.bytes_sampled"))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    assert_eq!(sampled(&full, "benign_mlp.safetensors"), 2632);
    assert_eq!(sampled(&quick, "benign_mlp.safetensors"), 960);

    // A verdict-only result in the cache does not answer a full scan.
    let tmp = tempfile::tempdir().unwrap();
    let nan = dir.join("WGT003_nan_f32.safetensors");
    let cached = |hashes| {
        scan(
            ScanOptions {
                hashes,
                verdict_cache: Some(tmp.path().join("cache")),
                ..ScanOptions::default()
            },
            &nan,
        )
    };
    assert!(cached(Digests::NONE).findings.is_empty());
    assert!(!cached(Digests::ALL).findings.is_empty());
}

const PAYLOAD: &[u8] = b"cposix\nsystem\n(S'echo cached'\ntR.";

#[test]
fn verdict_cache_reuses_results_for_unchanged_content() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let a = tmp.path().join("a.pkl");
    std::fs::write(&a, PAYLOAD).unwrap();
    let options = ScanOptions {
        verdict_cache: Some(cache.clone()),
        ..ScanOptions::default()
    };
    let first = scan(options.clone(), &a);
    assert_eq!(first.findings[0].rule, "PKL001");
    let entries: Vec<PathBuf> = walk_files(&cache);
    assert_eq!(entries.len(), 1, "one cache entry: {entries:?}");

    // Tamper with the entry: a reused result shows the tampering, which
    // proves the second scan did not analyse the file again.
    let mut entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&entries[0]).unwrap()).unwrap();
    entry["findings"][0]["title"] = "from the cache".into();
    std::fs::write(&entries[0], serde_json::to_vec(&entry).unwrap()).unwrap();

    // Same bytes under another name: the cached result, relocated.
    let b = tmp.path().join("copy.pkl");
    std::fs::write(&b, PAYLOAD).unwrap();
    let second = scan(options.clone(), &b);
    assert_eq!(second.findings[0].title, "from the cache");
    assert!(
        second.findings[0]
            .location
            .starts_with(&b.display().to_string())
    );
    assert_eq!(second.files[0].path, b.display().to_string());

    // Without the cache, the file is analysed.
    let fresh = scan(ScanOptions::default(), &b);
    assert_ne!(fresh.findings[0].title, "from the cache");

    // A changed file misses the cache.
    std::fs::write(&b, b"cposix\nsystem\n(S'echo changed'\ntR.").unwrap();
    let changed = scan(options, &b);
    assert_ne!(changed.findings[0].title, "from the cache");
}

#[test]
fn inconclusive_results_are_not_cached() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let f = tmp.path().join("dense.pkl");
    std::fs::write(&f, dense_pickle(200_000)).unwrap();
    let r = scan(
        ScanOptions {
            verdict_cache: Some(cache.clone()),
            file_time_budget: Some(Duration::from_nanos(1)),
            ..ScanOptions::default()
        },
        &f,
    );
    assert_eq!(r.files[0].status, FileStatus::Inconclusive);
    assert!(walk_files(&cache).is_empty());
}

/// A protocol-4 pickle of `ops` cheap opcodes (push None, pop), then None.
fn dense_pickle(pairs: usize) -> Vec<u8> {
    let mut p = b"\x80\x04".to_vec();
    for _ in 0..pairs {
        p.extend_from_slice(b"N0");
    }
    p.extend_from_slice(b"N.");
    p
}

#[test]
fn time_budget_makes_a_long_analysis_inconclusive() {
    let data = dense_pickle(200_000);
    let budgeted = Scanner::new(ScanOptions {
        file_time_budget: Some(Duration::from_nanos(1)),
        ..ScanOptions::default()
    })
    .scan_bytes("dense.pkl", &data);
    assert_eq!(budgeted.scan_result.verdict, Verdict::Inconclusive);
    let scn = budgeted
        .findings
        .iter()
        .find(|f| f.rule == "SCN002")
        .expect("a limit finding");
    assert_eq!(scn.evidence["limit"], "time_budget");
    let unbudgeted = Scanner::default().scan_bytes("dense.pkl", &data);
    assert_eq!(unbudgeted.scan_result.verdict, Verdict::Pass);
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// An ONNX model's verdict depends on its external data files, which its
/// digest does not cover: it is never served from the cache.
#[test]
fn onnx_models_are_not_cached() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let dir = testdata().join("onnx");
    let model = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "onnx") && p.is_file())
        .expect("an ONNX fixture");
    let r = scan(
        ScanOptions {
            verdict_cache: Some(cache.clone()),
            ..ScanOptions::default()
        },
        &model,
    );
    assert_eq!(r.files[0].format, sentrascan_core::types::ModelFormat::Onnx);
    assert!(walk_files(&cache).is_empty());
}
