//! CFG005: a config does not parse or is over a bound, so it was only partly analysed.

use sentrascan_formats::config::{ConfigStatus, ConfigView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CFG005",
    name: "config-not-analysed",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ScanCoverage,
    scanner: "config",
    cwe: None,
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A JSON, YAML, TOML or INI file does not parse, is not UTF-8, or is over a bound (size, values, nesting, time): inconclusive, never clean.",
    remediation: "Check the file by hand; configs that their loaders accept parse.",
    docs: r#"## What it does
Reports a config the parser rejects (with the line), one over 16 MiB,
with more values than the walk keeps, nested deeper than it follows, or
whose walk ran out of the time budget. Values read before the problem are
still checked by the other rules.

## Why is this bad?
What was not analysed cannot be called safe; loaders can be more lenient
than the parser here, and nesting is a way to make analysers give up.

## Example
A `.yaml` file with a tab-indented block, or 100,000 nested brackets.

## How to fix
Fix or remove the file.

## References
- https://yaml.org/spec/1.2.2/
- https://toml.io/en/v1.0.0
"#,
};

/// Why the view is incomplete, if it is.
pub fn reason(view: &ConfigView) -> Option<String> {
    let kind = view.kind.as_str();
    Some(match &view.status {
        ConfigStatus::Parsed => return None,
        ConfigStatus::Unparseable { message, line } if *line > 0 => {
            format!("{kind} does not parse at line {line}: {message}")
        }
        ConfigStatus::Unparseable { message, .. } => format!("{kind} does not parse: {message}"),
        ConfigStatus::TooLarge { size, limit } => {
            format!("{kind} of {size} bytes is over the {limit}-byte limit")
        }
        ConfigStatus::Limit { limit, value } => {
            format!("{kind} walk stopped at limit `{limit}` ({value})")
        }
    })
}

pub(crate) fn check(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    if let Some(why) = reason(view) {
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("Config not fully analysed: {why}"),
            )
            .description(format!("{why}; the result is inconclusive."))
            .evidence("reason", why),
        );
    }
}
