//! PKL002: a global in neither list is imported but never called.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::{PickleCtx, call_phrase, global_finding, use_location};
use crate::pickle_globals::{Tier, classify_use};

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL002",
    name: "unknown-global-imported",
    family: RuleFamily::Pickle,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "pickle",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The pickle imports a global that is neither a known-safe ML global nor a known-dangerous one.",
    remediation: "Check that the module is one you trust and expect in this model; load with an allow-list (torch.load(weights_only=True) or a restricted Unpickler) that names it.",
    docs: r#"## What it does
Reports each global the pickle imports without calling it, when the global
is on neither the reviewed safe list (PyTorch tensor rebuilding, NumPy
arrays, scikit-learn estimators, plain containers) nor the dangerous list.

## Why is this bad?
Importing a module runs its top-level code, and an imported object can be
passed to a later call. An unknown global is not proof of an attack, but the
scanner cannot vouch for it.

## Example
A pickle containing `GLOBAL mypkg.models Thing` stored as a value.

## How to fix
Confirm the module is yours or a library you trust, then allow it by name in
the policy, or load with an explicit allow-list.

## References
- CWE-502: Deserialization of Untrusted Data
- PyTorch documentation, `torch.serialization.add_safe_globals`
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for g in view.globals.iter().filter(|g| !g.is_called()) {
        if classify_use(g) != Tier::Unknown
            || (ctx.jit_types && crate::pickle_globals::is_torchscript_type(&g.module))
        {
            continue;
        }
        let dotted = g.dotted();
        let f = Finding::new(&RULE, use_location(ctx, g), format!("Pickle imports unknown global `{dotted}`"))
            .description(format!(
                "The pickle imports `{dotted}`{}, which is not on the safe or dangerous lists; it is not called.",
                call_phrase(g)
            ));
        out.push(global_finding(f, g));
    }
}
