//! SKO002: `OperatorFuncNode`s (the CVE-2025-54412 technique).

use sentrascan_formats::skops::SkopsSchema;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SKO002",
    name: "skops-operator-func",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "skops",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An `OperatorFuncNode` builds an `operator` function (`methodcaller`, `call`, `attrgetter`, …) from file data; with a foreign `__module__` it is the CVE-2025-54412 bypass.",
    remediation: "Do not load the file; skops ≥ 0.12 rejects operator nodes outside `operator`, and none of these is trusted by default.",
    docs: r#"## What it does
Reports every `OperatorFuncNode`. It is CRITICAL when its `__module__`
is not `operator` (skops < 0.12 checked the trusted list against that
name but called `operator.<__class__>`, so a node claiming a trusted
scikit-learn type ran `operator.call` or `methodcaller` with
attacker-chosen arguments: CVE-2025-54412) or when `__class__` is `call`
or `methodcaller` (they call arbitrary objects); HIGH otherwise
(`attrgetter`/`itemgetter` reach attributes of loaded objects).

## Why is this bad?
`operator.call(skops.io.loads, data, trusted)` and
`methodcaller("system", …)` turn a data file into a function call on
load.

## Example
`{"__class__": "call", "__module__": "sklearn.linear_model._stochastic_gradient.SGDRegressor", "__loader__": "OperatorFuncNode", "attrs": {…}}`

## How to fix
Reject the file; upgrade skops to ≥ 0.12.

## References
- https://nvd.nist.gov/vuln/detail/CVE-2025-54412
- https://github.com/skops-dev/skops/security/advisories
"#,
};

pub fn check(schema: &SkopsSchema, location: &Location, out: &mut Vec<Finding>) {
    for node in schema
        .nodes
        .iter()
        .filter(|n| n.loader == "OperatorFuncNode")
        .take(64)
    {
        let disguised = node.module != "operator";
        let calls = matches!(node.class.as_str(), "call" | "methodcaller");
        let severity = if disguised || calls {
            Severity::Critical
        } else {
            Severity::High
        };
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                if disguised {
                    format!(
                        "OperatorFuncNode calls `operator.{}` disguised as `{}.{}` (CVE-2025-54412)",
                        node.class, node.module, node.class
                    )
                } else {
                    format!("OperatorFuncNode builds `operator.{}` at {}", node.class, node.path)
                },
            )
            .severity(severity)
            .description(format!(
                "`OperatorFuncNode` at {} makes skops build `operator.{}` from file data{}.",
                node.path,
                node.class,
                if disguised {
                    format!(" while naming module `{}`, the technique of CVE-2025-54412", node.module)
                } else {
                    String::new()
                }
            ))
            .evidence("operator", node.class.clone())
            .evidence("module", node.module.clone())
            .evidence("path", node.path.clone())
            .evidence("cve", if disguised { "CVE-2025-54412" } else { "" }),
        );
    }
}
