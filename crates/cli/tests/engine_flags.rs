//! The scan flags of the engine: digests, jobs, budgets and the verdict cache,
//! through the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn scan(cache: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("sentrascan-model")
        .expect("binary built")
        .env("SENTRASCAN_CACHE_DIR", cache)
        .args(["scan", "-q", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().expect("exit code"), v, stderr)
}

#[test]
fn hashes_flag_selects_the_digests() {
    let tmp = tempfile::tempdir().unwrap();
    let file = testdata("pickle/PKL001_protocol0_posix_system.pkl");
    let f = file.to_str().unwrap();
    let (code, all, _) = scan(tmp.path(), &[f]);
    assert_eq!(code, 1);
    let entry = &all["files"][0];
    assert_eq!(entry["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(entry["sha1"].as_str().map(str::len), Some(40));
    assert_eq!(entry["md5"].as_str().map(str::len), Some(32));

    let (_, some, _) = scan(tmp.path(), &["--hashes", "md5", f]);
    assert!(some["files"][0].get("sha256").is_none());
    assert_eq!(some["files"][0]["md5"], entry["md5"]);

    let (code, none, _) = scan(tmp.path(), &["--hashes", "none", f]);
    assert_eq!(code, 1, "a verdict-only scan judges the same");
    assert!(none["files"][0].get("sha256").is_none());
    assert_eq!(none["findings"][0]["rule"], "PKL001");

    let (code, _, err) = scan(tmp.path(), &["--hashes", "crc32", f]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown digest `crc32`"), "{err}");
}

#[test]
fn jobs_do_not_change_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = testdata("archives");
    let d = dir.to_str().unwrap();
    let (c1, one, _) = scan(tmp.path(), &["--no-cache", "-j", "1", d]);
    let (c4, four, _) = scan(tmp.path(), &["--no-cache", "-j", "4", d]);
    assert_eq!(c1, c4);
    assert_eq!(one["findings"], four["findings"]);
    assert_eq!(one["files"], four["files"]);
}

#[test]
fn budgets_are_validated_and_a_spent_budget_is_inconclusive() {
    let tmp = tempfile::tempdir().unwrap();
    let f = testdata("pickle/PKL001_protocol0_posix_system.pkl");
    let f = f.to_str().unwrap();
    let (code, _, err) = scan(tmp.path(), &["--file-time-budget", "0s", f]);
    assert_eq!(code, 2);
    assert!(err.contains("more than zero"), "{err}");
    let (code, _, err) = scan(tmp.path(), &["--file-time-budget", "5 fortnights", f]);
    assert_eq!(code, 2);
    assert!(err.contains("duration"), "{err}");

    // A pickle of 400,000 cheap opcodes under a 1 ms budget: the machine
    // checks the clock every 65,536 opcodes and stops.
    let dense = tmp.path().join("dense.pkl");
    let mut p = b"\x80\x04".to_vec();
    for _ in 0..200_000 {
        p.extend_from_slice(b"N0");
    }
    p.extend_from_slice(b"N.");
    std::fs::write(&dense, p).unwrap();
    let d = dense.to_str().unwrap();
    let (code, v, _) = scan(tmp.path(), &["--no-cache", "--file-time-budget", "1ms", d]);
    // Fast machines may finish inside 1 ms; then the result is a clean pass.
    if code == 2 {
        assert_eq!(v["scan_result"]["verdict"], "inconclusive");
        assert_eq!(v["findings"][0]["rule"], "SCN002");
        assert_eq!(v["findings"][0]["evidence"]["limit"], "time_budget");
    } else {
        assert_eq!(code, 0, "{v}");
    }
    let (code, _, _) = scan(tmp.path(), &["--no-cache", d]);
    assert_eq!(code, 0);
}

#[test]
fn verdict_cache_lives_in_the_cache_dir_and_no_cache_bypasses_it() {
    let tmp = tempfile::tempdir().unwrap();
    let f = testdata("pickle/PKL001_protocol0_posix_system.pkl");
    let f = f.to_str().unwrap();
    let (_, _, _) = scan(tmp.path(), &["--no-cache", f]);
    assert!(
        !tmp.path().join("verdicts").exists(),
        "--no-cache writes nothing"
    );
    let (c1, first, _) = scan(tmp.path(), &[f]);
    assert!(tmp.path().join("verdicts").is_dir());
    let (c2, second, _) = scan(tmp.path(), &[f]);
    assert_eq!((c1, c2), (1, 1));
    assert_eq!(first["findings"], second["findings"]);
    assert_eq!(first["files"], second["files"]);
}
