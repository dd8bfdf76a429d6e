//! OV003: layer attributes or `rt_info` that name files or URLs.

use sentrascan_formats::openvino::OpenVinoView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OV003",
    name: "openvino-external-path",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::FileSystemAccess,
    scanner: "openvino",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A layer's attributes or the model's `rt_info` name an absolute path, a path outside the model, a URL or a shared library.",
    remediation: "Check what reads the named resource; re-export the model without references to the converting machine.",
    docs: r#"## What it does
Looks at every layer's `<data>` attributes and the model-level `rt_info`
values for absolute paths, `..` escapes, `file:` and network URLs and
shared-library names. Layer attributes are MEDIUM (an operation, usually a
custom one, reads them at run time); `rt_info` values are LOW (the
converter records its input paths there, which leaks the build machine's
layout but is not read on load).

## Why is this bad?
An operation attribute that names a file makes the runtime (or an
extension) read or load it: a path planted for a second stage, a library
to `dlopen`, or a URL to fetch.

## Example
`<layer type="MyOp" version="extension"><data library="/tmp/libx.so"/></layer>`

## How to fix
Review the operation that consumes the attribute; strip converter paths
from `rt_info` before publishing.

## References
- https://docs.openvino.ai/2024/documentation/openvino-ir-format.html
- CWE-73: External Control of File Name or Path
"#,
};

pub fn check(view: &OpenVinoView, location: &Location, out: &mut Vec<Finding>) {
    let mut n = 0usize;
    for l in &view.layers {
        for (k, v) in &l.data {
            let Some(kind) = super::path_kind(v) else {
                continue;
            };
            if n >= 64 {
                return;
            }
            n = n.saturating_add(1);
            out.push(
                Finding::new(
                    &RULE,
                    location.at(l.offset),
                    format!("Layer `{}` ({}) attribute `{k}` names {kind}: `{v}`", l.name, l.kind),
                )
                .description(format!(
                    "Attribute `{k}` of layer `{}` (type `{}`, version `{}`) is {kind}, which the operation reads at run time.",
                    l.name, l.kind, l.version
                ))
                .evidence("layer", l.name.clone())
                .evidence("type", l.kind.clone())
                .evidence("attribute", k.clone())
                .evidence("value", v.clone()),
            );
        }
    }
    for r in &view.rt_info {
        let Some(kind) = super::path_kind(&r.value) else {
            continue;
        };
        if n >= 64 {
            return;
        }
        n = n.saturating_add(1);
        out.push(
            Finding::new(
                &RULE,
                location.clone(),
                format!("rt_info `{}` names {kind}: `{}`", r.key, r.value),
            )
            .severity(Severity::Low)
            .description(format!(
                "The model's runtime information `{}` is {kind}; it is recorded by the converter and not read on load, but it discloses the converting machine's layout.",
                r.key
            ))
            .evidence("key", r.key.clone())
            .evidence("value", r.value.clone()),
        );
    }
}
