//! `TPL` rules: Jinja2 chat templates (GGUF `tokenizer.chat_template`,
//! `tokenizer_config.json` `chat_template`, `.jinja` files) that would reach
//! the Python interpreter when a server renders them outside Jinja2's
//! sandbox (CVE-2024-34359 and its kin). The rules read the view built by
//! [`sentrascan_formats::template::analyze`]; the names they look for are in
//! [`names`].

pub mod names;
pub mod tpl001_internal_attribute;
pub mod tpl002_gadget_global;
pub mod tpl003_obfuscated_name;
pub mod tpl004_code_execution;
pub mod tpl005_template_not_analysed;

use sentrascan_formats::template::{
    AccessChain, AccessVia, ChainRoot, KeyValue, LiteralKind, Step, StepKind, TemplateSpan,
    TemplateView,
};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

/// The family of every `TPL` rule.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Template;

/// Every `TPL` rule, in code order, for the registry.
pub static RULES: [&RuleMeta; 5] = [
    &tpl001_internal_attribute::RULE,
    &tpl002_gadget_global::RULE,
    &tpl003_obfuscated_name::RULE,
    &tpl004_code_execution::RULE,
    &tpl005_template_not_analysed::RULE,
];

/// Runs every `TPL` rule over one template.
///
/// `location` is where the template text is: a finding is placed at the
/// location's offset (zero when it has none) plus the fact's byte offset in
/// the template, which is a file offset for GGUF strings and `.jinja` files.
/// `source_key` names the template in evidence and messages
/// (`tokenizer.chat_template`, `chat_template[tool_use]`, a file name).
pub fn check_template(
    view: &TemplateView,
    location: &Location,
    source_key: &str,
    out: &mut Vec<Finding>,
) {
    type Check = fn(&TemplateView, &Location, &str, &mut Vec<Finding>);
    let checks: [Check; 5] = [
        tpl001_internal_attribute::check,
        tpl002_gadget_global::check,
        tpl003_obfuscated_name::check,
        tpl004_code_execution::check,
        tpl005_template_not_analysed::check,
    ];
    for check in checks {
        let mut found = Vec::new();
        check(view, location, source_key, &mut found);
        cap(found, out);
    }
}

/// Most findings one rule reports for one template; the rest are counted
/// in a last finding, so a template of ten thousand payloads stays readable.
pub const MAX_FINDINGS_PER_RULE: usize = 64;

fn cap(mut found: Vec<Finding>, out: &mut Vec<Finding>) {
    if found.len() <= MAX_FINDINGS_PER_RULE {
        out.append(&mut found);
        return;
    }
    let rest = found.split_off(MAX_FINDINGS_PER_RULE);
    out.append(&mut found);
    let Some(first) = rest.first() else {
        return;
    };
    let worst = rest
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(first.severity);
    let n = rest.len();
    let mut summary = first.clone().severity(worst);
    summary.title = format!("{n} more like it: {}", first.title);
    summary = summary
        .description(format!(
            "{n} more findings of this rule in the template, the first at {}; only the first {MAX_FINDINGS_PER_RULE} are reported one by one.",
            first.location
        ))
        .evidence("omitted_findings", n);
    out.push(summary);
}

/// The finding location of a fact at `span`.
pub(crate) fn locate(location: &Location, span: &TemplateSpan) -> Location {
    location.at(location
        .offset
        .unwrap_or(0)
        .saturating_add(u64::from(span.offset)))
}

/// A finding of `rule` about `span` in the template, with the evidence every
/// `TPL` finding carries.
pub(crate) fn finding(
    rule: &RuleMeta,
    location: &Location,
    source_key: &str,
    span: &TemplateSpan,
    title: String,
) -> Finding {
    Finding::new(rule, locate(location, span), title)
        .evidence("template", source_key)
        .evidence("line", span.line)
        .evidence("column", span.column)
        .evidence("template_offset", span.offset)
}

/// `line 3, column 14 of `tokenizer.chat_template``
pub(crate) fn place(source_key: &str, span: &TemplateSpan) -> String {
    format!(
        "line {}, column {} of `{source_key}`",
        span.line, span.column
    )
}

/// What a chain starts from, in words.
pub(crate) fn describe_root(root: &ChainRoot) -> String {
    match root {
        ChainRoot::Name {
            name,
            alias_of: Some(a),
            ..
        } if a != name => format!("`{name}` (set to `{a}`)"),
        ChainRoot::Name { name, .. } => format!("`{name}`"),
        ChainRoot::Literal(kind) => match kind {
            LiteralKind::Str => "a string literal",
            LiteralKind::Number => "a number literal",
            LiteralKind::Bool => "a boolean literal",
            LiteralKind::None => "`none`",
            LiteralKind::List => "a list literal",
            LiteralKind::Tuple => "a tuple literal",
            LiteralKind::Map => "a dict literal",
        }
        .to_string(),
        ChainRoot::BlockOutput => "the output of a block".to_string(),
        ChainRoot::Expression => "an expression".to_string(),
    }
}

