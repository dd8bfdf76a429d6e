//! PTE005: a delegate names a backend that does not ship with ExecuTorch; its processed data is an opaque payload for that backend's native code.

use sentrascan_formats::executorch::Delegate;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE005",
    name: "executorch-unknown-backend",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "executorch",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A delegate names a backend that does not ship with ExecuTorch; its processed data is an opaque payload for that backend's native code.",
    remediation: "Find the backend library that registers this id and review it; treat its payload as code for that backend.",
    docs: r#"## What it does
Reports each delegate whose backend `id` is not one of ExecuTorch's own backends (XNNPACK, Core ML, MPS, Vulkan, QNN, Arm/Ethos-U, VGF, MediaTek Neuron, OpenVINO, NXP Neutron, Samsung ENN, Cadence, TensorRT).

## Why is this bad?
A delegate hands its processed bytes to whatever backend the application registered under that id, at load time (`init`). The scan cannot interpret the payload of an unknown backend, and the backend itself is native code outside the model.

## Example
`BackendDelegate { id: "EvilBackend", processed: {location: INLINE, index: 0} }`.

## How to fix
Use a standard backend, or review the backend library and the payload it receives.

## References
- https://pytorch.org/executorch/stable/compiler-delegate-and-partitioner.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, d: &Delegate) -> Finding {
    let size = d.payload.map_or(0, |(_, n)| n);
    Finding::new(
        &RULE,
        location.at(d.offset),
        format!("ExecuTorch delegate to unknown backend `{}` carries a {size}-byte opaque payload", d.id),
    )
    .description(format!(
        "A delegate of plan `{}` names backend `{}`, which does not ship with ExecuTorch; its processed data ({:?}, index {}) is read by that backend's native code and cannot be checked here.",
        d.plan, d.id, d.location, d.index
    ))
    .evidence("backend", d.id.clone())
    .evidence("payload_bytes", size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let d = sentrascan_formats::executorch::Delegate {
            plan: "f".into(),
            id: "X".into(),
            location: sentrascan_formats::executorch::DataLocation::Inline,
            index: 0,
            compile_spec_keys: vec![],
            payload: None,
            offset: 0,
        };
        assert_eq!(
            finding(&Location::file("m.pte"), &d).severity,
            Severity::Medium
        );
    }
}
