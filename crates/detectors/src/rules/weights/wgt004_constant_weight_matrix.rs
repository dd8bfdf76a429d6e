//! WGT004: a weight matrix holds one value throughout.

use sentrascan_formats::weights::TensorStats;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

/// Smallest matrix (in elements) the rule judges.
pub const MIN_ELEMENTS: u64 = 16;

pub static RULE: RuleMeta = RuleMeta {
    code: "WGT004",
    name: "constant-weight-matrix",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::WeightAnomaly,
    scanner: "weights",
    cwe: Some("CWE-1284"),
    owasp_ml: Some("ML10:2023"),
    version: 1,
    summary: "A weight matrix (not a bias or normalisation vector) holds the same value in every element.",
    remediation: "Check that the file is the trained model and not a placeholder or a wiped copy.",
    docs: r#"## What it does
Reports, LOW, a tensor of at least two dimensions and 16 elements whose
name does not mark it as a bias, normalisation or running statistic, and
whose elements (all of them, when the tensor was read completely) are one
and the same value, zero included.

## Why is this bad?
A trained weight matrix is never constant. A zeroed or constant layer
means the weights were wiped (a sabotaged model that silently outputs a
constant), never trained, or replaced by a placeholder: not the model the
name promises. Biases and normalisation parameters are often constant at
initialisation and are not judged.

## Example
`classifier.weight` of shape `[10, 16]` filled with zeros.

## How to fix
Obtain the trained model again and compare digests with the publisher's.

## References
- CWE-1284: Improper Validation of Specified Quantity in Input
"#,
};

pub fn check(t: &TensorStats, location: &Location) -> Option<Finding> {
    if !t.matrix || !t.complete || t.values.elements < MIN_ELEMENTS {
        return None;
    }
    let value = t.values.constant?;
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!("Weight matrix `{}` is {value} throughout", t.name),
    )
    .description(format!(
        "All {} elements of `{}` {} are {value}.",
        t.values.elements,
        t.name,
        super::shape(t)
    ));
    Some(super::tensor_evidence(f, t).evidence("value", value))
}
