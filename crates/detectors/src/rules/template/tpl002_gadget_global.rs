//! TPL002: a chat template looks up attributes of a Jinja2 or Flask global
//! that leads to module globals (`cycler`, `lipsum`, `self`, `request`, …).

use sentrascan_formats::template::{ChainRoot, KeyValue, StepKind, TemplateView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::names::{gadget, internal_attribute};
use super::{finding, path_of, place, step_names};

pub static RULE: RuleMeta = RuleMeta {
    code: "TPL002",
    name: "template-gadget-global",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::CodeInjection,
    scanner: "chat_template",
    cwe: Some("CWE-1336"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A chat template looks up attributes of a template global (cycler, joiner, namespace, lipsum, self, request, config, …) that leads to Python module globals.",
    remediation: "Do not use this chat template; chat templates call `namespace()` and `range()` but never look inside them. Render templates in Jinja2's ImmutableSandboxedEnvironment.",
    docs: r#"## What it does
Reports every lookup chain whose root is one of the globals Jinja2 or Flask
put in every template (`cycler`, `joiner`, `namespace`, `lipsum`, `range`,
`dict`, `self`, `config`, `request`, `url_for`, `get_flashed_messages`,
`__builtins__`) and whose first step is an attribute or item lookup rather
than a call. Calls (`namespace(found=false)`, `range(3)`) and block
references (`self.header()`) are ordinary and not reported; a name the
template assigns itself is not a global, unless it was set to one
(`{% set x = lipsum %}`).

CRITICAL when the chain also looks up internals (`cycler.__init__`),
HIGH otherwise (`config.items()`).

## Why is this bad?
These globals are Python functions and classes defined in modules that
import `os`: `cycler.__init__.__globals__.os.popen(...)` and
`lipsum.__globals__['os']` run commands in two steps, without the
`__subclasses__()` search of CVE-2024-34359. `self._TemplateReference__context`
exposes the whole render context, and `request.application.__globals__`
the web application's module.

## Example
```jinja
{{ cycler.__init__.__globals__.os.popen('id').read() }}
```

## How to fix
Replace the template with the model family's published one; render chat
templates in `jinja2.sandbox.ImmutableSandboxedEnvironment`.

## References
- CVE-2024-34359 (llama-cpp-python)
- https://jinja.palletsprojects.com/en/stable/templates/#list-of-global-functions
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
        let ChainRoot::Name {
            name,
            bound,
            alias_of,
        } = &chain.root
        else {
            continue;
        };
        let global = match alias_of {
            Some(a) if !view.bound_names.contains(a) => a.as_str(),
            Some(_) => continue,
            None if *bound => continue,
            None => name.as_str(),
        };
        let Some(what) = gadget(global) else {
            continue;
        };
        let Some(first) = chain.steps.first() else {
            continue;
        };
        let first_name = match &first.kind {
            StepKind::Access { key, .. } => match &key.value {
                KeyValue::Name(n) => Some(n.as_str()),
                _ => None,
            },
            _ => continue,
        };
        // `self.block()` renders a block: the ordinary use of `self`.
        if global == "self" && first_name.is_some_and(|n| !n.starts_with('_')) {
            continue;
        }
        let internal = chain
            .steps
            .iter()
            .flat_map(step_names)
            .any(|(n, via)| internal_attribute(n, via).is_some());
        let severity = if internal {
            Severity::Critical
        } else {
            Severity::High
        };
        out.push(
            finding(
                &RULE,
                location,
                source_key,
                &chain.span,
                format!("Chat template looks inside the template global `{global}`"),
            )
            .severity(severity)
            .description(format!(
                "At {}, `{}` looks up attributes of `{global}`, {what}.",
                place(source_key, &chain.span),
                chain.text,
            ))
            .evidence("global", global)
            .evidence("chain", chain.text.clone())
            .evidence("path", path_of(chain)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::severities;
    use sentrascan_types::Severity;

    fn tpl002(src: &str) -> Option<Severity> {
        severities(src, "TPL002").into_iter().max()
    }

    #[test]
    fn gadgets_reached_for_their_globals_are_critical() {
        for src in [
            "{{ cycler.__init__.__globals__.os.popen('echo x').read() }}",
            "{{ joiner.__init__.__globals__ }}",
            "{{ namespace.__init__.__globals__ }}",
            "{{ lipsum.__globals__['os'] }}",
            "{{ lipsum|attr('__globals__') }}",
            "{{ self._TemplateReference__context }}",
            "{{ request.application.__globals__ }}",
            "{% set x = lipsum %}{{ x.__globals__ }}",
        ] {
            assert_eq!(tpl002(src), Some(Severity::Critical), "{src}");
        }
    }

    #[test]
    fn other_lookups_on_gadgets_are_high() {
        assert_eq!(tpl002("{{ config.items() }}"), Some(Severity::High));
        assert_eq!(tpl002("{{ request.args.cmd }}"), Some(Severity::High));
        assert_eq!(tpl002("{{ lipsum[name] }}"), Some(Severity::High));
    }

    #[test]
    fn ordinary_uses_of_globals_are_quiet() {
        for src in [
            "{% set ns = namespace(found=false) %}{% set ns.found = true %}{{ ns.found }}",
            "{% for i in range(3) %}{{ i }}{% endfor %}",
            "{{ cycler('odd', 'even').next() }}",
            "{{ self.header() }}",
            "{% set config = {'a': 1} %}{{ config.a }}",
            "{% for request in messages %}{{ request.content }}{% endfor %}",
        ] {
            assert_eq!(tpl002(src), None, "{src}");
        }
    }
}
