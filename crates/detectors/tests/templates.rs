//! Every chat-template fixture under `testdata/templates/` against
//! `testdata/expected-templates.tsv`: each malicious fixture must produce
//! exactly its expected (rule, severity) pairs at MEDIUM and above, and each
//! benign fixture (real chat templates of popular model families) must parse
//! and produce nothing above LOW.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use sentrascan_detectors::rules::template::{RULES, check_template};
use sentrascan_formats::Limits;
use sentrascan_formats::template::{TemplateStatus, analyze, templates_from_tokenizer_config};
use sentrascan_types::{Finding, Location, Severity};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

type Expected = BTreeMap<String, BTreeSet<(String, Severity)>>;

fn manifest() -> Expected {
    let text = std::fs::read_to_string(testdata().join("expected-templates.tsv"))
        .expect("testdata/expected-templates.tsv");
    let mut out: Expected = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "bad manifest line {line:?}");
        let entry = out.entry(cols[0].to_string()).or_default();
        if cols[1] != "-" {
            entry.insert((cols[1].to_string(), cols[2].parse().expect("severity")));
        }
    }
    out
}

/// The templates of a fixture: `(source key, template)`.
fn templates(rel: &str) -> Vec<(String, String)> {
    let bytes = std::fs::read(testdata().join(rel)).unwrap_or_else(|e| {
        panic!("fixture {rel}: {e}; run testdata/gen/generate_template_fixtures.py")
    });
    if rel.ends_with(".json") {
        templates_from_tokenizer_config(&bytes)
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
            .into_iter()
            .map(|(name, t)| (format!("chat_template[{name}]"), t))
            .collect()
    } else {
        let text = String::from_utf8(bytes).expect("UTF-8 template");
        vec![(rel.rsplit('/').next().unwrap_or(rel).to_string(), text)]
    }
}

/// Findings of every template in the fixture, and whether all parsed.
fn scan(rel: &str) -> (Vec<Finding>, bool) {
    let mut out = Vec::new();
    let mut parsed = true;
    for (key, text) in templates(rel) {
        let view = analyze(&text, &Limits::default());
        parsed &= view.status == TemplateStatus::Parsed;
        let location = if rel.ends_with(".json") {
            Location::file(rel).member(key.clone())
        } else {
            Location::file(rel)
        };
        check_template(&view, &location, &key, &mut out);
    }
    (out, parsed)
}

#[test]
fn every_template_fixture_yields_its_exact_findings() {
    let expected = manifest();
    let benign = expected.values().filter(|w| w.is_empty()).count();
    assert!(benign >= 15, "only {benign} benign templates");
    assert!(
        expected.len() - benign >= 20,
        "only {} malicious templates",
        expected.len() - benign
    );
    let mut failures = Vec::new();
    for (rel, want) in &expected {
        let (findings, parsed) = scan(rel);
        let got: BTreeSet<(String, Severity)> = findings
            .iter()
            .filter(|f| f.severity > Severity::Low)
            .map(|f| (f.rule.clone(), f.severity))
            .collect();
        if want.is_empty() {
            if !got.is_empty() {
                let detail: Vec<_> = findings
                    .iter()
                    .filter(|f| f.severity > Severity::Low)
                    .map(|f| format!("{} {} {}", f.rule, f.severity, f.title))
                    .collect();
                failures.push(format!("{rel}: benign but got {detail:#?}"));
            }
            if !parsed {
                failures.push(format!("{rel}: benign template does not parse"));
            }
        } else if &got != want {
            let detail: Vec<_> = findings
                .iter()
                .map(|f| format!("{} {} {}", f.rule, f.severity, f.title))
                .collect();
            failures.push(format!(
                "{rel}: expected {want:?}\n  got {got:?}\n  findings {detail:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn manifest_and_fixture_directories_agree() {
    let expected = manifest();
    let mut on_disk = BTreeSet::new();
    for dir in ["templates/benign", "templates/malicious"] {
        for entry in std::fs::read_dir(testdata().join(dir)).expect(dir) {
            let name = entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name");
            on_disk.insert(format!("{dir}/{name}"));
        }
    }
    let listed: BTreeSet<String> = expected.keys().cloned().collect();
    assert_eq!(
        on_disk, listed,
        "fixtures on disk and in expected-templates.tsv differ"
    );
}

#[test]
fn each_malicious_fixture_is_named_for_a_rule_it_triggers_and_every_rule_has_one() {
    let expected = manifest();
    let mut covered = BTreeSet::new();
    for (rel, want) in expected.iter().filter(|(_, w)| !w.is_empty()) {
        let name = rel.rsplit('/').next().unwrap();
        let code = name.split('_').next().unwrap();
        assert!(
            want.iter().any(|(c, _)| c == code),
            "{rel} is named for {code} but does not expect it"
        );
        covered.extend(want.iter().map(|(c, _)| c.clone()));
    }
    for rule in RULES {
        assert!(covered.contains(rule.code), "no fixture for {}", rule.code);
    }
}

#[test]
fn tokenizer_config_fixtures_locate_findings_in_their_template() {
    let rel = "templates/malicious/TPL002_tokenizer_config_template_list_rag.json";
    let (findings, _) = scan(rel);
    let f = findings
        .iter()
        .find(|f| f.rule == "TPL002")
        .expect("TPL002");
    assert_eq!(f.evidence["template"], "chat_template[rag]");
    assert_eq!(f.location_detail.members, ["chat_template[rag]"]);
    assert!(f.description.contains("cycler"), "{}", f.description);
}
