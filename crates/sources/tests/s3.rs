//! `s3://` against moto's S3 server on 127.0.0.1 (`moto[server]` from PyPI,
//! installed by `.ci/sources.sh`, found through `MOTO_SERVER_BIN` or on the
//! `PATH`). Skipped, saying so, when moto is not installed.

mod common;

use common::moto::{raw, start_moto};

use std::time::Duration;

use common::{CONFIG, malicious_pickle, sha256};
use object_store::ObjectStoreExt;
use sentrascan_sources::{Env, Fetcher, ObjectScheme, Settings, Source, SourceError};

fn env(port: u16) -> Env {
    Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing-secret"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", &format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true"),
    ])
}

fn settings(port: u16, cache: Option<&std::path::Path>) -> Settings {
    Settings {
        cache_dir: cache.map(|p| p.to_path_buf()),
        quiet: true,
        retries: 1,
        backoff: Duration::from_millis(10),
        env: env(port),
        ..Settings::default()
    }
}

fn put(port: u16, objects: &[(&str, &[u8])]) {
    assert_eq!(
        raw(port, "PUT", "/models-bucket"),
        Some(200),
        "create bucket"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s = settings(port, None);
    let (store, _) =
        sentrascan_sources::object_store_for(&s, ObjectScheme::S3, "models-bucket").unwrap();
    rt.block_on(async {
        for (k, v) in objects {
            store
                .put(&object_store::path::Path::from(*k), v.to_vec().into())
                .await
                .unwrap();
        }
    });
}

#[test]
fn s3_prefixes_objects_and_cache() {
    let Some(moto) = start_moto() else { return };
    let pkl = malicious_pickle();
    put(
        moto.port,
        &[
            ("prod/fraud/model.pkl", &pkl),
            ("prod/fraud/config.json", CONFIG),
            ("prod/fraud/nested/deeper/weights.pkl", &pkl),
            ("prod/other/x.bin", b"other"),
        ],
    );
    let cache = tempfile::tempdir().unwrap();
    let f = Fetcher::new(settings(moto.port, Some(cache.path()))).unwrap();

    // A prefix is listed recursively, with or without the trailing slash.
    for uri in [
        "s3://models-bucket/prod/fraud/",
        "s3://models-bucket/prod/fraud",
    ] {
        let files = f.list(&Source::parse(uri).unwrap()).unwrap();
        let shown: Vec<_> = files.iter().map(|x| x.display.as_str()).collect();
        assert_eq!(
            shown,
            [
                "s3://models-bucket/prod/fraud/config.json",
                "s3://models-bucket/prod/fraud/model.pkl",
                "s3://models-bucket/prod/fraud/nested/deeper/weights.pkl",
            ],
            "{uri}"
        );
    }
    // The whole bucket.
    let all = f
        .list(&Source::parse("s3://models-bucket").unwrap())
        .unwrap();
    assert_eq!(all.len(), 4);

    // One object; downloaded, hashed, cached by ETag and size.
    let one = f
        .list(&Source::parse("s3://models-bucket/prod/fraud/model.pkl").unwrap())
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].name, "model.pkl");
    assert!(one[0].metadata.contains_key("source.etag"));
    let got = f.fetch(&one[0], "").unwrap();
    assert_eq!(got.digests.sha256, sha256(&pkl));
    assert_eq!(std::fs::read(&got.path).unwrap(), pkl);
    drop(got);
    assert!(f.fetch(&one[0], "").unwrap().from_cache);

    // Missing keys and buckets.
    let e = f
        .list(&Source::parse("s3://models-bucket/nothing/here").unwrap())
        .unwrap_err();
    assert!(matches!(e, SourceError::NotFound { .. }), "{e}");
    let e = f
        .list(&Source::parse("s3://no-such-bucket/x").unwrap())
        .unwrap_err();
    assert!(
        matches!(
            e,
            SourceError::NotFound { .. } | SourceError::ObjectStore { .. }
        ),
        "{e}"
    );
    // Credentials stay out of messages.
    assert!(!e.to_string().contains("testing-secret"));
}
