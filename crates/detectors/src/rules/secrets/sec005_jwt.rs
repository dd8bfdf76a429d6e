//! SEC005: A JSON Web Token (a bearer credential) is in the model's text.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SEC005",
    name: "json-web-token",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::CredentialExposure,
    scanner: "secrets",
    cwe: Some("CWE-522"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A JSON Web Token (a bearer credential) is in the model's text.",
    remediation: "Revoke the session or key that issued the token if it is still valid, and remove it from the files.",
    docs: r#"## What it does
Finds `eyJ….eyJ….…` strings and decodes the first part: only a base64url
JSON header with an `alg` counts, so random base64 is not reported. Signed
tokens are MEDIUM (many have expired; the scanner cannot tell), unsigned
ones (`alg: none`) LOW.

## Why is this bad?
A JWT is a bearer token: until it expires, presenting it is enough to act
as its subject against the service that issued it.

## Example
An `Authorization` header pickled with a data loader's configuration.

## How to fix
Revoke the session or rotate the signing key if the token may still be
valid; remove it from the published files.

## References
- CWE-522: Insufficiently Protected Credentials
- RFC 7519: JSON Web Token
"#,
};
