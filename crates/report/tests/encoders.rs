//! The encoders over one hand-made report with a policy verdict, drift from a
//! baseline and an SBOM: Markdown, JSON and SARIF snapshots, SARIF checked
//! against the official 2.1.0 schema (and by Microsoft's SARIF multitool
//! when `SARIF_MULTITOOL` names it), and a real scan's SARIF validated too.
//! Nothing here depends on time, ids or the machine.

use std::path::PathBuf;

use sentrascan_report::{OutputFormat, Report};
use sentrascan_types::{
    DriftChange, DriftKind, DriftReport, FileReport, FileStatus, Finding, GateAllowance, GateCheck,
    GateFailure, GateNotice, GateOutcome, Location, ModelFormat, RuleMeta, ScanMetadata,
    ScanReport, ScanSummary, Severity, Verdict,
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rule(code: &str) -> &'static RuleMeta {
    sentrascan_detectors::find_rule(code).expect("rule exists")
}

fn file(path: &str, format: ModelFormat, findings: usize) -> FileReport {
    FileReport {
        path: path.into(),
        format,
        size: 1234,
        sha256: Some("ab".repeat(32)),
        sha1: None,
        md5: None,
        status: FileStatus::Scanned,
        message: None,
        scanners: vec!["pickle".into()],
        findings,
        max_severity: None,
        metadata: Default::default(),
        frameworks: Vec::new(),
    }
}

/// A scan of `models/` with a malicious checkpoint (a finding inside its
/// archive member) and an allowed low finding in a second file.
fn scan() -> ScanReport {
    let mut f1 = Finding::new(
        rule("PKL001"),
        Location::file("models/evil model.pt")
            .member("archive/data.pkl")
            .at(0x1f),
        "Dangerous pickle global posix.system",
    )
    .description("The pickle calls `posix.system` with `'echo pwned'`.")
    .evidence("global", "posix.system")
    .evidence("argument", "echo pwned");
    f1.id = "finding-001".into();
    let mut f2 = Finding::new(
        rule("PKL002"),
        Location::file("models/legacy.pkl").at(2),
        "Unknown global imported",
    )
    .severity(Severity::Medium)
    .description("The pickle imports `mylib.Thing`, which is not on the safe list.")
    .evidence("global", "mylib.Thing");
    f2.id = "finding-002".into();
    ScanReport {
        scan_id: "00000000-0000-0000-0000-000000000000".into(),
        timestamp: "2026-01-01T00:00:00Z".into(),
        model_path: "models".into(),
        model_format: ModelFormat::Directory,
        scan_result: ScanSummary {
            passed: false,
            verdict: Verdict::Fail,
            fail_threshold: Severity::High,
            total_issues: 2,
            critical: 1,
            high: 0,
            medium: 1,
            low: 0,
            info: 0,
            files_scanned: 2,
            files_skipped: 0,
            files_inconclusive: 0,
            files_failed: 0,
        },
        findings: vec![f1, f2],
        files: vec![
            file("models/evil model.pt", ModelFormat::PytorchZip, 1),
            file("models/legacy.pkl", ModelFormat::Pickle, 1),
        ],
        metadata: ScanMetadata {
            scan_duration_ms: 0,
            scanners_used: vec!["pickle".into(), "pytorch_zip".into()],
            engine_version: "[version]".into(),
            bytes_scanned: 2468,
        },
    }
}

