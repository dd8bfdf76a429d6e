//! `TFL` rules: TensorFlow Lite models. Ops that need native or TensorFlow
//! kernels (custom and Flex ops), structure a runtime could be exploited
//! through (offsets and indices), and payloads staged in the description and
//! metadata.

pub mod op_lists;
pub mod tfl001_model_unreadable;
pub mod tfl002_malformed_structure;
pub mod tfl003_dangerous_flex_op;
pub mod tfl004_flex_op;
pub mod tfl005_custom_op;
pub mod tfl006_buffer_out_of_bounds;
pub mod tfl007_index_out_of_range;
pub mod tfl008_metadata_code;
pub mod tfl009_metadata_embedded_binary;
pub mod tfl010_metadata_external_url;

use sentrascan_formats::tflite::{SUPPORT_METADATA_NAME, TfLiteAnomaly, TfLiteView};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

use crate::rules::safetensors::metadata_payloads::{MetadataText, Text};

pub use tfl001_model_unreadable::finding as model_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::TfLite;

/// Printable runs of a binary metadata buffer checked as text.
const MIN_RUN: usize = 12;
const MAX_RUNS: usize = 1_000;

/// Runs every `TFL` rule over a parsed model. (`TFL001` applies when there
/// is no view: see [`model_unreadable`].) Limits in `view.limits_hit` are the
/// engine's to report.
pub fn check_tflite(view: &TfLiteView, location: &Location, out: &mut Vec<Finding>) {
    for a in &view.anomalies {
        out.push(match a {
            TfLiteAnomaly::BufferOutOfBounds { .. }
            | TfLiteAnomaly::BufferOverlapsFlatbuffer { .. }
            | TfLiteAnomaly::BufferOverlap { .. } => {
                tfl006_buffer_out_of_bounds::finding(location, a)
            }
            TfLiteAnomaly::IndexOutOfRange { .. } => {
                tfl007_index_out_of_range::finding(location, a)
            }
            _ => tfl002_malformed_structure::finding(location, a),
        });
    }
    check_ops(view, location, out);
    let owned = OwnedTexts::of(view);
    let texts = owned.texts();
    tfl008_metadata_code::check(&texts, location, out);
    tfl009_metadata_embedded_binary::check(&texts, location, out);
    tfl010_metadata_external_url::check(&texts, location, out);
}

fn check_ops(view: &TfLiteView, location: &Location, out: &mut Vec<Finding>) {
    for code in &view.operator_codes {
        let Some(name) = code.custom_name() else {
            continue;
        };
        match name.strip_prefix("Flex") {
            Some(tf_op) => match op_lists::tf_op_risk(tf_op) {
                Some(risk) => out.push(tfl003_dangerous_flex_op::from_code(
                    location, code, tf_op, risk,
                )),
                None => out.push(tfl004_flex_op::finding(location, code, tf_op)),
            },
            None if op_lists::is_known_custom_op(name) => {}
            None => out.push(tfl005_custom_op::finding(location, code)),
        }
    }
    // The Flex delegate runs the NodeDef's op: report a listed op the
    // operator code does not name.
    for op in &view.flex_operators {
        let declared = view
            .operator_codes
            .get(op.code)
            .and_then(|c| c.custom_name())
            .unwrap_or_default();
        let declared_op = declared.strip_prefix("Flex").unwrap_or(declared);
        for embedded in &op.embedded_ops {
            if embedded == declared_op {
                continue;
            }
            if let Some(risk) = op_lists::tf_op_risk(embedded) {
                out.push(tfl003_dangerous_flex_op::from_options(
                    location, op, declared, embedded, risk,
                ));
            }
        }
    }
}

/// A finding whose title is the anomaly itself.
fn described(rule: &RuleMeta, location: &Location, anomaly: &TfLiteAnomaly) -> Finding {
    let text = crate::rules::safetensors::capitalise(&anomaly.to_string());
    Finding::new(rule, location.at(anomaly.offset()), text.clone())
        .description(format!("{text}."))
        .evidence("anomaly", anomaly.kind())
}

enum Src<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
    Owned(String),
}

/// The strings the metadata rules look at, with their keys.
struct OwnedTexts<'a> {
    items: Vec<(String, Src<'a>, u64)>,
}

impl<'a> OwnedTexts<'a> {
    fn of(view: &'a TfLiteView) -> Self {
        let mut items = Vec::new();
        if let Some(d) = &view.description {
            items.push(("description".to_string(), Src::Str(d), 0));
        }
        for (i, sg) in view.subgraphs.iter().enumerate() {
            if let Some(n) = &sg.name {
                items.push((format!("subgraphs[{i}].name"), Src::Str(n), sg.offset));
            }
        }
        for k in &view.signature_keys {
            items.push(("signature_key".to_string(), Src::Str(k), 0));
        }
        for m in &view.metadata {
            items.push(("metadata name".to_string(), Src::Str(&m.name), m.offset));
            let key = format!("metadata `{}`", m.name);
            if m.name == SUPPORT_METADATA_NAME && view.support_metadata.is_some() {
                // Read as a flatbuffer below; its raw bytes are only checked for binaries.
                items.push((key, Src::Bytes(&m.data), m.offset));
                continue;
            }
            let trimmed = trim_nuls(&m.data);
            match std::str::from_utf8(trimmed) {
                Ok(s) => items.push((key, Src::Str(s), m.offset)),
                Err(_) => {
                    items.push((key.clone(), Src::Bytes(&m.data), m.offset));
                    for run in printable_runs(&m.data) {
                        items.push((key.clone(), Src::Owned(run), m.offset));
                    }
                }
            }
        }
        if let Some(sm) = &view.support_metadata {
            let at = view
                .metadata
                .iter()
                .find(|m| m.name == SUPPORT_METADATA_NAME)
                .map_or(0, |m| m.offset);
            for (field, value) in &sm.fields {
                items.push((
                    format!("{SUPPORT_METADATA_NAME}.{field}"),
                    Src::Str(value),
                    at,
                ));
            }
            for f in &sm.associated_files {
                items.push((
                    format!("{SUPPORT_METADATA_NAME}.associated_files"),
                    Src::Str(f),
                    at,
                ));
            }
        }
        OwnedTexts { items }
    }

