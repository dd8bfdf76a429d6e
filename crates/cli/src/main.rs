//! `sentrascan-model`: scan model files for code that runs when they load.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sentrascan_core::{Digests, ScanOptions, Scanner};
use sentrascan_report::OutputFormat;
use sentrascan_types::{FileStatus, ScanReport, Severity, Verdict};

mod baseline;
mod cache;
mod policy;
mod sbom;
mod sources;

#[derive(Parser)]
#[command(
    name = "sentrascan-model",
    version,
    about = "Tells whether a model file is safe to load, without loading it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Scan files and directories (recursively) and report findings.
    ///
    /// Exit codes: 0 pass, 1 fail (a finding at or above the threshold),
    /// 2 error or inconclusive (a file could not be read or fully analysed).
    Scan(ScanArgs),
    /// List the detection rules or explain one.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// List, clear or prune the download cache of remote sources.
    Cache(cache::CacheArgs),
    /// Record an approved model as a baseline, to detect drift later
    /// (`scan --baseline FILE`).
    Baseline(baseline::BaselineArgs),
    /// Compare SBOMs or read one into the normalised inventory.
    Sbom(sbom::SbomArgs),
    /// List every format recognised from content, with its usual
    /// extensions and how it is told apart.
    Formats {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files or directories to scan, or remote sources: hf://ORG/REPO[@REV][/PATH],
    /// models:/NAME/VERSION, models:/NAME@ALIAS, runs:/RUN_ID[/PATH],
    /// s3://, gs://, az://BUCKET[/PREFIX], https://URL.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    fetch: sources::FetchArgs,
    #[command(flatten)]
    sbom: sbom::ScanSbomArgs,
    #[command(flatten)]
    gate: policy::GateArgs,
    /// Report format (default: text on a terminal, JSON otherwise).
    #[arg(long, short = 'f', value_enum)]
    format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Fail on any issue of LOW severity or above, and on files not analysed.
    #[arg(long)]
    strict: bool,
    /// Fail on findings at or above this severity (default MEDIUM).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Digests computed for every file in the scan's single read pass:
    /// any of sha256,sha1,md5, or `all` (the default; the SBOM lists each),
    /// or `none` for a verdict-only scan that reads only what the analysis
    /// needs (headers, pickles, configs).
    #[arg(long, value_name = "LIST", value_parser = parse_digests)]
    hashes: Option<Digests>,
    /// Same as `--hashes none`.
    #[arg(long, conflicts_with = "hashes")]
    no_hashes: bool,
    /// Files scanned at once (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Time the analysis of one file may take (`90s`, `5m`, `500ms`); a file
    /// that runs out is reported inconclusive, never clean.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    file_time_budget: Option<std::time::Duration>,
    /// Bytes the analysis of one file may decompress into memory (caps
    /// `--max-decompressed-bytes` and the per-archive total).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    file_memory_budget: Option<u64>,
    /// Analyse every file again instead of reusing cached verdicts of
    /// unchanged files (and download again rather than reuse the cache).
    #[arg(long)]
    no_cache: bool,
    /// Cache directory (default: $XDG_CACHE_HOME/sentrascan-model or ~/.cache/sentrascan-model).
    #[arg(long, value_name = "DIR", env = "SENTRASCAN_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// No progress or log lines on standard error (the report is still written).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Containers within containers followed at most (default 5).
    #[arg(long, value_name = "N")]
    max_archive_depth: Option<u32>,
    /// Members per archive at most (default 100000).
    #[arg(long, value_name = "N")]
    max_archive_entries: Option<usize>,
    /// Bytes one compressed stream or member may expand to (default 1GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_decompressed_bytes: Option<u64>,
    /// Expansion ratio above which a compressed stream is a bomb (default 200).
    #[arg(long, value_name = "N")]
    max_compression_ratio: Option<u64>,
}

fn parse_digests(s: &str) -> Result<Digests, String> {
    Digests::parse(s)
}

/// `90s`, `5m`, `500ms`, `1h`, or plain seconds.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (examples: 90s, 5m, 500ms)"))?;
    let d = match unit.trim().to_ascii_lowercase().as_str() {
        "ms" => std::time::Duration::from_millis(n),
        "" | "s" => std::time::Duration::from_secs(n),
        "m" | "min" => std::time::Duration::from_secs(n.saturating_mul(60)),
        "h" => std::time::Duration::from_secs(n.saturating_mul(3600)),
        other => {
            return Err(format!(
                "unknown duration unit `{other}` (use ms, s, m or h)"
            ));
        }
    };
    if d.is_zero() {
        return Err("a time budget must be more than zero".into());
    }
    Ok(d)
}

/// The cache directory: `--cache-dir`, else the user's cache directory.
fn cache_root(given: Option<&PathBuf>) -> Option<PathBuf> {
    if let Some(dir) = given {
        return Some(dir.clone());
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("sentrascan-model"))
}

/// `512MiB`, `2G`, `1000000`: a byte count with an optional unit (the
/// policy file's `max_file_size` reads sizes the same way).
fn parse_size(s: &str) -> Result<u64, String> {
    sentrascan_policy::parse_size(s)
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List every rule: code, name, default severity, summary.
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Show a rule's documentation, by code (PKL001) or name.
    Explain { rule: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Markdown,
    Text,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse::<Severity>().map_err(|e| e.to_string())
}

/// The one mapping from outcomes to exit codes.
fn exit_code(report: &ScanReport) -> u8 {
    match report.scan_result.verdict {
        Verdict::Pass => 0,
        Verdict::Fail => 1,
        Verdict::Inconclusive => 2,
    }
}

const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Scan(args) => scan(args),
        Command::Rules { command } => rules(command),
        Command::Cache(args) => cache::run(args),
        Command::Baseline(args) => baseline::run(args),
        Command::Sbom(args) => sbom::run(args),
        Command::Formats { format } => formats(format),
    }
}

