//! Core ML models: the protobuf view, the `CML` rules, and the SBOM facts
//! (specification version, model type, inputs, outputs, metadata, custom
//! classes). An `.mlpackage` directory needs nothing special: its
//! `Data/com.apple.CoreML/model.mlmodel` is recognised by content like any
//! other file of the directory.

use sentrascan_detectors as rules;
use sentrascan_formats::coreml;
use sentrascan_types::Location;

use super::Ctx;

/// Names kept per list fact.
const MAX_NAMES: usize = 256;

fn joined<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.take(MAX_NAMES).collect::<Vec<_>>().join(",")
}

impl Ctx<'_> {
    pub(super) fn coreml(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("coreml");
        let view = match coreml::parse(data) {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::coreml_model_unreadable(location, &e));
                self.inconclusive(location, format!("Core ML model cannot be read: {e}"));
                return;
            }
        };
        rules::check_coreml(&view, location, &mut self.out.findings);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        if !view.anomalies.is_empty() {
            self.inconclusive(
                location,
                format!(
                    "{} part(s) of the Core ML model could not be read",
                    view.anomalies.len()
                ),
            );
        }
        self.fact(
            "coreml.specification_version",
            view.specification_version.to_string(),
        );
        self.fact("coreml.model_type", view.model_type.clone());
        self.fact(
            "coreml.models",
            joined(view.models.iter().map(|(_, t)| t.as_str())),
        );
        self.fact(
            "coreml.inputs",
            joined(view.inputs.iter().map(String::as_str)),
        );
        self.fact(
            "coreml.outputs",
            joined(view.outputs.iter().map(String::as_str)),
        );
        for (key, value) in &view.metadata {
            if matches!(
                key.as_str(),
                "shortDescription" | "versionString" | "author" | "license"
            ) || key.starts_with("userDefined.com.github.apple.coremltools.")
            {
                self.fact(format!("coreml.{key}"), value.clone());
            }
        }
        self.fact(
            "coreml.custom_classes",
            joined(
                view.custom_models
                    .iter()
                    .chain(&view.custom_layers)
                    .map(|c| c.class_name.as_str()),
            ),
        );
        self.fact(
            "coreml.linked_models",
            joined(view.linked_models.iter().map(|l| l.file_name.as_str())),
        );
        self.fact(
            "coreml.weight_files",
            joined(view.blob_files.iter().map(|b| b.file_name.as_str())),
        );
        self.fact(
            "coreml.program_ops",
            joined(view.program_ops.iter().map(String::as_str)),
        );
        if view.layers > 0 {
            self.fact("coreml.layers", view.layers.to_string());
        }
        let version = view
            .metadata
            .iter()
            .find(|(k, _)| k == "userDefined.com.github.apple.coremltools.version")
            .map(|(_, v)| v.as_str());
        self.framework(
            "coremltools",
            version,
            format!(
                "Core ML model (specification version {}, {})",
                view.specification_version, view.model_type
            ),
        );
    }
}
