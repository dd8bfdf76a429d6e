//! The policy test matrix: every key of the policy file changes the verdict
//! the way it says, exceptions expire and report when unused, and every
//! validation error names its line, column and the allowed values.

use chrono::NaiveDate;
use sentrascan_policy::{GateInput, Policy, PolicyError};
use sentrascan_types::{
    Category, DriftChange, DriftKind, DriftReport, FileReport, FileStatus, Finding, GateCheck,
    GateOutcome, Location, ModelFormat, RuleMeta, ScanMetadata, ScanReport, ScanSummary, Severity,
    Verdict,
};

fn rules() -> &'static [&'static RuleMeta] {
    sentrascan_detectors::all_rules()
}

fn parse(yaml: &str) -> Policy {
    Policy::parse(yaml, "policy.yaml", rules()).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_err(yaml: &str) -> String {
    match Policy::parse(yaml, "policy.yaml", rules()) {
        Ok(_) => panic!("policy should be rejected:\n{yaml}"),
        Err(e) => e.to_string(),
    }
}

fn file(path: &str, format: ModelFormat) -> FileReport {
    FileReport {
        path: path.into(),
        format,
        size: 1000,
        sha256: Some(format!("{:0>64}", path.len())),
        sha1: None,
        md5: None,
        status: FileStatus::Scanned,
        message: None,
        scanners: vec![],
        findings: 0,
        max_severity: None,
        metadata: Default::default(),
        frameworks: vec![],
    }
}

fn finding(code: &str, path: &str, severity: Severity) -> Finding {
    let rule = sentrascan_detectors::find_rule(code).expect("rule");
    Finding::new(rule, Location::file(path), format!("{code} in {path}")).severity(severity)
}

fn report(files: Vec<FileReport>, mut findings: Vec<Finding>) -> ScanReport {
    for (i, f) in findings.iter_mut().enumerate() {
        f.id = format!("finding-{:03}", i + 1);
    }
    ScanReport {
        scan_id: "id".into(),
        timestamp: "2026-01-01T00:00:00Z".into(),
        model_path: "models".into(),
        model_format: ModelFormat::Directory,
        scan_result: ScanSummary {
            passed: true,
            verdict: Verdict::Pass,
            fail_threshold: Severity::Medium,
            total_issues: findings.len(),
            critical: 0,
            high: 0,
            medium: 0,
            low: 0,
            info: 0,
            files_scanned: files.len(),
            files_skipped: 0,
            files_inconclusive: 0,
            files_failed: 0,
        },
        findings,
        files,
        metadata: ScanMetadata {
            scan_duration_ms: 0,
            scanners_used: vec![],
            engine_version: "0".into(),
            bytes_scanned: 0,
        },
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn judge(policy: &Policy, r: &ScanReport) -> GateOutcome {
    policy.evaluate(&GateInput {
        today: day("2026-06-01"),
        ..GateInput::new(r)
    })
}

/// One pickle file with one finding of `code` at `severity`.
fn one(code: &str, severity: Severity) -> ScanReport {
    report(
        vec![file("models/m.pkl", ModelFormat::Pickle)],
        vec![finding(code, "models/m.pkl", severity)],
    )
}

const SPEC_EXAMPLE: &str = r#"
policy:
  name: "Production ML Models Policy"
  version: "1.0"

  severity_threshold: HIGH  # CRITICAL | HIGH | MEDIUM | LOW

  block_issues:
    - arbitrary_code_execution
    - os_command_execution
    - file_system_access
    - network_operations

  allow_issues:
    - unsafe_imports  # Allow with warning

  sbom_requirements:
    require_sbom: true
    require_licenses: true
    blocked_licenses:
      - GPL-3.0
      - AGPL-3.0

  format_rules:
    pickle:
      max_file_size: 2GB
      strict_mode: true
    onnx:
      allow_external_data: false

  allowlist:
    models:
      - "s3://trusted-models/approved/*"
    hashes:
      - "sha256:abc1230000000000000000000000000000000000000000000000000000000000"
"#;

#[test]
fn the_specification_example_is_a_valid_policy() {
    let p = parse(SPEC_EXAMPLE);
    assert_eq!(p.name.as_deref(), Some("Production ML Models Policy"));
    assert_eq!(p.version.as_deref(), Some("1.0"));
    assert_eq!(p.severity_threshold, Some(Severity::High));
    assert_eq!(p.block_issues.len(), 4);
    assert_eq!(p.allow_issues.len(), 1);
    assert!(p.sbom_requirements.require_sbom && p.sbom_requirements.require_licenses);
    assert_eq!(p.sbom_requirements.blocked_licenses.len(), 2);
    let pickle = &p.format_rules[&ModelFormat::Pickle];
    assert_eq!(pickle.max_file_size, Some(2_000_000_000));
    assert!(pickle.strict_mode);
    assert_eq!(
        p.format_rules[&ModelFormat::Onnx].allow_external_data,
        Some(false)
    );
    assert_eq!(p.allowlist.models.len(), 1);
    assert_eq!(p.allowlist.hashes.len(), 1);
}

#[test]
fn no_policy_fails_at_medium() {
    let p = Policy::default();
    let g = judge(&p, &one("PKL002", Severity::Medium));
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].entry, "default threshold MEDIUM");
    assert_eq!(g.failures[0].finding.as_deref(), Some("finding-001"));
    assert_eq!(
        judge(&p, &one("PKL002", Severity::Low)).verdict,
        Verdict::Pass
    );
}

#[test]
fn severity_threshold_moves_the_gate() {
    let p = parse("policy:\n  severity_threshold: HIGH\n");
    assert_eq!(
        judge(&p, &one("PKL002", Severity::Medium)).verdict,
        Verdict::Pass
    );
    let g = judge(&p, &one("PKL002", Severity::High));
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].check, GateCheck::Severity);
    assert_eq!(g.failures[0].entry, "severity_threshold: HIGH");
    let low = parse("policy:\n  severity_threshold: low\n");
    assert_eq!(
        judge(&low, &one("PKL002", Severity::Low)).verdict,
        Verdict::Fail
    );
    // INFO never fails a threshold.
    assert_eq!(
        judge(&low, &one("PKL002", Severity::Info)).verdict,
        Verdict::Pass
    );
}

