//! TF007: a graph uses an op TensorFlow does not define (a custom op).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::CustomOp;

pub static RULE: RuleMeta = RuleMeta {
    code: "TF007",
    name: "tf-custom-op",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "tensorflow",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow graph uses an op that TensorFlow does not register: it needs a native library.",
    remediation: "Find the library that defines the op; load the model only with a reviewed build of it.",
    docs: r#"## What it does
Compares every op in the graph and library functions with the ops a
current TensorFlow 2 release registers (plus its internal `_Arg`,
`_Retval`, `_Send`/`_Recv`, fused, MKL and XLA ops) and the graph's own
library functions, and reports each other op once, with how many nodes use
it.

## Why is this bad?
An op TensorFlow does not define runs only once a native library that
defines it (`tf.load_op_library`, TensorFlow Addons, TensorFlow Text, a
vendor plugin) is loaded. That library is native code outside this scan;
distributing a model with a custom op is a way to make people load it.

## Example
`op: "Addons>Resampler"` or `op: "ZeroOut"`.

## How to fix
Identify the library; install it from its publisher and pin it; prefer
models that use standard ops only.

## References
- https://www.tensorflow.org/guide/create_op
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn finding(location: &Location, op: &str, c: &CustomOp) -> Finding {
    Finding::new(
        &RULE,
        location.at(c.offset),
        format!("Custom op `{op}` ({} node(s)) needs a native library", c.count),
    )
    .description(format!(
        "TensorFlow does not register op `{op}`; {} node(s) use it, first {}. Loading the model needs a native library that defines it.",
        c.count, c.first
    ))
    .evidence("op", op)
    .evidence("nodes", c.count)
    .evidence("first_node", c.node.clone())
    .evidence("scope", c.scope.clone())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{node, rules, run_graph};

    #[test]
    fn one_finding_per_custom_op() {
        let out = run_graph(vec![
            node("a", "ZeroOut", &[]),
            node("b", "ZeroOut", &[]),
            node("c", "MatMul", &["a", "b"]),
        ]);
        assert_eq!(rules(&out), ["TF007 MEDIUM"]);
        assert_eq!(out[0].evidence["nodes"], 2);
    }
}
