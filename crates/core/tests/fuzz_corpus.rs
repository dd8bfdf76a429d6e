//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) and the
//! saved crash/leak/inconsistency reproducers (`fuzz/regressions/<target>/`)
//! through the whole engine and the pickle machine, on every `cargo test`.
//!
//! Each input must scan without panicking and yield an internally
//! consistent report. The corpora are inputs libFuzzer found interesting
//! (see `fuzz/README.md`); this test keeps them exercised without a nightly
//! toolchain or libFuzzer.

use std::path::{Path, PathBuf};

use sentrascan_core::types::{ScanReport, Verdict};
use sentrascan_core::{Limits, Scanner};
use sentrascan_formats::pickle;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Every file directly under `fuzz/<kind>/<target>/`, sorted, with its target name.
fn inputs(kind: &str) -> Vec<(String, PathBuf)> {
    let root = fuzz_dir().join(kind);
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(&root) else {
        return out;
    };
    for t in targets {
        let t = t.expect("read fuzz dir entry").path();
        if !t.is_dir() {
            continue;
        }
        let target = t.file_name().unwrap().to_string_lossy().into_owned();
        for f in std::fs::read_dir(&t).expect("read target dir") {
            let f = f.expect("read corpus entry").path();
            if f.is_file() {
                out.push((target.clone(), f));
            }
        }
    }
    out.sort();
    out
}

/// Checks that `report`, produced by `scan_bytes(name, data)`, agrees with itself.
fn check_report(report: &ScanReport, name: &str, data: &[u8], path: &Path) -> Result<(), String> {
    let ctx = path.display();
    if report.files.len() != 1 {
        return Err(format!(
            "{ctx}: {} file entries for one buffer",
            report.files.len()
        ));
    }
    let file = &report.files[0];
    if report.model_path != name || file.path != name {
        return Err(format!(
            "{ctx}: report names {:?} / {:?}, scanned as {name:?}",
            report.model_path, file.path
        ));
    }
    if file.size != data.len() as u64 || report.metadata.bytes_scanned != data.len() as u64 {
        return Err(format!(
            "{ctx}: size {} / bytes_scanned {} for {} bytes",
            file.size,
            report.metadata.bytes_scanned,
            data.len()
        ));
    }
    if report.model_format != file.format {
        return Err(format!(
            "{ctx}: model_format {:?} but file format {:?}",
            report.model_format, file.format
        ));
    }
    // The per-file count must be taken after identical findings are merged
    // (fuzz/README.md, finding 1: `regressions/pytorch_reader/`).
    if report.findings.len() != file.findings {
        return Err(format!(
            "{ctx}: report lists {} findings, file entry counts {}",
            report.findings.len(),
            file.findings
        ));
    }
    if file.max_severity != report.max_severity() {
        return Err(format!(
            "{ctx}: file max severity {:?}, report {:?}",
            file.max_severity,
            report.max_severity()
        ));
    }
    for (i, f) in report.findings.iter().enumerate() {
        let Some(rule) = sentrascan_detectors::find_rule(&f.rule) else {
            return Err(format!(
                "{ctx}: finding {} has unknown rule code {:?}",
                f.id, f.rule
            ));
        };
        if rule.name != f.rule_name {
            return Err(format!(
                "{ctx}: finding {} is {} but named {:?} (registry: {:?})",
                f.id, f.rule, f.rule_name, rule.name
            ));
        }
        if f.id != format!("finding-{:03}", i + 1) {
            return Err(format!("{ctx}: finding {i} has id {:?}", f.id));
        }
        if f.location_detail.file != name {
            return Err(format!(
                "{ctx}: finding {} located in {:?}",
                f.id, f.location_detail.file
            ));
        }
    }
    if report
        .findings
        .windows(2)
        .any(|w| w[0].sort_key() > w[1].sort_key())
    {
        return Err(format!("{ctx}: findings are not sorted"));
    }
    let s = &report.scan_result;
    let by_severity = s.critical + s.high + s.medium + s.low + s.info;
    if by_severity != report.findings.len() || s.total_issues != report.findings.len() - s.info {
        return Err(format!(
            "{ctx}: summary counts {by_severity} / {} issues for {} findings",
            s.total_issues,
            report.findings.len()
        ));
    }
    if s.files_scanned + s.files_skipped + s.files_inconclusive + s.files_failed != 1 {
        return Err(format!(
            "{ctx}: file status counts do not add up to 1: {s:?}"
        ));
    }
    if s.passed != (s.verdict == Verdict::Pass) {
        return Err(format!(
            "{ctx}: passed {} with verdict {:?}",
            s.passed, s.verdict
        ));
    }
    Ok(())
}

