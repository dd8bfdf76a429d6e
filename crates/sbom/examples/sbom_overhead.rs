//! What SBOM generation adds to a scan: scans PATH with the default options
//! (all three digests in the read pass), then times writing the CycloneDX 1.6
//! and SPDX documents from the report. Best of three each.
//!
//! `cargo run --release -p sentrascan-sbom --example sbom_overhead -- PATH`

use std::time::{Duration, Instant};

use sentrascan_core::{ScanOptions, Scanner};
use sentrascan_sbom::{SbomFormat, SbomOptions, generate};

fn best<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("ran"))
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: sbom_overhead PATH");
    let scanner = Scanner::new(ScanOptions::default());
    let (scan, report) = best(|| scanner.scan_path(&path).expect("scan"));
    for (label, format) in [
        ("CycloneDX 1.6", SbomFormat::CycloneDx),
        ("SPDX 2.3", SbomFormat::Spdx),
    ] {
        let options = SbomOptions {
            format,
            ..SbomOptions::default()
        };
        let (t, doc) = best(|| generate(&report, &options));
        println!(
            "{path}: scan {:.3} s, {label} {:.3} ms ({} bytes), overhead {:.4} %",
            scan.as_secs_f64(),
            t.as_secs_f64() * 1e3,
            doc.len(),
            t.as_secs_f64() / scan.as_secs_f64() * 100.0
        );
    }
}
