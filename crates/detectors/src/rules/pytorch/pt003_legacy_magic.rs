//! PT003: a legacy PyTorch file whose magic number is computed, not literal.

use sentrascan_formats::torch::LegacyInfo;
use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PT003",
    name: "legacy-magic-not-literal",
    family: RuleFamily::Pytorch,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "pytorch_legacy",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The first pickle of a legacy PyTorch file does not push the magic number as a literal.",
    remediation: "Do not load the file: torch.load executes the first pickle to read the magic number.",
    docs: r#"## What it does
A legacy (pre-1.6) `torch.save` file starts with a pickle of the integer
`0x1950a86a20f9469cfc6c`. This rule reports files whose first pickle
produces something else, or produces the number through calls.

## Why is this bad?
`torch.load` unpickles that first stream before checking anything, so a
payload there runs even when the magic number comes out right; scanners that
expect a literal integer give up on such files.

## Example
A first pickle `builtins.eval('0x1950A86A20F9469CFC6C')`.

## How to fix
Do not load the file.

## References
- picklescan test `pytorch_magic_bypass.pt`
"#,
};

pub fn check(location: &Location, info: &LegacyInfo, out: &mut Vec<Finding>) {
    if info.magic_literal {
        return;
    }
    out.push(
        Finding::new(&RULE, location.at(0), "Legacy PyTorch magic number is not a literal")
            .description(format!("The first pickle of the legacy layout returns `{}` rather than the literal magic number.", info.magic_value))
            .evidence("first_pickle_result", info.magic_value.clone()),
    );
}
