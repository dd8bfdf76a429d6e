//! Where models live. `sentrascan-sources` turns a scan argument
//! (`hf://org/repo`, `models:/fraud/3`, `runs:/…`, `s3://bucket/prefix`,
//! `gs://…`, `az://…`, `https://…`) into files on local disk, one at a time,
//! through a content-addressed cache that is verified on every reuse.
//!
//! It is the only crate of the workspace with network clients: the engine
//! scans local bytes and never learns where they came from, apart from the
//! display path and the `source.*` facts the caller puts in the report.
//!
//! ```no_run
//! use sentrascan_sources::{Fetcher, Settings, Source};
//! let fetcher = Fetcher::new(Settings::default())?;
//! let source = Source::parse("hf://org/repo@main")?;
//! for file in fetcher.list(&source)? {
//!     let local = fetcher.fetch(&file, "")?;
//!     println!("{} -> {}", file.display, local.path.display());
//! }
//! # Ok::<(), sentrascan_sources::SourceError>(())
//! ```

mod cache;
mod digest;
mod error;
mod fetch;
mod hf;
mod http;
mod mlflow;
mod object;
mod progress;
pub mod redact;
mod settings;
mod source;

pub use cache::{Cache, CacheEntry, PruneSummary};
pub use digest::FileDigests;
pub use error::SourceError;
pub use fetch::{Fetched, Fetcher, RemoteFile};
pub use settings::{Env, STREAM_THRESHOLD, Settings, default_cache_dir};
pub use source::{HfKind, HfRef, ModelSelector, ObjectScheme, Source};

/// The object store behind `s3://`, `gs://` or `az://` `bucket`, configured
/// from `settings` (its environment). Returns the store and the endpoint it
/// talks to. For tests and tools that need to write to the same store.
pub fn object_store_for(
    settings: &Settings,
    scheme: ObjectScheme,
    bucket: &str,
) -> Result<(std::sync::Arc<dyn object_store::ObjectStore>, String), SourceError> {
    object::build(settings, scheme, bucket)
}