#[test]
fn command_line_flags_override_the_policy_file() {
    let p = parse("policy:\n  severity_threshold: CRITICAL\n");
    let r = one("PKL002", Severity::Medium);
    assert_eq!(judge(&p, &r).verdict, Verdict::Pass);
    let with_flag = p.evaluate(&GateInput {
        fail_on: Some(Severity::Medium),
        ..GateInput::new(&r)
    });
    assert_eq!(with_flag.verdict, Verdict::Fail);
    assert_eq!(with_flag.failures[0].entry, "--fail-on MEDIUM");
    let low = one("PKL002", Severity::Low);
    let strict = p.evaluate(&GateInput {
        strict: true,
        ..GateInput::new(&low)
    });
    assert_eq!(strict.verdict, Verdict::Fail);
    assert_eq!(strict.failures[0].entry, "--strict");
    assert_eq!(strict.severity_threshold, Severity::Low);
}

#[test]
fn block_issues_fail_whatever_the_severity() {
    let p = parse(
        "policy:\n  severity_threshold: CRITICAL\n  block_issues: [unsafe_imports, PKL011]\n",
    );
    let g = judge(&p, &one("PKL002", Severity::Low));
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].check, GateCheck::Blocked);
    assert_eq!(g.failures[0].entry, "block_issues: unsafe_imports");
    let by_code = judge(&p, &one("PKL011", Severity::Low));
    assert_eq!(by_code.failures[0].entry, "block_issues: PKL011");
}

#[test]
fn allow_issues_let_a_category_through_and_say_so() {
    let p = parse("policy:\n  allow_issues: [unsafe_imports]\n");
    let g = judge(&p, &one("PKL002", Severity::High));
    assert_eq!(g.verdict, Verdict::Pass);
    assert_eq!(g.allowed[0].entry, "allow_issues: unsafe_imports");
    assert_eq!(g.allowed[0].finding, "finding-001");
    // Other categories still fail.
    assert_eq!(
        judge(&p, &one("PKL001", Severity::Critical)).verdict,
        Verdict::Fail
    );
}

