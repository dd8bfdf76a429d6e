//! `ST` rules: SafeTensors headers. The format cannot carry code; these
//! rules report what a strict reader rejects, what readers disagree on, and
//! payloads staged in its free-form metadata.

pub mod metadata_payloads;
pub mod st001_header_unreadable;
pub mod st002_duplicate_key;
pub mod st003_invalid_tensor_entry;
pub mod st004_tensor_layout;
pub mod st005_metadata_not_string;
pub mod st006_metadata_code;
pub mod st007_metadata_embedded_binary;
pub mod st008_metadata_external_url;

use sentrascan_formats::safetensors::{SafeTensorsAnomaly, SafeTensorsView};
use sentrascan_types::{Finding, Location, RuleFamily};

use metadata_payloads::{MetadataText, Text};

pub use st001_header_unreadable::finding as header_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::SafeTensors;

/// Runs every `ST` rule over a parsed header. (`ST001` applies when there is
/// no view: see [`header_unreadable`].) Limits in `view.limits_hit` are the
/// engine's to report.
pub fn check_safetensors(view: &SafeTensorsView, location: &Location, out: &mut Vec<Finding>) {
    for a in &view.anomalies {
        out.push(match a {
            SafeTensorsAnomaly::DuplicateKey { .. } => st002_duplicate_key::finding(location, a),
            SafeTensorsAnomaly::InvalidEntry { .. } | SafeTensorsAnomaly::UnknownDtype { .. } => {
                st003_invalid_tensor_entry::finding(location, a)
            }
            SafeTensorsAnomaly::MetadataNotObject { .. }
            | SafeTensorsAnomaly::MetadataNotString { .. } => {
                st005_metadata_not_string::finding(location, a)
            }
            _ => st004_tensor_layout::finding(location, a),
        });
    }
    let texts = metadata_texts(view);
    st006_metadata_code::check(&texts, location, out);
    st007_metadata_embedded_binary::check(&texts, location, out);
    st008_metadata_external_url::check(&texts, location, out);
}

