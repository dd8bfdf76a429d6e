//! Baselines through the real binary: `baseline create` writes the FR-7.1
//! shape, and `scan --baseline` reports each kind of drift (real files in a
//! temp dir, changed between the two commands).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("sentrascan-model")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn put(dir: &Path, rel: &str, fixture: &str) {
    let to = dir.join("model").join(rel);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(testdata(fixture), to).unwrap();
}

/// `model/` with an ONNX graph (onnx 1.12.0) and an apache-2.0 GGUF.
fn model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "graph.onnx", "onnx/benign_mlp.onnx");
    put(
        dir.path(),
        "chat.gguf",
        "gguf/benign_chatml_chat_template.gguf",
    );
    dir
}

fn create(dir: &Path) -> Value {
    let (code, _, err) = run(
        dir,
        &[
            "baseline",
            "create",
            "model",
            "--name",
            "fraud_detector_v2",
            "--output",
            "baseline.json",
            "--approver",
            "security@example.com",
        ],
    );
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&std::fs::read_to_string(dir.join("baseline.json")).unwrap()).unwrap()
}

/// The drift section of a JSON scan against the baseline, and the exit code.
fn drift(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "scan",
        "-q",
        "--no-policy",
        "-f",
        "json",
        "model",
        "--baseline",
        "baseline.json",
        "--detect-drift",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v["drift"].clone())
}

