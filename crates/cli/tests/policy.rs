//! The policy gate through the real binary: discovery of
//! `.sentrascan-model.yaml`, `--policy`, flags over the file, exit codes,
//! and the verdict explained in every output format.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

/// A temp dir holding `models/` with a MEDIUM `unsafe_imports` pickle and a
/// LOW network finding in a SafeTensors file.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    std::fs::create_dir_all(&models).unwrap();
    std::fs::copy(
        testdata("pickle/PKL002_unknown_global_imported.pkl"),
        models.join("legacy.pkl"),
    )
    .unwrap();
    std::fs::copy(
        testdata("safetensors/ST008_metadata_external_url.safetensors"),
        models.join("weights.safetensors"),
    )
    .unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("sentrascan-model")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scan_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["scan", "-q", "-f", "json", "models"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

#[test]
fn without_a_policy_the_built_in_gate_fails_at_medium() {
    let dir = workspace();
    let (code, r) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(r["policy"]["policy"], "built-in defaults");
    assert_eq!(
        r["policy"]["failures"][0]["entry"],
        "default threshold MEDIUM"
    );
    assert_eq!(r["policy"]["failures"][0]["rule"], "PKL002");
    assert_eq!(r["scan_result"]["verdict"], "fail");
}

#[test]
fn the_policy_is_found_in_a_parent_directory() {
    let dir = workspace();
    std::fs::write(
        dir.path().join(".sentrascan-model.yaml"),
        "policy:\n  name: team policy\n  allow_issues: [unsafe_imports]\n",
    )
    .unwrap();
    // Run from models/ itself: the policy is one level up.
    let (code, out, err) = run(
        &dir.path().join("models"),
        &["scan", "-q", "-f", "json", "."],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["policy"]["policy_name"], "team policy");
    assert!(
        r["policy"]["policy"]
            .as_str()
            .unwrap()
            .ends_with(".sentrascan-model.yaml")
    );
    assert_eq!(
        r["policy"]["allowed"][0]["entry"],
        "allow_issues: unsafe_imports"
    );
    assert_eq!(r["scan_result"]["passed"], true);
    // --no-policy ignores it.
    let (code, _, _) = run(
        &dir.path().join("models"),
        &["scan", "-q", "--no-policy", "-f", "json", "."],
    );
    assert_eq!(code, 1);
}

#[test]
fn policy_flag_names_the_file_and_cli_flags_override_it() {
    let dir = workspace();
    let policy = dir.path().join("ci-policy.yaml");
    std::fs::write(&policy, "policy:\n  severity_threshold: CRITICAL\n").unwrap();
    let p = policy.to_str().unwrap();
    let (code, r) = scan_json(dir.path(), &["--policy", p]);
    assert_eq!(code, 0);
    assert_eq!(r["policy"]["severity_threshold"], "CRITICAL");
    let (code, r) = scan_json(dir.path(), &["--policy", p, "--fail-on", "medium"]);
    assert_eq!(code, 1);
    assert_eq!(r["policy"]["failures"][0]["entry"], "--fail-on MEDIUM");
    // --strict: the LOW finding fails too.
    let (code, r) = scan_json(dir.path(), &["--policy", p, "--strict"]);
    assert_eq!(code, 1);
    let failed: Vec<_> = r["policy"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("-").to_string())
        .collect();
    assert!(failed.contains(&"ST008".to_string()), "{failed:?}");
}

#[test]
fn an_invalid_policy_is_an_error_with_line_and_column_and_exit_2() {
    let dir = workspace();
    std::fs::write(
        dir.path().join(".sentrascan-model.yaml"),
        "policy:\n  severity_threshold: SEVERE\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["scan", "-q", "-f", "json", "models"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "no report for an invalid policy: {out}");
    assert!(
        err.contains(".sentrascan-model.yaml:2:23: `severity_threshold` must be one of CRITICAL, HIGH, MEDIUM, LOW, found `SEVERE`"),
        "{err}"
    );
}

#[test]
fn exit_codes_are_the_same_for_every_command() {
    let dir = workspace();
    // 2: cannot run (missing policy file, missing baseline, bad arguments).
    let (code, _, err) = run(
        dir.path(),
        &["scan", "-q", "models", "--policy", "nope.yaml"],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(
        dir.path(),
        &["scan", "-q", "models", "--baseline", "nope.json"],
    );
    assert_eq!(code, 2);
    let (code, _, _) = run(dir.path(), &["baseline", "create", "models", "--name", "x"]);
    assert_eq!(code, 2, "missing --output is a usage error");
    let (code, _, _) = run(dir.path(), &["rules", "explain", "NOPE999"]);
    assert_eq!(code, 2);
    // 0 and 1: the gate's verdict.
    let (code, _, _) = run(
        dir.path(),
        &[
            "baseline", "create", "models", "--name", "x", "-o", "b.json",
        ],
    );
    assert_eq!(code, 0);
    let (code, _, _) = run(
        dir.path(),
        &["scan", "-q", "-f", "json", "models/weights.safetensors"],
    );
    assert_eq!(code, 0);
    let (code, _, _) = run(
        dir.path(),
        &["scan", "-q", "-f", "json", "models/legacy.pkl"],
    );
    assert_eq!(code, 1);
}

#[test]
fn the_verdict_explains_itself_in_every_format() {
    let dir = workspace();
    std::fs::write(
        dir.path().join(".sentrascan-model.yaml"),
        "policy:\n  block_issues: [network_operations]\n  exceptions:\n    - rule: PKL002\n      reason: retrained next quarter\n      owner: ml-team\n      expires: 2999-12-31\n",
    )
    .unwrap();
    let (code, r) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        r["policy"]["failures"][0]["entry"],
        "block_issues: network_operations"
    );
    assert_eq!(r["policy"]["allowed"][0]["entry"], "exceptions[0]");
    assert_eq!(
        r["policy"]["allowed"][0]["reason"],
        "retrained next quarter"
    );

    let (_, md, _) = run(dir.path(), &["scan", "-q", "-f", "markdown", "models"]);
    assert!(md.contains("## Policy"), "{md}");
    assert!(md.contains("`block_issues: network_operations`"), "{md}");
    assert!(
        md.contains("retrained next quarter (owner ml-team, until 2999-12-31)"),
        "{md}"
    );

    let (_, text, _) = run(dir.path(), &["scan", "-q", "-f", "text", "models"]);
    assert!(
        text.contains("failed [block_issues: network_operations]"),
        "{text}"
    );
    assert!(
        text.contains("allowed by exceptions[0]: retrained next quarter"),
        "{text}"
    );
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );

    let (_, sarif, _) = run(dir.path(), &["scan", "-q", "-f", "sarif", "models"]);
    let s: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let run0 = &s["runs"][0];
    assert_eq!(
        run0["properties"]["policy"]["failures"][0]["entry"],
        "block_issues: network_operations"
    );
    let pkl = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "PKL002")
        .unwrap();
    assert_eq!(pkl["suppressions"][0]["status"], "accepted");
    assert_eq!(
        pkl["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "legacy.pkl"
    );
}

#[test]
fn strict_mode_fails_on_a_skipped_file() {
    let dir = workspace();
    std::fs::write(dir.path().join("models/notes.bin"), b"\x00\x01 not a model").unwrap();
    std::fs::remove_file(dir.path().join("models/legacy.pkl")).unwrap();
    std::fs::remove_file(dir.path().join("models/weights.safetensors")).unwrap();
    let (code, r) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0, "{r}");
    let (code, r) = scan_json(dir.path(), &["--strict"]);
    assert_eq!(code, 1, "{r}");
    assert_eq!(r["policy"]["failures"][0]["check"], "coverage");
}

