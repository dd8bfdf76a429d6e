//! EXE004: an executable's header is valid but the image cannot be read.

use sentrascan_formats::executable::ExeHeader;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::{describe, with_evidence};

pub static RULE: RuleMeta = RuleMeta {
    code: "EXE004",
    name: "executable-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "executable",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A file with a valid ELF, PE or Mach-O header could not be parsed further, so its imports were not checked.",
    remediation: "Treat the binary as unknown code: remove it, or inspect it with a disassembler before trusting it.",
    docs: r#"## What it does
Reports an image whose header is valid but whose section, segment, load
command or import tables are truncated or inconsistent, so the scanner
could not list what it imports. The file is marked inconclusive.

## Why is this bad?
Malformed tables are a common way to confuse analysis tools while the
operating system's loader, which reads less, still runs the program.

## Example
An ELF whose section headers point past the end of the file.

## How to fix
Remove the binary or inspect it by hand.

## References
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, header: &ExeHeader, message: &str) -> Finding {
    let what = describe(header);
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!("Native image could not be read ({what})"),
    )
    .description(format!(
        "The file has the valid header of {what}, but its tables cannot be read: {message}."
    ))
    .evidence("error", message);
    with_evidence(f, header, None)
}
