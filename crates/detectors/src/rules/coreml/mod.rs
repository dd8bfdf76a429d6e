//! `CML` rules: Core ML models. What makes Core ML run application code
//! (custom models and custom layers) or read other files (linked models,
//! ML Program weight files outside the package), structure that could not
//! be read, and payloads staged in the metadata.

pub mod cml001_model_unreadable;
pub mod cml002_malformed_structure;
pub mod cml003_custom_model;
pub mod cml004_custom_layer;
pub mod cml005_linked_model_path;
pub mod cml006_weight_path_escape;
pub mod cml007_metadata_code;
pub mod cml008_metadata_external_url;

use sentrascan_formats::coreml::{CoreMlView, path_escape};
use sentrascan_types::{Finding, Location, RuleFamily};

use crate::rules::safetensors::metadata_payloads::MetadataText;

pub use cml001_model_unreadable::finding as model_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::CoreMl;

/// Runs every `CML` rule over a parsed model. (`CML001` applies when there
/// is no view: see [`model_unreadable`].) Limits in `view.limits_hit` are the
/// engine's to report.
pub fn check_coreml(view: &CoreMlView, location: &Location, out: &mut Vec<Finding>) {
    for a in &view.anomalies {
        out.push(cml002_malformed_structure::finding(location, a));
    }
    for c in &view.custom_models {
        out.push(cml003_custom_model::finding(location, c));
    }
    for c in &view.custom_layers {
        out.push(cml004_custom_layer::finding(location, c));
    }
    for l in &view.linked_models {
        out.push(cml005_linked_model_path::finding(location, l));
    }
    for b in &view.blob_files {
        if let Some(why) = path_escape(&b.file_name) {
            out.push(cml006_weight_path_escape::finding(location, b, why));
        }
    }
    let texts = MetadataText::pairs(&view.metadata, 0);
    cml007_metadata_code::check(&texts, location, out);
    cml008_metadata_external_url::check(&texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::tests::assert_family_manifest;
    use sentrascan_formats::coreml;

    /// Every fixture gives exactly the `CML` findings its manifest lines list.
    #[test]
    fn fixtures_match_the_manifest() {
        assert_family_manifest(
            "expected-runtimes.tsv",
            "coreml/",
            "CML",
            |f| f.ends_with(".mlmodel"),
            |data, location, out| match coreml::parse(data) {
                Ok(view) => check_coreml(&view, location, out),
                Err(e) => out.push(model_unreadable(location, &e)),
            },
        );
    }
}
