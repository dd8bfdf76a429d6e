//! ARC005: a member name or link target that escapes the extraction directory.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC005",
    name: "archive-path-traversal",
    family: RuleFamily::Archive,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "zip",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A member name or link target is absolute or climbs out of the archive with `..`.",
    remediation: "Never extract the archive with a tool that follows these names; re-create it with relative paths.",
    docs: r#"## What it does
Reports member names and link targets that are absolute (`/etc/x`,
`C:\x`, `\\server\x`) or contain a `..` component.

## Why is this bad?
Extracting the archive writes outside the target directory (zip slip): a
model download overwrites `~/.bashrc` or a Python package.

## Example
A member named `../../.bashrc`.

## How to fix
Do not extract it; report it to the publisher.

## References
- CWE-22: Path Traversal
- Snyk, "Zip Slip" (2018)
"#,
};

fn escapes(path: &str) -> Option<&'static str> {
    let p = path.replace('\\', "/");
    if p.starts_with('/') {
        return Some("absolute path");
    }
    let b = p.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return Some("drive-letter path");
    }
    if p.split('/').any(|c| c == "..") {
        return Some("parent-directory component");
    }
    None
}

/// ARC005 for a link member whose target is known.
pub fn link_escape(location: &Location, name: &str, target: &str) -> Option<Finding> {
    check(location, name, Some(target))
}

/// ARC005 for a member name alone.
pub fn name_escape(location: &Location, name: &str) -> Option<Finding> {
    check(location, name, None)
}

pub fn check(location: &Location, name: &str, link_target: Option<&str>) -> Option<Finding> {
    if let Some(why) = escapes(name) {
        return Some(
            Finding::new(
                &RULE,
                location.member(name),
                format!("Member name `{name}` escapes the archive"),
            )
            .description(format!(
                "Member `{name}` has a {why}; extracting it writes outside the target directory."
            ))
            .evidence("member", name)
            .evidence("problem", why),
        );
    }
    let target = link_target?;
    let why = escapes(target)?;
    Some(
        Finding::new(
            &RULE,
            location.member(name),
            format!("Link `{name}` points outside the archive"),
        )
        .description(format!("Member `{name}` links to `{target}`, a {why}."))
        .evidence("member", name)
        .evidence("link_target", target)
        .evidence("problem", why),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_forms() {
        assert_eq!(escapes("../x"), Some("parent-directory component"));
        assert_eq!(escapes("a/../../x"), Some("parent-directory component"));
        assert_eq!(escapes("/etc/passwd"), Some("absolute path"));
        assert_eq!(escapes("C:\\x"), Some("drive-letter path"));
        assert_eq!(escapes("archive/data.pkl"), None);
        assert_eq!(escapes("a/..b/c"), None);
    }
}