fn scan(args: ScanArgs) -> anyhow::Result<u8> {
    let gate_policy = policy::load_policy(&args.gate)?;
    let mut options = ScanOptions {
        fail_threshold: args.fail_on.unwrap_or(Severity::Medium),
        strict: args.strict,
        hashes: if args.no_hashes {
            Digests::NONE
        } else {
            args.hashes.unwrap_or(Digests::ALL)
        },
        jobs: args.jobs.unwrap_or(0),
        file_time_budget: args.file_time_budget,
        verdict_cache: (!args.no_cache)
            .then(|| cache_root(args.cache_dir.as_ref()).map(|d| d.join("verdicts")))
            .flatten(),
        ..ScanOptions::default()
    };
    let l = &mut options.limits;
    if let Some(budget) = args.file_memory_budget {
        l.max_decompressed_bytes = l.max_decompressed_bytes.min(budget);
        l.max_member_bytes = l.max_member_bytes.min(budget);
        l.max_archive_bytes = l.max_archive_bytes.min(budget);
        l.max_nested_bytes = l.max_nested_bytes.min(budget);
    }
    if let Some(v) = args.max_archive_depth {
        l.max_archive_depth = v;
    }
    if let Some(v) = args.max_archive_entries {
        l.max_archive_entries = v;
    }
    if let Some(v) = args.max_decompressed_bytes {
        l.max_decompressed_bytes = v;
    }
    if let Some(v) = args.max_compression_ratio {
        l.max_compression_ratio = v;
    }
    let mut report = if sources::any_remote(&args.paths) {
        let root = (!args.no_cache)
            .then(|| cache_root(args.cache_dir.as_ref()))
            .flatten();
        let scanner = Scanner::new(options);
        sources::scan(&scanner, &args.paths, &args.fetch, root, args.quiet)
    } else {
        Scanner::new(options).scan_paths(&args.paths)?
    };
    sbom::write_for_scan(&args.sbom, &report, &args.paths)?;
    let judged = policy::judge(
        &args.gate,
        &gate_policy,
        &mut report,
        &args.paths,
        args.fail_on,
        args.strict,
        args.sbom.sbom.as_deref(),
    )?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = match args.format {
        Some(Format::Json) => OutputFormat::Json,
        Some(Format::Markdown) => OutputFormat::Markdown,
        Some(Format::Sarif) => OutputFormat::Sarif,
        Some(Format::Text) => OutputFormat::Text {
            color: to_terminal && no_color_unset(),
        },
        None if to_terminal => OutputFormat::Text {
            color: no_color_unset(),
        },
        None => OutputFormat::Json,
    };
    let rendered = judged.render(&report, format);
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error of the scan.
            let _ = out.write_all(rendered.as_bytes());
        }
    }
    if !args.quiet {
        for f in report
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Error)
        {
            eprintln!(
                "error: {}: {}",
                f.path,
                f.message.as_deref().unwrap_or("could not be scanned")
            );
        }
        let s = &report.scan_result;
        eprintln!(
            "sentrascan-model: {:?} — {} file(s), {} finding(s) ({} critical, {} high) in {} ms",
            s.verdict,
            report.files.len(),
            report.findings.len(),
            s.critical,
            s.high,
            report.metadata.scan_duration_ms
        );
    }
    Ok(exit_code(&report))
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn formats(format: ListFormat) -> anyhow::Result<u8> {
    let table = sentrascan_types::catalogue::CATALOGUE;
    match format {
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(table)?),
        ListFormat::Text => {
            for i in table {
                println!(
                    "{:<18} {:<40} {:<28} {}",
                    i.format.as_str(),
                    i.title,
                    i.extensions.join(" "),
                    i.magic
                );
            }
            println!("{} formats", table.len());
        }
    }
    Ok(0)
}

fn rules(command: RulesCommand) -> anyhow::Result<u8> {
    match command {
        RulesCommand::List { format } => {
            let rules = sentrascan_detectors::all_rules();
            match format {
                ListFormat::Json => println!("{}", serde_json::to_string_pretty(rules)?),
                ListFormat::Text => {
                    for r in rules {
                        println!(
                            "{:<7} {:<32} {:<9} {}",
                            r.code,
                            r.name,
                            r.default_severity.as_str(),
                            r.summary
                        );
                    }
                }
            }
            Ok(0)
        }
        RulesCommand::Explain { rule } => {
            let r = sentrascan_detectors::find_rule(&rule).with_context(|| {
                format!("no rule `{rule}`; `sentrascan-model rules list` shows them all")
            })?;
            println!("# {} {}\n", r.code, r.name);
            println!(
                "Default severity: {}  \nCategory: {}  ",
                r.default_severity, r.category
            );
            if let Some(c) = r.cwe {
                println!("CWE: {c}  ");
            }
            if let Some(o) = r.owasp_ml {
                println!("OWASP ML: {o}  ");
            }
            println!("\n{}\n\n{}", r.summary, r.docs);
            Ok(0)
        }
    }
}
