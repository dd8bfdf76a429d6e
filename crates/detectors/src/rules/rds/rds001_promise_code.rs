//! RDS001: an unforced promise that R evaluates when the loaded value is used.

use sentrascan_formats::rds::RCode;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::calls::risk;
use super::quoted;

pub static RULE: RuleMeta = RuleMeta {
    code: "RDS001",
    name: "r-promise-code",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "r_serialization",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The stream holds an unevaluated promise: R runs its expression as soon as the loaded value is used (CVE-2024-27322).",
    remediation: "Do not load the file with R before 4.4.0; never load R data from untrusted sources. Re-create the object from its data.",
    docs: r#"## What it does
Reports each promise (`PROMSXP`) that was never forced (it still has its
environment and no value) and that is a value rather than a binding in an
environment frame: the stream's value itself, a workspace variable, a list
element or an attribute. (Unforced lazy arguments inside saved function
environments are normal; RDS002 checks their calls.) Critical when its expression is a call (any
call: `system("…")`, `eval(parse(text = …))`, a call to a function defined
in the file); medium when it is a bare symbol, which R looks up (an active
binding can run code).

## Why is this bad?
`readRDS`, `load` and `unserialize` rebuild promises as promises. The first
time the loaded value is touched (printed, assigned, passed to a function)
R evaluates the expression, with the user's privileges. This is
CVE-2024-27322 (HiddenLayer, R < 4.4.0): a model shared as `.rds`/`.RData`
runs a command when loaded. R itself never writes unforced promises for
ordinary data.

## Example
A stream whose value is a promise with environment `R_GlobalEnv`, value
`R_UnboundValue` and expression `system("curl … | sh")`.

## How to fix
Treat the file as hostile. Upgrade R to 4.4.0 or later (it refuses
promises in serialised data) and re-create the object from trusted data.

## References
- https://nvd.nist.gov/vuln/detail/CVE-2024-27322
- https://hiddenlayer.com/research/r-bitrary-code-execution/
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub fn finding(location: &Location, code: &RCode) -> Finding {
    let first = code.calls.first().map(String::as_str);
    let known = code.calls.iter().find_map(|c| risk(c).map(|r| (c, r)));
    let (title, severity) = match (code.expr_is_call, first) {
        (true, Some(f)) => (
            format!("Unforced promise calls `{f}`: R evaluates it when the loaded value is used"),
            Severity::Critical,
        ),
        (true, None) => (
            "Unforced promise holds a call: R evaluates it when the loaded value is used"
                .to_string(),
            Severity::Critical,
        ),
        (false, _) => (
            "Unforced promise: R evaluates its expression when the loaded value is used"
                .to_string(),
            Severity::Medium,
        ),
    };
    let mut description = format!(
        "A promise at offset {:#x} was serialised unevaluated; calls in its expression: {}.",
        code.offset,
        if code.calls.is_empty() {
            "none".to_string()
        } else {
            code.calls.join(", ")
        }
    );
    if let Some((name, r)) = known {
        description.push_str(&format!(" `{name}` {}.", r.effect));
    }
    if !code.strings.is_empty() {
        description.push_str(&format!(" Strings: {}.", quoted(&code.strings)));
    }
    let mut f = Finding::new(&RULE, location.at(code.offset), title)
        .severity(severity)
        .description(description)
        .evidence("calls", code.calls.clone())
        .evidence(
            "strings",
            code.strings.iter().take(8).cloned().collect::<Vec<_>>(),
        );
    if let Some((_, r)) = known {
        f.category = r.category;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::rds::tests::code;
    use sentrascan_formats::rds::CodeKind;

    #[test]
    fn call_is_critical_symbol_is_medium() {
        let loc = Location::file("m.rds");
        let f = finding(&loc, &code(CodeKind::Promise, true, &["system"]));
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.category, Category::OsCommandExecution);
        assert!(f.title.contains("`system`"));
        let f = finding(&loc, &code(CodeKind::Promise, false, &[]));
        assert_eq!(f.severity, Severity::Medium);
    }
}
