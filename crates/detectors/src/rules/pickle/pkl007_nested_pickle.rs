//! PKL007: a pickle hidden inside a string or bytes value.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::{PickleCtx, check_pickle};

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL007",
    name: "nested-pickle",
    family: RuleFamily::Pickle,
    default_severity: Severity::Medium,
    category: Category::CodeInjection,
    scanner: "pickle",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string or bytes value of the pickle is itself a pickle (raw, base64 or hex) that imports globals.",
    remediation: "Find what loads the embedded pickle; if nothing in your code does, the payload is staged for a second-stage loader. Do not load the file.",
    docs: r#"## What it does
Decodes string and bytes values that are pickles (raw, base64 or hex
encoded) and analyses them with the same machine, to a bounded depth. The
embedded pickle's own findings are reported at their location inside it.

## Why is this bad?
A second-stage pickle passed to `pickle.loads`, `torch.load` or a
deserialising helper runs when the first is loaded, while scanners that read
only the outer stream see harmless data.

## Example
`pickle.loads(b'\x80\x04…')`, or a dict value `'gASV…'` that decodes to a
pickle calling `os.system`.

## How to fix
Do not load the file, or remove the embedded payload at its source.

## References
- modelscan issue 267 (nested `pickle.loads`)
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for n in &view.nested {
        let globals: Vec<String> = n
            .analysis
            .globals
            .iter()
            .map(|g| g.dotted())
            .take(8)
            .collect();
        out.push(
            Finding::new(
                &RULE,
                ctx.location.at(n.offset),
                format!("Embedded {} pickle in a pickle value", n.encoding.as_str()),
            )
            .description(format!(
                "The value pushed at offset {:#x} is a {}-encoded pickle of {} bytes importing {}.",
                n.offset,
                n.encoding.as_str(),
                n.length,
                if globals.is_empty() {
                    "nothing by name".to_string()
                } else {
                    globals.join(", ")
                }
            ))
            .evidence("encoding", n.encoding.as_str())
            .evidence("length", n.length)
            .evidence("globals", globals),
        );
        let inner = ctx.location.member(format!(
            "<{} pickle at {:#x}>",
            n.encoding.as_str(),
            n.offset
        ));
        check_pickle(
            &n.analysis,
            &PickleCtx {
                location: &inner,
                scanner: ctx.scanner,
                jit_types: false,
            },
            out,
        );
    }
}
