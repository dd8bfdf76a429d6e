//! EXE003: a pickle's bytes or string constant is a native executable.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::{describe, with_evidence};

pub static RULE: RuleMeta = RuleMeta {
    code: "EXE003",
    name: "pickle-embedded-executable",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "pickle",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A bytes or string constant in a pickle is an ELF, PE or Mach-O executable.",
    remediation: "Do not load the pickle; obtain the model from a trusted source or as SafeTensors.",
    docs: r#"## What it does
Checks every bytes and string constant of at least 64 bytes that a pickle
pushes (`BINBYTES`, `SHORT_BINBYTES`, `BYTEARRAY8`, `BINSTRING`,
`BINUNICODE`, protocol-0 strings) and reports those that start with a
valid ELF, PE or Mach-O header: the header fields are checked, so tensor
bytes that happen to begin with `\x7fELF` or `MZ` do not count.

## Why is this bad?
Tensors are stored as raw storages, not as executables. A binary carried
as a pickle constant is the second stage of a payload: the same pickle, or
code that loads it later, writes it to disk and runs it
(`open(p, 'wb').write(blob); os.chmod(p, 0o755); subprocess.run(p)`).

## Example
A checkpoint whose `data.pkl` holds `b"\x7fELF\x02\x01\x01…"` under an
innocuous key.

## How to fix
Do not load the file; re-obtain the weights as SafeTensors.

## References
- CWE-506: Embedded Malicious Code
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub fn check(view: &PickleAnalysis, location: &Location, scanner: &str, out: &mut Vec<Finding>) {
    for e in &view.executables {
        let what = describe(&e.header);
        let f = Finding::new(
            &RULE,
            location.at(e.offset),
            format!("Pickle constant is {what}"),
        )
        .scanner(scanner)
        .description(format!(
            "The pickle pushes a {}-byte constant at offset {:#x} that is {what}.",
            e.len, e.offset
        ))
        .evidence("length", e.len);
        out.push(with_evidence(f, &e.header, None));
    }
}
