//! PKL010: BUILD or item writes applied to an imported class, function or module.

use sentrascan_formats::pickle::{MutationTarget, PickleAnalysis};
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL010",
    name: "global-object-mutated",
    family: RuleFamily::Pickle,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "pickle",
    cwe: Some("CWE-915"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The pickle sets attributes or items on an imported class, function or module.",
    remediation: "Do not load the file: it changes library objects of the loading process.",
    docs: r#"## What it does
Reports BUILD, SETITEM, SETITEMS, APPEND(S) and ADDITEMS whose target is a
global itself rather than an instance: a class, a function, a module or a
module-level object such as `os.environ`.

## Why is this bad?
Writing attributes onto library objects changes the behaviour of the loading
process after the load (monkey-patching), or plants strings that a later
dotted global reads back to hide what it imports.

## Example
`GLOBAL numpy prod`, then `BUILD {'a': 'os', 'b': 'system'}`.

## How to fix
Do not load the file.

## References
- CWE-915: Improperly Controlled Modification of Dynamically-Determined Object Attributes
- modelscan issue 85
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for m in &view.mutations {
        let MutationTarget::Global(target) = &m.target else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                ctx.location.at(m.offset),
                format!("{} modifies imported object `{target}`", m.opcode),
            )
            .description(format!(
                "{} at offset {:#x} writes into `{target}` itself, not into an instance.",
                m.opcode, m.offset
            ))
            .evidence("opcode", m.opcode)
            .evidence("target", target.clone()),
        );
    }
}