#[test]
fn rules_select_and_ignore_by_code_or_name() {
    let ignore = parse("policy:\n  rules:\n    ignore: [unknown-global-imported]\n");
    let g = judge(&ignore, &one("PKL002", Severity::High));
    assert_eq!(g.verdict, Verdict::Pass);
    assert_eq!(g.allowed[0].entry, "rules.ignore: unknown-global-imported");
    let select = parse("policy:\n  rules:\n    select: [PKL001, arbitrary_code_execution]\n");
    let g = judge(&select, &one("PKL002", Severity::High));
    assert_eq!(g.verdict, Verdict::Pass);
    assert_eq!(g.allowed[0].entry, "rules.select (rule not selected)");
    assert_eq!(
        judge(&select, &one("PKL001", Severity::High)).verdict,
        Verdict::Fail
    );
}

const EXCEPTIONS: &str = r#"
policy:
  exceptions:
    - rule: PKL002
      paths: ["models/*.pkl"]
      reason: legacy checkpoint, retrained next quarter
      owner: ml-platform@example.com
      expires: 2026-12-31
    - rule: unknown-global-called
      reason: old exception
      owner: bob
      expires: 2026-01-31
    - rule: PKL001
      hashes: ["sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"]
      reason: never matches
      owner: carol
      expires: 2027-01-01
"#;

#[test]
fn an_active_exception_allows_with_its_reason_and_owner() {
    let p = parse(EXCEPTIONS);
    let g = judge(&p, &one("PKL002", Severity::High));
    assert_eq!(g.verdict, Verdict::Pass);
    let a = &g.allowed[0];
    assert_eq!(a.entry, "exceptions[0]");
    assert_eq!(
        a.reason.as_deref(),
        Some("legacy checkpoint, retrained next quarter")
    );
    assert_eq!(a.owner.as_deref(), Some("ml-platform@example.com"));
    assert_eq!(a.expires.as_deref(), Some("2026-12-31"));
    // Outside its paths it does not apply.
    let other = report(
        vec![file("other/m.pkl", ModelFormat::Pickle)],
        vec![finding("PKL002", "other/m.pkl", Severity::High)],
    );
    assert_eq!(judge(&p, &other).verdict, Verdict::Fail);
}

#[test]
fn an_expired_exception_stops_applying_and_says_so() {
    let p = parse(EXCEPTIONS);
    let g = judge(&p, &one("PKL003", Severity::High));
    assert_eq!(g.verdict, Verdict::Fail);
    let n = g
        .notices
        .iter()
        .find(|n| n.entry == "exceptions[1]")
        .expect("expiry notice");
    assert!(
        n.message
            .contains("expired on 2026-01-31 and no longer applies"),
        "{}",
        n.message
    );
    assert!(
        n.message.contains("would have allowed 1 finding"),
        "{}",
        n.message
    );
    // The last day still applies.
    let on_the_day = p.evaluate(&GateInput {
        today: day("2026-01-31"),
        ..GateInput::new(&one("PKL003", Severity::High))
    });
    assert_eq!(on_the_day.verdict, Verdict::Pass);
}

#[test]
fn an_exception_that_matched_nothing_is_reported() {
    let p = parse(EXCEPTIONS);
    let g = judge(&p, &one("PKL002", Severity::High));
    let unused: Vec<_> = g
        .notices
        .iter()
        .filter(|n| n.message.contains("matched no finding"))
        .map(|n| n.entry.as_str())
        .collect();
    assert_eq!(unused, ["exceptions[2]"]);
}

#[test]
fn an_exception_limited_to_a_hash_applies_to_that_file_only() {
    let sha = format!("{:0>64}", "models/m.pkl".len());
    let p = parse(&format!(
        "policy:\n  exceptions:\n    - rule: PKL001\n      hashes: [\"sha256:{sha}\"]\n      reason: r\n      owner: o\n      expires: 2030-01-01\n"
    ));
    assert_eq!(
        judge(&p, &one("PKL001", Severity::Critical)).verdict,
        Verdict::Pass
    );
    let other = report(
        vec![file("models/xx.pkl", ModelFormat::Pickle)],
        vec![finding("PKL001", "models/xx.pkl", Severity::Critical)],
    );
    assert_eq!(judge(&p, &other).verdict, Verdict::Fail);
}

#[test]
fn require_sbom_fails_without_an_sbom() {
    let p = parse("policy:\n  sbom_requirements:\n    require_sbom: true\n");
    let r = report(vec![file("models/m.pkl", ModelFormat::Pickle)], vec![]);
    let g = judge(&p, &r);
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].check, GateCheck::Sbom);
    assert_eq!(g.failures[0].entry, "sbom_requirements.require_sbom");
    let with = p.evaluate(&GateInput {
        sbom_written: true,
        ..GateInput::new(&r)
    });
    assert_eq!(with.verdict, Verdict::Pass);
}

