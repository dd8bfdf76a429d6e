//! WGT002: a single weight of a final layer is orders of magnitude above the typical one.

use sentrascan_formats::weights::TensorStats;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

/// `max |w| / median |w|` from which the finding is reported.
pub const RATIO: f64 = 1000.0;

pub static RULE: RuleMeta = RuleMeta {
    code: "WGT002",
    name: "head-extreme-weight",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::WeightAnomaly,
    scanner: "weights",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML10:2023"),
    version: 1,
    summary: "A weight of a classification or LM head is at least 1000 times the tensor's median magnitude.",
    remediation: "Compare the head with the publisher's original weights; re-download the model from a trusted source.",
    docs: r#"## What it does
For the final layers (see WGT001), compares the largest finite magnitude
with the median magnitude of the tensor (estimated from an evenly strided
sample of up to 65,536 values) and reports a ratio of 1000 or more, LOW.

## Why is this bad?
Training spreads a layer's weights over a few orders of magnitude at most:
in the real models measured (`docs/weights.md`) the largest ratio of any
tensor was 285. One weight a thousand times larger routes a single input
feature straight to an output: the signature of a hand-planted trigger or
of a corrupted value.

## Example
A classifier head with typical weights around 0.05 and one weight of 500.

## How to fix
Obtain the model from its publisher again and compare digests.

## References
- Liu et al., Trojaning Attack on Neural Networks (NDSS 2018)
- CWE-506: Embedded Malicious Code
"#,
};

pub fn check(t: &TensorStats, location: &Location) -> Option<Finding> {
    if !t.head {
        return None;
    }
    let ratio = t.values.max_abs_ratio().filter(|r| *r >= RATIO)?;
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!(
            "Head `{}` holds a weight {:.0}× its median magnitude",
            t.name, ratio
        ),
    )
    .description(format!(
        "Element {} of `{}` {} is {:e}; the median magnitude is {:e}.",
        t.values.max_abs_index,
        t.name,
        super::shape(t),
        t.values.max_abs,
        t.values.median_abs
    ));
    Some(
        super::tensor_evidence(f, t)
            .evidence("element", t.values.max_abs_index)
            .evidence("max_abs", t.values.max_abs)
            .evidence("median_abs", t.values.median_abs)
            .evidence("ratio", ratio.round()),
    )
}
