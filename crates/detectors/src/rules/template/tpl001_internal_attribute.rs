//! TPL001: a chat template looks up Python internals (`__class__`,
//! `__globals__`, `_TemplateReference__context`, …).

use sentrascan_formats::template::{AccessVia, ChainRoot, TemplateView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::names::internal_attribute;
use super::{describe_root, finding, path_of, place, step_names};

pub static RULE: RuleMeta = RuleMeta {
    code: "TPL001",
    name: "template-internal-attribute",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::CodeInjection,
    scanner: "chat_template",
    cwe: Some("CWE-1336"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A chat template looks up dunder, private or frame attributes: the steps of a Jinja2 sandbox escape.",
    remediation: "Do not use this chat template; replace it with the model family's published template, and render templates only in Jinja2's ImmutableSandboxedEnvironment.",
    docs: r#"## What it does
Walks every attribute and item lookup in the template's syntax tree (`.x`,
`['x']`, `|attr('x')`, and the attribute names of `map`, `selectattr`,
`sort`, `groupby`, …), with names built from constants evaluated first,
and reports lookups of:
- dunder names (`__class__`, `__mro__`, `__subclasses__`, `__globals__`,
  `__builtins__`, `__init__`, `__dict__`, …) and name-mangled private
  attributes (`_TemplateReference__context`), and frame or function
  internals (`f_globals`, `gi_frame`, `mro`): CRITICAL;
- other names starting with `_`: HIGH as attributes, MEDIUM as item keys.

One finding per chain, graded by its worst step. Comments and `{% raw %}`
blocks are not code and are not reported.

## Why is this bad?
A chat template is code that Python servers run. Jinja2 resolves both
`x.name` and `x['name']` with `getattr`, so from any value a template can
climb to `object`, list every class in the interpreter and reach `os`:
`''.__class__.__mro__[1].__subclasses__()`. llama-cpp-python rendered GGUF
templates this way until 0.2.72 (CVE-2024-34359); vLLM and SGLang
(CVE-2026-5760) had the same flaw. Jinja2's sandbox refuses every name
reported here, and no published chat template uses one.

## Example
```jinja
{% for x in ().__class__.__base__.__subclasses__() %}
{% if "warning" in x.__name__ %}{{ x()._module.__builtins__['__import__']('os').popen("id") }}{% endif %}
{% endfor %}
```

## How to fix
Replace the template with the one the model's authors publish, and render
templates with `jinja2.sandbox.ImmutableSandboxedEnvironment`.

## References
- CVE-2024-34359 (llama-cpp-python, "Llama Drama")
- CVE-2026-5760 (SGLang)
- https://jinja.palletsprojects.com/en/stable/sandbox/
- CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine
"#,
};

pub(crate) fn check(
    view: &TemplateView,
    location: &Location,
    source_key: &str,
    out: &mut Vec<Finding>,
) {
    for chain in &view.chains {
        let mut names: Vec<&str> = Vec::new();
        let mut worst: Option<Severity> = None;
        let mut first_span = None;
        if let ChainRoot::Name { name, .. } = &chain.root
            && let Some(s) = internal_attribute(name, &AccessVia::Dot)
        {
            names.push(name);
            worst = Some(s);
            first_span = Some(chain.span);
        }
        for step in &chain.steps {
            for (name, via) in step_names(step) {
                if let Some(s) = internal_attribute(name, via) {
                    names.push(name);
                    worst = worst.max(Some(s));
                    first_span.get_or_insert(step.span);
                }
            }
        }
        let (Some(severity), Some(span)) = (worst, first_span) else {
            continue;
        };
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            finding(
                &RULE,
                location,
                source_key,
                &span,
                format!("Chat template looks up Python internals {list}"),
            )
            .severity(severity)
            .description(format!(
                "At {}, `{}` walks from {} to {list}. Rendered outside Jinja2's sandbox, these lookups reach \
                 interpreter objects and from there `os` (CVE-2024-34359).",
                place(source_key, &chain.span),
                chain.text,
                describe_root(&chain.root),
            ))
            .evidence("names", names.clone())
            .evidence("chain", chain.text.clone())
            .evidence("path", path_of(chain)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, run};
    use sentrascan_types::Severity;

    #[test]
    fn cve_2024_34359_chain_is_one_critical_finding() {
        let out = run("{{ ''.__class__.__mro__[1].__subclasses__() }}");
        let f: Vec<_> = out.iter().filter(|f| f.rule == "TPL001").collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(
            f[0].title,
            "Chat template looks up Python internals `__class__`, `__mro__`, `__subclasses__`"
        );
        assert_eq!(
            f[0].evidence["path"],
            "''.__class__.__mro__[1].__subclasses__()"
        );
    }

    #[test]
    fn every_spelling_of_a_lookup_counts() {
        for src in [
            "{{ x.__class__ }}",
            "{{ x['__class__'] }}",
            "{{ x|attr('__class__') }}",
            "{{ xs|map(attribute='__class__')|list }}",
            "{{ xs|selectattr('__class__') }}",
            "{{ self._TemplateReference__context }}",
            "{{ __builtins__ }}",
            "{% for n in ['__class__', '__base__'] %}{{ x[n] }}{% endfor %}",
        ] {
            assert!(
                codes(src).contains(&("TPL001".into(), Severity::Critical)),
                "{src}"
            );
        }
    }

    #[test]
    fn private_names_are_graded_by_how_they_are_looked_up() {
        assert!(codes("{{ x._module }}").contains(&("TPL001".into(), Severity::High)));
        assert!(codes("{{ x['_meta'] }}").contains(&("TPL001".into(), Severity::Medium)));
    }

    #[test]
    fn comments_raw_blocks_and_ordinary_keys_are_quiet() {
        assert_eq!(
            run(
                "{# {{ ''.__class__ }} #}{% raw %}{{ ''.__class__ }}{% endraw %}{{ message['content'] }}"
            ),
            []
        );
    }
}
