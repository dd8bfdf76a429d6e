use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Context worth knowing; never fails a gate.
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is not one of ours.
#[derive(Debug, thiserror::Error)]
#[error("unknown severity `{0}` (expected one of CRITICAL, HIGH, MEDIUM, LOW, INFO)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "INFO" => Ok(Severity::Info),
            "LOW" => Ok(Severity::Low),
            "MEDIUM" => Ok(Severity::Medium),
            "HIGH" => Ok(Severity::High),
            "CRITICAL" => Ok(Severity::Critical),
            _ => Err(UnknownSeverity(s.to_string())),
        }
    }
}

/// What kind of harm a finding points at (the specification's threat types,
/// plus the structural categories a fail-closed scanner needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ArbitraryCodeExecution,
    OsCommandExecution,
    FileSystemAccess,
    NetworkOperations,
    UnsafeImports,
    CodeInjection,
    /// Structure that a loader tolerates but a well-formed file never has.
    MalformedFile,
    /// Archive-level tricks: traversal, duplicates, header disagreement.
    ArchiveAnomaly,
    /// Content and file name disagree.
    FormatMismatch,
    /// Decompression, memo or expansion patterns meant to exhaust resources.
    ResourceExhaustion,
    /// The scanner could not look at everything (limit reached, unsupported).
    ScanCoverage,
    /// A credential (token, key, password) shipped with the model.
    CredentialExposure,
    /// Statistical anomalies in weight values (possible tampering).
    WeightAnomaly,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ArbitraryCodeExecution => "arbitrary_code_execution",
            Category::OsCommandExecution => "os_command_execution",
            Category::FileSystemAccess => "file_system_access",
            Category::NetworkOperations => "network_operations",
            Category::UnsafeImports => "unsafe_imports",
            Category::CodeInjection => "code_injection",
            Category::MalformedFile => "malformed_file",
            Category::ArchiveAnomaly => "archive_anomaly",
            Category::FormatMismatch => "format_mismatch",
            Category::ResourceExhaustion => "resource_exhaustion",
            Category::ScanCoverage => "scan_coverage",
            Category::CredentialExposure => "credential_exposure",
            Category::WeightAnomaly => "weight_anomaly",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_from_info_to_critical() {
        assert!(Severity::Info < Severity::Low);
        assert!(Severity::Low < Severity::Medium);
        assert!(Severity::Medium < Severity::High);
        assert!(Severity::High < Severity::Critical);
    }

    #[test]
    fn severity_round_trips_through_text() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn category_serialises_as_specification_names() {
        assert_eq!(
            serde_json::to_string(&Category::OsCommandExecution).unwrap(),
            "\"os_command_execution\""
        );
        assert_eq!(Category::ScanCoverage.to_string(), "scan_coverage");
    }
}