fn gate() -> GateOutcome {
    GateOutcome {
        verdict: Verdict::Fail,
        policy: ".sentrascan-model.yaml".into(),
        policy_name: Some("Production ML Models Policy".into()),
        severity_threshold: Severity::High,
        strict: false,
        failures: vec![GateFailure {
            check: GateCheck::Blocked,
            entry: "block_issues: arbitrary_code_execution".into(),
            finding: Some("finding-001".into()),
            rule: Some("PKL001".into()),
            location: Some("models/evil model.pt!/archive/data.pkl@0x1f".into()),
            message: "CRITICAL PKL001 `dangerous-pickle-global`: Dangerous pickle global posix.system (blocked by the policy)".into(),
        }],
        allowed: vec![GateAllowance {
            finding: "finding-002".into(),
            rule: "PKL002".into(),
            severity: Severity::Medium,
            location: "models/legacy.pkl@0x2".into(),
            entry: "exceptions[0]".into(),
            reason: Some("legacy model, retrained in Q3".into()),
            owner: Some("ml-platform@example.com".into()),
            expires: Some("2026-12-31".into()),
        }],
        notices: vec![GateNotice {
            entry: "exceptions[1]".into(),
            message: "exceptions[1] (PKL003, owner bob, expires 2025-01-01) expired on 2025-01-01 and no longer applies".into(),
        }],
    }
}

fn drift() -> DriftReport {
    DriftReport {
        baseline: "fraud_detector_v2".into(),
        baseline_path: "baseline.json".into(),
        baseline_created_at: "2026-01-01T00:00:00Z".into(),
        drifted: true,
        changes: vec![
            DriftChange {
                kind: DriftKind::HashChanged,
                subject: "models".into(),
                before: Some("sha256:00".into()),
                after: Some("sha256:11".into()),
                message: "model digest changed from sha256:00 to sha256:11".into(),
            },
            DriftChange {
                kind: DriftKind::DependencyUpdated,
                subject: "torch".into(),
                before: Some("2.1".into()),
                after: Some("2.4".into()),
                message: "torch changed from 2.1 to 2.4".into(),
            },
        ],
    }
}

fn with<T>(f: impl FnOnce(Report<'_>) -> T) -> T {
    let scan = scan();
    let gate = gate();
    let drift = drift();
    let rules = [rule("PKL001"), rule("PKL002")];
    f(Report {
        scan: &scan,
        gate: Some(&gate),
        drift: Some(&drift),
        sbom_path: Some("model-sbom.json"),
        rules: &rules,
        root: Some("models"),
    })
}

/// SARIF with the machine-dependent root URI redacted.
fn sarif_redacted(r: Report<'_>) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&r.render(OutputFormat::Sarif)).expect("SARIF is JSON");
    v["runs"][0]["originalUriBaseIds"]["SCANROOT"]["uri"] = "file:///[root]/models/".into();
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn markdown_with_policy_drift_and_sbom() {
    insta::assert_snapshot!(with(|r| r.render(OutputFormat::Markdown)));
}

#[test]
fn json_with_policy_drift_and_sbom() {
    insta::assert_snapshot!(with(|r| r.render(OutputFormat::Json)));
}

#[test]
fn sarif_with_policy_drift_and_sbom() {
    insta::assert_snapshot!(with(sarif_redacted));
}

#[test]
fn text_with_policy_drift_and_sbom() {
    insta::assert_snapshot!(with(|r| r.render(OutputFormat::Text { color: false })));
}

#[test]
fn json_without_extras_is_the_scan_alone() {
    let s = scan();
    let plain = serde_json::to_string_pretty(&s).unwrap() + "\n";
    assert_eq!(sentrascan_report::json(&s), plain);
}

#[test]
fn rendering_is_deterministic() {
    for format in [
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Sarif,
    ] {
        assert_eq!(with(|r| r.render(format)), with(|r| r.render(format)));
    }
}

#[test]
fn sarif_results_carry_what_github_needs() {
    let v: serde_json::Value =
        serde_json::from_str(&with(|r| r.render(OutputFormat::Sarif))).unwrap();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules[0]["id"], "PKL001");
    assert_eq!(rules[0]["properties"]["security-severity"], "9.5");
    assert!(
        rules[0]["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## What it does")
    );
    assert!(
        !rules[0]["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    let r0 = &run["results"][0];
    assert_eq!(r0["level"], "error");
    let loc = &r0["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "evil%20model.pt"
    );
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "SCANROOT"
    );
    assert_eq!(loc["properties"]["members"][0], "archive/data.pkl");
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "evil%20model.pt!/archive/data.pkl"
    );
    assert_eq!(
        r0["partialFingerprints"]["sentrascan/v1"]
            .as_str()
            .unwrap()
            .len(),
        32
    );
    // The allowed finding is suppressed with the exception's justification.
    let r1 = &run["results"][1];
    assert_eq!(r1["suppressions"][0]["status"], "accepted");
    assert!(
        r1["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("legacy model")
    );
    assert_eq!(run["properties"]["policy"]["verdict"], "fail");
    assert_eq!(run["properties"]["drift"]["drifted"], true);
}

#[test]
fn fingerprints_do_not_depend_on_ids_or_order() {
    let a: serde_json::Value =
        serde_json::from_str(&with(|r| r.render(OutputFormat::Sarif))).unwrap();
    let mut s = scan();
    s.findings.reverse();
    for f in &mut s.findings {
        f.id = format!("other-{}", f.rule);
    }
    let rules = [rule("PKL001"), rule("PKL002")];
    let b: serde_json::Value = serde_json::from_str(
        &Report {
            rules: &rules,
            root: Some("models"),
            ..Report::new(&s)
        }
        .render(OutputFormat::Sarif),
    )
    .unwrap();
    let fp = |v: &serde_json::Value, rule: &str| {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap()["partialFingerprints"]["sentrascan/v1"]
            .clone()
    };
    assert_eq!(fp(&a, "PKL001"), fp(&b, "PKL001"));
    assert_eq!(fp(&a, "PKL002"), fp(&b, "PKL002"));
    assert_ne!(fp(&a, "PKL001"), fp(&a, "PKL002"));
}

/// The official SARIF 2.1.0 schema from `../shared/schemas/` beside the
/// repository, or `None` (with a message) where that directory is absent.
fn sarif_schema() -> Option<jsonschema::Validator> {
    let path = repo().join("../shared/schemas/sarif-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipping SARIF schema validation: {} is absent",
            path.display()
        );
        return None;
    };
    Some(jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).expect("schema compiles"))
}

