//! FLX008: Orbax metadata names a non-standard value type or handler.

use sentrascan_formats::orbax::OrbaxType;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX008",
    name: "orbax-custom-type",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "orbax",
    cwe: Some("CWE-470"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Orbax checkpoint metadata names a value type or item handler outside Orbax's standard set; restoring it needs custom registered code.",
    remediation: "Find the code that registers this type handler or checkpoint handler and review it before restoring.",
    docs: r#"## What it does
Reads `_METADATA` (`tree_metadata.*.value_metadata.value_type`) and
`_CHECKPOINT_METADATA` (`item_handlers`) and reports value types outside
Orbax's standard handlers (`jax.Array`, `np.ndarray`, `scalar`, `string`,
and the empty-node markers) and item handlers outside `orbax.checkpoint.`.

## Why is this bad?
Orbax restores each leaf with the type handler registered for its value
type and each item with its checkpoint handler. A custom type or handler
means the checkpoint was written for code that is not Orbax: that code
(a handler that pickles, or one imported by the name in the metadata)
decides what the bytes become.

## Example
`"value_metadata": {"value_type": "mylib.PickleHandler"}`.

## How to fix
Restore only with handlers you have reviewed; re-save the checkpoint with
standard types.

## References
- https://orbax.readthedocs.io/en/latest/guides/checkpoint/custom_handlers.html
- CWE-470: Use of Externally-Controlled Input to Select Classes or Code
"#,
};

pub fn finding(location: &Location, t: &OrbaxType) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("Orbax {} `{}` for `{}` is not a standard Orbax type", t.what, t.name, t.path),
    )
    .description(format!(
        "The Orbax metadata names the {} `{}` for `{}`; restoring it needs a custom registered handler.",
        t.what, t.name, t.path
    ))
    .evidence(t.what, t.name.as_str())
    .evidence("path", t.path.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_type() {
        let t = OrbaxType {
            what: "value_type",
            path: "('p',)".into(),
            name: "evil.T".into(),
        };
        let f = finding(&Location::file("_METADATA"), &t);
        assert_eq!((f.rule.as_str(), f.severity), ("FLX008", Severity::Medium));
        assert!(f.title.contains("evil.T"));
    }
}
