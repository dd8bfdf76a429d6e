//! `RKN` rules: Rockchip RKNN models. Custom ops the application must
//! supply, and payloads staged in the JSON model description.

pub mod rkn001_model_unreadable;
pub mod rkn002_custom_op;
pub mod rkn003_metadata_code;
pub mod rkn004_metadata_external_url;

use sentrascan_formats::rknn::{RknnView, is_standard_op};
use sentrascan_types::{Finding, Location, RuleFamily};

use crate::rules::safetensors::metadata_payloads::MetadataText;

pub use rkn001_model_unreadable::finding as model_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Rknn;

/// Runs every `RKN` rule over a parsed model. (`RKN001` applies when there
/// is no view: see [`model_unreadable`].)
pub fn check_rknn(view: &RknnView, location: &Location, out: &mut Vec<Finding>) {
    for (op, count) in &view.ops {
        if !is_standard_op(op) {
            out.push(rkn002_custom_op::finding(
                location,
                op,
                *count,
                view.json_offset,
            ));
        }
    }
    let texts = MetadataText::pairs(&view.strings, view.json_offset);
    rkn003_metadata_code::check(&texts, location, out);
    rkn004_metadata_external_url::check(&texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::tests::assert_family_manifest;
    use sentrascan_formats::rknn;

    /// Every fixture gives exactly the `RKN` findings its manifest lines list.
    #[test]
    fn fixtures_match_the_manifest() {
        assert_family_manifest(
            "expected-runtimes.tsv",
            "rknn/",
            "RKN",
            |_| true,
            |data, location, out| match rknn::parse(data) {
                Ok(view) => check_rknn(&view, location, out),
                Err(e) => out.push(model_unreadable(location, &e)),
            },
        );
    }
}
