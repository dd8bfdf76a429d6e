//! Listing and fetching against local servers that follow the Hub,
//! Artifactory and MLflow APIs (see `common`).

mod common;

use std::time::Duration;

use common::*;
use sentrascan_sources::{Env, Fetcher, Settings, Source, SourceError};

fn settings(srv: &TestServer, cache: Option<&std::path::Path>, env: &[(&str, String)]) -> Settings {
    let mut e = Env::from_pairs([("HF_ENDPOINT", srv.url())]);
    for (k, v) in env {
        e.set(*k, v.clone());
    }
    Settings {
        cache_dir: cache.map(|c| c.to_path_buf()),
        read_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        retries: 2,
        backoff: Duration::from_millis(10),
        quiet: true,
        env: e,
        ..Settings::default()
    }
}

fn src(s: &str) -> Source {
    Source::parse(s).unwrap()
}

#[test]
fn hub_repository_is_pinned_to_its_commit() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let f = Fetcher::new(settings(&srv, Some(cache.path()), &[])).unwrap();
    let files = f.list(&src("hf://org/repo")).unwrap();
    let shown: Vec<_> = files.iter().map(|x| x.display.as_str()).collect();
    assert_eq!(
        shown,
        [
            format!("hf://org/repo@{COMMIT}/config.json"),
            format!("hf://org/repo@{COMMIT}/weights/model.pkl"),
        ]
    );
    let pkl = &files[1];
    assert_eq!(pkl.name, "model.pkl");
    assert_eq!(pkl.metadata["source.revision"], COMMIT);
    assert_eq!(pkl.metadata["source.requested_revision"], "main");
    assert!(
        pkl.metadata["source.url"]
            .contains(&format!("/org/repo/resolve/{COMMIT}/weights/model.pkl"))
    );
    // The LFS file is redirected to another host (the "CDN"), which fails
    // the request if the token followed it.
    let got = f.fetch(pkl, "").unwrap();
    assert_eq!(std::fs::read(&got.path).unwrap(), malicious_pickle());
    assert_eq!(got.digests.sha256, sha256(&malicious_pickle()));
    assert!(!got.from_cache);
    drop(got);
    // Pinned to a commit: the second fetch is served from the cache without
    // touching the server, and verified.
    let cdn = format!("/cdn/{}", sha256(&malicious_pickle()));
    assert_eq!(srv.hits(&cdn), 1);
    let again = f.fetch(pkl, "").unwrap();
    assert!(again.from_cache);
    assert_eq!(srv.hits(&cdn), 1);
    // A sub-path selects files.
    let one = f.list(&src("hf://org/repo@v1.0/weights")).unwrap();
    assert_eq!(one.len(), 1);
}