fn licensed(licence: &str) -> ScanReport {
    let mut f = file("models/m.gguf", ModelFormat::Gguf);
    f.metadata
        .insert("gguf.general.license".into(), licence.into());
    report(vec![f], vec![])
}

#[test]
fn require_licenses_fails_on_a_model_without_one() {
    let p = parse("policy:\n  sbom_requirements:\n    require_licenses: true\n");
    let g = judge(
        &p,
        &report(vec![file("models/m.pkl", ModelFormat::Pickle)], vec![]),
    );
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].entry, "sbom_requirements.require_licenses");
    assert!(g.failures[0].message.contains("declares no licence"));
    assert_eq!(judge(&p, &licensed("apache-2.0")).verdict, Verdict::Pass);
    // A config file is not a model: it needs no licence.
    let cfg = report(vec![file("models/config.json", ModelFormat::Json)], vec![]);
    assert_eq!(judge(&p, &cfg).verdict, Verdict::Pass);
}

#[test]
fn blocked_licenses_match_ids_and_expressions() {
    let p = parse(
        "policy:\n  sbom_requirements:\n    blocked_licenses: [GPL-3.0, \"AGPL-3.0-only OR CC-BY-NC-4.0\"]\n",
    );
    for (licence, blocked) in [
        ("GPL-3.0-or-later", true),
        ("gpl-3.0", true),
        ("MIT OR GPL-3.0-only", false),
        ("MIT AND GPL-3.0-only", true),
        ("cc-by-nc-4.0", true),
        ("AGPL-3.0-or-later", true),
        ("Apache-2.0", false),
    ] {
        let g = judge(&p, &licensed(licence));
        assert_eq!(g.verdict == Verdict::Fail, blocked, "{licence}: {g:?}");
        if blocked {
            assert!(
                g.failures[0]
                    .entry
                    .starts_with("sbom_requirements.blocked_licenses: ")
            );
        }
    }
}

#[test]
fn strict_mode_validates_licences_strictly() {
    let p = Policy::default();
    for (licence, fails_strict) in [
        ("Apache-2.0", false),
        ("apache-2.0", true),
        ("llama2", true),
    ] {
        let r = licensed(licence);
        let lax = judge(&p, &r);
        assert_eq!(lax.verdict, Verdict::Pass, "{licence}");
        let strict = p.evaluate(&GateInput {
            strict: true,
            ..GateInput::new(&r)
        });
        assert_eq!(
            strict.verdict == Verdict::Fail,
            fails_strict,
            "{licence}: {strict:?}"
        );
    }
    // Outside strict mode, a licence that is not SPDX is a notice.
    let g = judge(&p, &licensed("llama2"));
    assert!(
        g.notices
            .iter()
            .any(|n| n.message.contains("not an SPDX expression"))
    );
}

#[test]
fn format_rules_max_file_size() {
    let p = parse("policy:\n  format_rules:\n    pickle:\n      max_file_size: 999\n");
    let g = judge(
        &p,
        &report(vec![file("models/m.pkl", ModelFormat::Pickle)], vec![]),
    );
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].check, GateCheck::Format);
    assert_eq!(g.failures[0].entry, "format_rules.pickle.max_file_size");
    let ok = parse("policy:\n  format_rules:\n    pickle:\n      max_file_size: 1KB\n");
    assert_eq!(
        judge(
            &ok,
            &report(vec![file("models/m.pkl", ModelFormat::Pickle)], vec![])
        )
        .verdict,
        Verdict::Pass
    );
}

#[test]
fn format_rules_strict_mode_fails_low_findings_and_incomplete_files() {
    let p = parse("policy:\n  format_rules:\n    pickle:\n      strict_mode: true\n");
    let g = judge(&p, &one("PKL002", Severity::Low));
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].entry, "format_rules.pickle.strict_mode");
    let mut f = file("models/m.pkl", ModelFormat::Pickle);
    f.status = FileStatus::Inconclusive;
    f.message = Some("limit reached".into());
    let g = judge(&p, &report(vec![f.clone()], vec![]));
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].check, GateCheck::Coverage);
    // Without the rule an incomplete file is inconclusive, not failed.
    assert_eq!(
        judge(&Policy::default(), &report(vec![f], vec![])).verdict,
        Verdict::Inconclusive
    );
    // Other formats keep the normal threshold.
    let other = report(
        vec![file("models/m.gguf", ModelFormat::Gguf)],
        vec![finding("GGUF001", "models/m.gguf", Severity::Low)],
    );
    assert_eq!(judge(&p, &other).verdict, Verdict::Pass);
}

