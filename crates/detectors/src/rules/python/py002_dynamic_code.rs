//! PY002: Python source evaluates code that is not a literal (eval, exec, compile, runpy, types.FunctionType).

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY002",
    name: "python-dynamic-code-execution",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "python",
    cwe: Some("CWE-95"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source evaluates code that is not a literal (eval, exec, compile, runpy, types.FunctionType).",
    remediation: "Replace dynamic evaluation with ordinary code; never evaluate strings built at run time.",
    docs: r#"## What it does
Reports `eval`, `exec`, `compile`, `execfile`, `runpy.run_path`/`run_module`
and `types.FunctionType`/`CodeType` when their first argument is not a
string literal (a variable, a call, an f-string). A literal is parsed as
Python itself and its calls are reported by the other rules; decoded data
is `PY003`.

## Why is this bad?
What runs is decided at run time: the file shows nothing of it, and the
string may come from the network, a config value or the weights.

## Example
```python
code = requests.get(URL).text
exec(code)
```

## How to fix
Write the code out; load data with a parser, not with `eval`.

## References
- https://docs.python.org/3/library/functions.html#eval
- CWE-95: Eval Injection
"#,
};
