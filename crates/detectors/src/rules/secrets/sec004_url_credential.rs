//! SEC004: A database or message-broker URL (PostgreSQL, MySQL, MongoDB, Redis, AMQP, SQL Server…) carries a password.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SEC004",
    name: "connection-url-password",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::CredentialExposure,
    scanner: "secrets",
    cwe: Some("CWE-798"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A database or message-broker URL (PostgreSQL, MySQL, MongoDB, Redis, AMQP, SQL Server…) carries a password.",
    remediation: "Change the password, remove it from the URL, and pass it through the environment or a secret store.",
    docs: r#"## What it does
Finds `scheme://user:password@host` URLs for databases and message brokers
(PostgreSQL, MySQL/MariaDB, MongoDB, Redis, AMQP, SQL Server, Oracle,
ClickHouse, CockroachDB). The password is masked in the report; user and
host are kept. Default or placeholder passwords (`password`, `changeme`,
`${DB_PASS}`) and local or example hosts are LOW, remote hosts MEDIUM.

## Why is this bad?
The URL is a complete credential: whoever reads it can connect as that user
when the host is reachable, and passwords are often reused elsewhere.

## Example
`"feature_store": "postgresql://ml:…@db.internal.corp:5432/features"`.

## How to fix
Rotate the password and build the URL at run time from the environment.

## References
- CWE-798: Use of Hard-coded Credentials
"#,
};