#[test]
fn strict_flag_fails_skipped_files() {
    let mut f = file("models/notes.bin", ModelFormat::Unknown);
    f.status = FileStatus::Skipped;
    let r = report(vec![f], vec![]);
    assert_eq!(judge(&Policy::default(), &r).verdict, Verdict::Pass);
    let strict = Policy::default().evaluate(&GateInput {
        strict: true,
        ..GateInput::new(&r)
    });
    assert_eq!(strict.verdict, Verdict::Fail);
    assert!(strict.failures[0].message.contains("was skipped"));
}

fn onnx_external(severity: Severity) -> ScanReport {
    let mut f = file("models/m.onnx", ModelFormat::Onnx);
    f.metadata
        .insert("onnx.external_data_locations".into(), "weights.bin".into());
    report(vec![f], vec![finding("ONNX004", "models/m.onnx", severity)])
}

#[test]
fn format_rules_allow_external_data() {
    let deny = parse("policy:\n  format_rules:\n    onnx:\n      allow_external_data: false\n");
    let g = judge(&deny, &onnx_external(Severity::Low));
    assert_eq!(g.verdict, Verdict::Fail);
    assert!(
        g.failures
            .iter()
            .all(|f| f.entry == "format_rules.onnx.allow_external_data: false")
    );
    assert!(g.failures.iter().any(|f| f.finding.is_some()));
    assert!(
        g.failures
            .iter()
            .any(|f| f.message.contains("onnx.external_data_locations"))
    );
    let allow = parse("policy:\n  format_rules:\n    onnx:\n      allow_external_data: true\n");
    let g = judge(&allow, &onnx_external(Severity::High));
    assert_eq!(g.verdict, Verdict::Pass);
    assert_eq!(
        g.allowed[0].entry,
        "format_rules.onnx.allow_external_data: true"
    );
}

#[test]
fn allowlist_models_and_hashes_approve_files() {
    let sha = format!("{:0>64}", "models/m.pkl".len());
    let by_hash = parse(&format!(
        "policy:\n  allowlist:\n    hashes: [\"sha256:{sha}\"]\n"
    ));
    let g = judge(&by_hash, &one("PKL001", Severity::Critical));
    assert_eq!(g.verdict, Verdict::Pass);
    assert!(g.allowed[0].entry.starts_with("allowlist.hashes[0]"));
    let by_path = parse("policy:\n  allowlist:\n    models: [\"models/**\"]\n");
    let g = judge(&by_path, &one("PKL001", Severity::Critical));
    assert_eq!(g.verdict, Verdict::Pass);
    assert_eq!(g.allowed[0].entry, "allowlist.models[0] (`models/**`)");
    let elsewhere = parse("policy:\n  allowlist:\n    models: [\"approved/*\"]\n");
    assert_eq!(
        judge(&elsewhere, &one("PKL001", Severity::Critical)).verdict,
        Verdict::Fail
    );
}

#[test]
fn fail_on_drift_fails_on_drift_only() {
    let drift = DriftReport {
        baseline: "b".into(),
        baseline_path: "b.json".into(),
        baseline_created_at: "t".into(),
        drifted: true,
        changes: vec![DriftChange {
            kind: DriftKind::DependencyUpdated,
            subject: "torch".into(),
            before: Some("2.1".into()),
            after: Some("2.4".into()),
            message: "torch changed from 2.1 to 2.4".into(),
        }],
    };
    let r = report(vec![file("models/m.pkl", ModelFormat::Pickle)], vec![]);
    let input = |d| GateInput {
        drift: Some(d),
        ..GateInput::new(&r)
    };
    assert_eq!(
        Policy::default().evaluate(&input(&drift)).verdict,
        Verdict::Pass
    );
    let p = parse("policy:\n  fail_on_drift: true\n");
    let g = p.evaluate(&input(&drift));
    assert_eq!(g.verdict, Verdict::Fail);
    assert_eq!(g.failures[0].check, GateCheck::Drift);
    assert_eq!(g.failures[0].entry, "fail_on_drift: true");
    let flag = Policy::default().evaluate(&GateInput {
        fail_on_drift: true,
        ..input(&drift)
    });
    assert_eq!(flag.failures[0].entry, "--fail-on-drift");
    // A resolved finding alone is not drift.
    let resolved = DriftReport {
        drifted: false,
        changes: vec![DriftChange {
            kind: DriftKind::ResolvedFinding,
            ..drift.changes[0].clone()
        }],
        ..drift.clone()
    };
    assert_eq!(p.evaluate(&input(&resolved)).verdict, Verdict::Pass);
}

