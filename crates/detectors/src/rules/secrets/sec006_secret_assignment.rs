//! SEC006: A high-entropy value is assigned to a name such as `password`, `secret`, `api_key` or `access_token`.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SEC006",
    name: "hardcoded-secret-assignment",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::CredentialExposure,
    scanner: "secrets",
    cwe: Some("CWE-798"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A high-entropy value is assigned to a name such as `password`, `secret`, `api_key` or `access_token`.",
    remediation: "If the value is a real credential, rotate it and read it from the environment instead.",
    docs: r#"## What it does
Finds assignments (`name = value`, `"name": "value"`, `NAME=value`) whose
name contains `password`, `passwd`, `secret`, `api_key`, `access_token`,
`auth_token`, `private_key` or `client_secret`, and whose value is at
least 12 characters with a Shannon entropy of at least 3.5 bits per
character and two character classes. References (`os.environ[…]`,
`${VAR}`, `getpass()`), names that describe a key (`…_path`, `…_length`,
`…_id`) and placeholders are skipped. Values of 16 or more characters with
an entropy of at least 4 bits are MEDIUM, the rest LOW: this is a
heuristic, never more than MEDIUM.

## Why is this bad?
A secret with no recognisable provider format is still a secret: service
passwords, internal API keys and signing secrets travel this way.

## Example
`api_key: "Zk3…Hf0"` in a YAML training configuration.

## How to fix
Rotate the value if it is real and load it from the environment.

## References
- CWE-798: Use of Hard-coded Credentials
"#,
};
