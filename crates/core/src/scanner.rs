//! The public engine: options, scanning entry points, and report assembly.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use sentrascan_formats::sniff::{Sniffed, sniff};
use sentrascan_formats::{Limits, zip};
use sentrascan_types::{
    ENGINE_VERSION, FileReport, FileStatus, Finding, Location, ModelFormat, ScanMetadata,
    ScanReport, ScanSummary, Severity, Verdict,
};

use crate::analyze::{Analysis, Ctx};
use crate::cache::VerdictCache;
use crate::hash::{self, Digests, FileDigests};
use crate::walk::{WalkItem, walk};

/// Why a scan could not run at all. A malicious or broken model is never an
/// error: it is reported in the findings.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    #[error("no paths to scan")]
    NoPaths,
}

/// How the engine scans and judges.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Findings at or above this severity fail the scan.
    pub fail_threshold: Severity,
    /// Fail on anything not analysed (skipped files count as failures).
    pub strict: bool,
    /// Digests computed for every file, in the same read pass as the
    /// analysis. [`Digests::NONE`] gives a verdict-only scan that reads only
    /// what the analysis needs (stored zip members larger than 1 MiB are
    /// then not CRC-checked).
    pub hashes: Digests,
    /// Files scanned at once (0: one per core).
    pub jobs: usize,
    /// Wall-clock time the analysis of one file may take; a file that runs
    /// out is reported inconclusive (never clean). `None`: no budget.
    pub file_time_budget: Option<Duration>,
    /// Directory of the verdict cache (see [`crate::VerdictCache`]); `None`
    /// analyses every file.
    pub verdict_cache: Option<PathBuf>,
    pub limits: Limits,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            fail_threshold: Severity::Medium,
            strict: false,
            hashes: Digests::ALL,
            jobs: 0,
            file_time_budget: None,
            verdict_cache: None,
            limits: Limits::default(),
        }
    }
}

/// The scanning engine. Cheap to create; holds only options.
#[derive(Debug, Clone, Default)]
pub struct Scanner {
    options: ScanOptions,
}

struct FileResult {
    report: FileReport,
    findings: Vec<Finding>,
    scanners: BTreeSet<String>,
}

/// Files below this size are read into memory rather than mapped: for the
/// thousands of small files of a model repository, one read is cheaper than
/// setting up and tearing down a map.
const READ_WHOLE_MAX: u64 = 4 << 20;

impl Scanner {
    pub fn new(options: ScanOptions) -> Self {
        Scanner { options }
    }

    pub fn options(&self) -> &ScanOptions {
        &self.options
    }

    /// Scans one file or directory (recursively).
    pub fn scan_path(&self, path: impl AsRef<Path>) -> Result<ScanReport, ScanError> {
        self.scan_paths(&[path.as_ref().to_path_buf()])
    }

    /// Scans files and directories; each path's files are reported in order.
    /// Files are scanned in parallel (see [`ScanOptions::jobs`]); the report
    /// does not depend on the number of jobs.
    pub fn scan_paths(&self, paths: &[PathBuf]) -> Result<ScanReport, ScanError> {
        if paths.is_empty() {
            return Err(ScanError::NoPaths);
        }
        let started = Instant::now();
        let mut items = Vec::new();
        let mut any_dir = paths.len() > 1;
        for root in paths {
            for item in walk(root) {
                match item {
                    WalkItem::Directory => any_dir = true,
                    other => items.push(other),
                }
            }
        }
        let scan_one = |item: &WalkItem| match item {
            WalkItem::File { path, display } => self.scan_file(path, display),
            WalkItem::Problem {
                display,
                message,
                status,
            } => problem_file(display.clone(), message.clone(), *status),
            WalkItem::Directory => unreachable!("directories are filtered out above"),
        };
        let results: Vec<FileResult> = if items.len() < 2 || self.options.jobs == 1 {
            items.iter().map(scan_one).collect()
        } else {
            match rayon::ThreadPoolBuilder::new()
                .num_threads(self.options.jobs)
                .thread_name(|i| format!("sentrascan-scan-{i}"))
                .build()
            {
                Ok(pool) => pool.install(|| items.par_iter().map(scan_one).collect()),
                // No threads to be had: scan on this one.
                Err(_) => items.iter().map(scan_one).collect(),
            }
        };
        let model_path = paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        Ok(self.assemble(model_path, results, any_dir, started))
    }

