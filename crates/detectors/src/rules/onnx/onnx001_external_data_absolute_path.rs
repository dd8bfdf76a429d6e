//! ONNX001: a tensor's external data `location` is an absolute path.

use sentrascan_formats::onnx::ExternalTensor;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX001",
    name: "onnx-external-data-absolute-path",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "onnx",
    cwe: Some("CWE-36"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tensor's external data location is an absolute path (or ONNX Runtime's in-memory address tag), so loading the model reads a file outside the model's directory.",
    remediation: "Do not load the model. Re-save it with `onnx.save(..., save_as_external_data=True)` so the data sits beside the model under a relative name.",
    docs: r#"## What it does
Reports tensors whose `external_data` `location` entry is an absolute path:
a POSIX path (`/etc/passwd`), a Windows drive or UNC path (`C:\x`,
`\\host\share\x`), or a path starting with a backslash. Python joins the
model's directory with the location, and joining with an absolute path
discards the directory. The location `*/_ORT_MEM_ADDR_/*`, which ONNX
Runtime uses internally to mean "the offset is a memory address", is
reported too.

## Why is this bad?
The loader reads whatever file the location names into a tensor: model
weights become a way to read `/etc/shadow`, SSH keys or cloud credentials
into a model that is then served or re-saved (CVE-2024-27318). The memory
tag makes a loader that honours it read process memory.

## Example
`external_data { key: "location" value: "/home/user/.ssh/id_rsa" }`

## How to fix
Reject the model; legitimate exports write relative names.

## References
- https://github.com/onnx/onnx/blob/main/docs/ExternalData.md
- CVE-2024-27318 (absolute and `..` paths in external data)
- CWE-36: Absolute Path Traversal
"#,
};

pub fn finding(
    location: &Location,
    tensor: &ExternalTensor,
    path: &str,
    kind: &str,
    tensors: usize,
) -> Finding {
    super::tensor_finding(
        &RULE,
        location,
        tensor,
        path,
        tensors,
        format!(
            "External data of tensor `{}` is read from {kind} `{path}`",
            tensor.name
        ),
        &format!(", {kind}"),
    )
}
