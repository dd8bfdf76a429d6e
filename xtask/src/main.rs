//! `cargo xtask <command>`: chores that are code, not shell scripts.
//!
//! - `check-layers`: fails on any dependency edge that breaks the crate
//!   layering, and on async, HTTP or database crates in the engine's tree.
//! - `bench`: generates large workloads and measures the scanner against the
//!   floor of reading and hashing the same bytes.

mod bench;
mod layers;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check-layers") => {
            let report = layers::check()?;
            println!("{report}");
            Ok(())
        }
        Some("bench") => bench::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <check-layers | bench [--quick] [--out docs/benchmarks.md]>"
            );
            std::process::exit(2);
        }
    }
}
