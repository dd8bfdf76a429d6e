//! Why a source could not be listed or a file could not be fetched.

use std::path::PathBuf;

/// A failure to resolve a source or fetch one of its files. Every message
/// names the source (with secrets removed) and, for a missing credential,
/// the variable to set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error(
        "unknown source scheme `{scheme}://` in `{uri}` (supported: hf://, models:/, runs:/, s3://, gs://, az://, https://, http://, file paths)"
    )]
    UnknownScheme { scheme: String, uri: String },
    #[error("`{uri}` is not a valid source: {reason}")]
    InvalidUri { uri: String, reason: String },
    #[error("{what} needs a credential: set {variable}")]
    MissingCredential {
        what: String,
        variable: &'static str,
    },
    #[error("{url}: access denied (HTTP {status}){hint}")]
    Denied {
        url: String,
        status: u16,
        hint: String,
    },
    #[error("{url}: not found (HTTP 404)")]
    NotFound { url: String },
    #[error("{url}: HTTP {status}")]
    Http { url: String, status: u16 },
    #[error("{url}: timed out after {seconds} s")]
    Timeout { url: String, seconds: u64 },
    #[error("{url}: {message}")]
    Network { url: String, message: String },
    #[error("{url}: {size} bytes is over the download limit of {limit} bytes")]
    TooLarge { url: String, size: u64, limit: u64 },
    #[error("{url}: SHA-256 {actual} does not match the expected {expected}")]
    Checksum {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("{url}: unexpected response: {message}")]
    Protocol { url: String, message: String },
    #[error("{url}: {message}")]
    ObjectStore { url: String, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{uri}: nothing to scan (no files under this source)")]
    Empty { uri: String },
}

impl SourceError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SourceError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn protocol(url: &str, message: impl Into<String>) -> Self {
        SourceError::Protocol {
            url: crate::redact::url(url),
            message: message.into(),
        }
    }
}
