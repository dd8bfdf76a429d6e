//! `scan --sbom`, `sbom import` and `sbom diff`, end to end with the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn bin() -> Command {
    Command::cargo_bin("sentrascan-model").expect("binary")
}

/// Scans `path` writing an SBOM of `format` to `out`; returns the scan's exit code.
fn scan_sbom(path: &Path, out: &Path, format: Option<&str>) -> i32 {
    let mut cmd = bin();
    cmd.args(["scan", "-q", "-f", "json", "--no-cache"])
        .arg(path)
        .arg("--sbom")
        .arg(out);
    if let Some(f) = format {
        cmd.args(["--sbom-format", f]);
    }
    cmd.output().expect("run").status.code().expect("exit code")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("read")).expect("json")
}

#[test]
fn scan_writes_cyclonedx_by_default_and_spdx_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = testdata("benign/torch_zip_state_dict_mlp.pt");
    let cdx = dir.path().join("bom.json");
    assert_eq!(scan_sbom(&model, &cdx, None), 0);
    let v = read_json(&cdx);
    assert_eq!(v["bomFormat"], "CycloneDX");
    assert_eq!(v["specVersion"], "1.6");
    assert_eq!(v["metadata"]["component"]["type"], "machine-learning-model");
    assert!(
        v["serialNumber"]
            .as_str()
            .is_some_and(|s| s.starts_with("urn:uuid:"))
    );

    let cdx15 = dir.path().join("bom15.json");
    assert_eq!(scan_sbom(&model, &cdx15, Some("cyclonedx-1.5")), 0);
    assert_eq!(read_json(&cdx15)["specVersion"], "1.5");

    let spdx = dir.path().join("bom.spdx.json");
    assert_eq!(scan_sbom(&model, &spdx, Some("spdx")), 0);
    assert_eq!(read_json(&spdx)["spdxVersion"], "SPDX-2.3");
}

#[test]
fn import_prints_the_normalised_inventory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spdx = dir.path().join("bom.spdx.json");
    scan_sbom(
        &testdata("pytorch/PKL001_torch_zip_os_system.pt"),
        &spdx,
        Some("spdx"),
    );
    let out = bin()
        .args(["sbom", "import"])
        .arg(&spdx)
        .output()
        .expect("run");
    assert!(out.status.success());
    let inv: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(inv["source_format"], "SPDX-2.3");
    assert!(inv["components"][0]["hashes"]["SHA-256"].is_string());
    assert!(
        inv["components"]
            .as_array()
            .expect("components")
            .iter()
            .any(|c| c["name"] == "torch")
    );

    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{}").expect("write");
    let out = bin()
        .args(["sbom", "import"])
        .arg(&junk)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a CycloneDX nor an SPDX"));
}

#[test]
fn diff_fails_on_new_vulnerabilities_and_blocked_licences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let benign = dir.path().join("benign.json");
    let evil = dir.path().join("evil.spdx.json");
    let evil_cdx = dir.path().join("evil.json");
    scan_sbom(
        &testdata("benign/torch_zip_state_dict_mlp.pt"),
        &benign,
        None,
    );
    scan_sbom(
        &testdata("pytorch/PKL001_torch_zip_os_system.pt"),
        &evil_cdx,
        None,
    );
    scan_sbom(
        &testdata("pytorch/PKL001_torch_zip_os_system.pt"),
        &evil,
        Some("spdx"),
    );

    // Same inventory, different formats: nothing added, removed or modified.
    let out = bin()
        .args(["sbom", "diff"])
        .arg(&evil_cdx)
        .arg(&evil)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let d: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(d["added"], serde_json::json!([]));
    assert_eq!(d["modified"], serde_json::json!([]));

    // A new critical finding fails at the default threshold (HIGH).
    let out = bin()
        .args(["sbom", "diff", "--format", "markdown"])
        .arg(&benign)
        .arg(&evil_cdx)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## New vulnerabilities"), "{md}");
    assert!(md.contains("PKL001"), "{md}");
    assert!(md.contains("## Policy violations"), "{md}");

    // Resolving vulnerabilities is never a violation.
    let out = bin()
        .args(["sbom", "diff", "--fail-on", "low"])
        .arg(&evil_cdx)
        .arg(&benign)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));

    // A repository whose LICENSE is MIT, against an empty inventory, with MIT blocked.
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).expect("mkdir");
    std::fs::copy(testdata("sbom/pytorch-repo/LICENSE"), repo.join("LICENSE")).expect("copy");
    let repo_bom = dir.path().join("repo.json");
    scan_sbom(&repo, &repo_bom, None);
    let out = bin()
        .args(["sbom", "diff", "--blocked-license", "mit"])
        .arg(&benign)
        .arg(&repo_bom)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let d: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        d["violations"][0]
            .as_str()
            .is_some_and(|v| v.contains("blocked licence mit"))
    );
}
