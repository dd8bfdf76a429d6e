//! PY007: Python source changes sys.path or writes outside the repository (absolute paths, the home directory, startup files such as .bashrc, sitecustomize, .pth).

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY007",
    name: "python-environment-tampering",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::FileSystemAccess,
    scanner: "python",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source changes sys.path or writes outside the repository (absolute paths, the home directory, startup files such as .bashrc, sitecustomize, .pth).",
    remediation: "Model code should not change the interpreter or write outside its cache; remove the call.",
    docs: r#"## What it does
Reports `sys.path.insert`/`append`/`extend` and `site.addsitedir`, and
`open`/`io.open`/`codecs.open`/`os.open` in a writing mode on a path that
is absolute, in the home directory (`~`, `expanduser`), or names a startup
or system file (`.bashrc`, `.profile`, `sitecustomize`, `.pth`,
`authorized_keys`, `/etc/`, `site-packages`).

## Why is this bad?
Writing a startup file persists code beyond the process; changing the
import path makes later imports load other files.

## Example
```python
open(os.path.expanduser("~/.bashrc"), "a").write("curl … | sh")
```

## How to fix
Write to the paths the library gives (the Hugging Face cache); import
through packages.

## References
- https://docs.python.org/3/library/site.html
- CWE-73: External Control of File Name or Path
"#,
};
