//! PKL012: bytes after the last pickle stream that are not a pickle.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL012",
    name: "trailing-data",
    family: RuleFamily::Pickle,
    default_severity: Severity::Low,
    category: Category::MalformedFile,
    scanner: "pickle",
    cwe: Some("CWE-20"),
    owasp_ml: None,
    version: 1,
    summary: "Data follows the pickle streams and is not a pickle; it was searched for hidden streams.",
    remediation: "Find out what the extra bytes are; a polyglot file may be read differently by another loader.",
    docs: r#"## What it does
Reports data after STOP that does not start another pickle stream. The data
is searched for hidden pickle streams (PROTO headers, protocol-0 GLOBAL and
INST), and any found are analysed and reported by the other rules.

## Why is this bad?
Trailing data is how polyglot files and staged payloads are carried; loaders
that read more than one stream (legacy PyTorch) execute what scanners that
stop at the first STOP never see.

## Example
A pickle, then 4 KB of bytes, then `cos\nsystem\n…`.

## How to fix
Review the file's origin; strip the extra data by re-exporting.

## References
- picklescan and modelscan multiple-pickle handling
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for t in &view.trailing {
        out.push(
            Finding::new(
                &RULE,
                ctx.location.at(t.offset),
                "Non-pickle data after the pickle",
            )
            .description(format!(
                "{} bytes at offset {:#x} follow the pickle and are not a pickle stream.",
                t.length, t.offset
            ))
            .evidence("length", t.length),
        );
    }
}
