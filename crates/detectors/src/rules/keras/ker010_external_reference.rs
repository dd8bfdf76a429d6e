//! KER010: a Keras config points at a URL or a path outside the model.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use sentrascan_formats::keras::{ConfigLocation, LocationKind};

pub static RULE: RuleMeta = RuleMeta {
    code: "KER010",
    name: "keras-external-reference",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::NetworkOperations,
    scanner: "keras",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras configuration value is a URL (MEDIUM) or an absolute, home-relative or `..`-escaping path (LOW).",
    remediation: "Check why the configuration refers to something outside the model; a model should be self-contained.",
    docs: r#"## What it does
Reports configuration strings that start with a URL scheme (`http://`,
`https://`, `ftp://`, `file:`, `s3://`, `gs://`…) or are absolute paths
(`/etc/…`, `C:\…`, `\\server\…`), home-relative (`~/…`) or climb out
with `..`. Lambda bytecode and embedded payloads are excluded (they have
their own rules).

## Why is this bad?
Built-in layers never need a URL or a host path. They appear as the
arguments of gadgets (`get_file(origin=…)`, `load_model(filepath=…)`,
TFSMLayer) that fetch or read files when the model is rebuilt.

## Example
`"arguments": {"origin": "http://203.0.113.7/stage2.keras"}`

## How to fix
Remove the reference or ship what it points to inside the model.

## References
- CVE-2025-9906, CVE-2025-12058
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub(crate) fn finding(location: &Location, l: &ConfigLocation) -> Finding {
    let (severity, category, what) = match l.kind {
        LocationKind::Url => (Severity::Medium, Category::NetworkOperations, "URL"),
        LocationKind::Path => (Severity::Low, Category::FileSystemAccess, "path"),
    };
    let shown: String = l.text.chars().take(200).collect();
    Finding::new(
        &RULE,
        location.clone(),
        format!("Keras config refers to {what} `{shown}`"),
    )
    .severity(severity)
    .category(category)
    .description(format!(
        "Configuration value `{}` at `{}` is the {what} `{shown}`, outside the model file.",
        l.key, l.path
    ))
    .evidence("key", l.key.as_str())
    .evidence("config_path", l.path.as_str())
    .evidence("value", shown)
}
