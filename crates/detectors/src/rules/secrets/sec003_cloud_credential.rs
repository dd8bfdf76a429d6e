//! SEC003: A cloud account credential (AWS secret access key, Google Cloud service-account key, Azure storage key or SAS signature) is in the model's text.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SEC003",
    name: "cloud-credential",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CredentialExposure,
    scanner: "secrets",
    cwe: Some("CWE-798"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A cloud account credential (AWS secret access key, Google Cloud service-account key, Azure storage key or SAS signature) is in the model's text.",
    remediation: "Deactivate the key in the cloud console now, review the account's activity, and remove the key from the files and their history.",
    docs: r#"## What it does
Reports credentials that open a cloud account: an AWS secret access key
assigned to `aws_secret_access_key` (40 characters, random), a Google Cloud
service-account JSON (`"type": "service_account"` with a `private_key` PEM
body), an Azure storage connection string's `AccountKey=` (64-byte base64
key) and an Azure shared access signature (`sv=` and `sig=` in a URL).
AWS's documented example keys and the Azure storage emulator's published
key are LOW.

## Why is this bad?
Cloud keys give access to storage, compute and billing. Keys leaked in
public artefacts are used for crypto-mining and data theft within hours.

## Example
`service_account.json` shipped in a model repository; an Azure connection
string in `config.json` used to download training data.

## How to fix
Deactivate the key, check the account's audit log, and use workload
identity or environment credentials instead of files.

## References
- CWE-798: Use of Hard-coded Credentials
- CWE-522: Insufficiently Protected Credentials
"#,
};
