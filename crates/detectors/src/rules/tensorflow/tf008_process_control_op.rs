//! TF008: a graph can end the process (`Abort`).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Site;

pub static RULE: RuleMeta = RuleMeta {
    code: "TF008",
    name: "tf-process-control-op",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ResourceExhaustion,
    scanner: "tensorflow",
    cwe: Some("CWE-400"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow graph contains `Abort`, which terminates the process that runs it.",
    remediation: "Re-export the model without the op; run untrusted models in a separate process.",
    docs: r#"## What it does
Reports `Abort` nodes in the graph and library functions.

## Why is this bad?
`Abort` kills the serving process (optionally only on some inputs): a
denial of service that a crafted request can trigger.

## Example
`Abort(error_msg="bye", exit_without_error=true)` behind a `Switch` on an input.

## How to fix
Remove the op; isolate model servers.

## References
- https://www.tensorflow.org/api_docs/python/tf/raw_ops/Abort
- CWE-400: Uncontrolled Resource Consumption
"#,
};

pub(crate) fn finding(location: &Location, site: &Site<'_>) -> Finding {
    site.finding_base(Finding::new(
        &RULE,
        location.at(site.offset),
        format!("Process-ending op {}", site.describe()),
    ))
    .description(format!(
        "Node {} terminates the process that runs the model.",
        site.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{node, rules, run_graph};

    #[test]
    fn abort_is_reported() {
        assert_eq!(
            rules(&run_graph(vec![node("a", "Abort", &[])])),
            ["TF008 MEDIUM"]
        );
    }
}
