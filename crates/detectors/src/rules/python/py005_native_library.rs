//! PY005: Python source loads a native library (ctypes, cffi dlopen, torch.ops.load_library, cpp_extension.load).

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY005",
    name: "python-native-library-load",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::UnsafeImports,
    scanner: "python",
    cwe: Some("CWE-114"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source loads a native library (ctypes, cffi dlopen, torch.ops.load_library, cpp_extension.load).",
    remediation: "Ship native kernels as reviewed packages, not as libraries loaded by repository code.",
    docs: r#"## What it does
Reports `ctypes.CDLL`/`PyDLL`/`WinDLL`/`OleDLL`, `ctypes.cdll.LoadLibrary`
and its siblings, `cffi.FFI().dlopen`, `torch.ops.load_library`,
`torch.classes.load_library`, `torch.utils.cpp_extension.load`/
`load_inline` and `ExtensionFileLoader`.

## Why is this bad?
A native library runs with the process's rights and escapes every Python
level review; `cpp_extension.load_inline` compiles and loads C++ written in
the file.

## Example
```python
ctypes.CDLL("./kernel.so")
```

## How to fix
Use kernels from a published, versioned package.

## References
- https://docs.python.org/3/library/ctypes.html
- CWE-114: Process Control
"#,
};
