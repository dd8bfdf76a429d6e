//! PY008: Python source does not parse, is not UTF-8, or is over a bound of the analysis, so it was only partly analysed: inconclusive, never clean.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PY008",
    name: "python-source-not-analysed",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ScanCoverage,
    scanner: "python",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Python source does not parse, is not UTF-8, or is over a bound of the analysis, so it was only partly analysed: inconclusive, never clean.",
    remediation: "Check the file by hand; Python that the interpreter imports parses.",
    docs: r#"## What it does
Reports a Python file with syntax errors (the calls of the lines that do
parse are still checked), one that is not UTF-8, over 16 MiB, nested deeper
than the walk follows, with more than 20,000 calls, or whose parse ran out
of the time budget.

## Why is this bad?
What was not analysed cannot be called safe. A file the interpreter would
refuse is also odd in a model repository: it may be meant for another
tool, or made to confuse scanners.

## Example
A `.py` file whose payload follows a line of invalid syntax.

## How to fix
Fix or remove the file.

## References
- https://tree-sitter.github.io/tree-sitter/
"#,
};

use sentrascan_formats::python::{PyStatus, PythonView};
use sentrascan_types::{Finding, Location};

/// The reason a view is incomplete, if it is.
pub fn reason(view: &PythonView) -> Option<String> {
    Some(match &view.status {
        PyStatus::Parsed => return None,
        PyStatus::SyntaxErrors { count, line } => {
            format!("{count} syntax error(s), the first on line {line}")
        }
        PyStatus::NotUtf8 => "the source is not UTF-8".to_string(),
        PyStatus::TooLarge { size, limit } => {
            format!("{size} bytes is over the {limit}-byte limit")
        }
        PyStatus::Timeout => "the time budget ran out while parsing".to_string(),
        PyStatus::TooDeep { limit } => format!("nesting deeper than {limit} levels"),
        PyStatus::TooManyCalls { limit } => format!("more than {limit} calls"),
    })
}

pub(crate) fn check(view: &PythonView, location: &Location, out: &mut Vec<Finding>) {
    if let Some(why) = reason(view) {
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("Python source not fully analysed: {why}"),
            )
            .description(format!(
                "The Python source was not analysed completely ({why}); the result is inconclusive."
            ))
            .evidence("reason", why),
        );
    }
}
