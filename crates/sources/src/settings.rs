//! How sources fetch: cache, streaming, limits, timeouts, retries, and the
//! environment credentials are read from.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Files larger than this are streamed (downloaded, scanned, deleted, never
/// cached) even without `--stream`.
pub const STREAM_THRESHOLD: u64 = 1_000_000_000;

/// Fetch settings. [`Settings::default`] reads the process environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Cache directory; `None` caches nothing.
    pub cache_dir: Option<PathBuf>,
    /// Stream every file (see [`STREAM_THRESHOLD`] for the automatic case).
    pub stream: bool,
    pub stream_threshold: u64,
    /// Largest single download accepted.
    pub max_download_bytes: u64,
    pub connect_timeout: Duration,
    /// Time without data before a request fails.
    pub read_timeout: Duration,
    /// Further attempts after a transient failure.
    pub retries: u32,
    /// First wait between attempts; doubled each time.
    pub backoff: Duration,
    /// Digests computed while downloading. SHA-256 is computed regardless
    /// when the file goes to the cache or has a digest to match.
    pub sha256: bool,
    pub sha1: bool,
    pub md5: bool,
    /// Draw progress on standard error.
    pub progress: bool,
    /// No warnings on standard error.
    pub quiet: bool,
    pub env: Env,
}

impl Default for Settings {
    fn default() -> Self {
        let env = Env::from_process();
        Settings {
            cache_dir: default_cache_dir(&env),
            stream: false,
            stream_threshold: STREAM_THRESHOLD,
            max_download_bytes: 100 << 30,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_millis(500),
            sha256: true,
            sha1: false,
            md5: false,
            progress: false,
            quiet: false,
            env,
        }
    }
}

/// The cache directory when none is given: `$XDG_CACHE_HOME/sentrascan-model`,
/// else `~/.cache/sentrascan-model` (`%LOCALAPPDATA%` on Windows,
/// `~/Library/Caches` on macOS).
pub fn default_cache_dir(env: &Env) -> Option<PathBuf> {
    let base = if let Some(x) = env.get("XDG_CACHE_HOME") {
        PathBuf::from(x)
    } else if cfg!(windows) {
        PathBuf::from(env.get("LOCALAPPDATA")?)
    } else if cfg!(target_os = "macos") {
        PathBuf::from(env.get("HOME")?).join("Library/Caches")
    } else {
        PathBuf::from(env.get("HOME")?).join(".cache")
    };
    Some(base.join("sentrascan-model"))
}

/// A snapshot of environment variables. Its `Debug` lists names only, since
/// values may be credentials.
#[derive(Clone, Default)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    pub fn from_process() -> Env {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Env {
        Env(pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect())
    }

    /// A variable's value, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// Variables whose name starts with `prefix`.
    pub fn with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0
            .iter()
            .filter(move |(k, v)| k.starts_with(prefix) && !v.is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}
