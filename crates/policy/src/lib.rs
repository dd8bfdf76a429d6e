//! Policy gates over SentraScan-Model scan reports.
//!
//! A `.sentrascan-model.yaml` policy (the specification's FR-6.1, plus rule
//! selection and exceptions with an owner, a reason and an expiry date) is
//! validated once into a typed [`Policy`]: unknown keys, rule codes, formats
//! and severities are errors that name the line, the column and the allowed
//! values. [`Policy::evaluate`] turns a scan report into a
//! [`GateOutcome`](sentrascan_types::GateOutcome) that says which findings or
//! checks failed the gate and which findings were allowed by which entry.
//! [`baseline`] records an approved scan (FR-7.1) and compares later scans
//! with it (FR-7.2).
//!
//! The crate depends only on the shared types: rule metadata is handed in by
//! the caller, so the policy can name every rule without linking the detectors.

pub mod baseline;
mod gate;
mod licence;
mod model;
mod parse;
pub use parse::parse_size;
mod yaml;

use std::path::{Path, PathBuf};

pub use gate::{GateInput, apply};
pub use licence::{LicenceCheck, check_licence, file_licence};
pub use model::{
    Allowlist, BlockedLicence, Exception, FormatRule, Policy, RuleSelection, SbomRequirements,
    Selector,
};
pub use yaml::Span;

/// The file name looked for in the working directory and its parents.
pub const POLICY_FILE_NAME: &str = ".sentrascan-model.yaml";

/// Largest policy file read (a policy is a few kilobytes).
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Why a policy could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The policy is invalid at `line:column`.
    #[error("{source_name}:{}:{}: {message}", span.line, span.column)]
    Invalid {
        source_name: String,
        span: Span,
        message: String,
    },
    #[error("cannot read policy {}: {error}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },
    #[error("policy {} is {size} bytes, more than the {MAX_POLICY_BYTES} a policy may have", path.display())]
    TooLarge { path: PathBuf, size: u64 },
}

impl PolicyError {
    pub(crate) fn at(source: &str, span: Span, message: impl Into<String>) -> Self {
        PolicyError::Invalid {
            source_name: source.to_string(),
            span,
            message: message.into(),
        }
    }

    /// Line and column of an invalid policy.
    pub fn span(&self) -> Option<Span> {
        match self {
            PolicyError::Invalid { span, .. } => Some(*span),
            _ => None,
        }
    }
}

/// The policy file in `dir` or the nearest of its parents, if any.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(POLICY_FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads and validates the policy at `path`; `rules` are the known rules
/// (codes and names are checked against them).
pub fn load(path: &Path, rules: &[&sentrascan_types::RuleMeta]) -> Result<Policy, PolicyError> {
    let read = |error| PolicyError::Read {
        path: path.to_path_buf(),
        error,
    };
    let size = std::fs::metadata(path).map_err(read)?.len();
    if size > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            path: path.to_path_buf(),
            size,
        });
    }
    let text = std::fs::read_to_string(path).map_err(read)?;
    Policy::parse(&text, &path.display().to_string(), rules)
}
