//! TPL003: a chat template builds an attribute name instead of writing it
//! (`'\x5f\x5fclass\x5f\x5f'`, `'__cla' ~ 'ss__'`, `|format`, `|attr(var)`).

use sentrascan_formats::template::{AccessVia, KeyValue, Spelling, StepKind, TemplateView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::names::{CODE_CALLS, CODE_MODULES, internal_attribute};
use super::{finding, path_of, place};

pub static RULE: RuleMeta = RuleMeta {
    code: "TPL003",
    name: "template-obfuscated-attribute-name",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "chat_template",
    cwe: Some("CWE-1336"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A chat template looks up an attribute whose name is escaped, computed, or supplied at render time.",
    remediation: "Do not use this chat template: published chat templates spell every attribute and key out. Render templates in Jinja2's ImmutableSandboxedEnvironment.",
    docs: r#"## What it does
Reports attribute and item lookups whose name the template does not write
out:
- string literals spelled with code-point escapes (`'\x5f\x5fclass\x5f\x5f'`,
  `'\u005f'`, `'\137'`, `'\N{LOW LINE}'`);
- names built by `~`, `+`, `*`, `%`, `|format`, `|join`, `|replace`,
  `|reverse`, `|lower`, slices such as `[::-1]`, `str` methods such as
  `.format()`, `dict(k=…)` keys, adjacent literals, or `{% set %}`
  variables holding any of these;
- `|attr(…)` and attribute-taking filters (`map(attribute=…)`) whose name
  is a variable.

The name is evaluated when it is built from constants. HIGH when it
resolves to an internal or code-running name or cannot be resolved; LOW
when it resolves to an ordinary name. Ordinary data lookups with a
variable key (`messages[loop.index0 + 1]`) are not reported.

## Why is this bad?
Escapes and string building are how payloads get past filters that look
for `__class__` or `.` in the text; `|attr` with a computed name is the
classic bypass of Jinja2 attribute filters. Published chat templates spell
every attribute name out.

## Example
```jinja
{{ ()|attr('\x5f\x5fclass\x5f\x5f')|attr('%c%cbase%c%c'|format(95,95,95,95)) }}
```

## How to fix
Replace the template with the model family's published one; render chat
templates in `jinja2.sandbox.ImmutableSandboxedEnvironment`.

## References
- CVE-2024-34359 (llama-cpp-python)
- https://jinja.palletsprojects.com/en/stable/templates/#jinja-filters.attr
- CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine
"#,
};

/// One obfuscated step, for evidence.
fn describe(value: &KeyValue, spelling: &Spelling) -> String {
    let name = match value {
        KeyValue::Name(n) => format!("`{n}`"),
        KeyValue::Index(i) => format!("`{i}`"),
        KeyValue::OneOf(v) => format!(
            "one of {}",
            v.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        KeyValue::Unknown => "a name known only at render time".to_string(),
    };
    match spelling {
        Spelling::Escaped => format!("{name} spelled with escape sequences"),
        Spelling::Computed { operations } => {
            format!("{name} built with {}", operations.join(", "))
        }
        Spelling::Variable => format!("{name} taken from a variable"),
        Spelling::Plain => name,
    }
}

pub(crate) fn check(
    view: &TemplateView,
    location: &Location,
    source_key: &str,
    out: &mut Vec<Finding>,
) {
    for chain in &view.chains {
        let mut worst: Option<Severity> = None;
        let mut parts: Vec<String> = Vec::new();
        let mut resolved: Vec<serde_json::Value> = Vec::new();
        let mut first_span = None;
        for step in &chain.steps {
            let StepKind::Access { via, key } = &step.kind else {
                continue;
            };
            let by_name = !matches!(via, AccessVia::Subscript);
            let severity = match (&key.spelling, &key.value) {
                (Spelling::Plain, _) => continue,
                (Spelling::Variable, _) if !by_name => continue,
                (Spelling::Escaped | Spelling::Computed { .. }, KeyValue::Index(_)) => continue,
                (_, KeyValue::Name(_) | KeyValue::OneOf(_)) => {
                    let dangerous = key.names().into_iter().any(|n| {
                        internal_attribute(n, via).is_some()
                            || CODE_MODULES.contains(&n)
                            || CODE_CALLS.contains(&n)
                    });
                    if dangerous {
                        Severity::High
                    } else {
                        Severity::Low
                    }
                }
                _ => Severity::High,
            };
            worst = worst.max(Some(severity));
            parts.push(describe(&key.value, &key.spelling));
            resolved.push(match &key.value {
                KeyValue::Name(n) => n.clone().into(),
                KeyValue::OneOf(v) => v.clone().into(),
                _ => serde_json::Value::Null,
            });
            first_span.get_or_insert(step.span);
        }
        let (Some(severity), Some(span)) = (worst, first_span) else {
            continue;
        };
        let list = parts.join("; ");
        out.push(
            finding(
                &RULE,
                location,
                source_key,
                &span,
                format!("Chat template hides an attribute name: {list}"),
            )
            .severity(severity)
            .description(format!(
                "At {}, `{}` looks up {list}. Published chat templates spell attribute names out; \
                 escaping or building them is how payloads get past text filters.",
                place(source_key, &chain.span),
                chain.text,
            ))
            .evidence("resolved_names", resolved)
            .evidence("chain", chain.text.clone())
            .evidence("path", path_of(chain)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, severities};
    use sentrascan_types::Severity;

    fn tpl003(src: &str) -> Option<Severity> {
        severities(src, "TPL003").into_iter().max()
    }

    #[test]
    fn hidden_internal_names_are_high() {
        for src in [
            r"{{ ()|attr('\x5f\x5fclass\x5f\x5f') }}",
            "{{ ()['__cla' ~ 'ss__'] }}",
            "{{ ()|attr('%c%cclass%c%c'|format(95,95,95,95)) }}",
            "{{ ()|attr('%s%sclass%s%s' % ('_','_','_','_')) }}",
            "{{ ()|attr(['_','_','class','_','_']|join) }}",
            "{{ ()|attr('__ssalc__'|reverse) }}",
            "{% set c = 'po' ~ 'pen' %}{{ x|attr(c) }}",
            "{{ x|attr(messages[0]['content']) }}",
            "{{ x|attr((lipsum|string)[0]) }}",
            "{% for n in ['__cla' ~ 'ss__'] %}{{ x[n] }}{% endfor %}",
            "{% for n in ['__class__', 'x'] %}{{ x[n] }}{% endfor %}",
        ] {
            assert_eq!(tpl003(src), Some(Severity::High), "{src}");
        }
    }

    #[test]
    fn the_finding_says_what_the_name_resolves_to() {
        let out = run(r"{{ ()|attr('\x5f\x5fclass\x5f\x5f') }}");
        let f = out.iter().find(|f| f.rule == "TPL003").unwrap();
        assert_eq!(
            f.title,
            "Chat template hides an attribute name: `__class__` spelled with escape sequences"
        );
        assert_eq!(
            f.evidence["resolved_names"],
            serde_json::json!(["__class__"])
        );
    }

    #[test]
    fn built_ordinary_names_are_low_and_data_keys_are_quiet() {
        assert_eq!(tpl003("{{ message['con' ~ 'tent'] }}"), Some(Severity::Low));
        for src in [
            "{{ messages[loop.index0 + 1].role }}",
            "{{ message[key] }}",
            "{{ messages[-1] }}",
            "{{ out[:-1] }}",
            "{{ message['content'] }}",
        ] {
            assert_eq!(tpl003(src), None, "{src}");
        }
    }
}
