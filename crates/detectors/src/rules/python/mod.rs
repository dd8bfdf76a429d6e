//! `PY` rules: Python source beside the weights (custom modeling code that
//! `trust_remote_code=True` imports, handlers, setup scripts). The source
//! is parsed by [`sentrascan_formats::python`], never run; the rules read
//! its calls with imports and aliases resolved, against the tables in
//! [`calls`].

pub mod calls;
pub mod py001_process_execution;
pub mod py002_dynamic_code;
pub mod py003_obfuscated_code;
pub mod py004_unsafe_deserialisation;
pub mod py005_native_library;
pub mod py006_network_access;
pub mod py007_environment_tampering;
pub mod py008_source_not_analysed;

use sentrascan_formats::python::{PyCall, PythonView};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

use calls::CallClass;

pub(crate) const FAMILY: RuleFamily = RuleFamily::Python;

/// Findings one rule reports per file; the rest are counted in one more.
pub const MAX_FINDINGS_PER_RULE: usize = 64;

/// Runs every `PY` rule over a parsed file.
pub fn check_python(view: &PythonView, location: &Location, out: &mut Vec<Finding>) {
    for (rule, class) in [
        (&py001_process_execution::RULE, CallClass::Process),
        (&py002_dynamic_code::RULE, CallClass::DynamicCode),
        (&py003_obfuscated_code::RULE, CallClass::ObfuscatedCode),
        (&py004_unsafe_deserialisation::RULE, CallClass::Deserialise),
        (&py005_native_library::RULE, CallClass::NativeLibrary),
        (&py006_network_access::RULE, CallClass::Network),
        (&py007_environment_tampering::RULE, CallClass::Tampering),
    ] {
        report(rule, class, view, location, out);
    }
    py008_source_not_analysed::check(view, location, out);
}

fn report(
    rule: &RuleMeta,
    class: CallClass,
    view: &PythonView,
    location: &Location,
    out: &mut Vec<Finding>,
) {
    let mut n = 0usize;
    let mut first_dropped: Option<&PyCall> = None;
    let mut dropped = 0u64;
    for call in &view.calls {
        let Some((c, why)) = calls::classify(call) else {
            continue;
        };
        if c != class {
            continue;
        }
        if n >= MAX_FINDINGS_PER_RULE {
            dropped = dropped.saturating_add(1);
            first_dropped.get_or_insert(call);
            continue;
        }
        n = n.saturating_add(1);
        out.push(finding(rule, call, location, &why));
    }
    if let Some(call) = first_dropped {
        out.push(
            Finding::new(
                rule,
                location.at(call.offset),
                format!("{dropped} more calls like these"),
            )
            .description(format!(
                "{dropped} more calls of this kind, the first on line {}; only the first {MAX_FINDINGS_PER_RULE} are reported one by one.",
                call.line
            ))
            .evidence("omitted_findings", dropped),
        );
    }
}

fn finding(rule: &RuleMeta, call: &PyCall, location: &Location, why: &str) -> Finding {
    let args: Vec<&str> = call.args.iter().map(|a| a.text.as_str()).collect();
    let shown = format!("{}({})", call.written, args.join(", "));
    let nested = call
        .nested_in
        .map(|l| format!(" (in the code string that line {l} executes)"))
        .unwrap_or_default();
    let mut f = Finding::new(
        rule,
        location.at(call.offset),
        format!("Line {}: {why}", call.line),
    )
    .description(format!(
        "Line {}, column {}{nested}: `{shown}`. {why}.",
        call.line, call.column
    ))
    .evidence("callee", call.callee.as_str())
    .evidence("written", call.written.as_str())
    .evidence("line", call.line)
    .evidence("column", call.column);
    if let Some(a) = call.args.first() {
        f = f.evidence("first_argument", a.text.as_str());
    }
    f
}
