//! SKO001: node types outside skops' default trusted set.

use sentrascan_formats::skops::{SkopsNode, SkopsSchema};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::pickle_globals::{Tier, classify};

pub static RULE: RuleMeta = RuleMeta {
    code: "SKO001",
    name: "skops-untrusted-type",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::UnsafeImports,
    scanner: "skops",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A node of `schema.json` names a type that skops does not trust by default: loading needs `trusted=` and imports it.",
    remediation: "Load only with the default trusted set (`skops.io.load(path)`), never `trusted=get_untrusted_types(...)` on files from others.",
    docs: r#"## What it does
Checks the `__module__.__class__` of every node in `schema.json` against
the default trusted types of its `__loader__`, as the pinned skops defines
them (`trusted_types.tsv`, generated from `skops.io._trusted_types` and
the loaders). Types that are not trusted are graded by what they reach:
CRITICAL for callables that run code or commands (`builtins.eval`,
`os.system`, `subprocess`, … from the dangerous-globals table), HIGH for
types from any module outside scikit-learn, NumPy and SciPy, LOW for
scikit-learn/NumPy/SciPy internals that skops declines to trust by default
(such as `sklearn.tree._tree.Tree`). Method and operator nodes are SKO002
and SKO003.

## Why is this bad?
`skops.io.load` imports each node's type and builds it (`FunctionNode`
returns the function itself, `TypeNode` the type, `ObjectNode` calls
`__new__` and `__setstate__`). The trusted list is the only barrier;
users routinely pass `trusted=get_untrusted_types(file=...)`, which trusts
whatever the file names. CVE-2024-37065 is the class of bypass where a
crafted file gets an untrusted type built on load.

## Example
`{"__class__": "system", "__module__": "posix", "__loader__": "FunctionNode"}`

## How to fix
Do not add the reported types to `trusted`; obtain the model from its author.

## References
- https://skops.readthedocs.io/en/stable/persistence.html
- https://nvd.nist.gov/vuln/detail/CVE-2024-37065
- CWE-502: Deserialization of Untrusted Data
"#,
};

fn is_scientific(module: &str) -> bool {
    ["sklearn", "numpy", "scipy"]
        .iter()
        .any(|p| module == *p || module.starts_with(&format!("{p}.")))
}

/// Severity and category of an untrusted type.
pub fn grade(module: &str, name: &str) -> (Severity, Category, String) {
    match classify(module, name) {
        Tier::Dangerous(d) => (d.severity(), d.category, d.effect.to_string()),
        _ if is_scientific(module) => (
            Severity::Low,
            Category::UnsafeImports,
            "a scientific-stack internal that skops does not trust by default".into(),
        ),
        _ => (
            Severity::High,
            Category::UnsafeImports,
            "imports a module outside scikit-learn, NumPy and SciPy".into(),
        ),
    }
}

pub fn check(schema: &SkopsSchema, location: &Location, out: &mut Vec<Finding>) {
    let mut n = 0usize;
    for node in schema
        .nodes
        .iter()
        .filter(|x| !matches!(x.loader.as_str(), "MethodNode" | "OperatorFuncNode"))
        .filter(|x| super::KNOWN_LOADERS.contains(&x.loader.as_str()))
        .filter(|x| super::is_untrusted(x))
    {
        if n >= 64 {
            break;
        }
        n = n.saturating_add(1);
        out.push(finding(location, node));
    }
}

fn finding(location: &Location, node: &SkopsNode) -> Finding {
    let ty = node.type_name();
    let (severity, category, effect) = grade(&node.module, &node.class);
    Finding::new(
        &RULE,
        location.clone(),
        format!("Untrusted type `{ty}` ({}) at {}", node.loader, node.path),
    )
    .severity(severity)
    .category(category)
    .description(format!(
        "`{}` at {} names `{ty}`, which skops does not trust by default for that loader: {effect}.",
        node.loader, node.path
    ))
    .evidence("type", ty)
    .evidence("loader", node.loader.clone())
    .evidence("path", node.path.clone())
}

#[cfg(test)]
mod tests {
    use super::grade;
    use sentrascan_types::Severity;

    #[test]
    fn grades() {
        assert_eq!(grade("builtins", "eval").0, Severity::Critical);
        assert_eq!(grade("posix", "system").0, Severity::Critical);
        assert_eq!(grade("sklearn.tree._tree", "Tree").0, Severity::Low);
        assert_eq!(grade("mypkg.models", "Thing").0, Severity::High);
    }
}
