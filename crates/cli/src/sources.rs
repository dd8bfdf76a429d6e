//! Scan arguments that name remote sources: each file is fetched through
//! sentrascan-sources (cache, streaming, credentials) and scanned under the
//! path it has at its source, with `source.*` facts in its report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sentrascan_core::{Digests, ScanOptions, ScanPart, Scanner};
use sentrascan_sources::{Fetcher, Settings, Source};
use sentrascan_types::ScanReport;

/// Options of remote sources.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FetchArgs {
    /// Download, scan and delete remote files one at a time, never keeping
    /// them (automatic for files over 1 GB).
    #[arg(long)]
    pub stream: bool,
    /// Largest remote file downloaded (default 100GiB).
    #[arg(long, value_name = "SIZE", value_parser = crate::parse_size)]
    pub max_download_size: Option<u64>,
    /// Seconds a download may go without data before it fails (default 60).
    #[arg(long, value_name = "SECONDS")]
    pub download_timeout: Option<u64>,
}

/// Whether any argument is a remote source (or looks like one with a
/// scheme we do not know, which is then reported as such).
pub fn any_remote(paths: &[PathBuf]) -> bool {
    paths.iter().any(|p| {
        p.to_str()
            .is_some_and(|s| Source::parse(s).map_or(true, |src| src.is_remote()))
    })
}

/// The download cache directory under the cache root.
pub fn downloads_dir(root: &Path) -> PathBuf {
    root.join("downloads")
}

/// Scans local and remote arguments into one report. A source that cannot
/// be listed, and a file that cannot be fetched, become files in error
/// (exit 2) beside the others' results.
pub fn scan(
    scanner: &Scanner,
    paths: &[PathBuf],
    fetch: &FetchArgs,
    cache_root: Option<PathBuf>,
    quiet: bool,
) -> ScanReport {
    let started = Instant::now();
    let wanted = scanner.options().hashes;
    let mut settings = Settings {
        sha256: wanted.sha256,
        sha1: wanted.sha1,
        md5: wanted.md5,
        cache_dir: cache_root.as_deref().map(downloads_dir),
        stream: fetch.stream,
        progress: !quiet && std::io::stderr().is_terminal(),
        quiet,
        ..Settings::default()
    };
    if let Some(max) = fetch.max_download_size {
        settings.max_download_bytes = max;
    }
    if let Some(t) = fetch.download_timeout {
        settings.read_timeout = Duration::from_secs(t.max(1));
    }
    // A streamed file was hashed as it arrived: it is scanned without a
    // second read for digests (zip containers excepted, whose stored
    // members' CRCs ride on that read), and without the verdict cache,
    // which would hash it again to look it up.
    let light = Scanner::new(ScanOptions {
        hashes: Digests::NONE,
        verdict_cache: None,
        ..scanner.options().clone()
    });
    let mut fetcher: Option<Result<Fetcher, String>> = None;
    let mut parts = Vec::new();
    for arg in paths {
        let text = arg.to_string_lossy();
        let source = match Source::parse(&text) {
            Ok(Source::Local(p)) => {
                match scanner.scan_path(&p) {
                    Ok(r) => parts.push(ScanPart::Report(Box::new(r))),
                    Err(e) => parts.push(failed(&text, e.to_string())),
                }
                continue;
            }
            Ok(s) => s,
            Err(e) => {
                parts.push(failed(
                    &sentrascan_sources::redact::url(&text),
                    e.to_string(),
                ));
                continue;
            }
        };
        let f = fetcher
            .get_or_insert_with(|| Fetcher::new(settings.clone()).map_err(|e| e.to_string()));
        let f = match f {
            Ok(f) => f,
            Err(e) => {
                parts.push(failed(&sentrascan_sources::redact::url(&text), e.clone()));
                continue;
            }
        };
        let files = match f.list(&source) {
            Ok(files) => files,
            Err(e) => {
                parts.push(failed(
                    &sentrascan_sources::redact::url(&text),
                    e.to_string(),
                ));
                continue;
            }
        };
        let n = files.len();
        for (i, file) in files.iter().enumerate() {
            let label = format!("[{}/{n}]", i + 1);
            match f.fetch(file, &label) {
                Ok(local) => {
                    let d = &local.digests;
                    let hashed = (!wanted.sha256 || !d.sha256.is_empty())
                        && (!wanted.sha1 || d.sha1.is_some())
                        && (!wanted.md5 || d.md5.is_some());
                    let mut report = if local.streamed && hashed && !is_zip(&local.path) {
                        let mut r = light.scan_file_as(&local.path, &file.display);
                        for fr in &mut r.files {
                            fr.sha256 = wanted.sha256.then(|| d.sha256.clone());
                            fr.sha1 = d.sha1.clone();
                            fr.md5 = d.md5.clone();
                        }
                        r
                    } else {
                        scanner.scan_file_as(&local.path, &file.display)
                    };
                    for fr in &mut report.files {
                        fr.metadata.extend(file.metadata.clone());
                        if local.from_cache {
                            fr.metadata.insert("source.cached".into(), "true".into());
                        }
                    }
                    parts.push(ScanPart::Report(Box::new(report)));
                    // Dropping `local` deletes the streamed download (or
                    // the link to the cached blob) before the next file.
                    drop(local);
                }
                Err(e) => parts.push(failed(&file.display, e.to_string())),
            }
        }
    }
    let model_path = paths
        .iter()
        .map(|p| sentrascan_sources::redact::url(&p.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(", ");
    scanner.combine(model_path, parts, started)
}

/// Starts like a zip archive (PyTorch checkpoints, .keras, .npz).
fn is_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && magic == *b"PK\x03\x04"
}

fn failed(path: &str, message: String) -> ScanPart {
    ScanPart::Failed {
        path: path.to_string(),
        message,
    }
}
