//! The gate's decision and its explanation: which findings or checks failed
//! it, which findings a policy entry allowed, and what the policy itself
//! wants a reader to know (an expired exception, one that matched nothing).
//! Every encoder renders these, so the verdict explains itself everywhere.

use serde::{Deserialize, Serialize};

use crate::{Severity, Verdict};

/// What kind of check failed the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GateCheck {
    /// A finding at or above the threshold.
    Severity,
    /// A finding whose category or rule the policy blocks.
    Blocked,
    /// A file that was not analysed completely (strict mode).
    Coverage,
    /// An SBOM requirement (`require_sbom`, `require_licenses`, `blocked_licenses`).
    Sbom,
    /// A format rule (`max_file_size`, `allow_external_data`, `strict_mode`).
    Format,
    /// Drift from a baseline, when failing on drift.
    Drift,
}

impl GateCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            GateCheck::Severity => "severity",
            GateCheck::Blocked => "blocked",
            GateCheck::Coverage => "coverage",
            GateCheck::Sbom => "sbom",
            GateCheck::Format => "format",
            GateCheck::Drift => "drift",
        }
    }
}

/// One reason the gate failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFailure {
    pub check: GateCheck,
    /// The policy entry or option that decided (`severity_threshold: HIGH`,
    /// `block_issues: os_command_execution`, `--strict`).
    pub entry: String,
    /// The finding's report id, when a finding failed the gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The file (and member path) concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub message: String,
}

/// A finding that would have failed the gate, let through by a policy entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateAllowance {
    pub finding: String,
    pub rule: String,
    pub severity: Severity,
    pub location: String,
    /// The entry that allowed it (`allow_issues: unsafe_imports`,
    /// `exceptions[0]`, `allowlist.hashes[1]`).
    pub entry: String,
    /// The exception's reason and owner, when an exception allowed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// Something about the policy itself worth reading: an exception that
/// expired (and so no longer applies), one that matched nothing, a licence
/// that is not an SPDX expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateNotice {
    pub entry: String,
    pub message: String,
}

/// The gate's decision over one scan, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateOutcome {
    pub verdict: Verdict,
    /// Where the policy came from (a file path, or `built-in defaults`).
    pub policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// Severity at and above which a finding fails the gate.
    pub severity_threshold: Severity,
    pub strict: bool,
    /// Why the gate failed (empty when it did not).
    #[serde(default)]
    pub failures: Vec<GateFailure>,
    /// Findings let through, and by which entry.
    #[serde(default)]
    pub allowed: Vec<GateAllowance>,
    #[serde(default)]
    pub notices: Vec<GateNotice>,
}
