//! ARC006: other structural disagreements in a zip archive.

use sentrascan_formats::zip::ZipAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC006",
    name: "zip-structure-anomaly",
    family: RuleFamily::Archive,
    default_severity: Severity::Medium,
    category: Category::ArchiveAnomaly,
    scanner: "zip",
    cwe: Some("CWE-436"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The zip structure is inconsistent: data before the archive, headers that disagree, entries out of bounds.",
    remediation: "Do not load the archive; re-create it from trusted contents with a standard writer.",
    docs: r#"## What it does
Reports inconsistencies that standard writers never produce: bytes before
the first member (a polyglot or self-extracting stub), local headers that
disagree with the central directory on method or flags, missing local
headers, member data past the end of the file, and entry counts that do not
match.

## Why is this bad?
Each inconsistency is a place where two readers see two different archives;
polyglot files are read as another format by another tool.

## Example
A shell script followed by a PyTorch checkpoint.

## How to fix
Treat the archive as tampered with.

## References
- CWE-436: Interpretation Conflict
"#,
};

pub fn finding(location: &Location, anomaly: &ZipAnomaly) -> Finding {
    let (loc, title, kind) = match anomaly {
        ZipAnomaly::HeaderMismatch { name, field } => (
            location.member(name),
            format!("Local header of `{name}` disagrees on {field}"),
            "header_mismatch",
        ),
        ZipAnomaly::BadLocalHeader { name, offset } => (
            location.at(*offset),
            format!("Member `{name}` has no valid local header"),
            "bad_local_header",
        ),
        ZipAnomaly::DataOutOfBounds { name } => (
            location.member(name),
            format!("Member `{name}` runs past the end of the file"),
            "data_out_of_bounds",
        ),
        ZipAnomaly::PrependedData { length } => (
            location.at(0),
            format!("{length} bytes precede the zip archive"),
            "prepended_data",
        ),
        ZipAnomaly::EntryCountMismatch { declared, found } => (
            location.clone(),
            format!("Archive declares {declared} entries, holds {found}"),
            "entry_count_mismatch",
        ),
        other => (location.clone(), format!("{other:?}"), "other"),
    };
    Finding::new(&RULE, loc, title.clone())
        .description(format!("{title}."))
        .evidence("anomaly", kind)
}