    fn texts(&self) -> Vec<MetadataText<'_>> {
        self.items
            .iter()
            .map(|(key, src, offset)| MetadataText {
                key,
                text: match src {
                    Src::Str(s) => Text::Str(s),
                    Src::Bytes(b) => Text::Bytes(b),
                    Src::Owned(s) => Text::Str(s),
                },
                offset: *offset,
                in_vocabulary: false,
            })
            .collect()
    }
}

fn trim_nuls(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
    &b[..end]
}

/// Runs of at least [`MIN_RUN`] printable ASCII characters.
fn printable_runs(b: &[u8]) -> Vec<String> {
    b.split(|c| !(c.is_ascii_graphic() || *c == b' ' || *c == b'\t'))
        .filter(|r| r.len() >= MIN_RUN)
        .take(MAX_RUNS)
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::tests::{codes, fixture, manifest_in};
    use sentrascan_formats::tflite;

    /// Every fixture gives exactly the `TFL` findings its manifest lines list.
    #[test]
    fn fixtures_match_the_manifest() {
        for (file, expected) in manifest_in("expected-tflite.tsv", "tflite/") {
            let data = fixture(&file);
            let location = Location::file(&file);
            let mut out = Vec::new();
            match tflite::parse(&data) {
                Ok(view) => {
                    assert!(view.limits_hit.is_empty(), "{file}");
                    check_tflite(&view, &location, &mut out);
                }
                Err(e) => out.push(model_unreadable(&location, &e)),
            }
            let mut expected: Vec<_> = expected
                .into_iter()
                .filter(|(r, _)| r.starts_with("TFL"))
                .collect();
            expected.sort();
            expected.dedup();
            let mut got = codes(&out);
            got.dedup();
            assert_eq!(got, expected, "{file}: {out:#?}");
        }
    }

    #[test]
    fn known_custom_ops_are_quiet_unknown_ones_are_not() {
        let mut view = TfLiteView::default();
        for name in [
            "TFLite_Detection_PostProcess",
            "VendorOp",
            "FlexAddV2",
            "FlexSaveV2",
        ] {
            view.operator_codes.push(tflite::OperatorCode {
                builtin: tflite::BUILTIN_CUSTOM,
                custom: Some(name.into()),
                version: 1,
                uses: 1,
                offset: 0,
            });
        }
        // A custom name on a builtin code is ignored by the runtime.
        view.operator_codes.push(tflite::OperatorCode {
            builtin: 9,
            custom: Some("FlexReadFile".into()),
            version: 1,
            uses: 1,
            offset: 0,
        });
        let mut out = Vec::new();
        check_tflite(&view, &Location::file("m.tflite"), &mut out);
        assert_eq!(
            codes(&out),
            [
                ("TFL003".to_string(), "HIGH".to_string()),
                ("TFL004".to_string(), "LOW".to_string()),
                ("TFL005".to_string(), "MEDIUM".to_string()),
            ]
        );
    }

    #[test]
    fn flex_nodedef_op_under_another_name() {
        let mut view = TfLiteView::default();
        view.operator_codes.push(tflite::OperatorCode {
            builtin: tflite::BUILTIN_CUSTOM,
            custom: Some("FlexAddV2".into()),
            version: 1,
            uses: 1,
            offset: 0,
        });
        view.flex_operators.push(tflite::FlexOperator {
            code: 0,
            path: "subgraphs[0].operators[2]".into(),
            embedded_ops: vec!["AddV2".into(), "ReadFile".into()],
            offset: 0x90,
        });
        let mut out = Vec::new();
        check_tflite(&view, &Location::file("m.tflite"), &mut out);
        assert_eq!(
            codes(&out),
            [
                ("TFL003".to_string(), "HIGH".to_string()),
                ("TFL004".to_string(), "LOW".to_string()),
            ]
        );
        assert!(
            out[1]
                .title
                .contains("runs `ReadFile` under the name `FlexAddV2`")
        );
    }

    #[test]
    fn printable_runs_of_binary_metadata() {
        let mut b = vec![0u8, 1, 2];
        b.extend_from_slice(b"bash -c 'echo hi' ");
        b.push(0xff);
        b.extend_from_slice(b"short");
        assert_eq!(printable_runs(&b), ["bash -c 'echo hi' "]);
        assert_eq!(trim_nuls(b"1.5.0\0\0\0"), b"1.5.0");
        assert_eq!(trim_nuls(b"\0\0"), b"");
    }
}
