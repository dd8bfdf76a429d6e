//! `RDS` rules: R serialisation streams (`saveRDS` files and `save`
//! workspaces). What R runs after `readRDS`/`load` returns: unforced
//! promises (evaluated when the value is first used), closures and byte
//! code calling commands or loaders, and ALTREP classes from packages.

pub mod calls;
pub mod rds001_promise_code;
pub mod rds002_closure_dangerous_call;
pub mod rds003_altrep_package_class;
pub mod rds004_trailing_data;

use sentrascan_formats::rds::{CodeKind, RdsView};
use sentrascan_types::{Finding, Location, RuleFamily};

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::RSerialisation;

/// Runs every `RDS` rule over a walked stream. An incomplete walk is the
/// engine's to report (unreadable, inconclusive).
pub fn check_rds(view: &RdsView, location: &Location, out: &mut Vec<Finding>) {
    for code in &view.code {
        match code.kind {
            CodeKind::Promise if !code.in_environment => {
                out.push(rds001_promise_code::finding(location, code));
            }
            CodeKind::Promise | CodeKind::Closure | CodeKind::Bytecode => {
                if let Some(f) = rds002_closure_dangerous_call::check(location, code) {
                    out.push(f);
                }
            }
            CodeKind::ForcedPromise => {}
        }
    }
    for a in &view.altrep {
        if a.package != "base" {
            out.push(rds003_altrep_package_class::finding(location, a));
        }
    }
    if view.error.is_none() && view.trailing > 0 {
        out.push(rds004_trailing_data::finding(location, view.trailing));
    }
}

/// Quotes at most a few strings for a message.
pub(crate) fn quoted(strings: &[String]) -> String {
    strings
        .iter()
        .take(3)
        .map(|s| {
            let short: String = s.chars().take(120).collect();
            format!("{short:?}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::rds::{RAltrep, RCode, RContainer, REncoding};

    pub(crate) fn view(code: Vec<RCode>) -> RdsView {
        RdsView {
            container: RContainer::Rds,
            encoding: REncoding::Xdr,
            version: 3,
            writer_version: "4.2.2".into(),
            min_reader_version: "3.5.0".into(),
            native_encoding: None,
            code,
            code_dropped: 0,
            altrep: Vec::new(),
            variables: Vec::new(),
            classes: Vec::new(),
            external_pointers: 0,
            environments: 0,
            nodes: 1,
            trailing: 0,
            error: None,
        }
    }

    pub(crate) fn code(kind: CodeKind, call: bool, calls: &[&str]) -> RCode {
        RCode {
            kind,
            offset: 0x20,
            expr_is_call: call,
            in_environment: false,
            calls: calls.iter().map(|c| c.to_string()).collect(),
            strings: vec!["echo sentrascan-fixture".into()],
        }
    }

    fn codes(out: &[Finding]) -> Vec<(String, String)> {
        out.iter()
            .map(|f| (f.rule.clone(), f.severity.to_string()))
            .collect()
    }

    #[test]
    fn each_rule() {
        let mut v = view(vec![
            code(CodeKind::Promise, true, &["system"]),
            code(CodeKind::ForcedPromise, true, &["system"]),
            code(CodeKind::Closure, false, &["base::system2"]),
            code(CodeKind::Bytecode, false, &[".Call", "eval"]),
            RCode {
                in_environment: true,
                ..code(CodeKind::Promise, false, &["log"])
            },
        ]);
        v.altrep.push(RAltrep {
            offset: 4,
            class: "compact_intseq".into(),
            package: "base".into(),
        });
        v.altrep.push(RAltrep {
            offset: 8,
            class: "vroom_chr".into(),
            package: "vroom".into(),
        });
        v.trailing = 3;
        let mut out = Vec::new();
        check_rds(&v, &Location::file("m.rds"), &mut out);
        assert_eq!(
            codes(&out),
            [
                ("RDS001".to_string(), "CRITICAL".to_string()),
                ("RDS002".to_string(), "HIGH".to_string()),
                ("RDS003".to_string(), "MEDIUM".to_string()),
                ("RDS004".to_string(), "MEDIUM".to_string()),
            ]
        );
    }
}
