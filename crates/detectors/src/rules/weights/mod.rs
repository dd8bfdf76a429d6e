//! `WGT` rules: statistics of the weight values themselves. A trained
//! model's weights follow patterns that tampering (a trojaned output unit, a
//! poisoned value, a crash vector) breaks. These are signals, never proof:
//! the rules report at LOW or MEDIUM, never above. Method, thresholds and the
//! false-positive rate measured on real models are in `docs/weights.md`.

pub mod wgt001_head_norm_outlier;
pub mod wgt002_head_extreme_weight;
pub mod wgt003_non_finite_weights;
pub mod wgt004_constant_weight_matrix;

use sentrascan_formats::weights::{TensorStats, WeightsView};
use sentrascan_types::{Finding, Location, RuleFamily};

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Weights;

/// Runs every `WGT` rule over the statistics of one file's tensors.
pub fn check_weights(view: &WeightsView, location: &Location, out: &mut Vec<Finding>) {
    for t in &view.stats {
        let at = location.at(t.file_offset);
        if let Some(f) = wgt001_head_norm_outlier::check(t, &at) {
            out.push(f);
        }
        if let Some(f) = wgt002_head_extreme_weight::check(t, &at) {
            out.push(f);
        }
        if let Some(f) = wgt003_non_finite_weights::check(t, &at) {
            out.push(f);
        }
        if let Some(f) = wgt004_constant_weight_matrix::check(t, &at) {
            out.push(f);
        }
    }
}

/// `[a, b]` rendering of a shape.
pub(crate) fn shape(t: &TensorStats) -> String {
    let dims: Vec<String> = t.shape.iter().map(u64::to_string).collect();
    format!("[{}]", dims.join(", "))
}

/// Evidence every `WGT` finding carries.
pub(crate) fn tensor_evidence(f: Finding, t: &TensorStats) -> Finding {
    f.evidence("tensor", t.name.clone())
        .evidence("dtype", t.dtype.name())
        .evidence("shape", shape(t))
        .evidence("sampled_bytes", t.sampled_bytes)
}
