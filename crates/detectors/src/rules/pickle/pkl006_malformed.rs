//! PKL006: the stream breaks (invalid opcode, truncation, stack misuse).

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

/// Malformations reported per pickle; the rest are counted in the last finding.
const MAX_REPORTED: usize = 8;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL006",
    name: "malformed-pickle",
    family: RuleFamily::Pickle,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "pickle",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The pickle stream is malformed: an invalid opcode, a truncated operand, or a stack misuse.",
    remediation: "Do not load the file; a loader executes everything before the break. Re-export the model from its source.",
    docs: r#"## What it does
Reports where a pickle stream stops being valid: an invalid opcode byte, an
operand longer than the data left, a STRING that is not quoted, a pop from an
empty stack, a memo read of a key never stored. The machine continues past
the break and analyses what follows.

## Why is this bad?
`pickle.load` runs every opcode before the break, then raises. Payloads are
placed before deliberate garbage so that scanners which give up on a parse
error report nothing (the nullifAI technique).

## Example
A REDUCE of `posix.system` followed by the byte `0xff`.

## How to fix
Do not load the file. A real serialiser never writes a broken stream.

## References
- ReversingLabs, "nullifAI" (2025)
- CWE-20: Improper Input Validation
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    let total = view.malformations.len();
    for (i, m) in view.malformations.iter().take(MAX_REPORTED).enumerate() {
        let mut f = Finding::new(&RULE, ctx.location.at(m.offset), "Malformed pickle stream")
            .description(format!("{}.", m.message))
            .evidence("problem", m.message.clone());
        if i + 1 == MAX_REPORTED && total > MAX_REPORTED {
            f = f.evidence("further_problems", total - MAX_REPORTED);
        }
        out.push(f);
    }
}