    /// Scans an in-memory buffer as if it were a file named `name`.
    pub fn scan_bytes(&self, name: &str, data: &[u8]) -> ScanReport {
        let started = Instant::now();
        let result = self.scan_buffer(name, name, data, None, None);
        self.assemble(name.to_string(), vec![result], false, started)
    }

    /// Limits for one file: the configured ones plus its deadline.
    fn file_limits(&self) -> Limits {
        let mut limits = self.options.limits.clone();
        if let Some(budget) = self.options.file_time_budget {
            limits.deadline = Instant::now().checked_add(budget);
        }
        limits
    }

    /// Analyses and digests a buffer already in memory (small files,
    /// [`Scanner::scan_bytes`]).
    fn scan_buffer(
        &self,
        display: &str,
        name: &str,
        data: &[u8],
        cache: Option<(&VerdictCache, &FileDigests)>,
        dir: Option<&Path>,
    ) -> FileResult {
        let digests = match cache {
            Some((_, d)) => d.clone(),
            None => hash::digest_bytes(data, self.options.hashes),
        };
        let limits = self.file_limits();
        let location = Location::file(display);
        let mut ctx = Ctx::new(&limits);
        ctx.skip_large_stored_crc = !self.options.hashes.any();
        ctx.model_dir = dir.map(Path::to_path_buf);
        let format = ctx.analyze(data, &location, name, 0, None);
        let result = self.file_result(
            display.to_string(),
            format,
            data.len() as u64,
            digests,
            ctx.out,
        );
        if let Some((cache, d)) = cache {
            cache.store(d, &result.report, &result.findings);
        }
        result
    }

