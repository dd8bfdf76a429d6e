//! End-to-end tests of the real binary in a temporary directory.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("sentrascan-model").expect("binary built");
    c.env_remove("NO_COLOR");
    c
}

fn scan_json(args: &[&str]) -> (i32, Value) {
    let out = bin()
        .arg("scan")
        .arg("-q")
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().expect("exit code"), v)
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report.schema.json"),
    )
    .expect("schema");
    jsonschema::validator_for(&serde_json::from_str(&text).expect("schema json"))
        .expect("valid schema")
}

fn assert_valid(report: &Value) {
    let v = schema();
    let errors: Vec<String> = v
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match docs/report.schema.json:\n{}",
        errors.join("\n")
    );
}

#[test]
fn malicious_pickle_fails_with_exit_1_and_the_exact_finding() {
    let (code, r) = scan_json(&[testdata("pickle/PKL001_protocol0_posix_system.pkl")
        .to_str()
        .unwrap()]);
    assert_eq!(code, 1);
    assert_valid(&r);
    let f = &r["findings"][0];
    assert_eq!(f["rule"], "PKL001");
    assert_eq!(f["severity"], "CRITICAL");
    assert_eq!(f["category"], "os_command_execution");
    assert_eq!(f["evidence"]["import"], "posix system");
    assert_eq!(r["scan_result"]["passed"], false);
    assert_eq!(r["model_format"], "pickle");
    assert_eq!(r["files"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn benign_checkpoint_passes_with_exit_0() {
    let (code, r) = scan_json(&[testdata("benign/torch_zip_state_dict_mlp.pt")
        .to_str()
        .unwrap()]);
    assert_eq!(code, 0, "{r:#}");
    assert_valid(&r);
    assert_eq!(r["findings"].as_array().unwrap().len(), 0);
    assert_eq!(r["model_format"], "pytorch_zip");
    assert_eq!(r["scan_result"]["verdict"], "pass");
}

#[test]
fn directory_scan_lists_every_file_and_validates() {
    let (code, r) = scan_json(&[testdata("").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_valid(&r);
    assert_eq!(r["model_format"], "directory");
    let files = r["files"].as_array().unwrap();
    assert!(files.len() >= 76, "{}", files.len());
    assert!(files.iter().any(|f| f["status"] == "skipped"));
}

#[test]
fn missing_file_is_exit_2_with_a_clear_message() {
    let out = bin()
        .args(["scan", "--format", "json", "/nonexistent/model.pt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/model.pt: no such file or directory"),
        "{stderr}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["files"][0]["status"], "error");
    assert_eq!(r["scan_result"]["verdict"], "inconclusive");
}

#[test]
fn one_missing_file_does_not_stop_the_others() {
    let good = testdata("benign/plain_data_protocol2.pkl");
    let (code, r) = scan_json(&[good.to_str().unwrap(), "/nonexistent/x.pkl"]);
    assert_eq!(code, 2);
    assert_eq!(r["files"][0]["status"], "scanned");
    assert_eq!(r["files"][1]["status"], "error");
}

#[test]
fn hostile_bytes_are_exit_2_for_that_file_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.pt");
    let mut z = std::fs::read(testdata("benign/torch_zip_state_dict_mlp.pt")).unwrap();
    z.truncate(z.len() - 40);
    std::fs::write(&p, &z).unwrap();
    let (code, r) = scan_json(&[p.to_str().unwrap()]);
    assert_ne!(code, 0, "{r:#}");
    assert_valid(&r);
}

#[test]
fn output_file_and_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.md");
    let a = bin()
        .args(["scan", "-q", "--format", "markdown", "--output"])
        .arg(&out)
        .arg(testdata("pickle/PKL003_unknown_global_called.pkl"))
        .output()
        .unwrap();
    assert_eq!(a.status.code(), Some(1));
    assert!(
        a.stdout.is_empty() && a.stderr.is_empty(),
        "quiet and --output write nothing else"
    );
    let md = std::fs::read_to_string(out).unwrap();
    assert!(md.starts_with("# Security Scan Report: "));
    assert!(md.contains("## High Findings"));
    assert!(md.contains("**Rule**: `PKL003` unknown-global-called"));
}

#[test]
fn text_report_has_no_colour_when_not_a_terminal() {
    let a = bin()
        .args(["scan", "-q", "--format", "text"])
        .arg(testdata("pickle/PKL001_pip_main.pkl"))
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&a.stdout);
    assert!(!s.contains('\x1b'));
    assert!(
        s.contains("CRITICAL PKL001 Pickle calls dangerous global `pip.main`"),
        "{s}"
    );
    assert!(s.contains("FAIL: 1 critical"));
}

#[test]
fn fail_on_and_strict_change_the_gate() {
    let f = testdata("pickle/PKL011_proto_mid_stream.pkl");
    let (code, _) = scan_json(&[f.to_str().unwrap()]);
    assert_eq!(code, 0, "a LOW finding passes by default");
    let (code, r) = scan_json(&["--strict", f.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(r["scan_result"]["fail_threshold"], "LOW");
    let (code, _) = scan_json(&[
        "--fail-on",
        "critical",
        testdata("pickle/PKL003_unknown_global_called.pkl")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(code, 0, "HIGH passes a CRITICAL gate");
}

#[test]
fn rules_list_and_explain() {
    let a = bin().args(["rules", "list"]).output().unwrap();
    assert_eq!(a.status.code(), Some(0));
    let s = String::from_utf8_lossy(&a.stdout);
    assert!(
        s.lines()
            .any(|l| l.starts_with("PKL001  dangerous-pickle-global")),
        "{s}"
    );
    let j = bin()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&j.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 25);
    let e = bin().args(["rules", "explain", "pkl004"]).output().unwrap();
    let s = String::from_utf8_lossy(&e.stdout);
    assert!(s.starts_with("# PKL004 unresolved-callable"));
    assert!(s.contains("## How to fix"));
    let bad = bin()
        .args(["rules", "explain", "NOPE001"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        bin().args(["scan"]).output().unwrap().status.code(),
        Some(2)
    );
    assert_eq!(
        bin()
            .args(["scan", "--fail-on", "severe", "x"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn archive_limits_are_configurable_and_limits_are_inconclusive() {
    let f = testdata("archives/PKL001_zip_of_tar_gz_of_pickle.zip");
    let (code, r) = scan_json(&[f.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        r["findings"][0]["location"]
            .as_str()
            .unwrap()
            .contains("!/bundle/model.tar.gz!/model.tar!/model/weights.pkl"),
        "{r:#}"
    );
    let (code, r) = scan_json(&["--max-archive-depth", "1", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{r:#}");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["rule"] == "SCN002")
    );
    assert_eq!(r["files"][0]["status"], "inconclusive");
    let bomb = testdata("archives/ARC007_gzip_ratio_bomb.bin.gz");
    let (code, _) = scan_json(&[
        "--max-compression-ratio",
        "100000",
        "--max-decompressed-bytes",
        "1MiB",
        bomb.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "a stream cut at the byte limit is inconclusive");
    let bad = bin()
        .args(["scan", "--max-decompressed-bytes", "12 parsecs", "x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown size unit"));
}
