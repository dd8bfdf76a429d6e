//! `models:/name/version`, `models:/name/stage`, `models:/name@alias` and
//! `runs:/run_id/path` through the MLflow REST API at
//! `MLFLOW_TRACKING_URI`. Artifacts are downloaded through the tracking
//! server's artifact proxy (`mlflow-artifacts:` URIs) or, when the registry
//! points straight at a bucket, through the object-store path.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::SourceError;
use crate::fetch::{Fetcher, Freshness, Locator, RemoteFile, safe_name};
use crate::http::Auth;
use crate::redact::Secret;
use crate::source::{ModelSelector, Source};
use crate::{hf, object};

/// Directory levels followed in an artifact tree, and files listed at most.
const MAX_DEPTH: usize = 32;
const MAX_FILES: usize = 100_000;

#[derive(Deserialize, Clone)]
struct ModelVersion {
    name: String,
    version: String,
    #[serde(default)]
    run_id: Option<String>,
}

#[derive(Deserialize)]
struct OneVersion {
    model_version: ModelVersion,
}

#[derive(Deserialize)]
struct LatestVersions {
    #[serde(default)]
    model_versions: Vec<ModelVersion>,
}

#[derive(Deserialize)]
struct DownloadUri {
    artifact_uri: String,
}

#[derive(Deserialize)]
struct RunInfo {
    artifact_uri: String,
}

#[derive(Deserialize)]
struct Run {
    info: RunInfo,
}

#[derive(Deserialize)]
struct GetRun {
    run: Run,
}

#[derive(Deserialize)]
struct ArtifactList {
    #[serde(default)]
    files: Vec<ArtifactFile>,
}

#[derive(Deserialize)]
struct ArtifactFile {
    path: String,
    #[serde(default)]
    is_dir: bool,
    #[serde(default)]
    file_size: Option<u64>,
}

struct Server {
    base: String,
    auth: Auth,
}

fn server(f: &Fetcher) -> Result<Server, SourceError> {
    let env = &f.settings.env;
    let Some(uri) = env.get("MLFLOW_TRACKING_URI") else {
        return Err(SourceError::MissingCredential {
            what: "models:/ and runs:/ sources need the MLflow tracking server".into(),
            variable: "MLFLOW_TRACKING_URI",
        });
    };
    if !(uri.starts_with("http://") || uri.starts_with("https://")) {
        return Err(SourceError::InvalidUri {
            uri: crate::redact::url(uri),
            reason: "MLFLOW_TRACKING_URI must be an http(s) tracking server".into(),
        });
    }
    let auth = if let Some(t) = env.get("MLFLOW_TRACKING_TOKEN") {
        Auth::Bearer(Secret::new(t))
    } else if let (Some(u), Some(p)) = (
        env.get("MLFLOW_TRACKING_USERNAME"),
        env.get("MLFLOW_TRACKING_PASSWORD"),
    ) {
        Auth::Basic {
            user: u.to_string(),
            password: Secret::new(p),
        }
    } else {
        Auth::None
    };
    Ok(Server {
        base: uri.trim_end_matches('/').to_string(),
        auth,
    })
}

fn q(s: &str) -> String {
    hf::encode(s)
}

pub(crate) async fn list_model(
    f: &Fetcher,
    name: &str,
    selector: &ModelSelector,
) -> Result<Vec<RemoteFile>, SourceError> {
    let s = server(f)?;
    let api = format!("{}/api/2.0/mlflow", s.base);
    let mv: ModelVersion = match selector {
        ModelSelector::Version(v) => {
            let url = format!("{api}/model-versions/get?name={}&version={}", q(name), q(v));
            f.http
                .get_json::<OneVersion>(&url, &s.auth)
                .await?
                .model_version
        }
        ModelSelector::Alias(a) => {
            let url = format!(
                "{api}/registered-models/alias?name={}&alias={}",
                q(name),
                q(a)
            );
            f.http
                .get_json::<OneVersion>(&url, &s.auth)
                .await?
                .model_version
        }
        ModelSelector::Stage(stage) => {
            let url = format!("{api}/registered-models/get-latest-versions");
            let body = if stage.eq_ignore_ascii_case("latest") {
                serde_json::json!({ "name": name })
            } else {
                serde_json::json!({ "name": name, "stages": [stage] })
            };
            let all: LatestVersions = f.http.post_json(&url, &s.auth, &body).await?;
            all.model_versions
                .into_iter()
                .max_by_key(|m| m.version.parse::<u64>().unwrap_or(0))
                .ok_or_else(|| SourceError::NotFound {
                    url: format!("models:/{name}/{stage}"),
                })?
        }
    };
    let url = format!(
        "{api}/model-versions/get-download-uri?name={}&version={}",
        q(&mv.name),
        q(&mv.version)
    );
    let uri: DownloadUri = f.http.get_json(&url, &s.auth).await?;
    let display = format!("models:/{}/{}", mv.name, mv.version);
    let mut meta = BTreeMap::from([
        ("source.type".to_string(), "mlflow".to_string()),
        ("source.model".to_string(), mv.name.clone()),
        ("source.revision".to_string(), mv.version.clone()),
    ]);
    if let Some(r) = &mv.run_id {
        meta.insert("source.run_id".into(), r.clone());
    }
    artifacts(f, &s, &uri.artifact_uri, "", &display, meta).await
}

