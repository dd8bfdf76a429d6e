//! From a [`Source`] to local files: list what it holds, then fetch one file
//! at a time into the cache (or, when streaming, a temporary directory that
//! is deleted once the file has been scanned).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cache::Cache;
use crate::error::SourceError;
use crate::http::{Auth, Http};
use crate::progress::Progress;
use crate::redact;
use crate::settings::Settings;
use crate::source::Source;
use crate::{hf, mlflow, object};

/// One file a source holds, not yet downloaded.
#[derive(Debug, Clone)]
pub struct RemoteFile {
    /// Where the file came from, as reports show it
    /// (`hf://org/repo@<commit>/model.safetensors`).
    pub display: String,
    /// The file's own name, kept for the scan (extensions are hints).
    pub name: String,
    pub size: Option<u64>,
    /// `source.*` facts for the file's report: `source.url`,
    /// `source.revision` (the resolved commit or version), …
    pub metadata: BTreeMap<String, String>,
    pub(crate) locator: Locator,
    pub(crate) expected_sha256: Option<String>,
    /// Key of the cache entry and whether it can be reused without asking
    /// the server (the key pins an immutable version).
    pub(crate) cache_key: Option<(String, Freshness)>,
    /// A commit the server must confirm (`X-Repo-Commit`).
    pub(crate) expected_commit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// The key names immutable content.
    Immutable,
    /// Ask the server with the stored ETag (`If-None-Match`).
    Revalidate,
}

#[derive(Clone)]
pub(crate) enum Locator {
    Http {
        url: String,
        auth: Auth,
    },
    Object {
        store: Arc<dyn object_store::ObjectStore>,
        path: object_store::path::Path,
        url: String,
    },
}

impl std::fmt::Debug for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Locator::Http { url, auth } => f
                .debug_struct("Http")
                .field("url", &redact::url(url))
                .field("auth", auth)
                .finish(),
            Locator::Object { url, .. } => f.debug_struct("Object").field("url", url).finish(),
        }
    }
}

/// A file on local disk, ready to scan. Dropping it deletes the temporary
/// copy (a streamed download, or the link to a cache blob).
#[derive(Debug)]
pub struct Fetched {
    /// The file, named as in the source.
    pub path: PathBuf,
    /// As [`Settings`] asked; SHA-256 always for a cached file. SHA-1 and
    /// MD5 only for a file downloaded now (not served from the cache).
    pub digests: crate::digest::FileDigests,
    pub size: u64,
    /// Served from the cache without a download.
    pub from_cache: bool,
    /// Deleted after the scan rather than kept in the cache.
    pub streamed: bool,
    _dir: tempfile::TempDir,
}

/// Lists and fetches files from sources. Holds the one async runtime of
/// the process, on the calling thread.
pub struct Fetcher {
    rt: tokio::runtime::Runtime,
    pub(crate) http: Http,
    cache: Option<Cache>,
    pub(crate) settings: Settings,
}

