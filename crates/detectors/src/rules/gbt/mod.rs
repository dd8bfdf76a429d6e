//! `GBT` rules: gradient-boosted tree models (XGBoost JSON, UBJSON and
//! legacy binary; LightGBM text; CatBoost). Tree indices that native
//! predictors would follow out of bounds, inconsistent structure and
//! trailing data, objectives and boosters outside the libraries' sets, and
//! payloads staged in attributes, feature names and parameters.

pub mod gbt001_model_unreadable;
pub mod gbt002_index_out_of_range;
pub mod gbt003_malformed_structure;
pub mod gbt004_unknown_objective;
pub mod gbt005_string_code;
pub mod gbt006_embedded_binary;
pub mod gbt007_external_url;

use sentrascan_formats::gbt::{GbtAnomaly, GbtView};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

use crate::rules::safetensors::metadata_payloads::{MetadataText, Text};

pub use gbt001_model_unreadable::finding as model_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Gbt;

/// Runs every `GBT` rule over a parsed model (`GBT001` applies when there
/// is no view: see [`model_unreadable`]).
pub fn check_gbt(view: &GbtView, location: &Location, out: &mut Vec<Finding>) {
    let lib = view.library;
    for a in &view.anomalies {
        out.push(match a {
            GbtAnomaly::IndexOutOfRange { .. } => {
                gbt002_index_out_of_range::finding(location, lib, a)
            }
            _ => gbt003_malformed_structure::finding(location, lib, a),
        });
    }
    for n in view.names.iter().filter(|n| !n.known) {
        out.push(gbt004_unknown_objective::finding(location, lib, n));
    }
    let texts: Vec<MetadataText<'_>> = view
        .texts
        .iter()
        .map(|t| MetadataText {
            key: &t.key,
            text: Text::Str(&t.text),
            offset: t.offset,
            in_vocabulary: false,
        })
        .collect();
    let start = out.len();
    gbt005_string_code::check(&texts, location, out);
    gbt006_embedded_binary::check(&texts, location, out);
    gbt007_external_url::check(&texts, location, out);
    for f in out.iter_mut().skip(start) {
        if f.rule.starts_with("GBT") {
            f.scanner = lib.to_string();
        }
    }
}

/// A finding whose title is the anomaly itself.
fn described(rule: &RuleMeta, location: &Location, library: &str, anomaly: &GbtAnomaly) -> Finding {
    let text = crate::rules::safetensors::capitalise(&anomaly.to_string());
    let at = match anomaly.offset() {
        0 => location.clone(),
        o => location.at(o),
    };
    Finding::new(rule, at, format!("{library} model: {text}"))
        .scanner(library)
        .description(format!("{library} model: {text}."))
        .evidence("anomaly", anomaly.kind())
}