pub(crate) async fn list_run(
    f: &Fetcher,
    run_id: &str,
    path: &str,
) -> Result<Vec<RemoteFile>, SourceError> {
    let s = server(f)?;
    let url = format!("{}/api/2.0/mlflow/runs/get?run_id={}", s.base, q(run_id));
    let run: GetRun = f.http.get_json(&url, &s.auth).await?;
    let display = if path.trim_matches('/').is_empty() {
        format!("runs:/{run_id}")
    } else {
        format!("runs:/{run_id}/{}", path.trim_matches('/'))
    };
    let meta = BTreeMap::from([
        ("source.type".to_string(), "mlflow".to_string()),
        ("source.run_id".to_string(), run_id.to_string()),
        ("source.revision".to_string(), run_id.to_string()),
    ]);
    artifacts(f, &s, &run.run.info.artifact_uri, path, &display, meta).await
}

/// The files under `root`/`sub`, shown under `display`.
async fn artifacts(
    f: &Fetcher,
    s: &Server,
    root: &str,
    sub: &str,
    display: &str,
    meta: BTreeMap<String, String>,
) -> Result<Vec<RemoteFile>, SourceError> {
    let root = root.trim_end_matches('/');
    let sub = sub.trim_matches('/');
    if let Some(rest) = root.strip_prefix("mlflow-artifacts:") {
        // `mlflow-artifacts:/0/<run>/artifacts` or `mlflow-artifacts://host/0/…`.
        let rest = match rest.strip_prefix("//") {
            Some(with_host) => with_host.split_once('/').map_or("", |(_, p)| p),
            None => rest,
        };
        let mut base = rest.trim_matches('/').to_string();
        if !sub.is_empty() {
            base = format!("{base}/{sub}");
        }
        return proxied(f, s, &base, display, meta).await;
    }
    if root.contains("://") {
        let full = if sub.is_empty() {
            root.to_string()
        } else {
            format!("{root}/{sub}")
        };
        if let Ok(Source::Object {
            scheme,
            bucket,
            key,
        }) = Source::parse(&full)
        {
            let (store, endpoint) = object::build(&f.settings, scheme, &bucket)?;
            let strip = Source::parse(root)
                .ok()
                .and_then(|src| match src {
                    Source::Object { key, .. } => Some(key),
                    _ => None,
                })
                .unwrap_or_default();
            let mut files = object::list_in(
                store,
                &endpoint,
                scheme,
                &bucket,
                &key,
                Some((&strip, display)),
            )
            .await?;
            for file in &mut files {
                for (k, v) in &meta {
                    file.metadata.insert(k.clone(), v.clone());
                }
            }
            return Ok(files);
        }
    }
    Err(SourceError::InvalidUri {
        uri: crate::redact::url(root),
        reason: "this artifact location cannot be read remotely; serve artifacts through the tracking server (`mlflow server --serve-artifacts`) or store them in s3://, gs:// or az://".into(),
    })
}

/// Walks the tracking server's artifact proxy under `base`.
async fn proxied(
    f: &Fetcher,
    s: &Server,
    base: &str,
    display: &str,
    meta: BTreeMap<String, String>,
) -> Result<Vec<RemoteFile>, SourceError> {
    let api = format!("{}/api/2.0/mlflow-artifacts/artifacts", s.base);
    let mut files = Vec::new();
    let mut dirs = vec![(base.to_string(), 0usize)];
    while let Some((dir, depth)) = dirs.pop() {
        let url = format!("{api}?path={}", q(&dir));
        let listing: ArtifactList = f.http.get_json(&url, &s.auth).await?;
        if listing.files.is_empty() && dir == base && !base.is_empty() {
            // The URI names one file rather than a directory.
            let name = base.rsplit('/').next().unwrap_or(base);
            files.push(remote(f, s, &api, base, name, None, display, &meta));
        }
        for a in listing.files {
            // Listings give paths relative to the listed directory.
            let rel = a.path.rsplit('/').next().unwrap_or(&a.path);
            if rel.is_empty() || rel == ".." || rel == "." {
                continue;
            }
            let full = if dir.is_empty() {
                rel.to_string()
            } else {
                format!("{dir}/{rel}")
            };
            if a.is_dir {
                if depth < MAX_DEPTH {
                    dirs.push((full, depth + 1));
                }
                continue;
            }
            let shown_rel = full
                .strip_prefix(base)
                .unwrap_or(&full)
                .trim_start_matches('/')
                .to_string();
            files.push(remote(
                f,
                s,
                &api,
                &full,
                &shown_rel,
                a.file_size,
                display,
                &meta,
            ));
            if files.len() > MAX_FILES {
                return Err(SourceError::protocol(
                    &url,
                    format!("more than {MAX_FILES} artifacts"),
                ));
            }
        }
    }
    if files.is_empty() {
        return Err(SourceError::Empty {
            uri: display.to_string(),
        });
    }
    Ok(files)
}

#[allow(clippy::too_many_arguments)]
fn remote(
    f: &Fetcher,
    s: &Server,
    api: &str,
    full: &str,
    rel: &str,
    size: Option<u64>,
    display: &str,
    meta: &BTreeMap<String, String>,
) -> RemoteFile {
    let _ = f;
    let url = format!(
        "{api}/{}",
        full.split('/').map(q).collect::<Vec<_>>().join("/")
    );
    let mut metadata = meta.clone();
    metadata.insert("source.url".into(), format!("mlflow-artifacts:/{full}"));
    RemoteFile {
        display: format!("{display}/{rel}"),
        name: safe_name(rel),
        size,
        metadata,
        locator: Locator::Http {
            url: url.clone(),
            auth: s.auth.clone(),
        },
        expected_sha256: None,
        // Registered versions and run artifacts are written once.
        cache_key: Some((
            format!("mlflow|{}|{full}|{}", s.base, size.unwrap_or(0)),
            Freshness::Immutable,
        )),
        expected_commit: None,
    }
}
