//! NEMO004: A NeMo archive carries a script or a native executable, which `save_to()` never writes.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "NEMO004",
    name: "nemo-executable-member",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ArbitraryCodeExecution,
    scanner: "nemo",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A NeMo archive carries a script or a native executable, which `save_to()` never writes.",
    remediation: "Remove code from the model archive; ship code as a reviewed package instead.",
    docs: r#"## What it does
Checks every member of a NeMo archive: Python sources and bytecode,
shell, batch and PowerShell scripts, shared libraries, and any member
whose content starts like an executable (`#!`, ELF, PE `MZ`, Mach-O) is
reported. The member itself is analysed by the engine as well, so the
code analysers grade what it does.

## Why is this bad?
A NeMo archive holds a config, weights and tokenizer files; NeMo never
runs code from it. Code inside is there for someone to run, typically a
README telling the user to "run setup.sh first", or a library placed
where a custom class loads it.

## Example
A `.nemo` tar with `model_config.yaml`, `model_weights.ckpt` and
`install.sh`.

## How to fix
Delete the member and re-export; review the code before running it.

## References
- https://docs.nvidia.com/nemo-framework/user-guide/latest/nemotoolkit/core/core.html#save-and-restore
- CWE-506: Embedded Malicious Code
"#,
};

pub fn finding(location: &Location, member: &str, kind: &str) -> Finding {
    Finding::new(&RULE, location.clone(), format!("NeMo archive carries {kind} `{member}`"))
        .description(format!("The NeMo archive holds `{member}` ({kind}); NeMo archives hold configs, weights and tokenizer files, never code."))
        .evidence("member", member)
        .evidence("kind", kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_member() {
        let f = finding(
            &Location::file("m.nemo").member("x.sh"),
            "x.sh",
            "a shell script",
        );
        assert_eq!((f.rule.as_str(), f.severity), ("NEMO004", Severity::Medium));
    }
}
