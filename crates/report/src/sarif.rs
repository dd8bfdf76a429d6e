//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers, written
//! with serde-sarif's typed model.
//!
//! One `reportingDescriptor` per rule code (the rules handed in, plus any
//! rule a finding names that is not among them), with short and full
//! descriptions, help (the rule's Markdown docs) and a `security-severity`
//! GitHub grades as the rule's default severity. Each finding becomes a
//! result: level, message, the artifact URI relative to the scan root (under
//! the `SCANROOT` base id), the member path inside archives as a logical
//! location and in the location's property bag, and stable
//! `partialFingerprints` (rule, artifact, member path, evidence). Findings a
//! policy entry allowed carry an accepted suppression with its justification;
//! the gate's verdict and the drift from a baseline are in the run's
//! property bag.

use std::collections::BTreeMap;
use std::path::Path;

use sentrascan_types::{Finding, RuleMeta, Severity};
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result,
    ResultLevel, Run, Sarif, Suppression, Tool, ToolComponent,
};

use crate::Report;

/// The `$schema` GitHub's documentation uses for SARIF 2.1.0.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const ROOT_ID: &str = "SCANROOT";
/// GitHub reads at most 1024 characters of a rule description.
const MAX_DESCRIPTION: usize = 1024;

/// GitHub's security-severity score for a severity: critical is above 9.0,
/// high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. `None` for INFO, which is
/// not a security result.
pub fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// The text under `## What it does` in a rule's docs, on one line.
fn what_it_does(docs: &str) -> Option<String> {
    let start = docs.find("## What it does")?;
    let body = &docs[start + "## What it does".len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    let t = body[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn bag(tags: Option<Vec<String>>, props: BTreeMap<String, Value>) -> PropertyBag {
    PropertyBag {
        tags,
        additional_properties: props,
    }
}

fn descriptor(r: &RuleMeta) -> ReportingDescriptor {
    let mut props = BTreeMap::new();
    if let Some(s) = security_severity(r.default_severity) {
        props.insert("security-severity".into(), json!(s));
    }
    props.insert("precision".into(), json!("high"));
    props.insert("category".into(), json!(r.category.as_str()));
    props.insert("rule-version".into(), json!(r.version));
    if let Some(c) = r.cwe {
        props.insert("cwe".into(), json!(c));
    }
    if let Some(o) = r.owasp_ml {
        props.insert("owasp-ml".into(), json!(o));
    }
    let mut tags = vec!["security".to_string(), r.category.as_str().to_string()];
    tags.extend(
        r.cwe
            .map(|c| format!("external/cwe/{}", c.to_ascii_lowercase())),
    );
    let full = what_it_does(r.docs).unwrap_or_else(|| r.summary.to_string());
    let docs = if r.docs.is_empty() { r.summary } else { r.docs };
    ReportingDescriptor::builder()
        .id(r.code)
        .name(r.name)
        .short_description(text(&truncate(r.summary, MAX_DESCRIPTION)))
        .full_description(text(&truncate(&full, MAX_DESCRIPTION)))
        .help(
            MultiformatMessageString::builder()
                .text(format!("{docs}\n\nRemediation: {}", r.remediation))
                .markdown(format!("{docs}\n\n**Remediation**: {}", r.remediation))
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(r.default_severity)))
                .build(),
        )
        .properties(bag(Some(tags), props))
        .build()
}

/// A rule a finding names that the caller did not describe: built from the
/// finding itself, so every result still has its rule.
fn descriptor_from_finding(f: &Finding) -> ReportingDescriptor {
    let mut props = BTreeMap::new();
    if let Some(s) = security_severity(f.severity) {
        props.insert("security-severity".into(), json!(s));
    }
    ReportingDescriptor::builder()
        .id(f.rule.clone())
        .name(f.rule_name.clone())
        .short_description(text(&truncate(&f.title, MAX_DESCRIPTION)))
        .full_description(text(&truncate(&f.title, MAX_DESCRIPTION)))
        .help(text(&f.remediation))
        .properties(bag(
            Some(vec!["security".into(), f.category.as_str().into()]),
            props,
        ))
        .build()
}

/// `file` relative to `root`, as a URI reference (`/` separators,
/// percent-encoded where a URI needs it).
pub fn artifact_uri(file: &str, root: Option<&str>) -> String {
    let rel = match root {
        Some(r) => sentrascan_types::relative_path(file, r),
        None => file.trim_start_matches("./").to_string(),
    };
    let mut out = String::with_capacity(rel.len());
    for c in rel.replace('\\', "/").chars() {
        if c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=:@".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `file:///abs/root/` for the scan root (a directory URI ends with `/`).
fn root_uri(root: &str) -> String {
    let p = Path::new(root);
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    // No `..` or symbolic links: consumers may resolve those differently.
    let abs = std::fs::canonicalize(&abs).unwrap_or_else(|_| {
        abs.components()
            .fold(std::path::PathBuf::new(), |mut acc, c| {
                match c {
                    std::path::Component::ParentDir => {
                        acc.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => acc.push(other),
                }
                acc
            })
    });
    // A file scanned on its own: URIs are its name, relative to its directory.
    let abs = match abs.parent() {
        Some(dir) if abs.is_file() => dir.to_path_buf(),
        _ => abs,
    };
    let mut s = artifact_uri(&abs.to_string_lossy(), None);
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{s}")
}

fn result(
    report: &Report<'_>,
    f: &Finding,
    rule_index: usize,
    suppressed: Option<&sentrascan_types::GateAllowance>,
) -> Result {
    let uri = artifact_uri(&f.location_detail.file, report.root);
    let fingerprint = f.fingerprint_at(&uri);
    let mut loc_props = BTreeMap::new();
    if !f.location_detail.members.is_empty() {
        loc_props.insert("members".into(), json!(f.location_detail.members));
    }
    if let Some(off) = f.location_detail.offset {
        loc_props.insert("offset".into(), json!(off));
    }
    let logical = (!f.location_detail.members.is_empty()).then(|| {
        let member = f.location_detail.members.join("!/");
        vec![LogicalLocation {
            name: f.location_detail.members.last().cloned(),
            fully_qualified_name: Some(format!("{uri}!/{member}")),
            kind: Some("member".into()),
            ..Default::default()
        }]
    });
    let location = Location {
        physical_location: Some(PhysicalLocation {
            artifact_location: Some(ArtifactLocation {
                uri: Some(uri),
                uri_base_id: report.root.map(|_| ROOT_ID.to_string()),
                ..Default::default()
            }),
            // Model files are binary: GitHub needs a line, so line 1 (the
            // byte offset is in the property bag).
            region: Some(Region {
                start_line: Some(1),
                ..Default::default()
            }),
            ..Default::default()
        }),
        logical_locations: logical,
        properties: (!loc_props.is_empty()).then(|| bag(None, loc_props)),
        ..Default::default()
    };
    let mut props = BTreeMap::new();
    props.insert("severity".into(), json!(f.severity.as_str()));
    props.insert("category".into(), json!(f.category.as_str()));
    props.insert("scanner".into(), json!(f.scanner));
    props.insert("location".into(), json!(f.location));
    if let Some(s) = security_severity(f.severity) {
        props.insert("security-severity".into(), json!(s));
    }
    if !f.evidence.is_empty() {
        props.insert("evidence".into(), json!(f.evidence));
    }
    props.insert("remediation".into(), json!(f.remediation));
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("primaryLocationLineHash".to_string(), fingerprint.clone());
    fingerprints.insert("sentrascan/v1".to_string(), fingerprint);
    let message = if f.description.is_empty() {
        f.title.clone()
    } else {
        format!("{}. {}", f.title.trim_end_matches('.'), f.description)
    };
    let mut result = Result::builder()
        .rule_id(f.rule.clone())
        .rule_index(rule_index as i64)
        .level(level(f.severity))
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(bag(None, props))
        .build();
    result.suppressions = suppressed.map(|a| {
        vec![
            Suppression::builder()
                .kind(json!("external"))
                .status(json!("accepted"))
                .justification(match (&a.reason, &a.owner) {
                    (Some(r), Some(o)) => format!("{}: {r} (owner {o})", a.entry),
                    _ => format!("allowed by policy entry {}", a.entry),
                })
                .build(),
        ]
    });
    result
}

/// The SARIF log of `report`, pretty-printed.
pub fn sarif(report: &Report<'_>) -> String {
    let mut rules: Vec<ReportingDescriptor> = report.rules.iter().map(|r| descriptor(r)).collect();
    let mut index: BTreeMap<String, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for f in &report.scan.findings {
        if !index.contains_key(&f.rule) {
            index.insert(f.rule.clone(), rules.len());
            rules.push(descriptor_from_finding(f));
        }
    }
    let allowed: BTreeMap<&str, &sentrascan_types::GateAllowance> = report
        .gate
        .map(|g| g.allowed.iter().map(|a| (a.finding.as_str(), a)).collect())
        .unwrap_or_default();
    let results: Vec<Result> = report
        .scan
        .findings
        .iter()
        .map(|f| {
            let i = index.get(&f.rule).copied().unwrap_or_default();
            result(report, f, i, allowed.get(f.id.as_str()).copied())
        })
        .collect();
    let mut run_props = BTreeMap::new();
    let s = &report.scan.scan_result;
    run_props.insert("verdict".into(), json!(s.verdict));
    run_props.insert("passed".into(), json!(s.passed));
    run_props.insert("fail_threshold".into(), json!(s.fail_threshold));
    run_props.insert("model_path".into(), json!(report.scan.model_path));
    run_props.insert("model_format".into(), json!(report.scan.model_format));
    if let Some(g) = report.gate {
        run_props.insert("policy".into(), json!(g));
    }
    if let Some(d) = report.drift {
        run_props.insert("drift".into(), json!(d));
    }
    if let Some(p) = report.sbom_path {
        run_props.insert("sbom_path".into(), json!(p));
    }
    let original_uri_base_ids = report.root.map(|r| {
        let mut m = BTreeMap::new();
        m.insert(
            ROOT_ID.to_string(),
            ArtifactLocation {
                uri: Some(root_uri(r)),
                ..Default::default()
            },
        );
        m
    });
    let driver = ToolComponent::builder()
        .name("SentraScan-Model")
        .semantic_version(report.scan.metadata.engine_version.clone())
        .rules(rules)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .properties(bag(None, run_props))
        .build();
    run.original_uri_base_ids = original_uri_base_ids;
    let log = Sarif::builder()
        .schema(SARIF_SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_severity_lands_in_githubs_bands() {
        let score = |s| security_severity(s).unwrap().parse::<f64>().unwrap();
        assert!(score(Severity::Critical) > 9.0);
        assert!((7.0..=8.9).contains(&score(Severity::High)));
        assert!((4.0..=6.9).contains(&score(Severity::Medium)));
        assert!((0.1..=3.9).contains(&score(Severity::Low)));
        assert_eq!(security_severity(Severity::Info), None);
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(artifact_uri("models/a b.pkl", Some("models")), "a%20b.pkl");
        assert_eq!(artifact_uri("m/x.pt", None), "m/x.pt");
        assert_eq!(artifact_uri("/abs/m.pt", Some("/abs/m.pt")), "m.pt");
    }

    #[test]
    fn full_description_is_the_what_it_does_section() {
        let d = "## What it does\nReads the\nheader.\n\n## Why is this bad?\nx";
        assert_eq!(what_it_does(d).as_deref(), Some("Reads the header."));
    }
}
