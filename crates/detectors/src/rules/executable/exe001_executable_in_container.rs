//! EXE001: a native executable or library is a member of a container.

use sentrascan_formats::executable::ExecutableView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::{describe, imports_clause, with_evidence};

pub static RULE: RuleMeta = RuleMeta {
    code: "EXE001",
    name: "executable-in-container",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "executable",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A model archive or other container (zip, tar, 7z, compressed stream, PyTorch or Keras archive) holds an ELF, PE or Mach-O program or shared library.",
    remediation: "Do not extract or run the member; obtain the model without it, and build any native extension from reviewed source.",
    docs: r#"## What it does
Recognises every member of every container (zip and the PyTorch, Keras,
NeMo and TorchServe archives built on it, tar, 7z, gzip and the other
compressed streams, nested to the archive depth limit) whose header is a
valid ELF, PE or Mach-O header (thin or fat; class, byte order, machine and
file type checked, Java class files told apart from fat Mach-O), and reads
its import table for functions that run commands, create processes, open
sockets or load code. Programs and shared libraries are HIGH; relocatable
objects and other image types MEDIUM.

## Why is this bad?
A model needs weights and configuration, not machine code. A native binary
inside a model archive is a payload waiting for a loader that `dlopen`s
custom-op libraries, for remote code (`trust_remote_code`) that runs it,
or for a user who extracts the archive; it also evades scanners that only
look at pickles.

## Example
`model.zip` containing `libcustom_op.so` that imports `system` and
`dlopen`; a `.tar.gz` checkpoint with a Windows `updater.exe`.

## How to fix
Remove the binary; if the model really needs a native extension, build it
from reviewed source instead of trusting a shipped binary.

## References
- CWE-506: Embedded Malicious Code
- MITRE ATLAS AML.T0010: ML Supply Chain Compromise
"#,
};

pub fn finding(
    location: &Location,
    header: &sentrascan_formats::executable::ExeHeader,
    view: Option<&ExecutableView>,
) -> Finding {
    let severity = if header.kind.is_loadable() {
        Severity::High
    } else {
        Severity::Medium
    };
    let what = describe(header);
    let f = Finding::new(&RULE, location.clone(), format!("Container holds {what}"))
        .severity(severity)
        .description(format!(
            "The member is {what} ({}-bit).{}",
            header.bits,
            imports_clause(view)
        ));
    with_evidence(f, header, view)
}
