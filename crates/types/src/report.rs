use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Finding, ModelFormat, Severity};

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Analysed completely.
    Scanned,
    /// Recognised or not, but no analyser for its format yet: listed, not silently dropped.
    Skipped,
    /// Analysed, but a limit stopped the analysis before the end: never clean.
    Inconclusive,
    /// Could not be read or parsed at all.
    Error,
}

/// One file of a scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub format: ModelFormat,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    pub status: FileStatus,
    /// Why the file was skipped, inconclusive or in error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Scanners that looked at this file.
    pub scanners: Vec<String>,
    /// Number of findings in this file.
    pub findings: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_severity: Option<Severity>,
    /// Facts read from the file for the SBOM and baselines, under namespaced
    /// keys (`gguf.general.name`, `onnx.producer_name`, `torch.version`,
    /// `license`). Sorted, so reports are deterministic.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Frameworks and libraries loading this file needs, inferred from evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<FrameworkEvidence>,
}

/// A framework or library a model needs, and why we think so.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FrameworkEvidence {
    /// Package name as its ecosystem spells it (`torch`, `numpy`, `scikit-learn`, `keras`).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What showed it (`pickle global torch._utils._rebuild_tensor_v2`, `keras_version attribute`).
    pub evidence: String,
}

/// The gate's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing at or above the threshold, and everything was looked at.
    Pass,
    /// At least one finding at or above the threshold.
    Fail,
    /// No failing finding, but something could not be looked at completely.
    Inconclusive,
}

/// Counts and verdict (the specification's `scan_result`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanSummary {
    pub passed: bool,
    pub verdict: Verdict,
    /// Severity at and above which a finding fails the scan.
    pub fail_threshold: Severity,
    pub total_issues: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub files_inconclusive: usize,
    pub files_failed: usize,
}

/// Facts about the run itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanMetadata {
    pub scan_duration_ms: u64,
    pub scanners_used: Vec<String>,
    pub engine_version: String,
    pub bytes_scanned: u64,
}

/// A whole scan, in the specification's FR-5.1 shape plus per-file results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    pub scan_id: String,
    /// RFC 3339, UTC.
    pub timestamp: String,
    pub model_path: String,
    pub model_format: ModelFormat,
    pub scan_result: ScanSummary,
    pub findings: Vec<Finding>,
    pub files: Vec<FileReport>,
    pub metadata: ScanMetadata,
}

impl ScanReport {
    /// Highest severity among the findings.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}
