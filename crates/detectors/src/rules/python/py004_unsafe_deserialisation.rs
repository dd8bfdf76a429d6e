//! PY004: Python source deserialises with a loader that runs code (pickle, dill, joblib, marshal, torch.load without weights_only, yaml.load without a safe loader).

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY004",
    name: "python-unsafe-deserialisation",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "python",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source deserialises with a loader that runs code (pickle, dill, joblib, marshal, torch.load without weights_only, yaml.load without a safe loader).",
    remediation: "Load weights with safetensors or torch.load(weights_only=True); parse YAML with yaml.safe_load.",
    docs: r#"## What it does
Reports `pickle`/`dill`/`cloudpickle`/`joblib`/`marshal` loads,
`shelve.open`, `pandas.read_pickle`, `jsonpickle.decode`, `torch.load`
without `weights_only=True`, `yaml.load`/`load_all` without `SafeLoader`/
`BaseLoader`, `yaml.unsafe_load`, and `numpy.load(allow_pickle=True)`.

## Why is this bad?
These loaders call whatever the data names: a file the code loads becomes
code, and that file can be swapped in the repository without touching the
Python.

## Example
```python
state = torch.load(path)
```

## How to fix
`torch.load(path, weights_only=True)`, `safetensors.torch.load_file`,
`yaml.safe_load`.

## References
- https://pytorch.org/docs/stable/generated/torch.load.html
- https://pyyaml.org/wiki/PyYAMLDocumentation
- CWE-502: Deserialization of Untrusted Data
"#,
};