#[test]
fn selectors_know_every_category() {
    for c in [Category::ScanCoverage, Category::ResourceExhaustion] {
        parse(&format!("policy:\n  block_issues: [{c}]\n"));
    }
}

/// `(yaml, line, column, text the message must contain)`.
const ERRORS: &[(&str, usize, usize, &str)] = &[
    (
        "policy:\n  severity_treshold: HIGH\n",
        2,
        3,
        "unknown key `severity_treshold` in `policy` (allowed: name, version, severity_threshold, block_issues, allow_issues, rules, exceptions, sbom_requirements, format_rules, allowlist, fail_on_drift)",
    ),
    (
        "polcy:\n  name: x\n",
        1,
        1,
        "unknown key `polcy` in `the policy file` (allowed: policy)",
    ),
    (
        "policy:\n  severity_threshold: SEVERE\n",
        2,
        23,
        "`severity_threshold` must be one of CRITICAL, HIGH, MEDIUM, LOW, found `SEVERE`",
    ),
    (
        "policy:\n  severity_threshold: INFO\n",
        2,
        23,
        "must be one of CRITICAL, HIGH, MEDIUM, LOW, found `INFO`",
    ),
    (
        "policy:\n  block_issues:\n    - remote_code\n",
        3,
        7,
        "unknown issue type `remote_code` in `block_issues` (allowed: a category, one of arbitrary_code_execution, os_command_execution",
    ),
    (
        "policy:\n  rules:\n    ignore: [PKL999]\n",
        3,
        14,
        "unknown rule",
    ),
    (
        "policy:\n  rules:\n    disable: [PKL001]\n",
        3,
        5,
        "unknown key `disable` in `rules` (allowed: select, ignore)",
    ),
    (
        "policy:\n  exceptions:\n    - rule: PKL999\n      reason: r\n      owner: o\n      expires: 2030-01-01\n",
        3,
        13,
        "unknown rule `PKL999` in `exceptions[0].rule`",
    ),
    (
        "policy:\n  exceptions:\n    - rule: PKL001\n      owner: o\n      expires: 2030-01-01\n",
        3,
        7,
        "`exceptions[0]` needs `reason`",
    ),
    (
        "policy:\n  exceptions:\n    - rule: PKL001\n      reason: r\n      expires: 2030-01-01\n",
        3,
        7,
        "`exceptions[0]` needs `owner`",
    ),
    (
        "policy:\n  exceptions:\n    - rule: PKL001\n      reason: r\n      owner: o\n",
        3,
        7,
        "`exceptions[0]` needs `expires`",
    ),
    (
        "policy:\n  exceptions:\n    - rule: PKL001\n      reason: r\n      owner: o\n      expires: next year\n",
        6,
        16,
        "`exceptions[0].expires` must be a date as YYYY-MM-DD (such as 2026-12-31), found `next year`",
    ),
    (
        "policy:\n  exceptions:\n    - rule: PKL001\n      reason: \"  \"\n      owner: o\n      expires: 2030-01-01\n",
        4,
        15,
        "`exceptions[0].reason` must not be empty",
    ),
    (
        "policy:\n  exceptions:\n    - rule: PKL001\n      ticket: X-1\n",
        4,
        7,
        "unknown key `ticket` in `exceptions[0]` (allowed: rule, paths, hashes, reason, owner, expires)",
    ),
    (
        "policy:\n  sbom_requirements:\n    require_sbom: yes\n",
        3,
        19,
        "`sbom_requirements.require_sbom` must be true or false, found `yes`",
    ),
    (
        "policy:\n  sbom_requirements:\n    blocked_licenses: [NOT-A-LICENCE]\n",
        3,
        24,
        "`NOT-A-LICENCE` in `sbom_requirements.blocked_licenses` is not an SPDX licence id or expression",
    ),
    (
        "policy:\n  sbom_requirements:\n    require_sbom: true\n    require_sboms: true\n",
        4,
        5,
        "unknown key `require_sboms` in `sbom_requirements` (allowed: require_sbom, require_licenses, blocked_licenses)",
    ),
    (
        "policy:\n  format_rules:\n    pikle:\n      strict_mode: true\n",
        3,
        5,
        "unknown format `pikle` in `format_rules` (allowed: pickle, pytorch_zip",
    ),
    (
        "policy:\n  format_rules:\n    pickle:\n      max_size: 2GB\n",
        4,
        7,
        "unknown key `max_size` in `format_rules.pickle` (allowed: max_file_size, strict_mode, allow_external_data)",
    ),
    (
        "policy:\n  format_rules:\n    pickle:\n      max_file_size: 2 parsecs\n",
        4,
        22,
        "unknown size unit `parsecs` (allowed: B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)",
    ),
    (
        "policy:\n  allowlist:\n    hashes: [abc123]\n",
        3,
        14,
        "`abc123` in `allowlist.hashes` is not a SHA-256 digest (expected `sha256:` and 64 hex digits)",
    ),
    (
        "policy:\n  allowlist:\n    models: [\"a/[b\"]\n",
        3,
        14,
        "is not a valid glob",
    ),
    (
        "policy:\n  allowlist:\n    paths: []\n",
        3,
        5,
        "unknown key `paths` in `allowlist` (allowed: models, hashes)",
    ),
    (
        "policy:\n  fail_on_drift: 1\n",
        2,
        18,
        "`fail_on_drift` must be true or false, found `1`",
    ),
    (
        "policy:\n  block_issues: unsafe_imports\n",
        2,
        17,
        "`block_issues` must be a list, found a scalar",
    ),
    (
        "policy:\n  name: a\n  name: b\n",
        3,
        3,
        "`policy.name` is given twice",
    ),
    (
        "policy:\n  block_issues: [unsafe_imports]\n  allow_issues: [unsafe_imports]\n",
        3,
        18,
        "`unsafe_imports` is both in block_issues and in allow_issues",
    ),
    (
        "policy: [1, 2]\n",
        1,
        9,
        "`policy` must be a mapping, found a list",
    ),
    (
        "",
        1,
        1,
        "`the policy file` must be a mapping, found nothing",
    ),
    ("policy:\n  name: [unclosed\n", 3, 1, "invalid YAML"),
    (
        "policy:\n  name: &a x\n  version: *a\n",
        3,
        12,
        "YAML aliases",
    ),
    (
        "policy:\n  name: x\n---\npolicy:\n  name: y\n",
        3,
        1,
        "one YAML document",
    ),
];

