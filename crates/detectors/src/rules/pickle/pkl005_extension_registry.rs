//! PKL005: EXT1/EXT2/EXT4 reference the copyreg extension registry.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::PickleCtx;

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL005",
    name: "extension-registry-global",
    family: RuleFamily::Pickle,
    default_severity: Severity::High,
    category: Category::UnsafeImports,
    scanner: "pickle",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The pickle names a global by extension code, which the file alone does not define.",
    remediation: "Do not load the file unless you control the copyreg extension registry of the loading process.",
    docs: r#"## What it does
Reports EXT1, EXT2 and EXT4 opcodes. They fetch a global by a number that
the loading process's `copyreg` extension registry maps to a module and name.

## Why is this bad?
What is imported depends on the loader's state, not on the file, so no scan
of the file can tell what it calls. No common ML library uses extension codes.

## Example
`\x82\x07` (EXT1 7) followed by arguments and REDUCE.

## How to fix
Re-serialise the object without extension codes, or do not load it.

## References
- Python documentation, `copyreg.add_extension`
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for e in &view.ext_refs {
        let verb = if e.called { "calls" } else { "imports" };
        out.push(
            Finding::new(&RULE, ctx.location.at(e.offset), format!("Pickle {verb} extension-registry global {}", e.code))
                .description(format!(
                    "An EXT opcode at offset {:#x} {verb} the global registered under extension code {}; the file does not say what that is.",
                    e.offset, e.code
                ))
                .evidence("extension_code", e.code)
                .evidence("called", e.called),
        );
    }
}
