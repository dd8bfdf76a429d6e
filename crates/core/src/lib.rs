//! The SentraScan-Model engine: tells whether a model file is safe to load,
//! without ever loading it.
//!
//! It walks files and directories, recognises formats from content, parses
//! them with bounded parsers, runs the detection rules, and hashes every file
//! in the same pass. It pulls in no network, async runtime or database code,
//! so any Rust tool can embed it:
//!
//! ```no_run
//! let report = sentrascan_core::Scanner::default().scan_path("model.pt")?;
//! println!("{:?}: {} findings", report.scan_result.verdict, report.findings.len());
//! # Ok::<(), sentrascan_core::ScanError>(())
//! ```
//!
//! A malicious file is expected input: it yields findings, never an `Err`.
//! `Err` means the scan could not run at all.
//!
//! ```
//! // A protocol-0 pickle that would run `echo` when loaded.
//! let report = sentrascan_core::Scanner::default()
//!     .scan_bytes("payload.pkl", b"cposix\nsystem\n(S'echo hi'\ntR.");
//! assert_eq!(report.findings[0].rule, "PKL001");
//! assert!(!report.scan_result.passed);
//! ```

mod analyze;
mod cache;
mod hash;
mod redact;
mod scanner;
mod walk;

pub use cache::VerdictCache;
pub use hash::Digests;
pub use scanner::{ScanError, ScanOptions, ScanPart, Scanner};
pub use sentrascan_formats::Limits;
pub use sentrascan_types as types;
