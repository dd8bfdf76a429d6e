//! The shared vocabulary of SentraScan-Model.
//!
//! Every other crate speaks in these types: a [`Finding`] raised by a rule
//! described by [`RuleMeta`], grouped per scanned file in a [`FileReport`] and
//! per scan in a [`ScanReport`]. They live in the lowest crate so that parsers,
//! detectors, encoders and front ends agree on one model without depending on
//! each other.

pub mod catalogue;
mod drift;
mod finding;
mod fingerprint;
mod format;
mod gate;
mod paths;
mod report;
mod rule;
mod severity;

pub use drift::{DriftChange, DriftKind, DriftReport};
pub use finding::{Evidence, Finding, Location};
pub use format::ModelFormat;
pub use gate::{GateAllowance, GateCheck, GateFailure, GateNotice, GateOutcome};
pub use paths::relative_path;
pub use report::{
    FileReport, FileStatus, FrameworkEvidence, ScanMetadata, ScanReport, ScanSummary, Verdict,
};
pub use rule::{RuleFamily, RuleMeta};
pub use severity::{Category, Severity};

/// Version of the engine, reported in every scan.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
