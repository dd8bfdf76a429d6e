//! PKL004: a callable or global operand that cannot be resolved statically.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL004",
    name: "unresolved-callable",
    family: RuleFamily::Pickle,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "pickle",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The pickle calls something, or imports a global, whose identity is only known when it runs.",
    remediation: "Do not load the file: names computed at load time exist to hide what is called.",
    docs: r#"## What it does
Fails closed where the symbolic machine cannot name what a real unpickler
would import or call: a STACK_GLOBAL whose module or name operand is not a
literal string (built by `str.join`, read from a memo key that was never
stored, or another object), or a REDUCE whose callable is the result of
another call. Where the machine can still compute the string, the evidence
shows it.

## Why is this bad?
Model files never compute the names of their classes. Computing them is how
payloads evade scanners that read only literal imports.

## Example
`STACK_GLOBAL` with a module operand produced by
`builtins.str.join('', ['o', 's'])` and the name `system`.

## How to fix
Treat the file as malicious and do not load it.

## References
- CWE-502: Deserialization of Untrusted Data
- modelscan issue 331 (operands built at run time)
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for u in &view.unresolved {
        let mut f = Finding::new(
            &RULE,
            ctx.location.at(u.offset),
            format!("{} target cannot be resolved statically", u.opcode),
        )
        .description(format!(
            "{} at offset {:#x}: {}.",
            u.opcode, u.offset, u.reason
        ))
        .evidence("opcode", u.opcode)
        .evidence("reason", u.reason.clone());
        if let Some(c) = &u.computed {
            f = f.evidence("computed", c.clone());
            f.description
                .push_str(&format!(" At load time it evaluates to `{c}`."));
        }
        out.push(f);
    }
}
