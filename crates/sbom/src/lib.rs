//! Bills of materials for scanned models.
//!
//! A scan report already holds everything an auditor asks for: each file
//! with its digests (computed in the scan's single read pass), the facts the
//! parsers read (model card, `config.json`, GGUF `general.*`, framework
//! records), the frameworks the evidence names, and the findings. This crate
//! turns that into one neutral [`Inventory`] and writes it as a CycloneDX 1.6
//! ML-BOM (1.5 on request) or an SPDX 2.3 document; it also reads such
//! documents back ([`import`]) and compares two of them ([`diff`]).
//!
//! Encoders are separate modules over the one inventory, as in syft; no
//! file is read here.

mod collect;
pub mod cve;
mod cyclonedx;
mod diff;
mod import;
pub mod inventory;
pub mod license;
mod spdx;

pub use collect::{HubRepo, Origin, inventory};
pub use cyclonedx::{Header, SpecVersion};
pub use diff::{
    Change, ComponentChange, ComponentSummary, DiffPolicy, LicenseChange, SbomDiff,
    VulnerabilitySummary, diff, markdown as diff_markdown,
};
pub use import::{ImportError, import};
pub use inventory::{Component, ComponentKind, HashAlg, Inventory, License, Vulnerability};

use sentrascan_types::ScanReport;

/// The document formats we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    #[default]
    CycloneDx,
    /// CycloneDX 1.5 JSON, for consumers that do not read 1.6 yet.
    CycloneDx15,
    /// SPDX 2.3 JSON.
    Spdx,
}

/// How to write a document.
#[derive(Debug, Clone, Default)]
pub struct SbomOptions {
    pub format: SbomFormat,
    /// Where the model came from (`hf://org/name@rev`), when known.
    pub origin: Origin,
    /// Serial number; a fresh random one when `None`.
    pub serial: Option<uuid::Uuid>,
}

/// Writes the SBOM of a scan.
pub fn generate(report: &ScanReport, options: &SbomOptions) -> String {
    let inv = inventory(report, &options.origin);
    let header = Header {
        serial_number: format!(
            "urn:uuid:{}",
            options
                .serial
                .unwrap_or_else(uuid::Uuid::new_v4)
                .hyphenated()
        ),
        timestamp: report.timestamp.clone(),
        tool_version: report.metadata.engine_version.clone(),
    };
    match options.format {
        SbomFormat::CycloneDx => cyclonedx::render(&inv, &header, SpecVersion::V1_6),
        SbomFormat::CycloneDx15 => cyclonedx::render(&inv, &header, SpecVersion::V1_5),
        SbomFormat::Spdx => spdx::render(&inv, &header),
    }
}