#[test]
fn hub_token_is_sent_and_never_shown() {
    let srv = TestServer::start(default_files());
    // Without a token: the error names the variable.
    let f = Fetcher::new(settings(&srv, None, &[])).unwrap();
    let e = f.list(&src("hf://org/private")).unwrap_err();
    assert!(
        matches!(
            e,
            SourceError::MissingCredential {
                variable: "HF_TOKEN",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("set HF_TOKEN"), "{e}");
    // With it: listed and downloaded; the CDN never sees it.
    let s = settings(&srv, None, &[("HF_TOKEN", HF_TOKEN.to_string())]);
    assert!(
        !format!("{s:?}").contains(HF_TOKEN),
        "Debug of settings shows the token"
    );
    let f = Fetcher::new(s).unwrap();
    let files = f.list(&src("hf://org/private")).unwrap();
    assert!(
        !format!("{files:?}").contains(HF_TOKEN),
        "Debug of a file shows the token"
    );
    for file in &files {
        f.fetch(file, "").unwrap();
    }
    // A wrong token is refused, without echoing it.
    let f = Fetcher::new(settings(
        &srv,
        None,
        &[("HF_TOKEN", "hf_wrong_value".into())],
    ))
    .unwrap();
    let e = f.list(&src("hf://org/private")).unwrap_err().to_string();
    assert!(
        e.contains("HTTP 401") && !e.contains("hf_wrong_value"),
        "{e}"
    );
}

#[test]
fn hub_digest_mismatch_is_an_error() {
    let srv = TestServer::start_with(default_files(), Some("weights/model.pkl".into()));
    let f = Fetcher::new(settings(&srv, None, &[])).unwrap();
    let files = f.list(&src("hf://org/repo")).unwrap();
    let e = f.fetch(&files[1], "").unwrap_err();
    assert!(matches!(e, SourceError::Checksum { .. }), "{e}");
}

#[test]
fn artifactory_api_key_or_token() {
    let srv = TestServer::start(default_files());
    let url = format!("{}/artifactory/models/model.pkl", srv.url());
    let f = Fetcher::new(settings(&srv, None, &[])).unwrap();
    let file = &f.list(&src(&url)).unwrap()[0];
    let e = f.fetch(file, "").unwrap_err();
    assert!(matches!(e, SourceError::Denied { status: 401, .. }), "{e}");
    for (var, val) in [
        ("ARTIFACTORY_API_KEY", ART_KEY),
        ("ARTIFACTORY_TOKEN", ART_TOKEN),
    ] {
        let f = Fetcher::new(settings(&srv, None, &[(var, val.to_string())])).unwrap();
        let file = &f.list(&src(&url)).unwrap()[0];
        let got = f.fetch(file, "").unwrap();
        assert_eq!(
            std::fs::read(&got.path).unwrap(),
            malicious_pickle(),
            "{var}"
        );
    }
}

#[test]
fn https_redirects_etags_and_failures() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let f = Fetcher::new(settings(&srv, Some(cache.path()), &[])).unwrap();
    // A relative redirect is followed.
    let file = &f
        .list(&src(&format!("{}/moved/model.pkl", srv.url())))
        .unwrap()[0];
    assert_eq!(file.name, "model.pkl");
    let got = f.fetch(file, "").unwrap();
    assert_eq!(std::fs::read(&got.path).unwrap(), malicious_pickle());
    // Cached by URL and revalidated with its ETag: a 304 reuses the copy.
    let again = f.fetch(file, "").unwrap();
    assert!(again.from_cache);
    assert_eq!(srv.hits("/files/model.pkl"), 2);
    let entries = f.cache().unwrap().list().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].sha256, sha256(&malicious_pickle()));

    // 503 once, then served: retried.
    let file = &f
        .list(&src(&format!("{}/flaky/config.json", srv.url())))
        .unwrap()[0];
    assert_eq!(
        std::fs::read(f.fetch(file, "").unwrap().path).unwrap(),
        CONFIG
    );
    assert_eq!(srv.hits("/flaky/config.json"), 2);
    // 503 always: gives up after the retries.
    let file = &f
        .list(&src(&format!("{}/always-503/x.bin", srv.url())))
        .unwrap()[0];
    let e = f.fetch(file, "").unwrap_err();
    assert!(matches!(e, SourceError::Http { status: 503, .. }), "{e}");
    assert_eq!(srv.hits("/always-503/x.bin"), 3);
    // 404 is final.
    let file = &f
        .list(&src(&format!("{}/files/nope.bin", srv.url())))
        .unwrap()[0];
    let e = f.fetch(file, "").unwrap_err();
    assert!(matches!(e, SourceError::NotFound { .. }), "{e}");
    assert_eq!(srv.hits("/files/nope.bin"), 1);
}

#[test]
fn stalls_time_out_and_size_is_limited() {
    let srv = TestServer::start(default_files());
    let mut s = settings(&srv, None, &[]);
    s.retries = 0;
    s.read_timeout = Duration::from_millis(300);
    s.max_download_bytes = 1024;
    let f = Fetcher::new(s).unwrap();
    let file = &f.list(&src(&format!("{}/stall/x", srv.url()))).unwrap()[0];
    let e = f.fetch(file, "").unwrap_err();
    assert!(matches!(e, SourceError::Timeout { .. }), "{e}");
    let file = &f.list(&src(&format!("{}/big/x", srv.url()))).unwrap()[0];
    let e = f.fetch(file, "").unwrap_err();
    assert!(
        matches!(e, SourceError::TooLarge { limit: 1024, .. }),
        "{e}"
    );
}

