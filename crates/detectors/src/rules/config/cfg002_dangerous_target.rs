//! CFG002: a Hydra/OmegaConf `_target_` (or Lightning `class_path`) names a
//! dangerous callable or one outside the ML frameworks.

use sentrascan_formats::config::ConfigView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::targets::{TARGET_KEYS, WEAK_TARGET_KEYS, is_dangerous, is_ml, looks_like_dotted};

pub static RULE: RuleMeta = RuleMeta {
    code: "CFG002",
    name: "config-dangerous-target",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "config",
    cwe: Some("CWE-470"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A config's `_target_`/`class_path` names a callable that runs commands or code (CRITICAL), or one outside the known ML packages (MEDIUM): instantiating the config imports and calls it.",
    remediation: "Point targets at the model's own classes; never instantiate configs from untrusted repositories.",
    docs: r#"## What it does
Reads the keys that `hydra.utils.instantiate`, NeMo, Lightning CLI and
latent-diffusion's `instantiate_from_config` import and call: `_target_`
and `class_path` (and `target` for latent diffusion). A process, code,
deserialisation or native-library callable (`os.system`,
`subprocess.Popen`, `builtins.eval`, `pickle.loads`, …) is CRITICAL. Under
`_target_`/`class_path`, a dotted name outside the ML packages (torch,
nemo, transformers, lightning, diffusers, …) is MEDIUM.

## Why is this bad?
Instantiation imports the module and calls the object with the sibling
keys as arguments: `{_target_: os.system, _args_: [cmd]}` runs `cmd` while
the model is being built from its config.

## Example
```yaml
model:
  _target_: os.system
  _args_: ["echo pwned"]
```

## How to fix
Use the framework's classes; pass `_convert_`/allow-lists when
instantiating configs from outside.

## References
- https://hydra.cc/docs/advanced/instantiate_objects/overview/
- CWE-470: Use of Externally-Controlled Input to Select Classes or Code
"#,
};

pub(crate) fn check(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    let mut found = Vec::new();
    for v in &view.values {
        let Some(key) = v.key.as_deref() else {
            continue;
        };
        let strong = TARGET_KEYS.contains(&key);
        if !strong && !WEAK_TARGET_KEYS.contains(&key) {
            continue;
        }
        let name = v.value.trim();
        let severity = if is_dangerous(name) {
            Severity::Critical
        } else if strong && looks_like_dotted(name) && !is_ml(name) {
            Severity::Medium
        } else {
            continue;
        };
        let why = if severity == Severity::Critical {
            "runs commands or code when instantiated"
        } else {
            "is outside the known ML packages"
        };
        found.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("`{key}: {name}` at {} {why}", super::place(v)),
            )
            .severity(severity)
            .description(format!(
                "The config's {} names `{name}`, which {why}; instantiating the config imports and calls it with the sibling keys as arguments.",
                super::place(v)
            ))
            .evidence("target", name)
            .evidence("path", v.path.as_str())
            .evidence("line", v.line),
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
    fn graded() {
        let v = parse(
            ConfigKind::Yaml,
            b"a:\n  _target_: builtins.exec\nb:\n  _target_: mypkg.Thing\nc:\n  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor\nd:\n  target: cuda\n",
            &Limits::default(),
        );
        let mut out = Vec::new();
        check(&v, &Location::file("c.yaml"), &mut out);
        let sev: Vec<Severity> = out.iter().map(|f| f.severity).collect();
        assert_eq!(sev, [Severity::Critical, Severity::Medium]);
    }
}
