//! PKL008: references that multiply into an enormous object (billion laughs).

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL008",
    name: "pickle-expansion",
    family: RuleFamily::Pickle,
    default_severity: Severity::High,
    category: Category::ResourceExhaustion,
    scanner: "pickle",
    cwe: Some("CWE-776"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Shared references (DUP, GET, nested containers) make a tiny pickle describe an enormous object.",
    remediation: "Do not load the file; it is built to exhaust memory or CPU in whatever walks the result.",
    docs: r#"## What it does
Counts the elements each container reaches, following shared references, and
reports a stream whose logical size passes the expansion threshold while
being at least sixteen times larger than the bytes that describe it.

## Why is this bad?
Loading is cheap, but any code that walks, copies or serialises the result
(printing, `deepcopy`, JSON export, a scanner) runs out of memory or time.

## Example
Thirty `DUP`, `TUPLE2` pairs turn one list into a structure of 2^30 elements
in 62 bytes.

## How to fix
Do not load the file.

## References
- CWE-776: Improper Restriction of Recursive Entity References
- fickling `ExpansionAttackAnalysis`
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for e in &view.expansions {
        out.push(
            Finding::new(&RULE, ctx.location.at(e.offset), "Pickle expands through shared references")
                .description(format!(
                    "At offset {:#x} the stream reaches {} elements through shared references, from {} bytes.",
                    e.offset, e.logical_size, e.stream_bytes
                ))
                .evidence("logical_size", e.logical_size)
                .evidence("stream_bytes", e.stream_bytes),
        );
    }
}
