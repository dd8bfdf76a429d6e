//! Drift of a scan from an approved baseline (the specification's FR-7.2).

use serde::{Deserialize, Serialize};

/// What changed since the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftKind {
    /// The model's digest changed (some file was modified, added or removed).
    HashChanged,
    ComponentAdded,
    ComponentRemoved,
    /// A file kept its path but changed its content, size or format.
    ComponentChanged,
    LicenceChanged,
    NewFinding,
    /// A finding of the baseline is gone.
    ResolvedFinding,
    DependencyAdded,
    DependencyRemoved,
    /// A framework the model needs changed version.
    DependencyUpdated,
}

impl DriftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::HashChanged => "hash_changed",
            DriftKind::ComponentAdded => "component_added",
            DriftKind::ComponentRemoved => "component_removed",
            DriftKind::ComponentChanged => "component_changed",
            DriftKind::LicenceChanged => "licence_changed",
            DriftKind::NewFinding => "new_finding",
            DriftKind::ResolvedFinding => "resolved_finding",
            DriftKind::DependencyAdded => "dependency_added",
            DriftKind::DependencyRemoved => "dependency_removed",
            DriftKind::DependencyUpdated => "dependency_updated",
        }
    }

    /// Whether this change, by itself, is drift that can fail a gate (a
    /// resolved finding is good news, reported but never failing).
    pub fn is_drift(self) -> bool {
        !matches!(self, DriftKind::ResolvedFinding)
    }
}

/// One change from the baseline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DriftChange {
    pub kind: DriftKind,
    /// What changed: a component path, a dependency name, a finding fingerprint.
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub message: String,
}

/// A scan compared with a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftReport {
    /// The baseline's name and where it was read from.
    pub baseline: String,
    pub baseline_path: String,
    pub baseline_created_at: String,
    /// True when at least one change is drift (`DriftKind::is_drift`).
    pub drifted: bool,
    /// Sorted by kind, then subject.
    pub changes: Vec<DriftChange>,
}