#[test]
fn an_expired_exception_is_reported_and_no_longer_applies() {
    let dir = workspace();
    std::fs::write(
        dir.path().join(".sentrascan-model.yaml"),
        "policy:\n  exceptions:\n    - rule: PKL002\n      reason: r\n      owner: o\n      expires: 2020-01-01\n    - rule: PKL001\n      reason: r\n      owner: o\n      expires: 2999-01-01\n",
    )
    .unwrap();
    let (code, r) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let notices: Vec<String> = r["policy"]["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        notices.iter().any(|n| n.contains("expired on 2020-01-01")),
        "{notices:?}"
    );
    assert!(
        notices.iter().any(|n| n.contains("matched no finding")),
        "{notices:?}"
    );
}

#[test]
fn sarif_of_a_single_file_is_rooted_at_its_directory() {
    let dir = workspace();
    let (code, out, _) = run(
        dir.path(),
        &["scan", "-q", "-f", "sarif", "models/legacy.pkl"],
    );
    assert_eq!(code, 1);
    let s: Value = serde_json::from_str(&out).unwrap();
    let run0 = &s["runs"][0];
    let root = run0["originalUriBaseIds"]["SCANROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with("/models/"),
        "{root}"
    );
    let loc = &run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "legacy.pkl");
    assert_eq!(loc["uriBaseId"], "SCANROOT");
}
