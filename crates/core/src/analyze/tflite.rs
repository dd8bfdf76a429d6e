//! TensorFlow Lite models: the flatbuffer view, the `TFL` rules, and the
//! SBOM facts (schema version, description, operators, counts, metadata).
//! Associated files that TFLite Support zips after the model are found by
//! the engine's trailing-zip check and analysed like any member; the zip is
//! not a polyglot when it starts after the flatbuffer and holds only the
//! files the model's metadata lists.

use sentrascan_detectors as rules;
use sentrascan_formats::tflite::{self, TfLiteAnomaly};
use sentrascan_types::Location;

use super::Ctx;

/// Operator names kept in the `tflite.operators` fact.
const MAX_OPERATOR_NAMES: usize = 256;

impl Ctx<'_> {
    pub(super) fn tflite(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("tflite");
        let view = match tflite::parse(data) {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::tflite_model_unreadable(location, &e));
                self.inconclusive(location, format!("TFLite model cannot be read: {e}"));
                return;
            }
        };
        rules::check_tflite(&view, location, &mut self.out.findings);
        if let Some(sm) = view
            .support_metadata
            .as_ref()
            .filter(|s| !s.associated_files.is_empty())
        {
            self.fact("tflite.associated_files", sm.associated_files.join(","));
            self.appended_zip = Some(super::AppendedZip {
                after: view.flatbuffer_end,
                members: sm.associated_files.clone(),
            });
        }
        self.tflite_secrets(&view, location);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        let malformed = view
            .anomalies
            .iter()
            .filter(|a| matches!(a, TfLiteAnomaly::Malformed { .. }))
            .count();
        if malformed > 0 {
            self.inconclusive(
                location,
                format!("{malformed} part(s) of the TFLite flatbuffer could not be read"),
            );
        }

        self.fact("tflite.version", view.version.to_string());
        if let Some(d) = &view.description {
            self.fact("tflite.description", d.clone());
        }
        let ops = tflite::operator_histogram(&view);
        let names: Vec<&str> = ops
            .keys()
            .map(String::as_str)
            .take(MAX_OPERATOR_NAMES)
            .collect();
        self.fact("tflite.operators", names.join(","));
        let custom: Vec<&str> = view
            .operator_codes
            .iter()
            .filter_map(|c| c.custom_name())
            .collect();
        self.fact("tflite.custom_ops", custom.join(","));
        self.fact("tflite.subgraphs", view.subgraphs.len().to_string());
        self.fact("tflite.tensors", view.tensor_count().to_string());
        self.fact("tflite.buffers", view.buffers.len().to_string());
        let metadata: Vec<&str> = view.metadata.iter().map(|m| m.name.as_str()).collect();
        self.fact("tflite.metadata", metadata.join(","));
        self.fact("tflite.signatures", view.signature_keys.join(","));
        let min_runtime = view.min_runtime_version();
        if let Some(v) = &min_runtime {
            self.fact("tflite.min_runtime_version", v.clone());
        }
        if let Some(sm) = &view.support_metadata {
            for (field, value) in &sm.fields {
                self.fact(format!("tflite.metadata.{field}"), value.clone());
            }
            self.fact(
                "tflite.metadata.associated_files",
                sm.associated_files.join(","),
            );
        }
        // `min_runtime_version` is a lower bound, not the version in use.
        let evidence = match &min_runtime {
            Some(v) => format!(
                "TFLite flatbuffer (schema version {}), needs runtime >= {v}",
                view.version
            ),
            None => format!("TFLite flatbuffer (schema version {})", view.version),
        };
        self.framework("tensorflow-lite", None, evidence);
        if custom.iter().any(|c| c.starts_with("Flex")) {
            self.framework(
                "tensorflow",
                None,
                "Flex ops need the TensorFlow kernels (Flex delegate)",
            );
        }
    }
}
