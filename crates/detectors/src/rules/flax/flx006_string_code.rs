//! FLX006: the state or metadata carries a shell command or Python code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_code};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX006",
    name: "flax-string-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "flax",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string of the Flax/Orbax state or metadata contains a shell command or Python code.",
    remediation: "Find out what reads this value; do not run or fetch it. Re-save the state without it.",
    docs: r#"## What it does
Looks at string values and keys for Python that evaluates code or runs commands (`eval(`, `__import__`, `os.system(`) and shell commands (`curl … | sh`, `bash -c`). The patterns need call or pipe syntax, so prose does not match.

## Why is this bad?
Flax never executes strings; a command there is staged for code that will (a training script that `exec`s a config field) or for a person who copies it.

## Example
`{"config": {"post_restore": "__import__("os").system("sh x")"}}`.

## How to fix
Remove the value and re-save the state; never execute what a checkpoint carries.

## References
- https://flax.readthedocs.io/en/latest/api_reference/flax.serialization.html
- CWE-94
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_code(&RULE, texts, location, out);
}
