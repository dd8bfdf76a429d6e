//! PY003: Python source executes data it decodes first (base64, zlib, hex, codecs, marshal, chr) with exec/eval/compile.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY003",
    name: "python-obfuscated-code-execution",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "python",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source executes data it decodes first (base64, zlib, hex, codecs, marshal, chr) with exec/eval/compile.",
    remediation: "Treat the repository as malicious: hiding code from readers has no benign purpose in model code.",
    docs: r#"## What it does
Reports `exec`, `eval`, `compile`, `types.FunctionType` and friends whose
argument is the output of a decoder: `base64.*decode`, `zlib`/`gzip`/`bz2`/
`lzma` `decompress`, `codecs.decode`, `bytes.fromhex`, `binascii`,
`marshal.loads`, `chr` joins, directly or through a variable assigned from
one.

## Why is this bad?
Encoding code before executing it exists to hide it from reviewers and
scanners. It runs as soon as the module is imported.

## Example
```python
import base64
exec(base64.b64decode("aW1wb3J0IG9z..."))
```

## How to fix
Delete the repository's code and report it to the hub.

## References
- https://attack.mitre.org/techniques/T1027/
- CWE-506: Embedded Malicious Code
"#,
};
