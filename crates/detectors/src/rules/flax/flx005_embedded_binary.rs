//! FLX005: the state or metadata carries an embedded executable or pickle.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::{MetadataText, check_binaries};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX005",
    name: "flax-embedded-binary",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "flax",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A string or byte value of the Flax/Orbax state or metadata holds an executable, a script or a pickle (raw, base64, hex or latin-1 escaped).",
    remediation: "Find out what reads this value; do not run or fetch it. Re-save the state without it.",
    docs: r#"## What it does
Decodes string and binary values (keys included) that look like base64, hex or escaped bytes and reports executables (ELF, PE, Mach-O, `#!` scripts) and pickles; the pickles are run through the pickle rules. Binary values that hold a zip are analysed by the whole engine.

## Why is this bad?
Neither Flax nor Orbax executes these values: a binary stored beside the weights is staged for another loader (a `pickle.loads` of a field, a helper that writes it to disk).

## Example
A key `extra` whose `bin` value is a protocol-4 pickle calling `os.system`.

## How to fix
Remove the value and re-save the state; never execute what a checkpoint carries.

## References
- https://flax.readthedocs.io/en/latest/api_reference/flax.serialization.html
- CWE-506
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_binaries(&RULE, "flax", texts, location, out);
}
