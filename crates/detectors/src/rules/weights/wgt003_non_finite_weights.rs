//! WGT003: a tensor holds NaN or infinite values.

use sentrascan_formats::weights::TensorStats;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "WGT003",
    name: "non-finite-weights",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::WeightAnomaly,
    scanner: "weights",
    cwe: Some("CWE-1284"),
    owasp_ml: Some("ML10:2023"),
    version: 1,
    summary: "A floating-point tensor holds NaN or infinite values.",
    remediation: "Do not deploy the model; obtain it again from a trusted source or re-export it from the training run.",
    docs: r#"## What it does
Decodes the sampled elements of every floating-point tensor (F16, BF16,
F32, F64) and reports any NaN or ±infinity, MEDIUM, with the count and the
index of the first one.

## Why is this bad?
A trained model saved normally holds no NaN or infinity: one poisons every
output it reaches (a denial of service on any input that routes through it)
and crashes or silently corrupts downstream code that assumes finite
values. It is the mark of tampering, of a broken conversion, or of a
diverged training run, none of which should ship.

## Example
A classifier head with one weight set to `NaN`.

## How to fix
Re-export the model from a healthy checkpoint; verify its digest against
the publisher's.

## References
- CWE-1284: Improper Validation of Specified Quantity in Input
"#,
};

pub fn check(t: &TensorStats, location: &Location) -> Option<Finding> {
    let first = t.values.first_nonfinite?;
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!(
            "Tensor `{}` holds {} NaN and {} infinite values",
            t.name, t.values.nan, t.values.inf
        ),
    )
    .description(format!(
        "`{}` {} ({}) holds {} NaN and {} infinite values among the {} elements read; the first is element {first}.",
        t.name,
        super::shape(t),
        t.dtype.name(),
        t.values.nan,
        t.values.inf,
        t.values.elements
    ));
    Some(
        super::tensor_evidence(f, t)
            .evidence("nan", t.values.nan)
            .evidence("inf", t.values.inf)
            .evidence("first_element", first),
    )
}