/// `s` with its first letter upper-cased: anomaly texts as titles.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every string of the header a person or tool could act on: metadata keys
/// and values, strings in places the format allows none, tensor names.
fn metadata_texts(view: &SafeTensorsView) -> Vec<MetadataText<'_>> {
    let mut texts = Vec::new();
    for m in &view.metadata {
        texts.push(MetadataText {
            key: &m.key,
            text: Text::Str(&m.key),
            offset: m.offset,
            in_vocabulary: false,
        });
        texts.push(MetadataText {
            key: &m.key,
            text: Text::Str(&m.value),
            offset: m.offset,
            in_vocabulary: false,
        });
    }
    for s in &view.stray_strings {
        texts.push(MetadataText {
            key: &s.path,
            text: Text::Str(&s.text),
            offset: s.offset,
            in_vocabulary: false,
        });
    }
    for t in &view.tensors {
        texts.push(MetadataText {
            key: &t.name,
            text: Text::Str(&t.name),
            offset: t.header_offset,
            in_vocabulary: false,
        });
    }
    texts
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use sentrascan_formats::{Limits, safetensors};

    /// `(path, [(rule, severity)])` for the manifest lines under `dir`.
    pub(crate) fn manifest(dir: &str) -> Vec<(String, Vec<(String, String)>)> {
        manifest_in("expected-formats.tsv", dir)
    }

    /// The same from the manifest `testdata/<name>`.
    pub(crate) fn manifest_in(name: &str, dir: &str) -> Vec<(String, Vec<(String, String)>)> {
        let path = format!("{}/../../testdata/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            let [file, rule, severity] = cols[..] else {
                panic!("bad manifest line {line:?}")
            };
            if !file.starts_with(dir) {
                continue;
            }
            if out.last().is_none_or(|(f, _)| f != file) {
                out.push((file.to_string(), Vec::new()));
            }
            if rule != "-" {
                out.last_mut()
                    .unwrap()
                    .1
                    .push((rule.to_string(), severity.to_string()));
            }
        }
        assert!(!out.is_empty());
        out
    }

    /// Checks that every fixture under `dir` of the manifest `name` gives
    /// exactly the findings with code `prefix` its lines list, `check`
    /// running the family's parser and rules over the file's bytes.
    pub(crate) fn assert_family_manifest(
        name: &str,
        dir: &str,
        prefix: &str,
        keep: impl Fn(&str) -> bool,
        check: impl Fn(&[u8], &Location, &mut Vec<Finding>),
    ) {
        for (file, expected) in manifest_in(name, dir) {
            if !keep(&file) {
                continue;
            }
            let data = fixture(&file);
            let mut out = Vec::new();
            check(&data, &Location::file(&file), &mut out);
            let mut expected: Vec<_> = expected
                .into_iter()
                .filter(|(r, _)| r.starts_with(prefix))
                .collect();
            expected.sort();
            expected.dedup();
            let mut got = codes(&out);
            got.dedup();
            assert_eq!(got, expected, "{file}: {out:#?}");
        }
    }

    pub(crate) fn fixture(rel: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../testdata/{rel}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    pub(crate) fn codes(findings: &[Finding]) -> Vec<(String, String)> {
        let mut v: Vec<_> = findings
            .iter()
            .map(|f| (f.rule.clone(), f.severity.to_string()))
            .collect();
        v.sort();
        v
    }

    /// Every fixture gives exactly the findings its manifest lines list.
    #[test]
    fn fixtures_match_the_manifest() {
        for (file, mut expected) in manifest("safetensors/") {
            let data = fixture(&file);
            let location = Location::file(&file);
            let mut out = Vec::new();
            match safetensors::parse(&data, &Limits::default()) {
                Ok(view) => {
                    assert!(view.limits_hit.is_empty(), "{file}");
                    check_safetensors(&view, &location, &mut out);
                }
                Err(e) => out.push(header_unreadable(&location, &e)),
            }
            expected.sort();
            assert_eq!(codes(&out), expected, "{file}: {out:#?}");
        }
    }

    #[test]
    fn findings_carry_evidence_and_locations() {
        let data = fixture("safetensors/ST006_metadata_curl_pipe_sh.safetensors");
        let view = safetensors::parse(&data, &Limits::default()).unwrap();
        let mut out = Vec::new();
        check_safetensors(&view, &Location::file("m.safetensors"), &mut out);
        let code = out.iter().find(|f| f.rule == "ST006").unwrap();
        assert_eq!(
            code.title,
            "Metadata `setup` contains a shell command (`curl … | sh`)"
        );
        assert_eq!(code.evidence["key"], "setup");
        assert_eq!(
            code.category,
            sentrascan_types::Category::OsCommandExecution
        );
        assert!(code.location_detail.offset.is_some_and(|o| o > 8));
        let url = out.iter().find(|f| f.rule == "ST008").unwrap();
        assert_eq!(url.evidence["host"], "127.0.0.1");

        let data = fixture("safetensors/ST007_metadata_base64_pickle.safetensors");
        let view = safetensors::parse(&data, &Limits::default()).unwrap();
        let mut out = Vec::new();
        check_safetensors(&view, &Location::file("m.safetensors"), &mut out);
        let pkl = out.iter().find(|f| f.rule == "PKL001").unwrap();
        assert_eq!(pkl.scanner, "safetensors");
        assert_eq!(
            pkl.location_detail.members,
            ["<base64 pickle in metadata `config`>"]
        );
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in [
            &st001_header_unreadable::RULE,
            &st002_duplicate_key::RULE,
            &st003_invalid_tensor_entry::RULE,
            &st004_tensor_layout::RULE,
            &st005_metadata_not_string::RULE,
            &st006_metadata_code::RULE,
            &st007_metadata_embedded_binary::RULE,
            &st008_metadata_external_url::RULE,
        ] {
            assert!(
                rule.code.starts_with("ST") && rule.code.len() == 5,
                "{}",
                rule.code
            );
            assert!(rule.name.starts_with("safetensors-"), "{}", rule.name);
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