    fn scan_file(&self, path: &Path, display: &str) -> FileResult {
        let location = Location::file(display);
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                return problem_file(
                    display.to_string(),
                    format!("cannot open: {e}"),
                    FileStatus::Error,
                );
            }
        };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size == 0 {
            let mut r = problem_file(
                display.to_string(),
                "empty file".into(),
                FileStatus::Skipped,
            );
            let d = hash::digest_bytes(&[], self.options.hashes);
            (r.report.sha256, r.report.sha1, r.report.md5) = (d.sha256, d.sha1, d.md5);
            return r;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cache = self.verdict_cache();
        if size < READ_WHOLE_MAX {
            let mut data = Vec::with_capacity(size as usize);
            if let Err(e) = std::io::Read::read_to_end(&mut file, &mut data) {
                return problem_file(
                    display.to_string(),
                    format!("read failed: {e}"),
                    FileStatus::Error,
                );
            }
            let Some(cache) = cache else {
                return self.scan_buffer(display, &name, &data, None, path.parent());
            };
            let digests = hash::digest_bytes(&data, Digests::ALL);
            if let Some(hit) = self.cached(&cache, &digests, display) {
                return hit;
            }
            return self.scan_buffer(
                display,
                &name,
                &data,
                Some((&cache, &digests)),
                path.parent(),
            );
        }
        // A large file with the verdict cache on: digest it first, and
        // analyse only on a miss (the second read comes from the page cache).
        let cached_digests = match &cache {
            Some(c) => {
                let pass = file
                    .try_clone()
                    .and_then(|f| hash::read_pass(f, size, Digests::ALL, &[]));
                match pass {
                    Ok(p) => {
                        if let Some(hit) = self.cached(c, &p.digests, display) {
                            return hit;
                        }
                        Some(p.digests)
                    }
                    Err(e) => {
                        return problem_file(
                            display.to_string(),
                            format!("read failed: {e}"),
                            FileStatus::Error,
                        );
                    }
                }
            }
            None => None,
        };
        let map = match map_file(&file) {
            Ok(m) => m,
            Err(e) => {
                return problem_file(
                    display.to_string(),
                    format!("cannot map: {e}"),
                    FileStatus::Error,
                );
            }
        };
        let data: &[u8] = &map;
        let limits = self.file_limits();
        let digests_wanted = if cached_digests.is_some() {
            Digests::NONE
        } else {
            self.options.hashes
        };
        // A top-level zip: read the directory first, so the read pass can
        // check stored members' CRCs without a second read.
        let view = (sniff(data) == Sniffed::Zip)
            .then(|| zip::parse(data, &limits).ok())
            .flatten();
        let defer_crc = view.is_some() && digests_wanted.any();
        let (crc_entries, ranges): (Vec<usize>, Vec<_>) = view
            .iter()
            .filter(|_| defer_crc)
            .flat_map(|v| v.entries.iter().enumerate())
            .filter(|(_, e)| e.method == 0 && !e.is_dir())
            .filter_map(|(i, e)| e.data_range(size).map(|r| (i, r)))
            .unzip();
        let (mut analysis, format, pass) = std::thread::scope(|s| {
            let handle = digests_wanted.any().then(|| {
                let f = file.try_clone();
                let ranges = &ranges;
                s.spawn(move || f.and_then(|f| hash::read_pass(f, size, digests_wanted, ranges)))
            });
            let mut ctx = Ctx::new(&limits);
            ctx.defer_stored_crc = defer_crc;
            ctx.skip_large_stored_crc = !self.options.hashes.any();
            ctx.model_dir = path.parent().map(Path::to_path_buf);
            let format = ctx.analyze(data, &location, &name, 0, view.as_ref());
            let pass = handle.map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("read pass panicked")))
            });
            (ctx.out, format, pass)
        });
        if let (Some(v), Some(Ok(p))) = (&view, &pass) {
            let scanner = crate::analyze::scanner_of(format);
            for (&i, &actual) in crc_entries.iter().zip(&p.crcs) {
                if let Some(e) = v.entries.get(i).filter(|e| e.crc32 != actual) {
                    analysis.findings.push(
                        sentrascan_detectors::zip_crc_mismatch(&location, &e.name, e.crc32, actual)
                            .scanner(scanner),
                    );
                }
            }
        }
        let digests = match (pass, cached_digests) {
            (Some(Ok(p)), _) => p.digests,
            (Some(Err(e)), _) => {
                return problem_file(
                    display.to_string(),
                    format!("read failed: {e}"),
                    FileStatus::Error,
                );
            }
            (None, Some(d)) => d,
            (None, None) => FileDigests::default(),
        };
        let result = self.file_result(display.to_string(), format, size, digests.clone(), analysis);
        if let (Some(c), true) = (&cache, digests.sha256.is_some()) {
            c.store(&digests, &result.report, &result.findings);
        }
        result
    }

    fn verdict_cache(&self) -> Option<VerdictCache> {
        self.options
            .verdict_cache
            .as_ref()
            .map(|dir| VerdictCache::new(dir.clone(), &self.options))
    }

    /// A cached result for a file with these digests, under this display name.
    fn cached(
        &self,
        cache: &VerdictCache,
        digests: &FileDigests,
        display: &str,
    ) -> Option<FileResult> {
        let (mut report, mut findings) = cache.load(digests)?;
        report.path = display.to_string();
        let want = self.options.hashes;
        report.sha256 = digests.sha256.clone().filter(|_| want.sha256);
        report.sha1 = digests.sha1.clone().filter(|_| want.sha1);
        report.md5 = digests.md5.clone().filter(|_| want.md5);
        for f in &mut findings {
            f.relocate(display);
        }
        let scanners = report.scanners.iter().cloned().collect();
        Some(FileResult {
            report,
            findings,
            scanners,
        })
    }

    fn file_result(
        &self,
        path: String,
        format: ModelFormat,
        size: u64,
        digests: FileDigests,
        mut a: Analysis,
    ) -> FileResult {
        // The same fact reached twice (a stream found both directly and by a
        // resynchronising probe) is one finding; counts are taken after this.
        // Other rules quote what they saw (commands, URLs, metadata): no
        // report field may carry a credential, whichever rule quoted it.
        crate::redact::findings(&mut a.findings);
        crate::redact::facts(&mut a.metadata);
        a.findings.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
        a.findings
            .dedup_by(|x, y| x.sort_key() == y.sort_key() && x.description == y.description);
        let analysed = format.is_analysed() || a.analysed_text;
        let (status, message) = if let Some(e) = a.error {
            (FileStatus::Error, Some(e))
        } else if !analysed && format.can_carry_code() {
            let why = format!(
                "{format} is recognised but not analysed by this version: it is not vouched for"
            );
            (FileStatus::Inconclusive, Some(why))
        } else if !analysed {
            (
                FileStatus::Skipped,
                Some(format!("{format} content is not analysed by this version")),
            )
        } else if !a.inconclusive.is_empty() {
            (FileStatus::Inconclusive, Some(a.inconclusive.join("; ")))
        } else if a.unanalysed_members > 0 {
            (
                FileStatus::Scanned,
                Some(format!(
                    "{} members in formats not analysed by this version",
                    a.unanalysed_members
                )),
            )
        } else {
            (FileStatus::Scanned, None)
        };
        let max_severity = a.findings.iter().map(|f| f.severity).max();
        FileResult {
            report: FileReport {
                path,
                format,
                size,
                // The verdict cache digests everything it needs for its key;
                // the report carries only the digests asked for.
                sha256: digests.sha256.filter(|_| self.options.hashes.sha256),
                sha1: digests.sha1.filter(|_| self.options.hashes.sha1),
                md5: digests.md5.filter(|_| self.options.hashes.md5),
                status,
                message,
                scanners: a.scanners.iter().map(|s| s.to_string()).collect(),
                findings: a.findings.len(),
                max_severity,
                metadata: a.metadata,
                frameworks: a.frameworks.into_values().collect(),
            },
            findings: a.findings,
            scanners: a.scanners.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn assemble(
        &self,
        model_path: String,
        results: Vec<FileResult>,
        multi: bool,
        started: Instant,
    ) -> ScanReport {
        let mut findings = Vec::new();
        let mut files = Vec::new();
        let mut scanners = BTreeSet::new();
        for r in results {
            findings.extend(r.findings);
            scanners.extend(r.scanners);
            files.push(r.report);
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        for (i, f) in findings.iter_mut().enumerate() {
            f.id = format!("finding-{:03}", i + 1);
        }
        let model_format = match files.as_slice() {
            [one] if !multi => one.format,
            _ => ModelFormat::Directory,
        };
        let summary = summarize(&findings, &files, &self.options);
        ScanReport {
            scan_id: uuid::Uuid::new_v4().to_string(),
            timestamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            model_path,
            model_format,
            scan_result: summary,
            findings,
            metadata: ScanMetadata {
                scan_duration_ms: started.elapsed().as_millis() as u64,
                scanners_used: scanners.into_iter().collect(),
                engine_version: ENGINE_VERSION.to_string(),
                bytes_scanned: files.iter().map(|f| f.size).sum(),
            },
            files,
        }
    }
}

/// Counts, verdict and pass flag.
fn summarize(findings: &[Finding], files: &[FileReport], options: &ScanOptions) -> ScanSummary {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let threshold = if options.strict {
        Severity::Low
    } else {
        options.fail_threshold
    };
    let failing = findings
        .iter()
        .any(|f| f.severity >= threshold && f.severity > Severity::Info);
    let status = |s: FileStatus| files.iter().filter(|f| f.status == s).count();
    let incomplete = status(FileStatus::Inconclusive) + status(FileStatus::Error) > 0
        || (options.strict && status(FileStatus::Skipped) > 0)
        || files.is_empty();
    let verdict = if failing {
        Verdict::Fail
    } else if incomplete {
        Verdict::Inconclusive
    } else {
        Verdict::Pass
    };
    ScanSummary {
        passed: verdict == Verdict::Pass,
        verdict,
        fail_threshold: threshold,
        total_issues: findings
            .iter()
            .filter(|f| f.severity > Severity::Info)
            .count(),
        critical: count(Severity::Critical),
        high: count(Severity::High),
        medium: count(Severity::Medium),
        low: count(Severity::Low),
        info: count(Severity::Info),
        files_scanned: status(FileStatus::Scanned),
        files_skipped: status(FileStatus::Skipped),
        files_inconclusive: status(FileStatus::Inconclusive),
        files_failed: status(FileStatus::Error),
    }
}

fn problem_file(path: String, message: String, status: FileStatus) -> FileResult {
    FileResult {
        report: FileReport {
            path,
            format: ModelFormat::Unknown,
            size: 0,
            sha256: None,
            sha1: None,
            md5: None,
            status,
            message: Some(message),
            scanners: Vec::new(),
            findings: 0,
            max_severity: None,
            metadata: Default::default(),
            frameworks: Vec::new(),
        },
        findings: Vec::new(),
        scanners: BTreeSet::new(),
    }
}

/// Maps a file read-only.
#[allow(unsafe_code)]
fn map_file(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this scan. If another
    // process truncates the file meanwhile, reads past the new end would
    // fault; model files being scanned are not expected to change, and every
    // parser bounds its reads by the length taken at map time.
    let map = unsafe { memmap2::Mmap::map(file) }?;
    // Parsers touch small, scattered parts of the file (headers, pickles);
    // without this hint the kernel maps whole neighbourhoods around each
    // touch and resident memory grows with the file. Hashing reads the file
    // through its own buffer, not the map.
    let _ = map.advise(memmap2::Advice::Random);
    Ok(map)
}

/// One part of a report assembled by [`Scanner::combine`].
#[derive(Debug)]
pub enum ScanPart {
    /// A report of its own (a file fetched and scanned by itself).
    Report(Box<ScanReport>),
    /// A file that could not be had (a failed download): reported in error
    /// under `path`, with `message` saying why.
    Failed { path: String, message: String },
}

impl Scanner {
    /// Scans one local file, reporting it and its findings as `display`: a
    /// file fetched from `hf://…` is scanned from a temporary copy (named as
    /// at its source, since extensions are hints) and reported under its
    /// source path.
    pub fn scan_file_as(&self, path: &Path, display: &str) -> ScanReport {
        let started = Instant::now();
        let result = self.scan_file(path, display);
        self.assemble(display.to_string(), vec![result], false, started)
    }

    /// One report from parts scanned separately, as if scanned together:
    /// findings renumbered, counts and verdict recomputed under this
    /// scanner's options, the duration taken from `started`.
    pub fn combine(
        &self,
        model_path: String,
        parts: Vec<ScanPart>,
        started: Instant,
    ) -> ScanReport {
        let mut results = Vec::new();
        for part in parts {
            match part {
                ScanPart::Report(r) => {
                    let r = *r;
                    let scanners: BTreeSet<String> = r.metadata.scanners_used.into_iter().collect();
                    let mut findings = Some(r.findings);
                    for file in r.files {
                        results.push(FileResult {
                            report: file,
                            findings: findings.take().unwrap_or_default(),
                            scanners: scanners.clone(),
                        });
                    }
                }
                ScanPart::Failed { path, message } => {
                    results.push(problem_file(path, message, FileStatus::Error))
                }
            }
        }
        self.assemble(model_path, results, true, started)
    }
}
