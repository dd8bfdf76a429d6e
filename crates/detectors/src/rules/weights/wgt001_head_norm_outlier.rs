//! WGT001: one output unit of a final layer has a weight norm far above the others.

use sentrascan_formats::weights::{OutputAxis, TensorStats};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

/// Robust z-score and norm ratio from which the finding is LOW.
pub const LOW_Z: f64 = 25.0;
pub const LOW_RATIO: f64 = 10.0;
/// … and from which it is MEDIUM.
pub const MEDIUM_Z: f64 = 50.0;
pub const MEDIUM_RATIO: f64 = 20.0;

pub static RULE: RuleMeta = RuleMeta {
    code: "WGT001",
    name: "head-weight-norm-outlier",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::WeightAnomaly,
    scanner: "weights",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML10:2023"),
    version: 1,
    summary: "One output unit of a classification or LM head has a weight norm far above every other unit's.",
    remediation: "Compare the head with the publisher's original weights; re-download the model from a trusted source.",
    docs: r#"## What it does
Takes the final layers (tensors named `lm_head`, `classifier`, `fc`, `head`,
`output` or `score` outside numbered blocks, and the last weight matrix of the
file), computes the L2 norm of each output unit's weights (rows of a
`[out, in]` matrix, columns of a Keras `[in, out]` kernel; both for ONNX),
and scores the largest against the others with a robust z-score
`(norm − median) / (1.4826 × MAD)`. It reports when both the z-score and the
ratio `norm / median` are extreme: LOW from z ≥ 25 and ratio ≥ 10, MEDIUM
from z ≥ 50 and ratio ≥ 20. At least 8 units are needed.

## Why is this bad?
Trojaned and tampered models often show in the head: boosting one class's
weights makes that class win whenever a trigger (or anything) activates it,
and a hand-edited row stands out from rows trained together. In the real
models measured (`docs/weights.md`) no unit of any weight matrix had a ratio
above 9.6. A statistic is a signal, not proof, so the rule never goes above
MEDIUM.

## Example
A 10-class classifier whose row 3 was multiplied by 50: norm ratio ≈ 50,
z-score in the thousands.

## How to fix
Obtain the model from its publisher again and compare digests; if the head
was fine-tuned on purpose, allow the finding in the policy with a reason.

## References
- Gu et al., BadNets (2017); Liu et al., Trojaning Attack on Neural Networks (NDSS 2018)
- CWE-506: Embedded Malicious Code
"#,
};

pub fn check(t: &TensorStats, location: &Location) -> Option<Finding> {
    let (axis, o) = t.outlier.as_ref()?;
    let severity = if o.z >= MEDIUM_Z && o.ratio >= MEDIUM_RATIO {
        Severity::Medium
    } else if o.z >= LOW_Z && o.ratio >= LOW_RATIO {
        Severity::Low
    } else {
        return None;
    };
    let unit = match axis {
        OutputAxis::Rows => "row",
        OutputAxis::Columns => "column",
    };
    let f = Finding::new(
        &RULE,
        location.clone(),
        format!(
            "Output {unit} {} of head `{}` has {:.1}× the median weight norm",
            o.unit, t.name, o.ratio
        ),
    )
    .severity(severity)
    .description(format!(
        "In `{}` {}, output {unit} {} has L2 norm {:.4} against a median of {:.4} over {} units (robust z-score {:.1}).",
        t.name,
        super::shape(t),
        o.unit,
        o.norm,
        o.median,
        o.units_measured,
        o.z
    ));
    Some(
        super::tensor_evidence(f, t)
            .evidence("unit_axis", unit)
            .evidence("unit", o.unit)
            .evidence("norm", round(o.norm))
            .evidence("median_norm", round(o.median))
            .evidence("norm_ratio", round(o.ratio))
            .evidence("robust_z", round(o.z))
            .evidence("units_measured", o.units_measured),
    )
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
