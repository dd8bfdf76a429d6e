//! PT002: a pickle inside a PyTorch archive under an unexpected member name.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PT002",
    name: "nonstandard-pickle-member",
    family: RuleFamily::Pytorch,
    default_severity: Severity::Low,
    category: Category::FormatMismatch,
    scanner: "pytorch_zip",
    cwe: Some("CWE-434"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A PyTorch archive holds a pickle under a member name other than data.pkl or constants.pkl.",
    remediation: "Find out what loads this member (for example torch.load's pickle_file argument); remove it if nothing should.",
    docs: r#"## What it does
Reports pickle members of a PyTorch archive whose names are not the ones
`torch.save` and `torch.jit.save` write. The member is analysed like any
other pickle.

## Why is this bad?
Scanners that look only for `data.pkl` skip such members, while
`torch.load(f, pickle_file="config.json")` or a custom loader reads them.

## Example
`archive/data.txt` holding a pickle (CVE-2025-1889).

## How to fix
Remove the member or re-save the checkpoint with `torch.save`.

## References
- CVE-2025-1889 (picklescan non-standard member names)
"#,
};

pub fn finding(location: &Location, member: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("Pickle in non-standard member `{member}`"),
    )
    .description(format!(
        "The PyTorch archive stores a pickle in `{member}`, a name torch.save does not write."
    ))
    .evidence("member", member)
}
