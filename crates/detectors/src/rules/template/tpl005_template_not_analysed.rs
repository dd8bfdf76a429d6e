//! TPL005: a chat template could not be analysed completely (it does not
//! parse, or a bound stopped the analysis).

use sentrascan_formats::template::{TemplateSpan, TemplateStatus, TemplateView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::finding;

pub static RULE: RuleMeta = RuleMeta {
    code: "TPL005",
    name: "template-not-analysed",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ScanCoverage,
    scanner: "chat_template",
    cwe: None,
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A chat template does not parse or is over a bound, so it was only partly analysed: inconclusive, never clean.",
    remediation: "Treat the template as untrusted; replace it with the model family's published template.",
    docs: r#"## What it does
Reports a chat template the parser rejects (minijinja's parser, Jinja2's
grammar) and one over a bound of the analysis: more than 1 MiB, a line
longer than 60,000 characters, more than 250,000 tokens, more than 512
operators or 64 levels of brackets in one tag, or more than 100,000 facts.

For a template that does not parse, the other `TPL` rules still run on what
its tokens show (`x.__class__`, `x['key']`, `x|attr('key')`, loads and
string literals), so a payload in a broken template is still reported.

## Why is this bad?
What was not analysed cannot be called safe. Jinja2 and the analyser's
parser may disagree about an unusual template, and extreme nesting is a way
to make analysers give up.

## Example
`{% for m in messages %}{{ m.content }}` (the loop is never closed), or
`{{ not not not … x }}` with thousands of operators.

## How to fix
Use the template the model's authors publish; published chat templates
parse and are a few kilobytes.

## References
- https://jinja.palletsprojects.com/en/stable/templates/
- https://docs.rs/minijinja/3.0.5/minijinja/
"#,
};

pub(crate) fn check(
    view: &TemplateView,
    location: &Location,
    source_key: &str,
    out: &mut Vec<Finding>,
) {
    let (title, description, mut f) = match &view.status {
        TemplateStatus::Parsed => return,
        TemplateStatus::Unparseable { message, line } => {
            let span = TemplateSpan {
                line: line.unwrap_or(0),
                ..TemplateSpan::default()
            };
            let at = line.map_or_else(String::new, |l| format!(" at line {l}"));
            (
                format!("Chat template `{source_key}` does not parse"),
                format!(
                    "The template does not parse{at}: {message}. Only its tokens were analysed; the verdict is inconclusive."
                ),
                finding(&RULE, location, source_key, &span, String::new())
                    .evidence("error", message.clone()),
            )
        }
        TemplateStatus::LimitReached { limit, detail } => (
            format!(
                "Chat template `{source_key}` analysis stopped at `{}`",
                limit.as_str()
            ),
            format!(
                "The analysis stopped: {detail}. What lies beyond was not examined; the verdict is inconclusive."
            ),
            finding(
                &RULE,
                location,
                source_key,
                &TemplateSpan::default(),
                String::new(),
            )
            .evidence("limit", limit.as_str())
            .evidence("detail", detail.clone()),
        ),
    };
    f.title = title;
    f = f
        .description(description)
        .evidence("template_bytes", view.source_len);
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, run};
    use sentrascan_types::Severity;

    #[test]
    fn unparseable_templates_are_inconclusive_and_still_analysed() {
        assert_eq!(
            codes("{% for m in messages %}{{ m.content }}"),
            [("TPL005".to_string(), Severity::Medium)]
        );
        let c = codes("{{ ''.__class__.__mro__ }}{% endif %}");
        assert!(c.contains(&("TPL005".to_string(), Severity::Medium)));
        assert!(c.contains(&("TPL001".to_string(), Severity::Critical)));
    }

    #[test]
    fn limits_are_named() {
        let src = format!("{{{{ {}x }}}}", "not\n".repeat(600));
        let out = run(&src);
        let f = out.iter().find(|f| f.rule == "TPL005").unwrap();
        assert_eq!(f.evidence["limit"], "max_tag_operators");
    }
}
