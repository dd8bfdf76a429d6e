//! RDS002: a function in the stream calls a command, loader or downloader.

use sentrascan_formats::rds::{CodeKind, RCode};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::calls::risk;
use super::quoted;

pub static RULE: RuleMeta = RuleMeta {
    code: "RDS002",
    name: "r-closure-dangerous-call",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::OsCommandExecution,
    scanner: "r_serialization",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A closure or byte-code object in the stream calls `system`, `dyn.load`, `source`, `download.file` or a similar function.",
    remediation: "Review the function before calling anything on the loaded object; prefer models saved as plain data.",
    docs: r#"## What it does
Reports each closure (`CLOSXP`), byte-code object (`BCODESXP`, whose
constants hold the source expressions) and unforced promise bound in a
saved environment (a lazy argument, evaluated when a function reads it)
whose code calls a function that
runs commands (`system`, `system2`, `shell`, `pipe`), loads code
(`dyn.load`, `library.dynam`, `source`, `sys.source`), talks to the
network (`download.file`, `url`, `socketConnection`) or deletes files.
`base::system` and `base:::system` count too. Ordinary package internals
(`.Call`, `eval`, `file`) are not reported in functions, since fitted
models carry them; in a lazy argument every listed function counts.

## Why is this bad?
Loading does not run a closure, but model objects are used through their
functions (`predict`, a family's `linkfun`, a print method), so a saved
function is code the user will run. A model has no reason to shell out.

## Example
`model$family$linkfun <- function(mu) { system("curl … | sh"); log(mu) }`.

## How to fix
Inspect the function (`body(f)`) in a sandbox, or rebuild the model from
its data with trusted code.

## References
- https://hiddenlayer.com/research/r-bitrary-code-execution/
- CWE-94: Improper Control of Generation of Code
"#,
};

pub fn check(location: &Location, code: &RCode) -> Option<Finding> {
    let hits: Vec<(&String, super::calls::CallRisk)> = code
        .calls
        .iter()
        // A lazy argument holds one expression, not package code: every
        // listed call counts there (`eval`, `parse` included).
        .filter_map(|c| {
            risk(c)
                .filter(|r| r.in_closure || code.kind == CodeKind::Promise)
                .map(|r| (c, r))
        })
        .collect();
    let (name, r) = *hits.first()?;
    let what = match code.kind {
        CodeKind::Bytecode => "Byte-compiled function",
        CodeKind::Promise => "Lazy argument in a saved environment",
        _ => "Function",
    };
    let names: Vec<String> = hits.iter().map(|(n, _)| (*n).clone()).collect();
    let mut description = format!(
        "The {} at offset {:#x} calls {}; `{name}` {}.",
        what.to_ascii_lowercase(),
        code.offset,
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
        r.effect
    );
    if !code.strings.is_empty() {
        description.push_str(&format!(" Strings: {}.", quoted(&code.strings)));
    }
    let mut f = Finding::new(
        &RULE,
        location.at(code.offset),
        format!("{what} in the stream calls `{name}` ({})", r.effect),
    )
    .description(description)
    .evidence("calls", names)
    .evidence(
        "strings",
        code.strings.iter().take(8).cloned().collect::<Vec<_>>(),
    );
    f.category = r.category;
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::rds::tests::code;

    #[test]
    fn commands_not_internals() {
        let loc = Location::file("m.rds");
        assert!(
            check(
                &loc,
                &code(CodeKind::Closure, false, &[".Call", "eval", "log"])
            )
            .is_none()
        );
        let f = check(
            &loc,
            &code(CodeKind::Bytecode, false, &["log", "base::dyn.load"]),
        )
        .unwrap();
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.category, Category::ArbitraryCodeExecution);
    }
}
