//! PMML003: `<Apply>` calls a function that is neither built in nor defined.

use std::collections::BTreeMap;

use sentrascan_formats::pmml::{BUILTIN_FUNCTIONS, JPMML_FUNCTIONS, PmmlView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PMML003",
    name: "pmml-unknown-function",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "pmml",
    cwe: Some("CWE-470"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "`<Apply function=…>` names a function that is not a PMML built-in or a `DefineFunction` of the document; a Java class name is loaded by JPMML.",
    remediation: "Replace the call by built-in functions or a `DefineFunction`; never score models that name Java classes.",
    docs: r#"## What it does
Checks every `<Apply function="…">` against the PMML 4.4 built-in
functions, JPMML's `x-` vendor functions and the `<DefineFunction>`s of
the document. A name that looks like a Java class
(`com.example.Fn`, `java.lang.Runtime`) is HIGH; any other unknown
name is MEDIUM.

## Why is this bad?
JPMML-Evaluator resolves an unknown function name as a fully-qualified
Java class, loads it with reflection and calls it: the model decides which
class on the classpath is initialised and invoked while scoring. An
unknown short name is a vendor extension the scanner cannot vouch for.

## Example
`<Apply function="org.example.udf.Exec"><Constant>echo x</Constant></Apply>`

## How to fix
Use built-in functions; review any Java user-defined function named by
the model and the class path of the evaluator.

## References
- https://dmg.org/pmml/v4-4-1/BuiltinFunctions.html
- https://github.com/jpmml/jpmml-evaluator (user-defined functions)
- CWE-470: Use of Externally-Controlled Input to Select Classes or Code
"#,
};

/// True for a dotted name whose last part is a Java class name.
fn is_java_class(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && p.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

pub fn check(view: &PmmlView, location: &Location, out: &mut Vec<Finding>) {
    let mut unknown: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for a in &view.applies {
        let f = a.function.as_str();
        if BUILTIN_FUNCTIONS.contains(&f)
            || JPMML_FUNCTIONS.contains(&f)
            || view.defined_functions.iter().any(|d| d == f)
        {
            continue;
        }
        let e = unknown.entry(f).or_insert((0, a.offset));
        e.0 = e.0.saturating_add(1);
    }
    for (f, (count, offset)) in unknown.into_iter().take(64) {
        let java = is_java_class(f);
        out.push(
            Finding::new(
                &RULE,
                location.at(offset),
                if java {
                    format!("Apply calls Java class `{f}` ({count} call(s))")
                } else {
                    format!("Apply calls unknown function `{f}` ({count} call(s))")
                },
            )
            .severity(if java { Severity::High } else { Severity::Medium })
            .description(if java {
                format!("`{f}` is not a PMML function; JPMML loads and calls the Java class of that name when scoring.")
            } else {
                format!("`{f}` is neither a PMML built-in nor defined by the document.")
            })
            .evidence("function", f)
            .evidence("calls", count)
            .evidence("java_class", java),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_java_class;

    #[test]
    fn java_class_names() {
        assert!(is_java_class("java.lang.Runtime"));
        assert!(is_java_class("org.example.Udf$Inner"));
        assert!(!is_java_class("log10"));
        assert!(!is_java_class("x-atan2"));
        assert!(!is_java_class("a..b"));
    }
}
