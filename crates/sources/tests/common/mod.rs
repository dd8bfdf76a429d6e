//! Local servers for the source tests, on 127.0.0.1 only: the parts of the
//! Hugging Face Hub API, JFrog Artifactory and the MLflow REST API that
//! sentrascan-sources uses, plus misbehaving endpoints (404, 503 once,
//! stalls, redirects to another host).
#![allow(dead_code)]

pub mod moto;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
pub const HF_TOKEN: &str = "hf_test_token_value";
pub const ART_KEY: &str = "art-api-key-value";
pub const ART_TOKEN: &str = "art-bearer-value";
pub const MLFLOW_TOKEN: &str = "mlflow-token-value";

/// A pickle that calls `os.system` (harmless payload), from the fixtures.
pub fn malicious_pickle() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/pickle/PKL001_inst_os_system.pkl"
    ))
    .expect("fixture")
}

pub const CONFIG: &[u8] = br#"{"model_type": "bert", "hidden_size": 8}"#;

pub fn sha256(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub struct Files {
    /// Hub repositories: repo -> (path -> bytes).
    pub hf: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// MLflow artifacts under `0/run1/artifacts/`.
    pub mlflow: BTreeMap<String, Vec<u8>>,
    /// Served at `/files/<name>` (plain HTTP, with an ETag).
    pub plain: BTreeMap<String, Vec<u8>>,
}

pub struct Srv {
    pub files: Files,
    /// Requests per path.
    pub hits: Mutex<BTreeMap<String, usize>>,
    /// The other loopback name, to redirect across hosts.
    pub other_origin: Mutex<String>,
    pub flaky: AtomicUsize,
    /// The Hub returns a wrong LFS digest for this file.
    pub lie_about: Option<String>,
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub state: Arc<Srv>,
}

impl TestServer {
    pub fn start(files: Files) -> TestServer {
        Self::start_with(files, None)
    }

    pub fn start_with(files: Files, lie_about: Option<String>) -> TestServer {
        let state = Arc::new(Srv {
            files,
            hits: Mutex::new(BTreeMap::new()),
            other_origin: Mutex::new(String::new()),
            flaky: AtomicUsize::new(0),
            lie_about,
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let st = Arc::clone(&state);
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = axum::Router::new().fallback(handle).with_state(st);
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        *state.other_origin.lock().unwrap() = format!("http://localhost:{}", addr.port());
        TestServer { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

pub fn default_files() -> Files {
    let mut repo = BTreeMap::new();
    repo.insert("config.json".to_string(), CONFIG.to_vec());
    repo.insert("weights/model.pkl".to_string(), malicious_pickle());
    let mut hf = BTreeMap::new();
    hf.insert("org/repo".to_string(), repo.clone());
    hf.insert("org/private".to_string(), repo);
    let mut mlflow = BTreeMap::new();
    mlflow.insert(
        "model/MLmodel".to_string(),
        b"flavors:\n  python_function: {}\n".to_vec(),
    );
    mlflow.insert("model/data/model.pkl".to_string(), malicious_pickle());
    let mut plain = BTreeMap::new();
    plain.insert("model.pkl".to_string(), malicious_pickle());
    plain.insert("config.json".to_string(), CONFIG.to_vec());
    Files { hf, mlflow, plain }
}

fn json(v: serde_json::Value) -> Response {
    (
        [("content-type", "application/json")],
        serde_json::to_vec(&v).unwrap(),
    )
        .into_response()
}

fn status(code: StatusCode) -> Response {
    code.into_response()
}

fn bearer(h: &HeaderMap) -> Option<String> {
    h.get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}

fn query(uri: &Uri) -> BTreeMap<String, String> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

async fn handle(
    State(st): State<Arc<Srv>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    *st.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let q = query(&uri);

    // --- Hugging Face Hub -------------------------------------------------
    if let Some(rest) = path.strip_prefix("/api/models/") {
        let Some((repo, rev)) = rest.split_once("/revision/") else {
            return status(StatusCode::NOT_FOUND);
        };
        let Some(files) = st.files.hf.get(repo) else {
            return status(StatusCode::UNAUTHORIZED); // the Hub hides what it does not have
        };
        if repo == "org/private" && bearer(&headers).as_deref() != Some(HF_TOKEN) {
            return status(StatusCode::UNAUTHORIZED);
        }
        if rev != "main" && rev != COMMIT && rev != "v1.0" {
            return status(StatusCode::NOT_FOUND);
        }
        let siblings: Vec<_> = files
            .iter()
            .map(|(name, bytes)| {
                if name.ends_with(".pkl") {
                    let sha = if st.lie_about.as_deref() == Some(name) {
                        "0".repeat(64)
                    } else {
                        sha256(bytes)
                    };
                    serde_json::json!({"rfilename": name, "size": bytes.len(),
                        "lfs": {"sha256": sha, "size": bytes.len(), "pointerSize": 134}})
                } else {
                    serde_json::json!({"rfilename": name, "size": bytes.len()})
                }
            })
            .collect();
        return json(serde_json::json!({"id": repo, "sha": COMMIT, "siblings": siblings}));
    }
    if let Some((repo, file)) = path.split_once(&format!("/resolve/{COMMIT}/")) {
        let repo = repo.trim_start_matches('/');
        let Some(bytes) = st.files.hf.get(repo).and_then(|f| f.get(file)) else {
            return status(StatusCode::NOT_FOUND);
        };
        if repo == "org/private" && bearer(&headers).as_deref() != Some(HF_TOKEN) {
            return status(StatusCode::UNAUTHORIZED);
        }
        // LFS files live on a CDN (another host); small files are served here.
        if file.ends_with(".pkl") {
            let to = format!(
                "{}/cdn/{}?X-Amz-Signature=sekrit",
                st.other_origin.lock().unwrap(),
                sha256(bytes)
            );
            return Response::builder()
                .status(StatusCode::FOUND)
                .header("location", to)
                .header("x-repo-commit", COMMIT)
                .body(Body::empty())
                .unwrap();
        }
        return Response::builder()
            .header("x-repo-commit", COMMIT)
            .header("etag", format!("\"{}\"", sha256(bytes)))
            .body(Body::from(bytes.clone()))
            .unwrap();
    }
    if let Some(sha) = path.strip_prefix("/cdn/") {
        // A CDN must never see the Hub token.
        if headers.contains_key("authorization") {
            return (StatusCode::BAD_REQUEST, "credential leaked to the CDN").into_response();
        }
        for files in st.files.hf.values() {
            if let Some(b) = files.values().find(|b| sha256(b) == sha) {
                return Response::builder()
                    .header("etag", format!("\"{sha}\""))
                    .body(Body::from(b.clone()))
                    .unwrap();
            }
        }
        return status(StatusCode::NOT_FOUND);
    }

    // --- JFrog Artifactory ------------------------------------------------
    if let Some(name) = path.strip_prefix("/artifactory/models/") {
        let key_ok = headers.get("x-jfrog-art-api").and_then(|v| v.to_str().ok()) == Some(ART_KEY);
        let token_ok = bearer(&headers).as_deref() == Some(ART_TOKEN);
        if !key_ok && !token_ok {
            return status(StatusCode::UNAUTHORIZED);
        }
        return match st.files.plain.get(name) {
            Some(b) => b.clone().into_response(),
            None => status(StatusCode::NOT_FOUND),
        };
    }

    // --- Plain files, with ETags and misbehaviour ---------------------------
    if let Some(name) = path.strip_prefix("/files/") {
        let Some(b) = st.files.plain.get(name) else {
            return status(StatusCode::NOT_FOUND);
        };
        let etag = format!("\"{}\"", &sha256(b)[..16]);
        if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
            return status(StatusCode::NOT_MODIFIED);
        }
        return Response::builder()
            .header("etag", etag)
            .body(Body::from(b.clone()))
            .unwrap();
    }
    if let Some(name) = path.strip_prefix("/moved/") {
        return Response::builder()
            .status(StatusCode::MOVED_PERMANENTLY)
            .header("location", format!("/files/{name}"))
            .body(Body::empty())
            .unwrap();
    }
    if let Some(name) = path.strip_prefix("/flaky/") {
        if st.flaky.fetch_add(1, Ordering::SeqCst) == 0 {
            return status(StatusCode::SERVICE_UNAVAILABLE);
        }
        return st
            .files
            .plain
            .get(name)
            .cloned()
            .unwrap_or_default()
            .into_response();
    }
    if path.starts_with("/always-503/") {
        return status(StatusCode::SERVICE_UNAVAILABLE);
    }
    if path.starts_with("/stall/") {
        tokio::time::sleep(Duration::from_secs(30)).await;
        return status(StatusCode::OK);
    }
    if path.starts_with("/big/") {
        // Claims and sends more than the tests' size limit.
        return vec![0u8; 4096].into_response();
    }

    // --- MLflow -------------------------------------------------------------
    if path.starts_with("/api/2.0/mlflow") {
        if bearer(&headers).as_deref() != Some(MLFLOW_TOKEN) {
            return status(StatusCode::UNAUTHORIZED);
        }
        let version = |v: &str| {
            serde_json::json!({"name": "fraud", "version": v, "run_id": "run1",
                "source": "mlflow-artifacts:/0/run1/artifacts/model", "current_stage": "Production"})
        };
        match (method.clone(), path.as_str()) {
            (Method::GET, "/api/2.0/mlflow/model-versions/get") => {
                return match (
                    q.get("name").map(String::as_str),
                    q.get("version").map(String::as_str),
                ) {
                    (Some("fraud"), Some(v @ ("2" | "3"))) => {
                        json(serde_json::json!({"model_version": version(v)}))
                    }
                    _ => json_error(StatusCode::NOT_FOUND),
                };
            }
            (Method::GET, "/api/2.0/mlflow/registered-models/alias") => {
                return match (
                    q.get("name").map(String::as_str),
                    q.get("alias").map(String::as_str),
                ) {
                    (Some("fraud"), Some("champion")) => {
                        json(serde_json::json!({"model_version": version("3")}))
                    }
                    _ => json_error(StatusCode::NOT_FOUND),
                };
            }
            (Method::POST, "/api/2.0/mlflow/registered-models/get-latest-versions") => {
                let req: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                if req["name"] != "fraud" {
                    return json_error(StatusCode::NOT_FOUND);
                }
                return json(serde_json::json!({"model_versions": [version("2"), version("3")]}));
            }
            (Method::GET, "/api/2.0/mlflow/model-versions/get-download-uri") => {
                return json(
                    serde_json::json!({"artifact_uri": "mlflow-artifacts:/0/run1/artifacts/model"}),
                );
            }
            (Method::GET, "/api/2.0/mlflow/runs/get") => {
                return if q.get("run_id").map(String::as_str) == Some("run1") {
                    json(serde_json::json!({"run": {"info": {"run_id": "run1",
                        "artifact_uri": "mlflow-artifacts:/0/run1/artifacts"}}}))
                } else {
                    json_error(StatusCode::NOT_FOUND)
                };
            }
            (Method::GET, "/api/2.0/mlflow-artifacts/artifacts") => {
                let dir = q.get("path").cloned().unwrap_or_default();
                let Some(rel) = dir
                    .strip_prefix("0/run1/artifacts")
                    .map(|r| r.trim_start_matches('/'))
                else {
                    return json(serde_json::json!({}));
                };
                let mut seen = std::collections::BTreeSet::new();
                let mut files = Vec::new();
                for (name, bytes) in &st.files.mlflow {
                    let Some(below) = (if rel.is_empty() {
                        Some(name.as_str())
                    } else {
                        name.strip_prefix(&format!("{rel}/"))
                    }) else {
                        continue;
                    };
                    match below.split_once('/') {
                        Some((d, _)) => {
                            if seen.insert(d.to_string()) {
                                files.push(serde_json::json!({"path": d, "is_dir": true}));
                            }
                        }
                        None => files.push(serde_json::json!({"path": below, "is_dir": false, "file_size": bytes.len()})),
                    }
                }
                return json(serde_json::json!({"files": files}));
            }
            _ => {}
        }
        if let Some(rel) =
            path.strip_prefix("/api/2.0/mlflow-artifacts/artifacts/0/run1/artifacts/")
        {
            return match st.files.mlflow.get(rel) {
                Some(b) => b.clone().into_response(),
                None => status(StatusCode::NOT_FOUND),
            };
        }
        return json_error(StatusCode::NOT_FOUND);
    }
    status(StatusCode::NOT_FOUND)
}

fn json_error(code: StatusCode) -> Response {
    (
        code,
        [("content-type", "application/json")],
        r#"{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "not found"}"#,
    )
        .into_response()
}
