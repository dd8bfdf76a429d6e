//! ONNX006: an operator that runs Python code.

use sentrascan_formats::onnx::OpUse;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX006",
    name: "onnx-python-operator",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "onnx",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The graph calls an operator that executes Python (PyOp, PyFunc, EagerPyFunc, PythonOp).",
    remediation: "Do not load the model with a runtime that has Python operators enabled; rebuild the graph from standard operators.",
    docs: r#"## What it does
Reports nodes, in any graph, subgraph or function, whose operator type is a
Python bridge: `PyOp` (ONNX Runtime's language-interop operator, whose
`module`, `class_name` and `compute` attributes name the Python code it
imports and calls; also the onnxruntime-extensions `ai.onnx.contrib`
domain), `PyFunc`, `PyFuncStateless`, `EagerPyFunc` (converted TensorFlow
`tf.py_function`) and `PythonOp` / `PythonOpGrad` (ONNX Runtime training's
`torch.autograd.Function` bridge), with an optional `V<n>` suffix, in any
letter case. Model-local functions of those names are not operators and are
not reported.

## Why is this bad?
These operators import a module and call a function named by the model:
loading the model in a runtime with the bridge enabled runs arbitrary Python.

## Example
`node { op_type: "PyOp" domain: "ai.onnx.contrib" attribute { name: "module" s: "os" } attribute { name: "compute" s: "system" } }`

## How to fix
Reject the model; no exported network needs a Python callback.

## References
- https://onnxruntime.ai/docs/extensions/ (custom Python operators)
- https://github.com/microsoft/onnxruntime (language_interop_ops/pyop)
- CWE-94: Improper Control of Generation of Code
"#,
};

/// `pyop`, `pyfunc`, `pyfuncstateless`, `eagerpyfunc`, `python`, `pythonop`,
/// `pythonopgrad`, each with an optional `v<digits>` suffix.
pub fn is_python_op(op_type: &str) -> bool {
    let lower = op_type.to_ascii_lowercase();
    let base = match lower.rfind('v') {
        Some(at)
            if at > 0
                && lower.len() > at + 1
                && lower[at + 1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            &lower[..at]
        }
        _ => lower.as_str(),
    };
    matches!(
        base,
        "pyop"
            | "pyfunc"
            | "pyfuncstateless"
            | "eagerpyfunc"
            | "python"
            | "pythonop"
            | "pythonopgrad"
    )
}

pub fn finding(location: &Location, op: &OpUse) -> Finding {
    let attr = |name: &str| {
        op.string_attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let target: Vec<&str> = ["module", "class_name", "compute", "func_name", "name"]
        .iter()
        .filter_map(|a| attr(a))
        .collect();
    let domain = if op.domain.is_empty() {
        "ai.onnx"
    } else {
        &op.domain
    };
    let mut f = Finding::new(
        &RULE,
        location.clone(),
        if target.is_empty() {
            format!("Graph calls Python operator `{domain}::{}`", op.op_type)
        } else {
            format!(
                "Graph calls Python operator `{domain}::{}` running `{}`",
                op.op_type,
                target.join(".")
            )
        },
    )
    .description(format!(
        "{} node(s) call `{}` in domain `{domain}`, which executes Python; the first is `{}` in graph `{}`.",
        op.count, op.op_type, op.first_node, op.graph
    ))
    .evidence("op_type", op.op_type.clone())
    .evidence("domain", domain)
    .evidence("nodes", op.count)
    .evidence("first_node", op.first_node.clone());
    if !op.string_attributes.is_empty() {
        let attrs: serde_json::Map<String, serde_json::Value> = op
            .string_attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        f = f.evidence("attributes", serde_json::Value::Object(attrs));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_operator_names() {
        for yes in [
            "PyOp",
            "PyFunc",
            "pyfuncstateless",
            "EagerPyFunc",
            "PythonOp",
            "PythonOpGrad",
            "PyFuncV2",
            "python",
        ] {
            assert!(is_python_op(yes), "{yes}");
        }
        for no in ["Pow", "PyTorchOp", "Python3", "v", "PyOpV", "Conv", "Eval"] {
            assert!(!is_python_op(no), "{no}");
        }
    }
}
