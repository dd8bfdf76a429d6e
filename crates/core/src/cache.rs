//! The verdict cache: the result of analysing a file, keyed by the file's
//! digests and by everything that could change the result (engine version,
//! the rule set and each rule's version, the limits, strictness, and the
//! running executable). An unchanged file in a re-scanned repository is then
//! hashed but not analysed again.
//!
//! Only complete results are kept: an inconclusive or failed analysis (a
//! limit, a time budget, an unreadable member) is always redone, and so is
//! an ONNX model, whose verdict depends on neighbouring files. Entries are
//! written atomically (temporary file, then rename), so concurrent scans
//! sharing a cache never read half an entry; an entry that does not parse
//! or whose digests differ is ignored.

use std::io::Write;
use std::path::PathBuf;

use sentrascan_types::{ENGINE_VERSION, FileReport, FileStatus, Finding, ModelFormat};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ScanOptions;
use crate::hash::{FileDigests, hex};

/// A directory of cached verdicts.
#[derive(Debug, Clone)]
pub struct VerdictCache {
    dir: PathBuf,
    /// Hash of everything besides the file that decides the result.
    context: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    sha256: String,
    md5: Option<String>,
    report: FileReport,
    findings: Vec<Finding>,
}

impl VerdictCache {
    pub fn new(dir: PathBuf, options: &ScanOptions) -> Self {
        let mut h = Sha256::new();
        h.update(ENGINE_VERSION.as_bytes());
        for rule in sentrascan_detectors::all_rules() {
            h.update(
                format!(
                    "{}:{}:{:?};",
                    rule.code, rule.version, rule.default_severity
                )
                .as_bytes(),
            );
        }
        let mut limits = options.limits.clone();
        limits.deadline = None;
        h.update(format!("{limits:?}|strict={}", options.strict).as_bytes());
        // Verdict-only scans read less of the weights (see docs/weights.md):
        // their results must not stand in for a full scan's, nor the reverse.
        h.update(format!("|verdict_only={}", !options.hashes.any()).as_bytes());
        // A rebuilt engine may judge differently without a version bump.
        if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            h.update(format!("exe={}:{mtime}", meta.len()).as_bytes());
        }
        VerdictCache {
            dir,
            context: hex(&h.finalize()),
        }
    }

    fn path(&self, sha256: &str) -> PathBuf {
        let key = hex(&Sha256::digest(format!("{}|{sha256}", self.context)));
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    /// The cached result for a file with these digests, if any.
    pub(crate) fn load(&self, digests: &FileDigests) -> Option<(FileReport, Vec<Finding>)> {
        let sha256 = digests.sha256.as_deref()?;
        let text = std::fs::read(self.path(sha256)).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        // The file name is a hash of the digest, so this only guards
        // against a corrupted or hand-edited entry.
        if entry.sha256 != sha256 || (digests.md5.is_some() && entry.md5 != digests.md5) {
            return None;
        }
        Some((entry.report, entry.findings))
    }

    /// Keeps a complete result. Failing to write is not an error: the cache
    /// only saves time.
    pub(crate) fn store(&self, digests: &FileDigests, report: &FileReport, findings: &[Finding]) {
        if matches!(report.status, FileStatus::Inconclusive | FileStatus::Error) {
            return;
        }
        // An ONNX model's result also depends on the files beside it
        // (external data, symlinks), which its digest does not cover.
        if report.format == ModelFormat::Onnx {
            return;
        }
        let Some(sha256) = digests.sha256.clone() else {
            return;
        };
        let entry = Entry {
            sha256: sha256.clone(),
            md5: digests.md5.clone(),
            report: report.clone(),
            findings: findings.to_vec(),
        };
        let path = self.path(&sha256);
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        let Ok(mut tmp) = tempfile::NamedTempFile::new_in(parent) else {
            return;
        };
        let written = serde_json::to_vec(&entry)
            .ok()
            .is_some_and(|bytes| tmp.write_all(&bytes).is_ok());
        if written {
            let _ = tmp.persist(&path);
        }
    }
}
