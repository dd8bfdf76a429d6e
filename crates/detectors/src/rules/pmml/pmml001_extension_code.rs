//! PMML001: code or a script inside an `<Extension>`.

use sentrascan_formats::pmml::{Extension, PmmlView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::code_hits;

pub static RULE: RuleMeta = RuleMeta {
    code: "PMML001",
    name: "pmml-extension-code",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "pmml",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An `<Extension>` carries code (shell, Python, Java or JavaScript calls) or is a vendor script extension.",
    remediation: "Remove the extension or review the script and the evaluator that would run it.",
    docs: r#"## What it does
Searches each `<Extension>` element (its attributes, text and every
element inside it) for code: shell commands piped into interpreters,
Python calls (`os.system(`, `exec(`, `__import__`), Java process and
reflection calls (`Runtime.getRuntime()`, `ProcessBuilder`,
`Class.forName`, `ScriptEngineManager`) and JavaScript (`<script`,
`eval(`, `new Function(`): HIGH. An extension that is a vendor script
(its name, extender or inner elements say `script`, `python`, `groovy`,
`javascript`, `jython`, `rscript`, `beanshell` and it has content) is
MEDIUM when no call pattern is found.

## Why is this bad?
PMML is declarative; `<Extension>` is the escape hatch where vendors put
anything. Evaluators with scripting extensions (and pipelines that `eval`
extension values) run what they find there when the model is loaded or
scored.

## Example
`<Extension name="script" extender="vendor"><Script language="python">import os; os.system("echo x")</Script></Extension>`

## How to fix
Strip the extension; PMML evaluators do not need it to score the model.

## References
- https://dmg.org/pmml/v4-4-1/GeneralStructure.html#xsdElement_Extension
- CWE-94: Improper Control of Generation of Code
"#,
};

/// JVM and JavaScript calls that only appear in code (matched as written).
const JVM_JS_CALLS: &[&str] = &[
    "Runtime.getRuntime(",
    "ProcessBuilder(",
    "Class.forName(",
    "ScriptEngineManager(",
    "java.lang.Runtime",
    "java.lang.ProcessBuilder",
    "javax.script.",
    "<script",
    "new Function(",
    "child_process",
    "System.loadLibrary(",
    "URLClassLoader",
];

/// Words that make an extension a script container.
const SCRIPT_WORDS: &[&str] = &[
    "script",
    "python",
    "groovy",
    "javascript",
    "jython",
    "rscript",
    "beanshell",
    "ecmascript",
];

fn is_script_extension(e: &Extension) -> bool {
    let has = |s: &str| {
        let l = s.to_ascii_lowercase();
        SCRIPT_WORDS.iter().any(|w| l.contains(w))
    };
    !e.content.trim().is_empty()
        && (e.name.as_deref().is_some_and(has)
            || e.extender.as_deref().is_some_and(has)
            || e.children.iter().any(|c| has(c)))
}

pub fn check(view: &PmmlView, location: &Location, out: &mut Vec<Finding>) {
    for e in view.extensions.iter().take(10_000) {
        let mut text = String::new();
        for s in [e.name.as_deref(), e.value.as_deref(), e.extender.as_deref()]
            .into_iter()
            .flatten()
        {
            text.push_str(s);
            text.push('\n');
        }
        text.push_str(&e.content);
        let mut patterns: Vec<String> = code_hits(&text).into_iter().map(|h| h.pattern).collect();
        let lower = text.to_ascii_lowercase();
        patterns.extend(
            JVM_JS_CALLS
                .iter()
                // Tags are case-insensitive in HTML; calls are matched as written.
                .filter(|p| {
                    if p.starts_with('<') {
                        lower.contains(*p)
                    } else {
                        text.contains(*p)
                    }
                })
                .map(|p| p.trim_end_matches('(').to_string()),
        );
        let script = is_script_extension(e);
        if patterns.is_empty() && !script {
            continue;
        }
        let label = e.name.as_deref().unwrap_or("(unnamed)");
        let excerpt: String = e.content.chars().take(200).collect();
        let f = Finding::new(
            &RULE,
            location.at(e.offset),
            if patterns.is_empty() {
                format!("Script extension `{label}` at {}", e.path)
            } else {
                format!(
                    "Extension `{label}` at {} contains code: {}",
                    e.path,
                    patterns.join(", ")
                )
            },
        )
        .severity(if patterns.is_empty() {
            Severity::Medium
        } else {
            Severity::High
        })
        .description(format!(
            "`<Extension>` `{label}` (extender `{}`) at {} holds {}.",
            e.extender.as_deref().unwrap_or(""),
            e.path,
            if patterns.is_empty() {
                "a vendor script that scripting evaluators run".to_string()
            } else {
                format!("code ({})", patterns.join(", "))
            }
        ))
        .evidence("extension", label)
        .evidence("path", e.path.clone())
        .evidence("patterns", patterns.join(","))
        .evidence("excerpt", excerpt);
        out.push(f);
    }
}