#[test]
fn streaming_keeps_nothing() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let mut s = settings(&srv, Some(cache.path()), &[]);
    s.stream = true;
    let f = Fetcher::new(s).unwrap();
    let files = f.list(&src("hf://org/repo")).unwrap();
    for file in &files {
        let got = f.fetch(file, "").unwrap();
        assert!(got.streamed && got.path.exists());
        let p = got.path.clone();
        drop(got);
        assert!(!p.exists(), "a streamed file is deleted after use");
    }
    assert!(f.cache().unwrap().list().unwrap().is_empty());
}

#[test]
fn mlflow_models_and_runs() {
    let srv = TestServer::start(default_files());
    let env = [
        ("MLFLOW_TRACKING_URI", srv.url()),
        ("MLFLOW_TRACKING_TOKEN", MLFLOW_TOKEN.to_string()),
    ];
    let f = Fetcher::new(settings(&srv, None, &env)).unwrap();
    for (uri, version) in [
        ("models:/fraud/3", "3"),
        ("models:/fraud@champion", "3"),
        ("models:/fraud/Production", "3"),
        ("models:/fraud/2", "2"),
    ] {
        let files = f.list(&src(uri)).unwrap();
        let shown: Vec<_> = files.iter().map(|x| x.display.clone()).collect();
        assert_eq!(
            shown,
            [
                format!("models:/fraud/{version}/MLmodel"),
                format!("models:/fraud/{version}/data/model.pkl"),
            ],
            "{uri}"
        );
        assert_eq!(files[1].metadata["source.revision"], version);
        assert_eq!(files[1].metadata["source.run_id"], "run1");
        let got = f.fetch(&files[1], "").unwrap();
        assert_eq!(std::fs::read(&got.path).unwrap(), malicious_pickle());
    }
    let files = f.list(&src("runs:/run1/model/data")).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].display, "runs:/run1/model/data/model.pkl");
    let e = f.list(&src("models:/unknown/1")).unwrap_err();
    assert!(matches!(e, SourceError::NotFound { .. }), "{e}");

    // No tracking URI, and no token: each named.
    let f = Fetcher::new(settings(&srv, None, &[])).unwrap();
    let e = f.list(&src("models:/fraud/3")).unwrap_err().to_string();
    assert!(e.contains("MLFLOW_TRACKING_URI"), "{e}");
    let f = Fetcher::new(settings(&srv, None, &env[..1])).unwrap();
    let e = f.list(&src("models:/fraud/3")).unwrap_err();
    assert!(matches!(e, SourceError::Denied { status: 401, .. }), "{e}");
}

#[test]
fn object_stores_name_missing_credentials() {
    let srv = TestServer::start(default_files());
    let f = Fetcher::new(settings(&srv, None, &[])).unwrap();
    for (uri, var) in [
        ("s3://bucket/models/", "AWS_ACCESS_KEY_ID"),
        ("gs://bucket/models/", "GOOGLE_APPLICATION_CREDENTIALS"),
        ("az://container/models/", "AZURE_STORAGE_ACCOUNT_NAME"),
    ] {
        let e = f.list(&src(uri)).unwrap_err().to_string();
        assert!(e.contains(var), "{uri}: {e}");
    }
}

#[test]
fn large_files_are_streamed_without_asking() {
    let srv = TestServer::start(default_files());
    let cache = tempfile::tempdir().unwrap();
    let mut s = settings(&srv, Some(cache.path()), &[]);
    s.stream_threshold = 42; // the pickle (43 bytes) is larger, the config (40) smaller
    let f = Fetcher::new(s).unwrap();
    // Size known from the listing (the Hub) or only once downloaded (a URL).
    let hub = f.list(&src("hf://org/repo")).unwrap();
    let url = f
        .list(&src(&format!("{}/files/model.pkl", srv.url())))
        .unwrap();
    for file in [&hub[1], &url[0]] {
        let got = f.fetch(file, "").unwrap();
        assert!(got.streamed, "{}", file.display);
    }
    assert!(!f.fetch(&hub[0], "").unwrap().streamed);
    let kept: Vec<_> = f.cache().unwrap().list().unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].source.ends_with("/config.json"));
}
