//! PKL009: SETITEM(S) applied to a rebuilt tensor or array.

use sentrascan_formats::pickle::{MutationTarget, PickleAnalysis};
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL009",
    name: "setitem-on-non-dict",
    family: RuleFamily::Pickle,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "pickle",
    cwe: Some("CWE-787"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "SETITEM or SETITEMS writes into a rebuilt tensor or array instead of a dict.",
    remediation: "Upgrade PyTorch to 2.10 or later and do not load the file with older versions.",
    docs: r#"## What it does
Reports SETITEM and SETITEMS whose target is the result of a tensor or array
rebuilding function (`torch._utils._rebuild_tensor_v2`, NumPy
`_reconstruct`). Real pickles only write items into dicts.

## Why is this bad?
PyTorch before 2.10 let the `weights_only` unpickler apply item assignment to
such objects, corrupting memory (CVE-2026-24747); it is a bypass of the
"safe" loading mode.

## Example
`torch._utils._rebuild_tensor_v2(…)` followed by `MARK 1 2 SETITEMS`.

## How to fix
Do not load the file; upgrade PyTorch.

## References
- CVE-2026-24747
- CWE-787: Out-of-bounds Write
"#,
};

const REBUILDERS: &[&str] = &[
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._tensor._rebuild_from_type_v2",
    "numpy._core.multiarray._reconstruct",
    "numpy.ndarray",
];

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for m in &view.mutations {
        let MutationTarget::CallResult(target) = &m.target else {
            continue;
        };
        if !REBUILDERS.contains(&target.as_str()) {
            continue;
        }
        out.push(
            Finding::new(&RULE, ctx.location.at(m.offset), format!("{} on the result of `{target}`", m.opcode))
                .description(format!(
                    "{} at offset {:#x} writes items into the object returned by `{target}`, which is not a dict.",
                    m.opcode, m.offset
                ))
                .evidence("opcode", m.opcode)
                .evidence("target", target.clone())
                .evidence("cve", "CVE-2026-24747"),
        );
    }
}
