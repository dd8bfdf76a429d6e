//! CML005: a `linkedModel` names a file outside the model (absolute path, `..`, URL), or any other compiled model Core ML loads from disk.

use sentrascan_formats::coreml::{LinkedModel, path_escape};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "CML005",
    name: "coreml-linked-model-path",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "coreml",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A `linkedModel` names a file outside the model (absolute path, `..`, URL), or any other compiled model Core ML loads from disk.",
    remediation: "Ship the linked model inside the app bundle and name it by a plain relative name; scan the linked model too.",
    docs: r#"## What it does
Reports each `linkedModel` with its `linkedModelFileName` and `linkedModelSearchPath`. A path that is absolute, has a `..` component, a drive letter, a URL or a `~`/`$` expansion is HIGH; a plain relative name is LOW (the linked model is another file this scan does not see).

## Why is this bad?
Core ML loads the linked compiled model from the search path when the pipeline is loaded: a path that leaves the model's bundle makes the model load whatever file the attacker placed (or expects) there, and that model runs unseen by this scan.

## Example
`linkedModel { linkedModelFileName: "/tmp/x.mlmodelc" }`.

## How to fix
Name linked models relative to the bundle (`$BUNDLE_MAIN` search path) and scan them as well.

## References
- https://apple.github.io/coremltools/mlmodel/Format/LinkedModel.html
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
"#,
};

pub fn finding(location: &Location, l: &LinkedModel) -> Finding {
    let escape = path_escape(&l.file_name).or_else(|| {
        let sp = l.search_path.trim();
        // `$BUNDLE_MAIN` and `$BUNDLE_IDENTIFIER(...)` are Core ML's own bundle variables.
        if sp.is_empty() || sp.starts_with("$BUNDLE_") || sp == "." {
            None
        } else {
            path_escape(sp)
        }
    });
    let f = Finding::new(
        &RULE,
        location.at(l.offset),
        match escape {
            Some(why) => format!(
                "Core ML `{}` links model `{}` (search path `{}`) outside the model: {why}",
                l.path, l.file_name, l.search_path
            ),
            None => format!(
                "Core ML `{}` loads linked model `{}` from disk; it is not part of this scan",
                l.path, l.file_name
            ),
        },
    )
    .description(format!(
        "`{}` is a `linkedModel` naming `{}` with search path `{}`: Core ML loads that compiled model when the model is loaded.",
        l.path, l.file_name, l.search_path
    ))
    .evidence("file_name", l.file_name.clone())
    .evidence("search_path", l.search_path.clone());
    if escape.is_some() {
        f
    } else {
        f.severity(Severity::Low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graded_by_path() {
        let mut l = LinkedModel {
            path: "m".into(),
            file_name: "/etc/x.mlmodelc".into(),
            search_path: String::new(),
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.mlmodel"), &l).severity,
            Severity::High
        );
        l.file_name = "x.mlmodelc".into();
        l.search_path = "$BUNDLE_MAIN".into();
        assert_eq!(
            finding(&Location::file("m.mlmodel"), &l).severity,
            Severity::Low
        );
        l.search_path = "../../../tmp".into();
        assert_eq!(
            finding(&Location::file("m.mlmodel"), &l).severity,
            Severity::High
        );
    }
}
