//! PKL003: a global in neither list is called.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::{PickleCtx, call_phrase, global_finding, use_location};
use crate::pickle_globals::{Tier, classify_use};

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL003",
    name: "unknown-global-called",
    family: RuleFamily::Pickle,
    default_severity: Severity::High,
    category: Category::UnsafeImports,
    scanner: "pickle",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The pickle calls (or instantiates) a global that is neither known-safe nor known-dangerous.",
    remediation: "Review what the callable does with the arguments shown; load only with an allow-list that names it, or re-export the model without pickle.",
    docs: r#"## What it does
Reports each global the pickle calls through REDUCE, INST, OBJ, NEWOBJ,
NEWOBJ_EX or `copyreg`, when the global is on neither reviewed list.

## Why is this bad?
A call runs the callable's code with arguments from the file. Unknown code
called at load time is how most gadget chains that evade blocklists work.

## Example
`GLOBAL mypkg.tasks run` followed by `REDUCE` with `('echo hi',)`.

## How to fix
Read the callable's source for what it does with the arguments shown in the
evidence. If it is your own class, allow it explicitly; otherwise do not load
the file.

## References
- CWE-502: Deserialization of Untrusted Data
- OWASP ML06:2023 AI Supply Chain Attacks
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for g in view.globals.iter().filter(|g| g.is_called()) {
        if classify_use(g) != Tier::Unknown
            || (ctx.jit_types && crate::pickle_globals::is_torchscript_type(&g.module))
        {
            continue;
        }
        let dotted = g.dotted();
        let f = Finding::new(
            &RULE,
            use_location(ctx, g),
            format!("Pickle calls unknown global `{dotted}`"),
        )
        .description(format!(
            "The pickle calls `{dotted}`{}, which is not on the safe or dangerous lists.",
            call_phrase(g)
        ));
        out.push(global_finding(f, g));
    }
}
