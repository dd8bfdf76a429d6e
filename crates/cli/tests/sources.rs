//! `scan` of remote sources end to end: the real binary against local
//! servers that follow the Hub, Artifactory and MLflow APIs.

#[path = "../../sources/tests/common/mod.rs"]
mod common;

use assert_cmd::Command;
use common::*;
use serde_json::Value;

fn cli(srv: &TestServer, cache: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("sentrascan-model").unwrap();
    c.env_clear()
        .env("HF_ENDPOINT", srv.url())
        .env("MLFLOW_TRACKING_URI", srv.url())
        .env("MLFLOW_TRACKING_TOKEN", MLFLOW_TOKEN)
        .env("SENTRASCAN_CACHE_DIR", cache);
    c
}

fn run(srv: &TestServer, cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    cli(srv, cache).args(args).output().unwrap()
}

/// `cache list --json`.
fn cache_list(srv: &TestServer, cache: &std::path::Path) -> Value {
    serde_json::from_slice(&run(srv, cache, &["cache", "list", "--json"]).stdout).unwrap()
}

fn report(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn file<'a>(r: &'a Value, path: &str) -> &'a Value {
    r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no {path} in {:#}", r["files"]))
}

#[test]
fn hub_repository_is_scanned_and_pinned() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let out = run(&srv, cache.path(), &["scan", "hf://org/repo", "-f", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = report(&out);
    let pkl = format!("hf://org/repo@{COMMIT}/weights/model.pkl");
    let f = file(&r, &pkl);
    assert_eq!(f["metadata"]["source.revision"], COMMIT);
    assert_eq!(f["sha256"], sha256(&malicious_pickle()));
    let url = f["metadata"]["source.url"].as_str().unwrap();
    assert!(
        url.ends_with(&format!("/org/repo/resolve/{COMMIT}/weights/model.pkl")),
        "{url}"
    );
    file(&r, &format!("hf://org/repo@{COMMIT}/config.json"));
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "PKL001")
        .expect("PKL001");
    assert_eq!(finding["location_detail"]["file"], pkl);

    // Second run: from the cache, and `cache list` shows both files.
    let out = run(&srv, cache.path(), &["scan", "hf://org/repo", "-f", "json"]);
    let r = report(&out);
    assert_eq!(file(&r, &pkl)["metadata"]["source.cached"], "true");
    let entries = cache_list(&srv, cache.path());
    assert_eq!(entries.as_array().unwrap().len(), 2, "{entries:#}");
    let out = run(&srv, cache.path(), &["cache", "clear"]);
    assert!(out.status.success());
    assert_eq!(cache_list(&srv, cache.path()), serde_json::json!([]));
}

#[test]
fn stream_and_no_cache_leave_nothing_behind() {
    let srv = TestServer::start(default_files());
    let pkl = format!("hf://org/repo@{COMMIT}/weights/model.pkl");
    let mut digests = Vec::new();
    for flag in ["--stream", "--no-cache"] {
        let cache = tempfile::tempdir().unwrap();
        let out = run(
            &srv,
            cache.path(),
            &["scan", "hf://org/repo", "-f", "json", flag],
        );
        assert_eq!(out.status.code(), Some(1), "{flag}");
        let r = report(&out);
        assert_eq!(r["files"].as_array().unwrap().len(), 2);
        // Streamed files are hashed while they arrive, not by the engine:
        // the digests must be the engine's.
        let f = file(&r, &pkl);
        assert_eq!(f["sha256"], sha256(&malicious_pickle()));
        digests.push((f["sha256"].clone(), f["sha1"].clone(), f["md5"].clone()));
        assert_eq!(
            cache_list(&srv, cache.path()),
            serde_json::json!([]),
            "{flag}"
        );
    }
    assert!(
        digests[0].1.is_string() && digests[0].2.is_string(),
        "{digests:?}"
    );
    assert_eq!(digests[0], digests[1]);
}

#[test]
fn failures_end_their_file_and_keep_the_rest() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let ok = format!("{}/files/config.json", srv.url());
    let missing = format!("{}/files/missing.bin", srv.url());
    let out = run(
        &srv,
        cache.path(),
        &[
            "scan",
            "-f",
            "json",
            "-q",
            &ok,
            &missing,
            "gopher://x/y",
            "hf://org/private",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let r = report(&out);
    // Fetched and looked at (a config is analysed for code, URLs and secrets).
    assert_eq!(file(&r, &ok)["status"], "scanned");
    let m = file(&r, &missing);
    assert_eq!(m["status"], "error");
    assert!(
        m["message"]
            .as_str()
            .unwrap()
            .contains("not found (HTTP 404)")
    );
    let g = file(&r, "gopher://x/y");
    assert!(
        g["message"]
            .as_str()
            .unwrap()
            .contains("unknown source scheme `gopher://`")
    );
    let p = file(&r, "hf://org/private");
    assert!(
        p["message"].as_str().unwrap().contains("set HF_TOKEN"),
        "{p}"
    );
    assert_eq!(r["scan_result"]["files_failed"], 3);
}

#[test]
fn mlflow_model_by_alias() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let out = run(
        &srv,
        cache.path(),
        &["scan", "models:/fraud@champion", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let r = report(&out);
    let f = file(&r, "models:/fraud/3/data/model.pkl");
    assert_eq!(f["metadata"]["source.revision"], "3");
    assert_eq!(f["max_severity"], "CRITICAL");
}

#[test]
fn secrets_stay_out_of_reports_and_logs() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let url = format!("{}/artifactory/models/model.pkl", srv.url());
    let out = cli(&srv, cache.path())
        .env("ARTIFACTORY_API_KEY", "wrong-key-value")
        .env("HF_TOKEN", "hf_wrong_token")
        .args(["scan", "-f", "json", &url, "hf://org/private"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("HTTP 401"), "{all}");
    assert!(
        !all.contains("wrong-key-value") && !all.contains("hf_wrong_token"),
        "{all}"
    );
    // With the right key: scanned.
    let out = cli(&srv, cache.path())
        .env("ARTIFACTORY_API_KEY", ART_KEY)
        .args(["scan", "-f", "json", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(file(&report(&out), &url)["metadata"]["source.type"], "http");
}

#[test]
fn s3_prefix_end_to_end() {
    let Some(moto) = common::moto::start_moto() else {
        return;
    };
    let pkl = malicious_pickle();
    common::moto::put_objects(
        moto.port,
        "models",
        &[
            ("fraud/v3/model.pkl", &pkl),
            ("fraud/v3/config.json", CONFIG),
        ],
    );
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let out = cli(&srv, cache.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing-secret")
        .env("AWS_REGION", "us-east-1")
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", moto.port),
        )
        .env("AWS_ALLOW_HTTP", "true")
        .args(["scan", "-f", "json", "s3://models/fraud/v3/"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = report(&out);
    let f = file(&r, "s3://models/fraud/v3/model.pkl");
    assert_eq!(f["max_severity"], "CRITICAL");
    assert_eq!(f["metadata"]["source.type"], "s3");
    file(&r, "s3://models/fraud/v3/config.json");
    // Without credentials: the variable is named, nothing is scanned.
    let out = run(
        &srv,
        cache.path(),
        &["scan", "-f", "json", "s3://models/fraud/v3/"],
    );
    assert_eq!(out.status.code(), Some(2));
    let m = report(&out)["files"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(m.contains("AWS_ACCESS_KEY_ID"), "{m}");
}
