//! `scan --sbom FILE` and the `sbom` subcommands (`diff`, `import`).

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use sentrascan_sbom::{DiffPolicy, Inventory, Origin, SbomFormat, SbomOptions};
use sentrascan_types::{ScanReport, Severity};

/// SBOM documents larger than this are not read.
const MAX_DOCUMENT: u64 = 256 << 20;

#[derive(Args)]
pub struct ScanSbomArgs {
    /// Also write a bill of materials of the scanned model to FILE
    /// (CycloneDX 1.6 ML-BOM by default).
    #[arg(long, value_name = "FILE")]
    pub sbom: Option<PathBuf>,
    /// SBOM format: cyclonedx (1.6), cyclonedx-1.5, or spdx (2.3).
    #[arg(long, value_enum, value_name = "FORMAT", requires = "sbom")]
    pub sbom_format: Option<SbomFormatArg>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SbomFormatArg {
    #[value(name = "cyclonedx")]
    CycloneDx,
    #[value(name = "cyclonedx-1.5")]
    CycloneDx15,
    Spdx,
}

/// Writes the scan's SBOM when `--sbom` was given. `paths` are the scan
/// arguments: a Hugging Face source (`hf://org/name@rev`) names the model.
pub fn write_for_scan(
    args: &ScanSbomArgs,
    report: &ScanReport,
    paths: &[PathBuf],
) -> anyhow::Result<()> {
    let Some(out) = &args.sbom else {
        return Ok(());
    };
    let origin = Origin {
        uri: paths
            .first()
            .and_then(|p| p.to_str())
            .filter(|p| p.starts_with("hf://"))
            .map(str::to_string),
    };
    let options = SbomOptions {
        format: match args.sbom_format.unwrap_or(SbomFormatArg::CycloneDx) {
            SbomFormatArg::CycloneDx => SbomFormat::CycloneDx,
            SbomFormatArg::CycloneDx15 => SbomFormat::CycloneDx15,
            SbomFormatArg::Spdx => SbomFormat::Spdx,
        },
        origin,
        serial: None,
    };
    let doc = sentrascan_sbom::generate(report, &options);
    std::fs::write(out, doc).with_context(|| format!("cannot write {}", out.display()))
}

#[derive(Args)]
pub struct SbomArgs {
    #[command(subcommand)]
    command: SbomCommand,
}

#[derive(Subcommand)]
enum SbomCommand {
    /// Compare two SBOMs (CycloneDX 1.4-1.6 or SPDX 2.3 JSON, mixed freely).
    ///
    /// Exit codes: 0 nothing forbidden, 1 the diff has what the policy
    /// forbids (new vulnerabilities at or above --fail-on, blocked licences),
    /// 2 an input could not be read.
    Diff {
        /// The SBOM before.
        old: PathBuf,
        /// The SBOM after.
        new: PathBuf,
        #[arg(long, short = 'f', value_enum, default_value = "json")]
        format: DiffFormat,
        /// New vulnerabilities at or above this severity fail (default HIGH).
        #[arg(long, value_name = "SEVERITY", default_value = "HIGH", value_parser = parse_severity)]
        fail_on: Severity,
        /// A licence (SPDX id or name) no component may newly carry; repeatable.
        #[arg(long = "blocked-license", value_name = "LICENSE")]
        blocked_licenses: Vec<String>,
        /// Write the diff to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Read a CycloneDX 1.4-1.6 or SPDX 2.3 JSON document and print its
    /// normalised inventory (components, hashes, licences, vulnerabilities) as JSON.
    Import {
        file: PathBuf,
        /// Write the inventory to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Json,
    Markdown,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse::<Severity>().map_err(|e| e.to_string())
}

pub fn run(args: SbomArgs) -> anyhow::Result<u8> {
    match args.command {
        SbomCommand::Import { file, output } => {
            let inv = read(&file)?;
            emit(
                output.as_deref(),
                &(serde_json::to_string_pretty(&inv)? + "\n"),
            )?;
            Ok(0)
        }
        SbomCommand::Diff {
            old,
            new,
            format,
            fail_on,
            blocked_licenses,
            output,
        } => {
            let (a, b) = (read(&old)?, read(&new)?);
            let policy = DiffPolicy {
                fail_on: Some(fail_on.as_str().to_ascii_lowercase()),
                blocked_licenses,
            };
            let d = sentrascan_sbom::diff(&a, &b, &policy);
            let text = match format {
                DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
                DiffFormat::Markdown => sentrascan_sbom::diff_markdown(&d),
            };
            emit(output.as_deref(), &text)?;
            Ok(if d.violations.is_empty() { 0 } else { 1 })
        }
    }
}

fn read(path: &Path) -> anyhow::Result<Inventory> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > MAX_DOCUMENT {
        anyhow::bail!(
            "{} is larger than {} MiB",
            path.display(),
            MAX_DOCUMENT >> 20
        );
    }
    sentrascan_sbom::import(&bytes).with_context(|| format!("{}", path.display()))
}

fn emit(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            use std::io::Write;
            // A closed pipe (`| head`) is not an error.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}
