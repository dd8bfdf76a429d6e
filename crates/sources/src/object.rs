//! `s3://`, `gs://` and `az://` through object_store: one code path for the
//! three clouds and for S3-compatible stores (MinIO, moto, Ceph) at
//! `AWS_ENDPOINT_URL`. Credentials come from the usual variables; a missing
//! one is reported by name before any request is made.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use object_store::path::Path as ObjPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig};

use crate::error::SourceError;
use crate::fetch::{Fetcher, Freshness, Locator, RemoteFile, safe_name};
use crate::http::Downloaded;
use crate::progress::Progress;
use crate::settings::{Env, Settings};
use crate::source::ObjectScheme;

/// Objects listed under one prefix at most: a bucket of millions is not a
/// model.
const MAX_OBJECTS: usize = 100_000;

pub(crate) fn build(
    settings: &Settings,
    scheme: ObjectScheme,
    bucket: &str,
) -> Result<(Arc<dyn ObjectStore>, String), SourceError> {
    let env = &settings.env;
    let client = ClientOptions::new()
        .with_connect_timeout(settings.connect_timeout)
        .with_timeout_disabled();
    let retry = RetryConfig {
        max_retries: settings.retries as usize,
        retry_timeout: Duration::from_secs(180),
        ..RetryConfig::default()
    };
    let store_err = |e: object_store::Error| SourceError::ObjectStore {
        url: format!("{}://{bucket}", scheme.as_str()),
        message: e.to_string(),
    };
    match scheme {
        ObjectScheme::S3 => {
            require_aws_credentials(env)?;
            // Client options first: the environment (AWS_ALLOW_HTTP) may
            // change them.
            let mut b = object_store::aws::AmazonS3Builder::new()
                .with_client_options(client)
                .with_retry(retry);
            for (k, v) in env.with_prefix("AWS_") {
                if let Ok(key) = k.to_ascii_lowercase().parse() {
                    b = b.with_config(key, v);
                }
            }
            let endpoint = env
                .get("AWS_ENDPOINT_URL_S3")
                .or(env.get("AWS_ENDPOINT_URL"));
            let store = b.with_bucket_name(bucket).build().map_err(store_err)?;
            Ok((Arc::new(store), endpoint.unwrap_or("aws").to_string()))
        }
        ObjectScheme::Gcs => {
            let emulator = env.get("STORAGE_EMULATOR_HOST");
            let mut b = object_store::gcp::GoogleCloudStorageBuilder::new()
                .with_client_options(client.clone())
                .with_retry(retry);
            for (k, v) in env.with_prefix("GOOGLE_") {
                if let Ok(key) = k.to_ascii_lowercase().parse() {
                    b = b.with_config(key, v);
                }
            }
            if let Some(host) = emulator {
                // Emulators (fake-gcs-server) take no credentials.
                let base = if host.contains("://") {
                    host.to_string()
                } else {
                    format!("http://{host}")
                };
                b = b
                    .with_config(object_store::gcp::GoogleConfigKey::BaseUrl, base)
                    .with_config(object_store::gcp::GoogleConfigKey::SkipSignature, "true")
                    .with_client_options(client.with_allow_http(true));
            } else if env.get("GOOGLE_APPLICATION_CREDENTIALS").is_none()
                && env.get("GOOGLE_SERVICE_ACCOUNT").is_none()
                && env.get("GOOGLE_SERVICE_ACCOUNT_PATH").is_none()
                && env.get("GOOGLE_SERVICE_ACCOUNT_KEY").is_none()
                && env.get("GOOGLE_SKIP_SIGNATURE").is_none()
            {
                return Err(SourceError::MissingCredential {
                    what: format!("gs://{bucket}"),
                    variable: "GOOGLE_APPLICATION_CREDENTIALS",
                });
            }
            let store = b.with_bucket_name(bucket).build().map_err(store_err)?;
            Ok((Arc::new(store), emulator.unwrap_or("gcs").to_string()))
        }
        ObjectScheme::Azure => {
            let emulator = env
                .get("AZURE_STORAGE_USE_EMULATOR")
                .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
            if !emulator && env.get("AZURE_STORAGE_ACCOUNT_NAME").is_none() {
                return Err(SourceError::MissingCredential {
                    what: format!("az://{bucket}"),
                    variable: "AZURE_STORAGE_ACCOUNT_NAME (with AZURE_STORAGE_ACCOUNT_KEY, AZURE_STORAGE_SAS_TOKEN or AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID)",
                });
            }
            let mut b = object_store::azure::MicrosoftAzureBuilder::new()
                .with_client_options(client)
                .with_retry(retry);
            for (k, v) in env.with_prefix("AZURE_") {
                if let Ok(key) = k.to_ascii_lowercase().parse() {
                    b = b.with_config(key, v);
                }
            }
            let store = b.with_container_name(bucket).build().map_err(store_err)?;
            let account = env.get("AZURE_STORAGE_ACCOUNT_NAME").unwrap_or("emulator");
            Ok((Arc::new(store), account.to_string()))
        }
    }
}

/// S3 credentials must come from somewhere we can name; without them the
/// AWS SDKs' last resort (the instance metadata service) would turn a
/// missing variable into a timeout.
fn require_aws_credentials(env: &Env) -> Result<(), SourceError> {
    let has = |k: &str| env.get(k).is_some();
    let skip = env
        .get("AWS_SKIP_SIGNATURE")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if (has("AWS_ACCESS_KEY_ID") && has("AWS_SECRET_ACCESS_KEY"))
        || has("AWS_WEB_IDENTITY_TOKEN_FILE")
        || has("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        || has("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        || has("AWS_IMDSV1_FALLBACK")
        || has("AWS_METADATA_ENDPOINT")
        || skip
    {
        return Ok(());
    }
    Err(SourceError::MissingCredential {
        what: "s3:// sources".into(),
        variable: if has("AWS_ACCESS_KEY_ID") {
            "AWS_SECRET_ACCESS_KEY"
        } else {
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_SKIP_SIGNATURE=true for a public bucket)"
        },
    })
}

