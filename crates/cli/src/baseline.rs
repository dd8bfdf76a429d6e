//! `sentrascan-model baseline create`: record an approved scan (FR-7.1).

use std::path::PathBuf;

use anyhow::Context;
use sentrascan_core::{ScanOptions, Scanner};
use sentrascan_policy::baseline::Baseline;
use sentrascan_types::Verdict;

#[derive(clap::Args)]
pub struct BaselineArgs {
    #[command(subcommand)]
    command: BaselineCommand,
}

#[derive(clap::Subcommand)]
enum BaselineCommand {
    /// Scan PATH and write its baseline: model digest and size, every file,
    /// the frameworks it needs, licences, findings, approver and date.
    Create {
        /// File or directory to record.
        path: PathBuf,
        /// Name of the model in the baseline (such as fraud_detector_v2).
        #[arg(long)]
        name: String,
        /// Where to write the baseline.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: PathBuf,
        /// Who approved this model (recorded with today's date).
        #[arg(long, value_name = "WHO")]
        approver: Option<String>,
        /// No summary on standard error.
        #[arg(long, short = 'q')]
        quiet: bool,
    },
}

pub fn run(args: BaselineArgs) -> anyhow::Result<u8> {
    match args.command {
        BaselineCommand::Create {
            path,
            name,
            output,
            approver,
            quiet,
        } => {
            let report = Scanner::new(ScanOptions::default()).scan_path(&path)?;
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let root = path.display().to_string();
            let baseline = Baseline::from_report(&report, &root, &name, approver.as_deref(), &now);
            std::fs::write(&output, baseline.to_json())
                .with_context(|| format!("cannot write {}", output.display()))?;
            if !quiet {
                eprintln!(
                    "sentrascan-model: baseline `{name}` of {root} written to {} ({} file(s), {} finding(s), {})",
                    output.display(),
                    baseline.sbom.components.len(),
                    baseline.scan_results.findings.len(),
                    baseline.model.hash
                );
                if report.scan_result.verdict != Verdict::Pass {
                    eprintln!(
                        "warning: the scan recorded in this baseline did not pass ({:?}); later scans are compared with it as it is",
                        report.scan_result.verdict
                    );
                }
            }
            Ok(0)
        }
    }
}
