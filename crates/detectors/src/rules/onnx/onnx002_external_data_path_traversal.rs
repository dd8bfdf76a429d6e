//! ONNX002: a tensor's external data `location` climbs out of the model's
//! directory with `..`.

use sentrascan_formats::onnx::ExternalTensor;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX002",
    name: "onnx-external-data-path-traversal",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "onnx",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tensor's external data location uses `..` to leave the model's directory.",
    remediation: "Do not load the model. Re-save it so external data sits beside the model under a relative name without `..`.",
    docs: r#"## What it does
Splits each external data `location` on `/` and `\` and follows the `..`
components: a location that climbs above the model's directory at any point
(`../../etc/passwd`, `a/../../x`, `..\..\secret`) is reported. A `..` that
stays inside (`a/../b`) is not.

## Why is this bad?
The loader reads the named file into a tensor, so the model reads files
outside its directory: CVE-2022-25882 (`../`) and CVE-2024-27318
(`a/../../x` bypassing the first fix) in the `onnx` package.

## Example
`external_data { key: "location" value: "../../../etc/passwd" }`

## How to fix
Reject the model; legitimate exports never write `..` into locations.

## References
- https://github.com/onnx/onnx/blob/main/docs/ExternalData.md
- CVE-2022-25882, CVE-2024-27318
- CWE-22: Path Traversal
"#,
};

pub fn finding(
    location: &Location,
    tensor: &ExternalTensor,
    path: &str,
    tensors: usize,
) -> Finding {
    super::tensor_finding(
        &RULE,
        location,
        tensor,
        path,
        tensors,
        format!(
            "External data of tensor `{}` is read from `{path}`, outside the model's directory",
            tensor.name
        ),
        ", whose `..` components climb above the model's directory",
    )
}
