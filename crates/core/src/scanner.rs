//! The public engine: options, scanning entry points, and report assembly.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sentrascan_formats::sniff::{Sniffed, sniff};
use sentrascan_formats::{Limits, zip};
use sentrascan_types::{
    ENGINE_VERSION, FileReport, FileStatus, Finding, Location, ModelFormat, ScanMetadata,
    ScanReport, ScanSummary, Severity, Verdict,
};

use crate::analyze::{Analysis, Ctx};
use crate::hash;
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
    /// Compute the SHA-256 of every file (in the same pass as the analysis).
    pub hashes: bool,
    pub limits: Limits,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            fail_threshold: Severity::Medium,
            strict: false,
            hashes: true,
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
    scanners: BTreeSet<&'static str>,
}

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
    pub fn scan_paths(&self, paths: &[PathBuf]) -> Result<ScanReport, ScanError> {
        if paths.is_empty() {
            return Err(ScanError::NoPaths);
        }
        let started = Instant::now();
        let mut results = Vec::new();
        let mut any_dir = paths.len() > 1;
        for root in paths {
            for item in walk(root) {
                match item {
                    WalkItem::File { path, display } => {
                        results.push(self.scan_file(&path, &display))
                    }
                    WalkItem::Directory => any_dir = true,
                    WalkItem::Problem {
                        display,
                        message,
                        status,
                    } => results.push(problem_file(display, message, status)),
                }
            }
        }
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
        let location = Location::file(name);
        let mut ctx = Ctx::new(&self.options.limits);
        let format = ctx.analyze(data, &location, name, 0, None);
        let sha = self.options.hashes.then(|| hash::sha256_bytes(data));
        let result = self.file_result(name.to_string(), format, data.len() as u64, sha, ctx.out);
        self.assemble(name.to_string(), vec![result], false, started)
    }

    fn scan_file(&self, path: &Path, display: &str) -> FileResult {
        let location = Location::file(display);
        let file = match File::open(path) {
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
            if self.options.hashes {
                r.report.sha256 = Some(hash::sha256_bytes(&[]));
            }
            return r;
        }
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
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A top-level zip: read the directory first, so the read pass can
        // check stored members' CRCs without a second read.
        let view = (sniff(data) == Sniffed::Zip)
            .then(|| zip::parse(data, &self.options.limits).ok())
            .flatten();
        let (crc_entries, ranges): (Vec<usize>, Vec<_>) = view
            .iter()
            .flat_map(|v| v.entries.iter().enumerate())
            .filter(|(_, e)| e.method == 0 && !e.is_dir())
            .filter_map(|(i, e)| e.data_range(size).map(|r| (i, r)))
            .unzip();
        let want_pass = self.options.hashes || !ranges.is_empty();
        let (mut analysis, format, pass) = std::thread::scope(|s| {
            let handle = want_pass.then(|| {
                let f = file.try_clone();
                let ranges = &ranges;
                s.spawn(move || f.and_then(|f| hash::read_pass(f, ranges)))
            });
            let mut ctx = Ctx::new(&self.options.limits);
            ctx.defer_stored_crc = view.is_some();
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
        let sha = match pass {
            Some(Ok(p)) => Some(p.sha256),
            Some(Err(e)) => {
                return problem_file(
                    display.to_string(),
                    format!("read failed: {e}"),
                    FileStatus::Error,
                );
            }
            None => None,
        };
        self.file_result(
            display.to_string(),
            format,
            size,
            sha.filter(|_| self.options.hashes),
            analysis,
        )
    }

    fn file_result(
        &self,
        path: String,
        format: ModelFormat,
        size: u64,
        sha256: Option<String>,
        mut a: Analysis,
    ) -> FileResult {
        // The same fact reached twice (a stream found both directly and by a
        // resynchronising probe) is one finding; counts are taken after this.
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
                sha256,
                sha1: None,
                md5: None,
                status,
                message,
                scanners: a.scanners.iter().map(|s| s.to_string()).collect(),
                findings: a.findings.len(),
                max_severity,
                metadata: a.metadata,
                frameworks: a.frameworks.into_values().collect(),
            },
            findings: a.findings,
            scanners: a.scanners,
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
                scanners_used: scanners.into_iter().map(str::to_string).collect(),
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
