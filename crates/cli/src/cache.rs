//! `sentrascan-model cache list|clear|prune`: the download cache (and, for
//! `clear`, the verdict cache beside it).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;
use sentrascan_sources::Cache;

#[derive(clap::Args)]
pub struct CacheArgs {
    /// Cache directory (default: $XDG_CACHE_HOME/sentrascan-model or ~/.cache/sentrascan-model).
    #[arg(long, value_name = "DIR", env = "SENTRASCAN_CACHE_DIR", global = true)]
    pub cache_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: CacheCommand,
}

#[derive(Subcommand)]
pub enum CacheCommand {
    /// List cached downloads: source, size, SHA-256, last use.
    List {
        /// One JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove every cached download and cached verdict.
    Clear,
    /// Remove downloads unused for a while, broken entries and leftovers;
    /// then the least recently used until the cache fits `--max-size`.
    Prune {
        /// Days since last use after which an entry goes (default 30).
        #[arg(long, value_name = "DAYS", default_value_t = 30)]
        max_age_days: u64,
        /// Size the downloads may keep (`10GiB`).
        #[arg(long, value_name = "SIZE", value_parser = crate::parse_size)]
        max_size: Option<u64>,
    },
}

pub fn run(args: CacheArgs) -> anyhow::Result<u8> {
    let root = crate::cache_root(args.cache_dir.as_ref())
        .context("no cache directory: set --cache-dir, SENTRASCAN_CACHE_DIR or HOME")?;
    let dir = crate::sources::downloads_dir(&root);
    let cache =
        Cache::open(&dir).with_context(|| format!("cannot open the cache at {}", dir.display()))?;
    match args.command {
        CacheCommand::List { json } => {
            let entries = cache.list()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                let mut total = 0u64;
                for e in &entries {
                    total += e.size;
                    println!(
                        "{:>12}  {}  {}",
                        e.size,
                        &e.sha256[..12.min(e.sha256.len())],
                        e.source
                    );
                }
                println!(
                    "{} entries, {} bytes in {}",
                    entries.len(),
                    total,
                    dir.display()
                );
            }
        }
        CacheCommand::Clear => {
            let s = cache.clear()?;
            let verdicts = root.join("verdicts");
            if verdicts.exists() {
                std::fs::remove_dir_all(&verdicts)
                    .with_context(|| format!("cannot remove {}", verdicts.display()))?;
            }
            println!(
                "removed {} downloads ({} bytes) and the verdict cache",
                s.blobs_removed, s.bytes_freed
            );
        }
        CacheCommand::Prune {
            max_age_days,
            max_size,
        } => {
            let s = cache.prune(
                Duration::from_secs(max_age_days.saturating_mul(86_400)),
                max_size,
            )?;
            println!(
                "removed {} entries and {} blobs ({} bytes)",
                s.refs_removed, s.blobs_removed, s.bytes_freed
            );
        }
    }
    Ok(0)
}
