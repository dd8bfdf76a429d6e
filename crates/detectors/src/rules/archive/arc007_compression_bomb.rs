//! ARC007: a compressed stream or member that expands out of proportion.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC007",
    name: "compression-bomb",
    family: RuleFamily::Archive,
    default_severity: Severity::Medium,
    category: Category::ResourceExhaustion,
    scanner: "archive",
    cwe: Some("CWE-409"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A compressed stream or archive member expands by more than the allowed ratio.",
    remediation: "Do not extract the file with tools that lack limits; obtain an uncompressed copy from the publisher.",
    docs: r#"## What it does
Compares decompressed and compressed sizes (declared sizes for zip members,
actual output for streams) and reports ratios above the configured limit
(200 by default) on outputs of 16 MiB or more. Decompression stops at the
configured byte limits; if it stopped, the file is also inconclusive.

## Why is this bad?
Extraction tools and loaders that decompress without limits run out of
memory or disk: a few kilobytes become gigabytes.

## Example
A 10 KB gzip stream of zeros declaring 10 GB.

## How to fix
Treat the file as hostile.

## References
- CWE-409: Improper Handling of Highly Compressed Data (Data Amplification)
"#,
};

pub fn finding(location: &Location, compressed: u64, expanded: u64, declared: bool) -> Finding {
    let ratio = expanded / compressed.max(1);
    let kind = if declared { "declares" } else { "expands to" };
    Finding::new(
        &RULE,
        location.clone(),
        format!("Compression ratio {ratio}:1"),
    )
    .description(format!(
        "{compressed} compressed bytes {kind} {expanded} bytes (ratio {ratio}:1)."
    ))
    .evidence("compressed_bytes", compressed)
    .evidence("expanded_bytes", expanded)
    .evidence("ratio", ratio)
}
