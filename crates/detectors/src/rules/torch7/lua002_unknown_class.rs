//! LUA002: torch objects of classes outside Torch7 and its common packages.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "LUA002",
    name: "lua-torch-unknown-class",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "torch7",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file names torch classes outside `torch.*`, `nn.*`, `cudnn.*` and the usual Torch7 packages: loading runs that class's reader.",
    remediation: "Find out which package defines the class and review its `read` method before loading.",
    docs: r#"## What it does
Reports the torch-object classes (type tag 4) that are not in
`torch.*`, `nn.*`, `cudnn.*`, `cunn.*`, `cutorch.*`, `nngraph.*`, `rnn.*`,
`dpnn.*`, `optim.*`, `tds.*`, `image.*` and a few other well-known Torch7
packages, with how many objects use each.

## Why is this bad?
`torch.load` looks the class up with `torch.factory` and calls its `read`
method with the file: whatever package registered the class decides what
runs. An unknown class means unknown code at load time (and a load failure
if the package is missing, which invites installing it).

## Example
An object of class `mylib.Loader`.

## How to fix
Identify and review the package that provides the class; pin it.

## References
- https://github.com/torch/torch7/blob/master/File.lua
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, classes: &[(&String, &u64)]) -> Finding {
    let names: Vec<String> = classes.iter().map(|(c, _)| (*c).clone()).collect();
    let listed = classes
        .iter()
        .take(8)
        .map(|(c, n)| format!("`{c}` ({n})"))
        .collect::<Vec<_>>()
        .join(", ");
    Finding::new(
        &RULE,
        location.clone(),
        format!(
            "Torch7 class `{}` is outside Torch7 and its common packages",
            names.first().map(String::as_str).unwrap_or_default()
        ),
    )
    .description(format!(
        "Objects of these classes are read by their own class code: {listed}."
    ))
    .evidence("classes", names)
}
