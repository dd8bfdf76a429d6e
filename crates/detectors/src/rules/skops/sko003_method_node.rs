//! SKO003: `MethodNode`s (the CVE-2025-54413 technique).

use sentrascan_formats::skops::SkopsSchema;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::pickle_globals::{Tier, classify};

pub static RULE: RuleMeta = RuleMeta {
    code: "SKO003",
    name: "skops-method-node",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "skops",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A `MethodNode` binds a method of a loaded object; a node whose declared type differs from its object's is the CVE-2025-54413 bypass.",
    remediation: "Do not load the file; skops ≥ 0.12 checks the bound object's type, and no method is trusted by default.",
    docs: r#"## What it does
Reports every `MethodNode` with the method name and the type of the
object it is bound to. It is CRITICAL when the node's own
`__module__.__class__` differs from `content.obj`'s (skops < 0.12 audited
the declared type but bound the method of the real object:
CVE-2025-54413), or when the method or its owner is a dangerous callable;
HIGH otherwise.

## Why is this bad?
Bound methods are callables chosen by the file. Combined with objects a
model later calls (a `FunctionTransformer`'s `func`, a scorer), they run
code such as `os.system` while the model is used; the type confusion lets
the audit approve a trusted scikit-learn type while another object's
method is bound.

## Example
`{"__class__": "LogisticRegression", "__module__": "sklearn.linear_model", "__loader__": "MethodNode", "content": {"func": "system", "obj": {"__class__": "module", "__module__": "os", …}}}`

## How to fix
Reject the file; upgrade skops to ≥ 0.12.

## References
- https://nvd.nist.gov/vuln/detail/CVE-2025-54413
- https://github.com/skops-dev/skops/security/advisories
"#,
};

pub fn check(schema: &SkopsSchema, location: &Location, out: &mut Vec<Finding>) {
    for node in schema
        .nodes
        .iter()
        .filter(|n| n.loader == "MethodNode")
        .take(64)
    {
        let method = node.method.clone().unwrap_or_default();
        let (om, oc) = node.method_owner.clone().unwrap_or_default();
        let confused = (om.as_str(), oc.as_str()) != (node.module.as_str(), node.class.as_str());
        let dangerous = [
            classify(&om, &format!("{oc}.{method}")),
            classify(&om, &method),
            classify(&om, &oc),
        ]
        .iter()
        .any(|t| matches!(t, Tier::Dangerous(_)));
        let severity = if confused || dangerous {
            Severity::Critical
        } else {
            Severity::High
        };
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                if confused {
                    format!(
                        "MethodNode declares `{}.{}` but binds `{om}.{oc}.{method}` (CVE-2025-54413)",
                        node.module, node.class
                    )
                } else {
                    format!("MethodNode binds `{om}.{oc}.{method}` at {}", node.path)
                },
            )
            .severity(severity)
            .description(format!(
                "`MethodNode` at {} makes skops return the bound method `{method}` of a `{om}.{oc}` object{}.",
                node.path,
                if confused {
                    format!(
                        "; the node claims type `{}.{}`, the type confusion of CVE-2025-54413",
                        node.module, node.class
                    )
                } else {
                    String::new()
                }
            ))
            .evidence("method", method.clone())
            .evidence("object_type", format!("{om}.{oc}"))
            .evidence("declared_type", node.type_name())
            .evidence("path", node.path.clone())
            .evidence("cve", if confused { "CVE-2025-54413" } else { "" }),
        );
    }
}
