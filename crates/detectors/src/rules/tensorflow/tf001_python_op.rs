//! TF001: a graph calls back into Python (`PyFunc`, `EagerPyFunc`, …).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Site;

pub static RULE: RuleMeta = RuleMeta {
    code: "TF001",
    name: "tf-python-op",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "tensorflow",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow graph contains a Python callback op (PyFunc, PyFuncStateless, EagerPyFunc).",
    remediation: "Do not load or serve the model. Re-export it without `tf.py_function`/`tf.numpy_function`, or obtain it from its publisher.",
    docs: r#"## What it does
Reports nodes whose op is `PyFunc`, `PyFuncStateless` or `EagerPyFunc` (the
ops behind `tf.py_func`, `tf.numpy_function` and `tf.py_function`), and
look-alike spellings (`PyCall`, `PythonOp`, any case, version suffixes), in
the graph and in every library function.

## Why is this bad?
These ops run an arbitrary Python callable in the loading process. The
callable is looked up by its `token` in a registry filled by the Python
program that built the graph, so a model that carries one either depends on
code shipped beside it or expects the loader to register something: either
way, calling the model runs Python that the graph does not contain and the
scan cannot see.

## Example
A node `op: "EagerPyFunc"` with `attr { key: "token" value { s: "pyfunc_0" } }`
inside `__inference_serve_123`.

## How to fix
Rebuild the model with TensorFlow ops only, or scan and pin the Python code
it relies on together with the model.

## References
- https://www.tensorflow.org/api_docs/python/tf/py_function
- CWE-94: Improper Control of Generation of Code
"#,
};

pub(crate) fn finding(location: &Location, site: &Site<'_>) -> Finding {
    let mut f = site
        .finding_base(Finding::new(
            &RULE,
            location.at(site.offset),
            format!("Python callback op {}", site.describe()),
        ))
        .description(format!(
            "Node {} runs a Python callable in the loading process when the model is called.",
            site.describe()
        ));
    if let Some(token) = site.node.attr.get("token").and_then(|v| v.s.as_ref()) {
        f = f.evidence("token", String::from_utf8_lossy(token).into_owned());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::super::tests::{node, run_graph};

    #[test]
    fn python_ops_are_critical_with_their_token() {
        let mut n = node("p", "EagerPyFunc", &[]);
        n.attr
            .insert("token".into(), super::super::tests::s_attr("pyfunc_3"));
        let out = run_graph(vec![n]);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].rule.as_str(), out[0].severity.to_string().as_str()),
            ("TF001", "CRITICAL")
        );
        assert_eq!(out[0].evidence["token"], "pyfunc_3");
    }
}