fn object_error(url: &str, e: object_store::Error) -> SourceError {
    match e {
        object_store::Error::NotFound { .. } => SourceError::NotFound {
            url: url.to_string(),
        },
        other => SourceError::ObjectStore {
            url: url.to_string(),
            message: crate::redact::text(&other.to_string()),
        },
    }
}

pub(crate) async fn list(
    f: &Fetcher,
    scheme: ObjectScheme,
    bucket: &str,
    key: &str,
) -> Result<Vec<RemoteFile>, SourceError> {
    let (store, endpoint) = build(&f.settings, scheme, bucket)?;
    list_in(store, &endpoint, scheme, bucket, key, None).await
}

/// Lists `key` in a built store: the object itself if it exists, else
/// everything under `key/`. `display_base` replaces the `scheme://bucket/`
/// prefix in reports (MLflow artifacts show as `models:/…`).
pub(crate) async fn list_in(
    store: Arc<dyn ObjectStore>,
    endpoint: &str,
    scheme: ObjectScheme,
    bucket: &str,
    key: &str,
    display_base: Option<(&str, &str)>,
) -> Result<Vec<RemoteFile>, SourceError> {
    let base = format!("{}://{bucket}", scheme.as_str());
    let key = key.trim_matches('/');
    let mut metas = Vec::new();
    if !key.is_empty() {
        let p = ObjPath::from(key);
        match store.head(&p).await {
            Ok(m) => metas.push(m),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(object_error(&format!("{base}/{key}"), e)),
        }
    }
    if metas.is_empty() {
        let prefix = (!key.is_empty()).then(|| ObjPath::from(key));
        let mut stream = store.list(prefix.as_ref());
        while let Some(m) = stream.next().await {
            let m = m.map_err(|e| object_error(&format!("{base}/{key}"), e))?;
            metas.push(m);
            if metas.len() > MAX_OBJECTS {
                return Err(SourceError::protocol(
                    &format!("{base}/{key}"),
                    format!("more than {MAX_OBJECTS} objects under this prefix"),
                ));
            }
        }
    }
    if metas.is_empty() {
        return Err(if key.is_empty() {
            SourceError::Empty { uri: base }
        } else {
            SourceError::NotFound {
                url: format!("{base}/{key}"),
            }
        });
    }
    let mut files = Vec::new();
    for m in metas {
        let loc = m.location.to_string();
        if loc.ends_with('/') && m.size == 0 {
            continue; // a "directory" marker
        }
        let url = format!("{base}/{loc}");
        let display = match display_base {
            Some((strip, show)) => {
                let rel = loc
                    .strip_prefix(strip)
                    .unwrap_or(&loc)
                    .trim_start_matches('/');
                format!("{show}/{rel}")
            }
            None => url.clone(),
        };
        let mut metadata = BTreeMap::from([
            ("source.type".to_string(), scheme.as_str().to_string()),
            ("source.url".to_string(), url.clone()),
        ]);
        if let Some(e) = &m.e_tag {
            metadata.insert("source.etag".into(), e.trim_matches('"').to_string());
        }
        if let Some(v) = &m.version {
            metadata.insert("source.revision".into(), v.clone());
        }
        // An ETag (or version) with the size pins the content.
        let cache_key = m.e_tag.as_ref().or(m.version.as_ref()).map(|tag| {
            (
                format!("{}|{endpoint}|{url}|{tag}|{}", scheme.as_str(), m.size),
                Freshness::Immutable,
            )
        });
        files.push(RemoteFile {
            display,
            name: safe_name(&loc),
            size: Some(m.size),
            metadata,
            locator: Locator::Object {
                store: Arc::clone(&store),
                path: m.location,
                url,
            },
            expected_sha256: None,
            cache_key,
            expected_commit: None,
        });
    }
    Ok(files)
}

pub(crate) async fn download(
    f: &Fetcher,
    store: &dyn ObjectStore,
    path: &ObjPath,
    url: &str,
    out: &std::fs::File,
    progress: &mut Progress,
    want256: bool,
) -> Result<Downloaded, SourceError> {
    let got = store.get(path).await.map_err(|e| object_error(url, e))?;
    let limit = f.settings.max_download_bytes;
    let total = got.meta.size;
    if total > limit {
        return Err(SourceError::TooLarge {
            url: url.to_string(),
            size: total,
            limit,
        });
    }
    let etag = got.meta.e_tag.clone();
    progress.restart(Some(total));
    let mut stream = got.into_stream();
    let mut pipe = crate::digest::DigestPipe::new(want256, f.settings.sha1, f.settings.md5);
    let mut size = 0u64;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, out);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| object_error(url, e))?;
        size = size.saturating_add(chunk.len() as u64);
        if size > limit {
            return Err(SourceError::TooLarge {
                url: url.to_string(),
                size,
                limit,
            });
        }
        pipe.feed(&chunk);
        w.write_all(&chunk)
            .map_err(|e| SourceError::io("<download>", e))?;
        progress.advance(chunk.len() as u64);
    }
    w.flush().map_err(|e| SourceError::io("<download>", e))?;
    Ok(Downloaded {
        size,
        digests: pipe.finish(want256, f.settings.sha1, f.settings.md5),
        etag,
        headers: Default::default(),
    })
}
