//! TPL004: a chat template loads other templates, or names modules and
//! functions that run commands or code (`os`, `popen`, `eval`, …).

use std::collections::BTreeMap;

use sentrascan_formats::template::{AccessVia, ChainRoot, StepKind, StringLiteral, TemplateView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::names::{CODE_CALLS, CODE_MODULES, literal_mention};
use super::{finding, path_of, place, step_names};

pub static RULE: RuleMeta = RuleMeta {
    code: "TPL004",
    name: "template-code-execution",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "chat_template",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A chat template loads other templates, reaches modules or functions that run commands or code, or carries strings that spell them.",
    remediation: "Do not use this chat template; a chat template only formats messages. Render templates in Jinja2's ImmutableSandboxedEnvironment with no loader.",
    docs: r#"## What it does
Reports, from the template's syntax tree:
- `{% import %}`, `{% from … import %}`, `{% include %}` and
  `{% extends %}`: HIGH;
- lookup chains that reach a module that runs commands or loads code
  (`os`, `subprocess`, `sys`, `builtins`, `importlib`, `posix`, `pty`,
  `socket`, …) or a function that does (`popen`, `system`, `eval`, `exec`,
  `__import__`, `import_module`, `check_output`, `open`, …), as a variable,
  an attribute, or an item key that is then called: HIGH, with the string
  arguments of the calls as evidence;
- string literals, outside attribute names, that name such a module or
  function or spell code (`'os'`, `'__import__'`, `'os.popen('`,
  `'/bin/sh'`): MEDIUM.

Words that are ordinary in chat templates (`'system'` as a role) are not
reported on their own.

## Why is this bad?
A chat template only has to turn messages into text. Loading another
template reads a file from the server; `os`, `popen` and `eval` are the
last steps of every template-injection payload.

## Example
```jinja
{{ lipsum.__globals__['os'].popen('id').read() }}
{% include '/etc/passwd' %}
```

## How to fix
Replace the template with the model family's published one; render chat
templates in `jinja2.sandbox.ImmutableSandboxedEnvironment` with no loader.

## References
- CVE-2024-34359 (llama-cpp-python)
- https://jinja.palletsprojects.com/en/stable/templates/#import
- CWE-94: Improper Control of Generation of Code
"#,
};

pub(crate) fn check(
    view: &TemplateView,
    location: &Location,
    source_key: &str,
    out: &mut Vec<Finding>,
) {
    for load in &view.loads {
        let target = load
            .target
            .as_deref()
            .map_or_else(|| "a computed name".to_string(), |t| format!("`{t}`"));
        out.push(
            finding(
                &RULE,
                location,
                source_key,
                &load.span,
                format!("Chat template loads another template with `{{% {} %}}`", load.kind.keyword()),
            )
            .category(Category::UnsafeImports)
            .description(format!(
                "At {}, `{{% {} %}}` loads {target}{}. A chat template has no reason to load files on the server.",
                place(source_key, &load.span),
                load.kind.keyword(),
                if load.names.is_empty() {
                    String::new()
                } else {
                    format!(" and imports {}", load.names.join(", "))
                },
            ))
            .evidence("statement", load.kind.keyword())
            .evidence(
                "target",
                load.target
                    .clone()
                    .map_or(serde_json::Value::Null, serde_json::Value::from),
            ),
        );
    }
    for chain in &view.chains {
        check_chain(chain, location, source_key, out);
    }
    // One finding per reason, at its first literal: a template repeating
    // `'os'` a thousand times is one fact.
    let mut mentions: BTreeMap<String, (&StringLiteral, String, usize)> = BTreeMap::new();
    for literal in &view.literals {
        if literal.key_part {
            continue;
        }
        let Some(value) = &literal.value else {
            continue;
        };
        let Some(why) = literal_mention(value) else {
            continue;
        };
        let entry = mentions
            .entry(why)
            .or_insert_with(|| (literal, value.chars().take(120).collect(), 0));
        entry.2 = entry.2.saturating_add(1);
    }
    let mut mentions: Vec<_> = mentions.into_iter().collect();
    mentions.sort_by_key(|(_, (l, _, _))| l.span.offset);
    for (why, (literal, shown, count)) in mentions {
        let more = if count > 1 {
            format!(" ({count} string literals)")
        } else {
            String::new()
        };
        out.push(
            finding(
                &RULE,
                location,
                source_key,
                &literal.span,
                format!("Chat template string {why}{more}"),
            )
            .severity(Severity::Medium)
            .description(format!(
                "At {}, the string literal {shown:?} {why}; chat templates only hold message text and special tokens.",
                place(source_key, &literal.span),
            ))
            .evidence("literal", shown)
            .evidence("occurrences", count),
        );
    }
}

fn check_chain(
    chain: &sentrascan_formats::template::AccessChain,
    location: &Location,
    source_key: &str,
    out: &mut Vec<Finding>,
) {
    let mut hits: Vec<String> = Vec::new();
    let mut first_span = None;
    let mut commands = false;
    if let ChainRoot::Name { name, bound, .. } = &chain.root {
        let called = matches!(
            chain.steps.first().map(|s| &s.kind),
            Some(StepKind::Call { .. })
        );
        let module = CODE_MODULES.contains(&name.as_str()) && !chain.steps.is_empty() && !bound;
        if module || (called && CODE_CALLS.contains(&name.as_str())) {
            hits.push(name.clone());
            first_span = Some(chain.span);
        }
    }
    let mut reached_module = !hits.is_empty();
    for (i, step) in chain.steps.iter().enumerate() {
        let then_called = matches!(
            chain.steps.get(i.saturating_add(1)).map(|s| &s.kind),
            Some(StepKind::Call { .. })
        );
        for (name, via) in step_names(step) {
            let is_module = CODE_MODULES.contains(&name);
            let is_call = CODE_CALLS.contains(&name);
            let counts = match via {
                AccessVia::Subscript => is_module || (is_call && (then_called || reached_module)),
                _ => is_module || is_call,
            };
            reached_module |= is_module || name == "__builtins__" || name == "__globals__";
            if counts {
                commands |= matches!(
                    name,
                    "popen" | "Popen" | "system" | "check_output" | "check_call" | "getoutput"
                ) || name.starts_with("spawn")
                    || (name.starts_with("exec") && name != "exec");
                hits.push(name.to_string());
                first_span.get_or_insert(step.span);
            }
        }
    }
    let Some(span) = first_span else {
        return;
    };
    let arguments: Vec<String> = chain
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::Call { string_args } => Some(string_args.iter().flatten().cloned()),
            _ => None,
        })
        .flatten()
        .collect();
    let list = hits
        .iter()
        .map(|h| format!("`{h}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut f = finding(
        &RULE,
        location,
        source_key,
        &span,
        format!("Chat template reaches {list}"),
    )
    .category(if commands {
        Category::OsCommandExecution
    } else {
        Category::ArbitraryCodeExecution
    })
    .description(format!(
        "At {}, `{}` reaches {list}{}.",
        place(source_key, &chain.span),
        chain.text,
        if arguments.is_empty() {
            String::new()
        } else {
            format!(
                " with {}",
                arguments
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    ))
    .evidence("names", hits.clone())
    .evidence("chain", chain.text.clone())
    .evidence("path", path_of(chain));
    if !arguments.is_empty() {
        f = f.evidence("arguments", arguments);
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, severities};
    use sentrascan_types::Severity;

    fn tpl004(src: &str) -> Vec<Severity> {
        severities(src, "TPL004")
    }

    #[test]
    fn loads_are_high() {
        for src in [
            "{% import 'os' as os %}",
            "{% from 'subprocess' import check_output %}",
            "{% include '/etc/passwd' %}",
            "{% extends 'base.html' %}",
        ] {
            assert!(tpl004(src).contains(&Severity::High), "{src}");
        }
    }

    #[test]
    fn reaching_os_and_eval_is_high_with_the_command_as_evidence() {
        let out =
            run("{{ cycler.__init__.__globals__.os.popen('echo sentrascan-fixture').read() }}");
        let f = out.iter().find(|f| f.rule == "TPL004").unwrap();
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.title, "Chat template reaches `os`, `popen`");
        assert_eq!(
            f.evidence["arguments"],
            serde_json::json!(["echo sentrascan-fixture"])
        );
        assert_eq!(f.category, sentrascan_types::Category::OsCommandExecution);
        for src in [
            "{{ eval('1') }}",
            "{{ x.__builtins__['eval']('1') }}",
            "{{ x['__import__']('os') }}",
            "{{ lipsum.__globals__['os'] }}",
        ] {
            assert!(tpl004(src).contains(&Severity::High), "{src}");
        }
    }

    #[test]
    fn strings_that_spell_code_are_medium() {
        assert_eq!(tpl004("{{ 'os.popen(\"id\")' }}"), [Severity::Medium]);
        assert_eq!(tpl004("{% set m = 'subprocess' %}"), [Severity::Medium]);
    }

    #[test]
    fn chat_words_and_data_keys_are_quiet() {
        for src in [
            "{% if message['role'] == 'system' %}{{ message['content'] }}{% endif %}",
            "{{ roles['system'] }}",
            "{{ tool.function.name }}",
            "{{ 'You should aim to execute the minimum number of actions' }}",
        ] {
            assert_eq!(tpl004(src), [], "{src}");
        }
    }
}