fn assert_valid_sarif(sarif: &str) {
    let Some(v) = sarif_schema() else { return };
    let instance: serde_json::Value = serde_json::from_str(sarif).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// Runs `$SARIF_MULTITOOL validate` on `sarif` when CI provides it.
fn multitool_validate(name: &str, sarif: &str) {
    let Some(tool) = std::env::var_os("SARIF_MULTITOOL") else {
        eprintln!(
            "skipping SARIF multitool validation: SARIF_MULTITOOL is not set (.ci/sarif.sh installs it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{name}.sarif"));
    let output = dir.path().join(format!("{name}.validation.sarif"));
    std::fs::write(&input, sarif).unwrap();
    let out = std::process::Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("the SARIF multitool runs");
    let log = std::fs::read_to_string(&output).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&log).unwrap_or_default();
    let errors: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["level"] == "error")
                .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        out.status.success() && errors.is_empty() && !log.is_empty(),
        "SARIF multitool rejects {name}: status {:?}\n{}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        errors.join("\n")
    );
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_the_multitool() {
    let sarif = with(|r| r.render(OutputFormat::Sarif));
    assert_valid_sarif(&sarif);
    multitool_validate("synthetic", &sarif);
}

#[test]
fn sarif_of_real_scans_with_every_rule_is_valid() {
    let rules = sentrascan_detectors::all_rules();
    let root = repo().join("testdata/pickle");
    let scan = sentrascan_core::Scanner::default()
        .scan_path(&root)
        .expect("scan runs");
    assert!(!scan.findings.is_empty());
    let root = root.display().to_string();
    let sarif = Report {
        rules,
        root: Some(&root),
        ..Report::new(&scan)
    }
    .render(OutputFormat::Sarif);
    assert_valid_sarif(&sarif);
    multitool_validate("pickle-fixtures", &sarif);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let ids: Vec<_> = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), rules.len(), "one rule per rule code");
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/'), "{uri} is relative to the scan root");
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[i], r["ruleId"].as_str().unwrap());
    }
}
