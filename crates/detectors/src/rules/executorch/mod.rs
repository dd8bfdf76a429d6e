//! `PTE` rules: ExecuTorch programs and PyTorch Mobile (lite-interpreter)
//! models. Operators outside ExecuTorch's kernel
//! namespaces, delegates to backends that are not ExecuTorch's (opaque
//! payloads), payloads that are not verified, executables riding in
//! segments, and structure the runtime would read out of bounds.

pub mod pte001_program_unreadable;
pub mod pte002_malformed_structure;
pub mod pte003_data_out_of_bounds;
pub mod pte004_custom_operator;
pub mod pte005_unknown_backend;
pub mod pte006_delegate_payload_unverified;
pub mod pte007_embedded_executable;
pub mod pte008_mobile_custom_operator;

use std::collections::{BTreeMap, BTreeSet};

use sentrascan_formats::executorch::{
    ExecuTorchAnomaly, ExecuTorchView, KNOWN_BACKENDS, STANDARD_NAMESPACES,
};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

use crate::rules::safetensors::metadata_payloads::executable_magic;

pub use pte001_program_unreadable::finding as program_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::ExecuTorch;

/// Bytes of a payload's head looked at for executable magic numbers.
const HEAD: usize = 4096;

/// True for operators whose kernels ship with ExecuTorch.
pub fn is_standard_operator(name: &str) -> bool {
    name.split_once("::")
        .is_some_and(|(ns, _)| STANDARD_NAMESPACES.contains(&ns))
}

/// Runs every `PTE` rule over a parsed program; `data` is the whole file
/// (delegate payloads and segments are looked at through the view's
/// ranges). (`PTE001` applies when there is no view: see
/// [`program_unreadable`].)
pub fn check_executorch(
    view: &ExecuTorchView,
    data: &[u8],
    location: &Location,
    out: &mut Vec<Finding>,
) {
    for a in &view.anomalies {
        out.push(if a.is_out_of_bounds() {
            pte003_data_out_of_bounds::finding(location, a)
        } else {
            pte002_malformed_structure::finding(location, a)
        });
    }
    let mut seen = BTreeSet::new();
    for op in &view.operators {
        if !is_standard_operator(&op.name) && seen.insert(op.qualified()) {
            out.push(pte004_custom_operator::finding(location, op));
        }
    }
    let mut known: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    let mut unknown = BTreeSet::new();
    for d in &view.delegates {
        if KNOWN_BACKENDS.contains(&d.id.as_str()) {
            let e = known.entry(&d.id).or_default();
            e.0 = e.0.saturating_add(1);
            e.1 = e.1.saturating_add(d.payload.map_or(0, |(_, n)| n));
        } else if unknown.insert(d.id.as_str()) {
            out.push(pte005_unknown_backend::finding(location, d));
        }
    }
    for (backend, (n, bytes)) in known {
        out.push(pte006_delegate_payload_unverified::finding(
            location, backend, n, bytes,
        ));
    }
    let mut looked = BTreeSet::new();
    let ranges = view
        .delegates
        .iter()
        .filter_map(|d| {
            d.payload
                .map(|p| (format!("delegate `{}` payload", d.id), p))
        })
        .chain(
            view.segment_ranges()
                .map(|(i, off, n)| (format!("segment {i}"), (off, n))),
        );
    for (what, (offset, size)) in ranges {
        if !looked.insert(offset) {
            continue;
        }
        let head = usize::try_from(offset)
            .ok()
            .and_then(|o| data.get(o..)?.get(..usize::try_from(size).ok()?.min(HEAD)));
        if let Some(kind) = head.and_then(executable_magic) {
            out.push(pte007_embedded_executable::finding(
                location, &what, kind, offset, size,
            ));
        }
    }
}

/// A finding whose title is the anomaly itself.
fn described(rule: &RuleMeta, location: &Location, anomaly: &ExecuTorchAnomaly) -> Finding {
    let text = crate::rules::safetensors::capitalise(&anomaly.to_string());
    Finding::new(rule, location.at(anomaly.offset()), text.clone())
        .description(format!("{text}."))
        .evidence("anomaly", anomaly.kind())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::tests::assert_family_manifest;
    use sentrascan_formats::executorch;

    /// Every fixture gives exactly the `PTE` findings its manifest lines list.
    #[test]
    fn fixtures_match_the_manifest() {
        assert_family_manifest(
            "expected-runtimes.tsv",
            "executorch/",
            "PTE",
            |_| true,
            |data, location, out| match executorch::parse(data) {
                Ok(view) => check_executorch(&view, data, location, out),
                Err(e) => out.push(program_unreadable(location, &e)),
            },
        );
    }

    #[test]
    fn standard_operators() {
        assert!(is_standard_operator("aten::add"));
        assert!(is_standard_operator(
            "quantized_decomposed::quantize_per_tensor"
        ));
        assert!(!is_standard_operator("evil::run"));
        assert!(!is_standard_operator("add"));
    }
}
