//! FLX009: an Orbax metadata path points outside the checkpoint.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX009",
    name: "orbax-path-outside-checkpoint",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "orbax",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A path-like field of Orbax checkpoint metadata is absolute, climbs out with `..`, or is a remote URL: restoring reads outside the checkpoint directory.",
    remediation: "Do not restore the checkpoint until the path is understood; re-save it with paths relative to the checkpoint.",
    docs: r#"## What it does
Looks at string fields whose key names a path, directory, file or
kvstore, and reports values that are absolute (`/…`, `C:\\…`), contain a
`..` component, or are `file://`, `gs://`, `s3://`, `hdfs://` or HTTP URLs.

## Why is this bad?
A checkpoint is a directory that is restored as a unit. A field that
points outside it makes the restoring process read (or, for handlers that
write, overwrite) files the user never handed over, or fetch data from a
remote store.

## Example
`"custom_metadata": {"data_path": "../../../../etc/passwd"}`.

## How to fix
Keep every path relative to the checkpoint directory.

## References
- https://orbax.readthedocs.io/en/latest/guides/checkpoint/checkpoint_format.html
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
"#,
};

pub fn finding(location: &Location, path: &str, value: &str) -> Finding {
    let shown: String = value.chars().take(200).collect();
    Finding::new(
        &RULE,
        location.clone(),
        format!("Orbax metadata `{path}` points outside the checkpoint (`{shown}`)"),
    )
    .description(format!(
        "The Orbax metadata field `{path}` is `{shown}`: an absolute path, a `..` traversal or a remote URL."
    ))
    .evidence("path", path)
    .evidence("value", shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_with_the_value() {
        let f = finding(
            &Location::file("_CHECKPOINT_METADATA"),
            "custom.data_path",
            "/etc/passwd",
        );
        assert_eq!((f.rule.as_str(), f.severity), ("FLX009", Severity::High));
    }
}