#[test]
fn every_error_names_its_line_column_and_allowed_values() {
    for (yaml, line, column, text) in ERRORS {
        let e = Policy::parse(yaml, "policy.yaml", rules()).expect_err(yaml);
        let msg = e.to_string();
        assert!(msg.contains(text), "{yaml:?}\n  got: {msg}\n want: {text}");
        let PolicyError::Invalid { span, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(
            (span.line, span.column),
            (*line, *column),
            "{yaml:?}: {msg}"
        );
        assert!(
            msg.starts_with(&format!("policy.yaml:{line}:{column}: ")),
            "{msg}"
        );
    }
}

#[test]
fn discovery_walks_up_to_the_nearest_policy() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(sentrascan_policy::discover(&deep), None);
    let top = dir.path().join(sentrascan_policy::POLICY_FILE_NAME);
    std::fs::write(&top, "policy:\n  name: top\n").unwrap();
    assert_eq!(sentrascan_policy::discover(&deep), Some(top.clone()));
    let mid = dir
        .path()
        .join("a")
        .join(sentrascan_policy::POLICY_FILE_NAME);
    std::fs::write(&mid, "policy:\n  name: mid\n").unwrap();
    assert_eq!(sentrascan_policy::discover(&deep), Some(mid.clone()));
    let p = sentrascan_policy::load(&mid, rules()).unwrap();
    assert_eq!(p.name.as_deref(), Some("mid"));
    assert_eq!(p.source, mid.display().to_string());
}

#[test]
fn an_unknown_key_anywhere_is_an_error() {
    assert!(parse_err("policy:\n  x: 1\n").contains("unknown key `x`"));
}
