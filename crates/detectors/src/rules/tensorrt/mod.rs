//! `TRT` rules: TensorRT engines. The engine format is undocumented and
//! version-specific, so the rules work on what the engine names: plugin
//! creators, shared libraries and paths, and executables embedded in it;
//! plugin payloads are reported as unverified, never as clean.

pub mod trt001_engine_unreadable;
pub mod trt002_custom_plugin;
pub mod trt003_plugin_library;
pub mod trt004_absolute_path;
pub mod trt005_plugin_payload_unverified;
pub mod trt006_embedded_executable;

use sentrascan_formats::tensorrt::{TensorRtView, is_standard_plugin};
use sentrascan_types::{Finding, Location, RuleFamily};

pub use trt001_engine_unreadable::finding as engine_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::TensorRt;

/// Runs every `TRT` rule over a parsed engine. (`TRT001` applies when there
/// is no view: see [`engine_unreadable`].)
pub fn check_tensorrt(view: &TensorRtView, location: &Location, out: &mut Vec<Finding>) {
    for p in &view.plugins {
        if !is_standard_plugin(&p.text) {
            out.push(trt002_custom_plugin::finding(location, p));
        }
    }
    for l in &view.libraries {
        out.push(trt003_plugin_library::finding(location, l));
    }
    for p in &view.paths {
        out.push(trt004_absolute_path::finding(location, p));
    }
    if !view.plugins.is_empty() {
        let names: Vec<&str> = view.plugins.iter().map(|p| p.text.as_str()).collect();
        out.push(trt005_plugin_payload_unverified::finding(location, &names));
    }
    for (offset, kind) in &view.executables {
        out.push(trt006_embedded_executable::finding(location, kind, *offset));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::tests::assert_family_manifest;
    use sentrascan_formats::tensorrt;

    /// Every fixture gives exactly the `TRT` findings its manifest lines list.
    #[test]
    fn fixtures_match_the_manifest() {
        assert_family_manifest(
            "expected-runtimes.tsv",
            "tensorrt/",
            "TRT",
            |_| true,
            |data, location, out| match tensorrt::parse(data) {
                Ok(view) => check_tensorrt(&view, location, out),
                Err(e) => out.push(engine_unreadable(location, &e)),
            },
        );
    }
}
