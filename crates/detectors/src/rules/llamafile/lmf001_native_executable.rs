//! LMF001: The file is a llamafile: a native executable with GGUF weights appended; running it runs the executable's code.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "LMF001",
    name: "llamafile-native-executable",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::ArbitraryCodeExecution,
    scanner: "llamafile",
    cwe: Some("CWE-494"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file is a llamafile: a native executable with GGUF weights appended; running it runs the executable's code (LOW for the Actually Portable Executable runtime llamafiles ship with, MEDIUM for any other program in front of the weights).",
    remediation: "Run only llamafiles from a publisher you trust, or extract the GGUF weights and load them with your own runtime.",
    docs: r#"## What it does
Recognises an executable prefix (Actually Portable Executable `MZqFpD`,
ELF, PE, Mach-O or a `#!` script) followed by a zip that holds `.gguf`
weights, and reports it with the size of the executable part and of the
weights. The zip's members go through the engine: the GGUF weights get the
GGUF rules (including chat templates), other members their own analysis.

Severity: LOW when the program is an Actually Portable Executable
(`MZqFpD`), the form every llamafile release ships, because a llamafile is
meant to be run and saying so is information, not an alarm. MEDIUM when
anything else sits in front of the weights (a plain ELF, PE or Mach-O, or a
`#!` script), since that is not how llamafiles are built. Anything wrong in
the weights or the default arguments is reported by its own rule.

## Why is this bad?
The weights are data, but a llamafile is launched, not loaded: the
executable part is native code with the user's privileges, and nothing in
the weights constrains what it does. A repackaged llamafile with a
modified runtime is indistinguishable from the original by its weights.

## Example
`mistral.llamafile`: an 8 MB APE runtime and a 4 GB GGUF in a zip.

## How to fix
Verify the llamafile's publisher and hash, or extract the `.gguf` member
(`unzip mistral.llamafile '*.gguf'`) and run it with a runtime you
installed yourself.

## References
- https://github.com/Mozilla-Ocho/llamafile
- https://justine.lol/ape.html
- CWE-494: Download of Code Without Integrity Check
"#,
};

pub fn finding(
    location: &Location,
    kind: &str,
    executable_bytes: u64,
    weights: &[(String, u64)],
) -> Finding {
    let names: Vec<&str> = weights.iter().map(|(n, _)| n.as_str()).collect();
    let total: u64 = weights.iter().map(|(_, s)| *s).fold(0, u64::saturating_add);
    let severity = if kind == "ape" {
        Severity::Low
    } else {
        Severity::Medium
    };
    Finding::new(&RULE, location.at(0), "llamafile: native executable with embedded GGUF weights")
        .severity(severity)
        .description(format!("The file is a {kind} executable ({executable_bytes} bytes before the zip) carrying {} ({total} bytes of GGUF weights); running it runs native code.", names.join(", ")))
        .evidence("executable_kind", kind)
        .evidence("executable_bytes", executable_bytes)
        .evidence("weights", names)
        .evidence("weights_bytes", total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_sizes() {
        let f = finding(
            &Location::file("m.llamafile"),
            "ape",
            100,
            &[("m.gguf".into(), 50)],
        );
        assert_eq!((f.rule.as_str(), f.severity), ("LMF001", Severity::Low));
        assert!(f.description.contains("100 bytes"), "{}", f.description);
        let f = finding(&Location::file("m.llamafile"), "shell", 100, &[]);
        assert_eq!(f.severity, Severity::Medium);
    }
}
