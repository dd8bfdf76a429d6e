//! TRT006: the engine embeds an executable or shared library (ELF, PE, Mach-O).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TRT006",
    name: "tensorrt-embedded-executable",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "tensorrt",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The engine embeds an executable or shared library (ELF, PE, Mach-O).",
    remediation: "Do not load the engine with host code allowed; find out which library is embedded and why.",
    docs: r#"## What it does
Searches the engine (bounded) for ELF headers and for PE headers (`MZ` whose `e_lfanew` points at `PE\\0\\0`) and Mach-O magics.

## Why is this bad?
Version-compatible engines can embed plugin libraries (and the lean runtime) that TensorRT writes out and loads when engine host code is allowed: the engine file then carries native code that runs in the loading process.

## Example
An ELF shared object at offset 0x4000 of the engine.

## How to fix
Rebuild the engine without embedded host code, or keep `setEngineHostCodeAllowed(false)`.

## References
- https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/advanced.html#version-compatibility
- CWE-506: Embedded Malicious Code
"#,
};

pub fn finding(location: &Location, kind: &str, offset: u64) -> Finding {
    Finding::new(
        &RULE,
        location.at(offset),
        format!("TensorRT engine embeds a {kind} at offset {offset:#x}"),
    )
    .description(format!(
        "A {kind} header sits inside the engine at {offset:#x}; engines that allow host code load embedded libraries."
    ))
    .evidence("kind", kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high() {
        assert_eq!(
            finding(&Location::file("m.engine"), "ELF", 9).severity,
            Severity::High
        );
    }
}
