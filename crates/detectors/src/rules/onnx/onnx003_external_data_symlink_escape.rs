//! ONNX003: a tensor's external data is reached through a symbolic link
//! that leads out of the model's directory.

use sentrascan_formats::onnx::ExternalTensor;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX003",
    name: "onnx-external-data-symlink-escape",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "onnx",
    cwe: Some("CWE-59"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tensor's external data location resolves, through a symbolic link, to a file outside the model's directory.",
    remediation: "Do not load the model from this directory. Replace the link with the real data file, or remove the model.",
    docs: r#"## What it does
For a model scanned from disk, resolves each relative external data
location against the model's directory (metadata only: nothing is opened or
read) and reports locations that end up outside it because a path component
is a symbolic link. Links of the Hugging Face cache layout
(`snapshots/<rev>/x -> ../../blobs/<hash>`) are trusted.

## Why is this bad?
The location itself looks harmless (`weights.bin`), so path checks in the
loader pass, but the file system sends the read elsewhere: a model shipped
with a link `weights.bin -> /etc/shadow` (an archive or repository can carry
links) reads that file into a tensor (CVE-2026-27489, CVE-2026-34447).

## Example
`weights.bin -> /home/user/.aws/credentials`, with `location: "weights.bin"`.

## How to fix
Delete the link; obtain the model's real data file.

## References
- https://github.com/onnx/onnx/blob/main/docs/ExternalData.md
- CVE-2026-27489, CVE-2026-34447
- CWE-59: Link Following
"#,
};

pub fn finding(
    location: &Location,
    tensor: &ExternalTensor,
    path: &str,
    link: &str,
    resolved: &str,
    tensors: usize,
) -> Finding {
    super::tensor_finding(
        &RULE,
        location,
        tensor,
        path,
        tensors,
        format!(
            "External data `{path}` of tensor `{}` leads out of the model's directory through link `{link}`",
            tensor.name
        ),
        &format!(
            "; `{link}` is a symbolic link and the path resolves to `{resolved}`, outside the model's directory"
        ),
    )
    .evidence("link", link)
    .evidence("resolved", resolved)
}
