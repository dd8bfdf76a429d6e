//! ARC008: device files, FIFOs and links inside an archive.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ARC008",
    name: "archive-special-member",
    family: RuleFamily::Archive,
    default_severity: Severity::Medium,
    category: Category::FileSystemAccess,
    scanner: "archive",
    cwe: Some("CWE-59"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The archive holds a device file, a FIFO, or a symbolic or hard link.",
    remediation: "Extract model archives with a tool that refuses links and special files, or re-create the archive without them.",
    docs: r#"## What it does
Reports members that are not regular files or directories: character and
block devices, FIFOs, symbolic links and hard links (with their targets).
Links whose targets leave the archive are also reported by ARC005.

## Why is this bad?
Model archives hold files. Links redirect later writes or reads of the
extracting process (for example into `~/.ssh`), and device files can hang or
damage the machine that extracts them.

## Example
A tar member `weights.bin` that is a symbolic link to `/etc/passwd`.

## How to fix
Re-create the archive with regular files only.

## References
- CWE-59: Improper Link Resolution Before File Access
"#,
};

pub fn finding(location: &Location, member: &str, kind: &str, target: Option<&str>) -> Finding {
    let to = target.map(|t| format!(" to `{t}`")).unwrap_or_default();
    let mut f = Finding::new(
        &RULE,
        location.member(member),
        format!("Archive member `{member}` is a {kind}"),
    )
    .description(format!(
        "Member `{member}` is a {kind}{to}, not a regular file."
    ))
    .evidence("member", member)
    .evidence("kind", kind);
    if let Some(t) = target {
        f = f.evidence("target", t);
    }
    f
}
