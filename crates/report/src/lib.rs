//! Output encoders: each writes the same neutral [`ScanReport`] in one
//! format. Output is deterministic: findings arrive sorted, maps are sorted,
//! and the same report always renders to the same bytes.

mod markdown;
mod text;

use sentrascan_types::ScanReport;

pub use markdown::markdown;
pub use text::text;

/// A report format the encoders write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Markdown,
    /// Human-readable terminal text, with ANSI colour when `color` is set.
    Text {
        color: bool,
    },
}

/// Renders `report` in `format`.
pub fn render(report: &ScanReport, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(report),
        OutputFormat::Markdown => markdown(report),
        OutputFormat::Text { color } => text(report, color),
    }
}

/// The JSON report (the schema in `docs/report.schema.json`), pretty-printed.
pub fn json(report: &ScanReport) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