fn kinds(d: &Value) -> Vec<(String, String)> {
    d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(d: &Value, kind: &str, subject: &str) -> bool {
    kinds(d).contains(&(kind.to_string(), subject.to_string()))
}

#[test]
fn baseline_create_writes_the_fr_7_1_shape() {
    let dir = model();
    let b = create(dir.path());
    assert_eq!(b["version"], "1.0");
    assert!(b["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(b["model"]["name"], "fraud_detector_v2");
    assert_eq!(b["model"]["path"], "model");
    assert_eq!(b["model"]["format"], "directory");
    assert!(b["model"]["hash"].as_str().unwrap().starts_with("sha256:"));
    assert!(b["model"]["size_bytes"].as_u64().unwrap() > 0);
    let components = b["sbom"]["components"].as_array().unwrap();
    let paths: Vec<_> = components
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["chat.gguf", "graph.onnx"]);
    for c in components {
        assert_eq!(c["sha256"].as_str().unwrap().len(), 64);
        assert!(c["size"].as_u64().unwrap() > 0);
        assert!(c["format"].is_string());
    }
    let onnx = b["sbom"]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "onnx")
        .expect("onnx dependency");
    assert_eq!(onnx["version"], "1.12.0");
    assert_eq!(b["sbom"]["licenses"][0]["path"], "chat.gguf");
    assert_eq!(b["sbom"]["licenses"][0]["license"], "apache-2.0");
    assert_eq!(b["scan_results"]["passed"], true);
    assert!(b["scan_results"]["findings"].as_array().unwrap().is_empty());
    assert_eq!(b["approved_by"], "security@example.com");
    assert_eq!(b["approval_date"], b["created_at"]);
}

#[test]
fn an_unchanged_model_has_no_drift_even_when_moved() {
    let dir = model();
    create(dir.path());
    let (code, d) = drift(dir.path(), &["--fail-on-drift"]);
    assert_eq!(code, 0, "{d}");
    assert_eq!(d["drifted"], false);
    assert!(d["changes"].as_array().unwrap().is_empty());
    // Component paths are relative to the scan root: a moved model compares clean.
    std::fs::rename(dir.path().join("model"), dir.path().join("moved")).unwrap();
    let (code, out, _) = run(
        dir.path(),
        &[
            "scan",
            "-q",
            "--no-policy",
            "-f",
            "json",
            "moved",
            "--baseline",
            "baseline.json",
            "--fail-on-drift",
        ],
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_changed_file_shows_hash_component_and_dependency_drift() {
    let dir = model();
    create(dir.path());
    // Same path, another ONNX model: onnx 1.4.0 and skl2onnx 1.17.0.
    put(
        dir.path(),
        "graph.onnx",
        "onnx/benign_skl2onnx_logistic_regression.onnx",
    );
    let (code, d) = drift(dir.path(), &[]);
    assert_eq!(code, 0, "drift does not fail unless asked: {d}");
    assert_eq!(d["drifted"], true);
    assert!(has(&d, "hash_changed", "model"), "{d}");
    assert!(has(&d, "component_changed", "graph.onnx"), "{d}");
    assert!(has(&d, "dependency_updated", "onnx"), "{d}");
    assert!(has(&d, "dependency_added", "skl2onnx"), "{d}");
    let upd = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "dependency_updated")
        .unwrap();
    assert_eq!(upd["before"], "1.12.0");
    assert_eq!(upd["after"], "1.4.0");
}

#[test]
fn a_licence_change_is_drift() {
    let dir = model();
    create(dir.path());
    put(
        dir.path(),
        "chat.gguf",
        "gguf/benign_phi3_chat_template.gguf",
    );
    let (_, d) = drift(dir.path(), &[]);
    assert!(has(&d, "licence_changed", "chat.gguf"), "{d}");
    let c = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "licence_changed")
        .unwrap();
    assert_eq!(c["before"], "apache-2.0");
    assert_eq!(c["after"], "mit");
}

#[test]
fn new_and_removed_components_and_findings() {
    let dir = model();
    create(dir.path());
    put(
        dir.path(),
        "extra/evil.pkl",
        "pickle/PKL001_protocol0_posix_system.pkl",
    );
    std::fs::remove_file(dir.path().join("model/chat.gguf")).unwrap();
    let (code, d) = drift(dir.path(), &[]);
    assert_eq!(code, 1, "the malicious pickle fails the gate on its own");
    assert!(has(&d, "component_added", "extra/evil.pkl"), "{d}");
    assert!(has(&d, "component_removed", "chat.gguf"), "{d}");
    assert!(has(&d, "new_finding", "extra/evil.pkl"), "{d}");

    // Record the malicious state, then clean it up: the finding is resolved.
    create(dir.path());
    std::fs::remove_file(dir.path().join("model/extra/evil.pkl")).unwrap();
    let (code, d) = drift(dir.path(), &[]);
    assert_eq!(code, 0, "{d}");
    assert!(has(&d, "resolved_finding", "extra/evil.pkl"), "{d}");
    assert!(has(&d, "component_removed", "extra/evil.pkl"), "{d}");
}

#[test]
fn failing_on_drift_is_configurable_by_flag_and_policy() {
    let dir = model();
    create(dir.path());
    put(
        dir.path(),
        "chat.gguf",
        "gguf/benign_phi3_chat_template.gguf",
    );
    assert_eq!(drift(dir.path(), &[]).0, 0);
    assert_eq!(drift(dir.path(), &["--fail-on-drift"]).0, 1);
    std::fs::write(
        dir.path().join("p.yaml"),
        "policy:\n  fail_on_drift: true\n",
    )
    .unwrap();
    let (code, out, _) = run(
        dir.path(),
        &[
            "scan",
            "-q",
            "-f",
            "json",
            "model",
            "--policy",
            "p.yaml",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(code, 1);
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["policy"]["failures"][0]["check"], "drift");
    assert_eq!(r["policy"]["failures"][0]["entry"], "fail_on_drift: true");
}

#[test]
fn drift_is_reported_in_every_format() {
    let dir = model();
    create(dir.path());
    put(
        dir.path(),
        "chat.gguf",
        "gguf/benign_phi3_chat_template.gguf",
    );
    let base = [
        "scan",
        "-q",
        "--no-policy",
        "model",
        "--baseline",
        "baseline.json",
        "-f",
    ];
    let with = |f: &str| {
        let mut a = base.to_vec();
        a.push(f);
        run(dir.path(), &a).1
    };
    let md = with("markdown");
    assert!(
        md.contains("## Drift from baseline `fraud_detector_v2`"),
        "{md}"
    );
    assert!(
        md.contains("| licence_changed | `chat.gguf` | apache-2.0 | mit |"),
        "{md}"
    );
    let text = with("text");
    assert!(text.contains("Drift from baseline"), "{text}");
    assert!(text.contains("licence_changed"), "{text}");
    let sarif: Value = serde_json::from_str(&with("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["drift"]["drifted"], true);
}

#[test]
fn a_file_that_is_not_a_baseline_is_an_error() {
    let dir = model();
    std::fs::write(dir.path().join("baseline.json"), "{\"version\": \"1.0\"}").unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["scan", "-q", "model", "--baseline", "baseline.json"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("baseline.json is not a baseline"), "{err}");
}