/// Checks the pickle machine's view of `data` against its own bounds.
fn check_pickle(data: &[u8], limits: &Limits, path: &Path) -> Result<(), String> {
    let a = pickle::analyze(data, limits);
    let ctx = path.display();
    if a.ops > limits.max_pickle_ops {
        return Err(format!(
            "{ctx}: {} ops over the budget of {}",
            a.ops, limits.max_pickle_ops
        ));
    }
    if a.streams.len() > limits.max_streams {
        return Err(format!(
            "{ctx}: {} streams over the limit of {}",
            a.streams.len(),
            limits.max_streams
        ));
    }
    for st in &a.streams {
        if st.start > st.end || st.end > data.len() as u64 {
            return Err(format!(
                "{ctx}: stream {}..{} outside the {}-byte buffer",
                st.start,
                st.end,
                data.len()
            ));
        }
    }
    Ok(())
}

fn tiny_limits() -> Limits {
    Limits {
        max_pickle_ops: 10_000,
        max_memo_entries: 64,
        max_stack_depth: 256,
        max_container_items: 4,
        max_streams: 8,
        max_resync_scan_bytes: 4096,
        max_nested_depth: 1,
        max_nested_bytes: 4096,
        max_text_line: 256,
        expansion_threshold: 1_000,
        ..Limits::default()
    }
}

fn replay(kind: &str, min_files: usize) {
    let files = inputs(kind);
    assert!(
        files.len() >= min_files,
        "fuzz/{kind} holds only {} files; expected at least {min_files}",
        files.len()
    );
    let scanner = Scanner::default();
    let (default, tiny) = (Limits::default(), tiny_limits());
    let mut failures = Vec::new();
    for (target, path) in &files {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            // A fuzzer running in fuzz/ meanwhile replaces corpus files.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("read {}: {e}", path.display()),
        };
        // The name the target scans under, and the input's own name (which
        // drives the extension checks differently).
        let own = path.file_name().unwrap().to_string_lossy().into_owned();
        let names = match target.as_str() {
            "pytorch_reader" => vec!["model.pt".to_string(), own],
            // Python and configs are recognised by name when the content has no magic.
            "python_source" => vec!["model.pt".to_string(), "modeling_fuzz.py".to_string()],
            "config_walker" => [
                "model.pt",
                "config.json",
                "config.yaml",
                "pyproject.toml",
                "setup.cfg",
                "README.md",
                "run.sh",
            ]
            .map(str::to_string)
            .to_vec(),
            // Checkpoint files are recognised by name (and the index by its footer).
            "tf_bundle" => [
                "model.pt",
                "variables.index",
                "checkpoint",
                "fingerprint.pb",
            ]
            .map(str::to_string)
            .to_vec(),
            _ => vec!["model.pt".to_string()],
        };
        for name in &names {
            let report = scanner.scan_bytes(name, &data);
            if let Err(e) = check_report(&report, name, &data, path) {
                failures.push(e);
            }
        }
        for limits in [&default, &tiny] {
            if let Err(e) = check_pickle(&data, limits, path) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in fuzz/{kind}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fuzz_corpora_scan_cleanly() {
    replay("corpus", 100);
}

#[test]
fn fuzz_regressions_scan_cleanly() {
    replay("regressions", 1);
}

#[test]
fn every_fuzz_target_has_a_corpus() {
    let files = inputs("corpus");
    for target in [
        "pickle_machine",
        "pytorch_reader",
        "zip_walker",
        "tar_walker",
        "xml",
        "paddle",
        "skops_schema",
        "container_manifests",
        "container_engine",
        "rds",
        "torch7",
        "cntk",
        "mxnet",
        "coreml",
        "executorch",
        "tensorrt",
        "rknn",
        "secrets",
        "executable",
        "flax_msgpack",
        "xgboost",
        "lightgbm",
        "catboost",
        "weight_stats",
    ] {
        let n = files.iter().filter(|(t, _)| t == target).count();
        assert!(n > 0, "fuzz/corpus/{target} is empty or missing");
    }
}
