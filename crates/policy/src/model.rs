//! The validated, typed policy.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use globset::GlobMatcher;
use sentrascan_types::{Category, Finding, ModelFormat, Severity};

/// Picks findings: by category (`os_command_execution`) or by rule (a code,
/// or a name resolved to its code when the policy was read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Category(Category),
    Rule(String),
}

impl Selector {
    pub fn matches(&self, f: &Finding) -> bool {
        match self {
            Selector::Category(c) => f.category == *c,
            Selector::Rule(code) => f.rule == *code,
        }
    }
}

/// A list entry as written, with what it selects.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    /// As written in the file (`unsafe_imports`, `dangerous-pickle-global`).
    pub text: String,
    pub value: T,
}

/// Which rules take part in the gate (ruff-style): when `select` is set only
/// those rules can fail it; `ignore` rules never do. Their findings are
/// still reported.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    pub select: Option<Vec<Entry<Selector>>>,
    pub ignore: Vec<Entry<Selector>>,
}

/// A finding allowed on purpose, for a while.
#[derive(Debug, Clone)]
pub struct Exception {
    /// Rule code (names resolved when read).
    pub rule: String,
    /// Path globs the exception is limited to (all paths when empty).
    pub paths: Vec<Entry<GlobMatcher>>,
    /// File digests (lowercase hex SHA-256) it is limited to (any when empty).
    pub hashes: Vec<String>,
    pub reason: String,
    pub owner: String,
    /// Last day the exception applies.
    pub expires: NaiveDate,
}

impl Exception {
    /// `exceptions[0] (PKL003, owner alice, expires 2026-12-31)`.
    pub fn describe(&self, index: usize) -> String {
        format!(
            "exceptions[{index}] ({}, owner {}, expires {})",
            self.rule, self.owner, self.expires
        )
    }
}

/// An entry of `blocked_licenses`: the SPDX ids its expression names.
#[derive(Debug, Clone)]
pub struct BlockedLicence {
    pub text: String,
    /// Licence ids with any `-only`/`-or-later`/`+` suffix removed, so that
    /// `GPL-3.0` blocks `GPL-3.0-only` and `GPL-3.0-or-later` alike.
    pub families: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SbomRequirements {
    pub require_sbom: bool,
    pub require_licenses: bool,
    pub blocked_licenses: Vec<BlockedLicence>,
}

/// Rules for files of one format.
#[derive(Debug, Clone, Default)]
pub struct FormatRule {
    /// Files of the format larger than this fail the gate.
    pub max_file_size: Option<u64>,
    /// Any finding (LOW and above) in a file of this format fails the gate,
    /// and so does a file of it that was not analysed completely.
    pub strict_mode: bool,
    /// `Some(false)`: external data references fail the gate; `Some(true)`:
    /// findings about them are allowed.
    pub allow_external_data: Option<bool>,
}

/// Models approved as they are: their findings do not fail the gate.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    pub models: Vec<Entry<GlobMatcher>>,
    /// Lowercase hex SHA-256 digests.
    pub hashes: Vec<String>,
}

/// A validated policy. [`Policy::default`] is the built-in gate: fail at
/// MEDIUM and above, nothing blocked, allowed or excepted.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Where it was read from (`built-in defaults` when from nowhere).
    pub source: String,
    pub name: Option<String>,
    pub version: Option<String>,
    /// `None` when the policy does not set it (the default, MEDIUM, applies).
    pub severity_threshold: Option<Severity>,
    pub block_issues: Vec<Entry<Selector>>,
    pub allow_issues: Vec<Entry<Selector>>,
    pub rules: RuleSelection,
    pub exceptions: Vec<Exception>,
    pub sbom_requirements: SbomRequirements,
    pub format_rules: BTreeMap<ModelFormat, FormatRule>,
    pub allowlist: Allowlist,
    /// Drift from a baseline fails the gate.
    pub fail_on_drift: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            source: "built-in defaults".into(),
            name: None,
            version: None,
            severity_threshold: None,
            block_issues: Vec::new(),
            allow_issues: Vec::new(),
            rules: RuleSelection::default(),
            exceptions: Vec::new(),
            sbom_requirements: SbomRequirements::default(),
            format_rules: BTreeMap::new(),
            allowlist: Allowlist::default(),
            fail_on_drift: false,
        }
    }
}

/// Every category, for validation messages (kept complete by the match).
pub(crate) const CATEGORIES: [Category; 13] = [
    Category::ArbitraryCodeExecution,
    Category::OsCommandExecution,
    Category::FileSystemAccess,
    Category::NetworkOperations,
    Category::UnsafeImports,
    Category::CodeInjection,
    Category::MalformedFile,
    Category::ArchiveAnomaly,
    Category::FormatMismatch,
    Category::ResourceExhaustion,
    Category::ScanCoverage,
    Category::CredentialExposure,
    Category::WeightAnomaly,
];

#[allow(dead_code)]
fn categories_are_complete(c: Category) -> usize {
    // Adding a category without listing it above fails to compile here.
    match c {
        Category::ArbitraryCodeExecution
        | Category::OsCommandExecution
        | Category::FileSystemAccess
        | Category::NetworkOperations
        | Category::UnsafeImports
        | Category::CodeInjection
        | Category::MalformedFile
        | Category::ArchiveAnomaly
        | Category::FormatMismatch
        | Category::ResourceExhaustion
        | Category::ScanCoverage
        | Category::CredentialExposure
        | Category::WeightAnomaly => CATEGORIES.len(),
    }
}

/// Format names a policy may use in `format_rules`: those of this list that
/// the shared `ModelFormat` knows (so a format added later is accepted as
/// soon as it is named here or parses).
pub(crate) const FORMAT_NAMES: &[&str] = &[
    "pickle",
    "pytorch_zip",
    "pytorch_legacy",
    "pytorch_tar",
    "torchscript",
    "zip",
    "tar",
    "gzip",
    "zlib",
    "bzip2",
    "xz",
    "lzma",
    "zstd",
    "lz4",
    "7z",
    "numpy",
    "joblib",
    "safetensors",
    "gguf",
    "hdf5",
    "keras",
    "onnx",
    "tflite",
    "tensorflow",
    "saved_model",
    "json",
];

pub(crate) fn parse_format(name: &str) -> Option<ModelFormat> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

pub(crate) fn known_format_names() -> Vec<&'static str> {
    FORMAT_NAMES
        .iter()
        .copied()
        .filter(|n| parse_format(n).is_some())
        .collect()
}
