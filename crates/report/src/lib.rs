//! Output encoders: each writes the same neutral [`Report`] (a scan, and
//! when there is one the policy gate's verdict, the drift from a baseline and
//! the SBOM written beside it) in one format. Output is deterministic:
//! findings arrive sorted, maps are sorted, and the same report always
//! renders to the same bytes.

mod markdown;
mod sarif;
mod text;

use sentrascan_types::{DriftReport, GateOutcome, RuleMeta, ScanReport};
use serde::Serialize;

pub use sarif::{SARIF_SCHEMA, artifact_uri, security_severity};

/// A report format the encoders write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Markdown,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Human-readable terminal text, with ANSI colour when `color` is set.
    Text {
        color: bool,
    },
}

/// The neutral model every encoder writes.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub scan: &'a ScanReport,
    /// The policy gate's verdict and its reasons.
    pub gate: Option<&'a GateOutcome>,
    /// Drift from a baseline.
    pub drift: Option<&'a DriftReport>,
    /// Where the SBOM of this scan was written.
    pub sbom_path: Option<&'a str>,
    /// Rule metadata (SARIF describes every rule; the others name them).
    pub rules: &'a [&'a RuleMeta],
    /// The scan root as given: SARIF artifact URIs are relative to it.
    pub root: Option<&'a str>,
}

impl<'a> Report<'a> {
    /// A report of `scan` alone.
    pub fn new(scan: &'a ScanReport) -> Self {
        Report {
            scan,
            gate: None,
            drift: None,
            sbom_path: None,
            rules: &[],
            root: None,
        }
    }

    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Json => self.json(),
            OutputFormat::Markdown => markdown::markdown(self),
            OutputFormat::Sarif => sarif::sarif(self),
            OutputFormat::Text { color } => text::text(self, color),
        }
    }

    /// The JSON report (`docs/report.schema.json`): the scan's fields, then
    /// `sbom_generated`/`sbom_path`, `policy` and `drift` when present.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            scan: &'a ScanReport,
            #[serde(skip_serializing_if = "Option::is_none")]
            sbom_generated: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            sbom_path: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            policy: Option<&'a GateOutcome>,
            #[serde(skip_serializing_if = "Option::is_none")]
            drift: Option<&'a DriftReport>,
        }
        let j = Json {
            scan: self.scan,
            sbom_generated: self.sbom_path.map(|_| true),
            sbom_path: self.sbom_path,
            policy: self.gate,
            drift: self.drift,
        };
        let mut s =
            serde_json::to_string_pretty(&j).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// Renders `report` alone in `format`.
pub fn render(report: &ScanReport, format: OutputFormat) -> String {
    Report::new(report).render(format)
}

/// The JSON report of a scan alone.
pub fn json(report: &ScanReport) -> String {
    Report::new(report).json()
}

/// The Markdown report of a scan alone.
pub fn markdown(report: &ScanReport) -> String {
    markdown::markdown(&Report::new(report))
}

/// The terminal text of a scan alone.
pub fn text(report: &ScanReport, color: bool) -> String {
    text::text(&Report::new(report), color)
}

/// The SARIF log of a scan alone (rules named by its findings only).
pub fn sarif(report: &ScanReport) -> String {
    sarif::sarif(&Report::new(report))
}