/// The names a step may look up, with how: one for a lookup by name,
/// several for a loop variable over constant strings, none otherwise.
pub(crate) fn step_names(step: &Step) -> Vec<(&str, &AccessVia)> {
    match &step.kind {
        StepKind::Access { via, key } => key.names().into_iter().map(|n| (n, via)).collect(),
        _ => Vec::new(),
    }
}

/// `cycler.__init__.__globals__`-style rendering of a chain's names.
pub(crate) fn path_of(chain: &AccessChain) -> String {
    let mut out = match &chain.root {
        ChainRoot::Name { name, .. } => name.clone(),
        ChainRoot::Literal(LiteralKind::Str) => "''".to_string(),
        ChainRoot::Literal(LiteralKind::Tuple) => "()".to_string(),
        ChainRoot::Literal(LiteralKind::List) => "[]".to_string(),
        ChainRoot::Literal(LiteralKind::Map) => "{}".to_string(),
        _ => "…".to_string(),
    };
    for step in &chain.steps {
        match &step.kind {
            StepKind::Access { key, .. } => match &key.value {
                KeyValue::Name(n) => {
                    out.push('.');
                    out.push_str(n);
                }
                KeyValue::Index(i) => out.push_str(&format!("[{i}]")),
                KeyValue::OneOf(v) => out.push_str(&format!("[{}]", v.join("|"))),
                KeyValue::Unknown => out.push_str("[?]"),
            },
            StepKind::Call { .. } => out.push_str("()"),
            StepKind::Filter { name } => {
                out.push('|');
                out.push_str(name);
            }
            StepKind::Slice => out.push_str("[:]"),
        }
        if out.len() > 400 {
            out.push('…');
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::Limits;
    use sentrascan_formats::template::analyze;
    use sentrascan_types::Severity;

    pub(crate) fn run(src: &str) -> Vec<Finding> {
        let view = analyze(src, &Limits::default());
        let mut out = Vec::new();
        check_template(&view, &Location::file("t.jinja"), "t.jinja", &mut out);
        out
    }

    pub(crate) fn codes(src: &str) -> Vec<(String, Severity)> {
        let mut c: Vec<_> = run(src).into_iter().map(|f| (f.rule, f.severity)).collect();
        c.sort();
        c.dedup();
        c
    }

    /// The distinct severities one rule reports on `src`, ascending.
    pub(crate) fn severities(src: &str, code: &str) -> Vec<Severity> {
        codes(src)
            .into_iter()
            .filter(|(c, _)| c == code)
            .map(|(_, s)| s)
            .collect()
    }

    #[test]
    fn rules_are_documented_and_coded_in_order() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.code, format!("TPL{:03}", i + 1));
            assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## How to fix",
                "## References",
            ] {
                assert!(r.docs.contains(heading), "{} lacks {heading}", r.code);
            }
            assert!(!r.summary.is_empty() && !r.remediation.is_empty());
        }
    }

    #[test]
    fn findings_sit_at_the_template_offset_plus_the_location_offset() {
        let view = analyze("ab{{ ''.__class__ }}", &Limits::default());
        let mut out = Vec::new();
        check_template(
            &view,
            &Location::file("m.gguf").at(100),
            "tokenizer.chat_template",
            &mut out,
        );
        let f = out.iter().find(|f| f.rule == "TPL001").unwrap();
        assert_eq!(f.location_detail.offset, Some(100 + 8));
        assert_eq!(f.evidence["line"], 1);
        assert_eq!(f.evidence["column"], 9);
        assert_eq!(f.evidence["template"], "tokenizer.chat_template");
    }

    #[test]
    fn repeated_payloads_are_capped_and_counted() {
        let out = run(&"{{ ''.__class__ }}{{ 'os' }}".repeat(200));
        let tpl001: Vec<_> = out.iter().filter(|f| f.rule == "TPL001").collect();
        assert_eq!(tpl001.len(), MAX_FINDINGS_PER_RULE + 1);
        assert_eq!(
            tpl001[MAX_FINDINGS_PER_RULE].evidence["omitted_findings"],
            200 - MAX_FINDINGS_PER_RULE
        );
        let tpl004: Vec<_> = out.iter().filter(|f| f.rule == "TPL004").collect();
        assert_eq!(tpl004.len(), 1);
        assert_eq!(tpl004[0].evidence["occurrences"], 200);
    }

    #[test]
    fn an_ordinary_chat_template_gives_nothing() {
        let src = "{% set ns = namespace(found=false) %}{% for message in messages %}\
            {% if message['role'] == 'system' %}{% set ns.found = true %}{% endif %}\
            {{ '<|im_start|>' + message['role'] + '\\n' + message['content'] | trim + '<|im_end|>\\n' }}\
            {% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}\
            {{ self.header() if false }}{{ messages[-1].content[:10] }}{{ tools | map(attribute='function') | list | tojson }}";
        assert_eq!(run(src), []);
    }
}
