//! TF006: a graph names a native-library loader or command runner op.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Site;

pub static RULE: RuleMeta = RuleMeta {
    code: "TF006",
    name: "tf-native-code-op",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::OsCommandExecution,
    scanner: "tensorflow",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow graph uses an op named like a library loader or command runner (LoadLibrary, ShellExecute, …).",
    remediation: "Do not load any native library shipped with the model; obtain the model from its publisher.",
    docs: r#"## What it does
Reports nodes whose op is `LoadLibrary`, `LoadLibraryV2`, `LoadOpLibrary`,
`ShellExecute`, `ExecuteOp`, `SystemConfig`, `System` or `Popen`.

## Why is this bad?
TensorFlow registers no such ops. A graph that uses one only runs once a
native library that defines it is loaded (`tf.load_op_library`), and the
name says what that library's kernel does: load more code or run commands.

## Example
A node `op: "ShellExecute"` with a string constant input.

## How to fix
Treat the model and any `.so`/`.dll` shipped with it as hostile.

## References
- https://www.tensorflow.org/guide/create_op
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn finding(location: &Location, site: &Site<'_>) -> Finding {
    site.finding_base(Finding::new(
        &RULE,
        location.at(site.offset),
        format!("Native code op {}", site.describe()),
    ))
    .description(format!(
        "Node {} names an op that TensorFlow does not define and that loads native code or runs commands.",
        site.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{node, rules, run_graph};

    #[test]
    fn loaders_are_reported_once_not_as_custom_ops() {
        assert_eq!(
            rules(&run_graph(vec![node("l", "ShellExecute", &[])])),
            ["TF006 HIGH"]
        );
    }
}
