//! SEC002: A private key block (RSA, EC, DSA, OpenSSH, PKCS#8, PGP) with a key body is in the model's text.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SEC002",
    name: "private-key",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CredentialExposure,
    scanner: "secrets",
    cwe: Some("CWE-321"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A private key block (RSA, EC, DSA, OpenSSH, PKCS#8, PGP) with a key body is in the model's text.",
    remediation: "Treat the key as compromised: revoke or rotate it and the certificates that use it, and remove it from the files and their history.",
    docs: r#"## What it does
Finds `-----BEGIN … PRIVATE KEY-----` headers (RSA, EC, DSA, OPENSSH,
PKCS#8, ENCRYPTED, PGP) and checks that a base64 body of at least 64
characters follows before the `-----END` line, also inside JSON strings
whose newlines are escaped (`\n`). A header with no body (documentation,
`...`) is LOW; a passphrase-protected (`ENCRYPTED`) key MEDIUM; a clear key
HIGH. The finding names the block type only; no byte of the key is shown.

## Why is this bad?
A private key proves identity: with it anyone can sign as the owner, log in
over SSH, or decrypt traffic meant for them.

## Example
`deploy_key.pem` inside a `.zip` model archive; an SSH key in a pickled
training configuration.

## How to fix
Revoke the key and issue a new one; remove it from every published file.

## References
- CWE-321: Use of Hard-coded Cryptographic Key
- RFC 7468: Textual Encodings of PKIX, PKCS, and CMS Structures
"#,
};
