//! PKL011: PROTO not at the start of a stream, or repeated.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL011",
    name: "misplaced-proto",
    family: RuleFamily::Pickle,
    default_severity: Severity::Low,
    category: Category::MalformedFile,
    scanner: "pickle",
    cwe: Some("CWE-20"),
    owasp_ml: None,
    version: 1,
    summary: "A PROTO opcode appears after the first opcode of a stream, or twice.",
    remediation: "Re-export the object with a standard pickler; hand-edited streams deserve review.",
    docs: r#"## What it does
Reports PROTO opcodes that a standard pickler never writes: after the first
opcode of a stream, or a second time in the same stream.

## Why is this bad?
It is a sign of a hand-assembled or spliced stream, used to confuse scanners
that sniff the protocol from the first bytes.

## Example
`(` `\x80\x02` … (MARK before PROTO).

## How to fix
Review where the file came from; re-export it.

## References
- fickling `MisplacedProtoAnalysis`, `DuplicateProtoAnalysis`
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for p in &view.proto_anomalies {
        out.push(
            Finding::new(
                &RULE,
                ctx.location.at(p.offset),
                format!("PROTO {} misplaced", p.protocol),
            )
            .description(format!(
                "{} at offset {:#x} (protocol {}).",
                p.problem, p.offset, p.protocol
            ))
            .evidence("problem", p.problem)
            .evidence("protocol", p.protocol),
        );
    }
}
