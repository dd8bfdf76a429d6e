//! The scan command's gate: finds and loads the policy, compares with a
//! baseline, judges the report and hands the encoders everything they show.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sentrascan_policy::baseline::Baseline;
use sentrascan_policy::{GateInput, Policy};
use sentrascan_report::{OutputFormat, Report};
use sentrascan_types::{DriftReport, GateOutcome, ScanReport, Severity};

#[derive(clap::Args)]
pub struct GateArgs {
    /// Policy file (default: .sentrascan-model.yaml in the working directory
    /// or its nearest parent that has one).
    #[arg(long, value_name = "FILE", conflicts_with = "no_policy")]
    pub policy: Option<PathBuf>,
    /// Ignore any .sentrascan-model.yaml; judge with the built-in defaults.
    #[arg(long)]
    pub no_policy: bool,
    /// Baseline file (from `baseline create`) to compare this scan with.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Report drift from the baseline: hash, components, licences, findings,
    /// dependencies (implied by --baseline).
    #[arg(long, requires = "baseline")]
    pub detect_drift: bool,
    /// Fail the scan (exit 1) on any drift from the baseline (the policy's
    /// `fail_on_drift: true` does the same).
    #[arg(long, requires = "baseline")]
    pub fail_on_drift: bool,
}

/// A judged scan: the gate's verdict and the drift, ready to render.
pub struct Judged {
    pub gate: GateOutcome,
    pub drift: Option<DriftReport>,
    root: Option<String>,
    sbom_path: Option<String>,
}

impl Judged {
    pub fn render(&self, report: &ScanReport, format: OutputFormat) -> String {
        Report {
            scan: report,
            gate: Some(&self.gate),
            drift: self.drift.as_ref(),
            sbom_path: self.sbom_path.as_deref(),
            rules: sentrascan_detectors::all_rules(),
            root: self.root.as_deref(),
        }
        .render(format)
    }
}

/// The policy: `--policy FILE`, else the nearest `.sentrascan-model.yaml`,
/// else the built-in defaults. An invalid policy is an error (exit 2).
pub fn load_policy(args: &GateArgs) -> anyhow::Result<Policy> {
    let rules = sentrascan_detectors::all_rules();
    if let Some(p) = &args.policy {
        return Ok(sentrascan_policy::load(p, rules)?);
    }
    if args.no_policy {
        return Ok(Policy::default());
    }
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    match sentrascan_policy::discover(&cwd) {
        Some(p) => Ok(sentrascan_policy::load(&p, rules)?),
        None => Ok(Policy::default()),
    }
}

/// The scan root the report's paths are relative to: the one path scanned,
/// or none when several were.
pub fn scan_root(paths: &[PathBuf]) -> Option<String> {
    match paths {
        [one] => Some(one.display().to_string()),
        _ => None,
    }
}

/// Judges `report` (and writes the verdict into its summary).
pub fn judge(
    args: &GateArgs,
    policy: &Policy,
    report: &mut ScanReport,
    paths: &[PathBuf],
    fail_on: Option<Severity>,
    strict: bool,
    sbom_path: Option<&Path>,
) -> anyhow::Result<Judged> {
    let root = scan_root(paths);
    let drift = match &args.baseline {
        Some(path) => {
            let baseline = Baseline::read(path)?;
            let current = Baseline::from_report(
                report,
                root.as_deref().unwrap_or(&report.model_path),
                &baseline.model.name,
                None,
                &report.timestamp,
            );
            Some(baseline.drift(&current, &path.display().to_string()))
        }
        None => None,
    };
    let input = GateInput {
        fail_on,
        strict,
        sbom_written: sbom_path.is_some(),
        drift: drift.as_ref(),
        fail_on_drift: args.fail_on_drift,
        ..GateInput::new(report)
    };
    let gate = policy.evaluate(&input);
    sentrascan_policy::apply(&gate, report);
    Ok(Judged {
        gate,
        drift,
        root,
        sbom_path: sbom_path.map(|p| p.display().to_string()),
    })
}