impl Fetcher {
    pub fn new(settings: Settings) -> Result<Fetcher, SourceError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| SourceError::io("<runtime>", e))?;
        let http = {
            let _guard = rt.enter();
            Http::new(&settings)?
        };
        let cache = match &settings.cache_dir {
            Some(d) => Some(Cache::open(d)?),
            None => None,
        };
        Ok(Fetcher {
            rt,
            http,
            cache,
            settings,
        })
    }

    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    /// The files `source` holds, in a stable order.
    pub fn list(&self, source: &Source) -> Result<Vec<RemoteFile>, SourceError> {
        self.rt.block_on(self.list_async(source))
    }

    pub(crate) async fn list_async(&self, source: &Source) -> Result<Vec<RemoteFile>, SourceError> {
        let mut files = match source {
            Source::Local(p) => {
                return Err(SourceError::InvalidUri {
                    uri: p.display().to_string(),
                    reason: "a local path is scanned directly".into(),
                });
            }
            Source::Http { url } => vec![self.http_file(url)?],
            Source::HuggingFace(r) => hf::list(self, r).await?,
            Source::MlflowModel { name, selector } => {
                mlflow::list_model(self, name, selector).await?
            }
            Source::MlflowRun { run_id, path } => mlflow::list_run(self, run_id, path).await?,
            Source::Object {
                scheme,
                bucket,
                key,
            } => object::list(self, *scheme, bucket, key).await?,
        };
        files.sort_by(|a, b| a.display.cmp(&b.display));
        Ok(files)
    }

    /// A plain `http(s)://` file; JFrog Artifactory credentials are sent
    /// when set.
    fn http_file(&self, url: &str) -> Result<RemoteFile, SourceError> {
        let env = &self.settings.env;
        let auth = if let Some(t) = env
            .get("ARTIFACTORY_ACCESS_TOKEN")
            .or(env.get("ARTIFACTORY_TOKEN"))
        {
            Auth::Bearer(redact::Secret::new(t))
        } else if let Some(k) = env.get("ARTIFACTORY_API_KEY") {
            Auth::Header("X-JFrog-Art-Api", redact::Secret::new(k))
        } else {
            Auth::None
        };
        if url.starts_with("http:") && !self.settings.quiet {
            eprintln!(
                "warning: {} is plain http: the download is neither private nor authenticated",
                redact::url(url)
            );
        }
        let shown = redact::url(url);
        let name = url::Url::parse(url)
            .ok()
            .and_then(|u| u.path_segments()?.next_back().map(str::to_string))
            .unwrap_or_default();
        Ok(RemoteFile {
            display: shown.clone(),
            name: safe_name(&name),
            size: None,
            metadata: BTreeMap::from([
                ("source.type".to_string(), "http".to_string()),
                ("source.url".to_string(), shown.clone()),
            ]),
            locator: Locator::Http {
                url: url.to_string(),
                auth,
            },
            expected_sha256: None,
            cache_key: Some((format!("http|{url}"), Freshness::Revalidate)),
            expected_commit: None,
        })
    }

    /// Fetches one file. `label` prefixes the progress line (`[3/10]`).
    pub fn fetch(&self, file: &RemoteFile, label: &str) -> Result<Fetched, SourceError> {
        self.rt.block_on(self.fetch_async(file, label))
    }

    async fn fetch_async(&self, file: &RemoteFile, label: &str) -> Result<Fetched, SourceError> {
        let streamed = self.settings.stream
            || file
                .size
                .is_some_and(|s| s > self.settings.stream_threshold);
        let cache = self.cache.as_ref().filter(|_| !streamed);
        let tmp_root = match cache {
            Some(c) => c.tmp_dir(),
            None => std::env::temp_dir(),
        };
        let dir = tempfile::Builder::new()
            .prefix("sentrascan-")
            .tempdir_in(&tmp_root)
            .map_err(|e| SourceError::io(&tmp_root, e))?;
        let target = dir.path().join(&file.name);
        let mut known = None;
        if let (Some(c), Some((key, fresh))) = (cache, &file.cache_key)
            && let Some((entry, blob)) = c.lookup(key)
        {
            if *fresh == Freshness::Immutable {
                link_or_copy(&blob, &target)?;
                return Ok(Fetched {
                    path: target,
                    digests: crate::digest::FileDigests {
                        sha256: entry.sha256,
                        ..Default::default()
                    },
                    size: entry.size,
                    from_cache: true,
                    streamed: false,
                    _dir: dir,
                });
            }
            known = Some((entry, blob));
        }
        let mut progress =
            Progress::new(self.settings.progress, format!("{label} {}", file.display));
        let out = std::fs::File::create(&target).map_err(|e| SourceError::io(&target, e))?;
        let etag = known.as_ref().and_then(|(e, _)| e.etag.clone());
        let want256 = self.settings.sha256 || cache.is_some() || file.expected_sha256.is_some();
        let got = match &file.locator {
            Locator::Http { url, auth } => {
                self.http
                    .download(url, auth, etag.as_deref(), &out, &mut progress, want256)
                    .await?
            }
            Locator::Object { store, path, url } => Some(
                object::download(
                    self,
                    store.as_ref(),
                    path,
                    url,
                    &out,
                    &mut progress,
                    want256,
                )
                .await?,
            ),
        };
        progress.finish();
        drop(out);
        let Some(got) = got else {
            // 304: the cached copy is current.
            let (entry, blob) = known.ok_or_else(|| {
                SourceError::protocol(&file.display, "HTTP 304 without a cached copy")
            })?;
            let _ = std::fs::remove_file(&target);
            link_or_copy(&blob, &target)?;
            return Ok(Fetched {
                path: target,
                digests: crate::digest::FileDigests {
                    sha256: entry.sha256,
                    ..Default::default()
                },
                size: entry.size,
                from_cache: true,
                streamed: false,
                _dir: dir,
            });
        };
        if let Some(want) = &file.expected_sha256
            && !want.eq_ignore_ascii_case(&got.digests.sha256)
        {
            return Err(SourceError::Checksum {
                url: file.display.clone(),
                expected: want.clone(),
                actual: got.digests.sha256,
            });
        }
        if let Some(commit) = &file.expected_commit
            && let Some(served) = got
                .headers
                .get("x-repo-commit")
                .and_then(|v| v.to_str().ok())
            && served != commit
        {
            return Err(SourceError::protocol(
                &file.display,
                format!("the server sent commit {served}, not the pinned {commit}"),
            ));
        }
        // A file whose size was unknown until it arrived (a plain URL) and
        // that is over the threshold is not kept either.
        let cache = cache.filter(|_| got.size <= self.settings.stream_threshold);
        if let (Some(c), Some((key, _))) = (cache, &file.cache_key) {
            // Into the cache, then linked back for the scan.
            let blob = c.insert(
                key,
                &file.display,
                got.etag.clone(),
                &target,
                &got.digests.sha256,
                got.size,
            )?;
            link_or_copy(&blob, &target)?;
        }
        Ok(Fetched {
            path: target,
            digests: got.digests,
            size: got.size,
            from_cache: false,
            streamed: cache.is_none(),
            _dir: dir,
        })
    }
}

/// A hard link when the file system allows it, else a copy.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), SourceError> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| SourceError::io(to, e))
}

/// A file name safe to create: the last path segment, without separators
/// or leading dots that would make it hidden or relative.
pub(crate) fn safe_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_control() || c == ':' { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() {
        "download".to_string()
    } else {
        cleaned.chars().take(200).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        assert_eq!(safe_name("a/b/model.pt"), "model.pt");
        assert_eq!(safe_name("../.."), "download");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name(""), "download");
    }
}
