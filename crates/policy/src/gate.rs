//! The gate: a scan report and a policy in, a verdict that explains itself out.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sentrascan_types::{
    DriftReport, FileReport, FileStatus, Finding, GateAllowance, GateCheck, GateFailure,
    GateNotice, GateOutcome, ScanReport, Severity, Verdict,
};

use crate::licence::{LicenceCheck, blocked_by, check_licence, file_licence};
use crate::model::{Exception, Policy};

/// What the gate looks at besides the policy. Command-line flags override
/// the policy file: `--strict` and `--fail-on` win over `severity_threshold`.
#[derive(Debug, Clone)]
pub struct GateInput<'a> {
    pub report: &'a ScanReport,
    /// `--fail-on SEVERITY`.
    pub fail_on: Option<Severity>,
    /// `--strict`: fail on any issue (LOW and above), on any file not analysed
    /// completely (skipped ones included), and on licences that are not valid
    /// SPDX expressions.
    pub strict: bool,
    /// Whether an SBOM was written for this scan.
    pub sbom_written: bool,
    pub drift: Option<&'a DriftReport>,
    /// `--fail-on-drift`.
    pub fail_on_drift: bool,
    /// Exceptions expire after this day.
    pub today: NaiveDate,
}

impl<'a> GateInput<'a> {
    /// Input with no flags, no SBOM, no baseline, judged today (UTC).
    pub fn new(report: &'a ScanReport) -> Self {
        GateInput {
            report,
            fail_on: None,
            strict: false,
            sbom_written: false,
            drift: None,
            fail_on_drift: false,
            today: chrono::Utc::now().date_naive(),
        }
    }
}

/// `outer.zip!/inner/data.pkl`: the finding's file and member path, without offset.
fn member_path(f: &Finding) -> String {
    let mut s = f.location_detail.file.clone();
    for m in &f.location_detail.members {
        s.push_str("!/");
        s.push_str(m);
    }
    s
}

fn is_external_data_rule(f: &Finding) -> bool {
    f.rule_name.contains("external-data")
}

struct Gate<'p, 'a> {
    policy: &'p Policy,
    input: &'p GateInput<'a>,
    files: BTreeMap<&'a str, &'a FileReport>,
    threshold: Severity,
    threshold_entry: String,
    failures: Vec<GateFailure>,
    allowed: Vec<GateAllowance>,
    notices: Vec<GateNotice>,
}

impl Gate<'_, '_> {
    /// The allowlist entry that approves `file`, if any.
    fn allowlisted(&self, file: &FileReport) -> Option<String> {
        let a = &self.policy.allowlist;
        if let Some(sha) = &file.sha256
            && let Some(i) = a.hashes.iter().position(|h| h.eq_ignore_ascii_case(sha))
        {
            return Some(format!("allowlist.hashes[{i}] (sha256:{})", a.hashes[i]));
        }
        a.models
            .iter()
            .position(|g| g.value.is_match(&file.path))
            .map(|i| format!("allowlist.models[{i}] (`{}`)", a.models[i].text))
    }

    fn exception_matches(e: &Exception, f: &Finding, file: Option<&FileReport>) -> bool {
        if e.rule != f.rule {
            return false;
        }
        let in_paths = e.paths.is_empty() || {
            let member = member_path(f);
            e.paths
                .iter()
                .any(|g| g.value.is_match(&f.location_detail.file) || g.value.is_match(&member))
        };
        let in_hashes = e.hashes.is_empty()
            || file
                .and_then(|fr| fr.sha256.as_deref())
                .is_some_and(|sha| e.hashes.iter().any(|h| h.eq_ignore_ascii_case(sha)));
        in_paths && in_hashes
    }

    fn allow(&mut self, f: &Finding, entry: String, exception: Option<&Exception>) {
        self.allowed.push(GateAllowance {
            finding: f.id.clone(),
            rule: f.rule.clone(),
            severity: f.severity,
            location: f.location.clone(),
            entry,
            reason: exception.map(|e| e.reason.clone()),
            owner: exception.map(|e| e.owner.clone()),
            expires: exception.map(|e| e.expires.to_string()),
        });
    }

    fn fail_finding(&mut self, f: &Finding, check: GateCheck, entry: String, why: &str) {
        self.failures.push(GateFailure {
            check,
            entry,
            finding: Some(f.id.clone()),
            rule: Some(f.rule.clone()),
            location: Some(f.location.clone()),
            message: format!(
                "{} {} `{}`: {} ({why})",
                f.severity, f.rule, f.rule_name, f.title
            ),
        });
    }

    fn fail(&mut self, check: GateCheck, entry: String, location: Option<&str>, message: String) {
        self.failures.push(GateFailure {
            check,
            entry,
            finding: None,
            rule: None,
            location: location.map(str::to_string),
            message,
        });
    }

    fn findings(&mut self) {
        let policy = self.policy;
        let today = self.input.today;
        let mut used = vec![0usize; policy.exceptions.len()];
        let mut expired_hits = vec![0usize; policy.exceptions.len()];
        for f in &self.input.report.findings {
            let file = self.files.get(f.location_detail.file.as_str()).copied();
            let format_rule = file.and_then(|fr| {
                policy
                    .format_rules
                    .get(&fr.format)
                    .map(|r| (fr.format.as_str(), r))
            });
            let (threshold, threshold_entry) = match format_rule {
                Some((name, r)) if r.strict_mode => {
                    (Severity::Low, format!("format_rules.{name}.strict_mode"))
                }
                _ => (self.threshold, self.threshold_entry.clone()),
            };
            let external = is_external_data_rule(f);
            let external_rule =
                format_rule.and_then(|(name, r)| r.allow_external_data.map(|a| (name, a)));
            let blocked = policy.block_issues.iter().find(|b| b.value.matches(f));
            let over = f.severity >= threshold && f.severity > Severity::Info;
            let would_fail = blocked.is_some()
                || over
                || (external && external_rule.is_some_and(|(_, allow)| !allow));

            // Exceptions first: they are the most specific, with an owner and a reason.
            let mut excepted = None;
            for (i, e) in policy.exceptions.iter().enumerate() {
                if !Self::exception_matches(e, f, file) {
                    continue;
                }
                if today > e.expires {
                    expired_hits[i] += 1;
                    continue;
                }
                used[i] += 1;
                excepted = Some(i);
                break;
            }
            if let Some(i) = excepted {
                if would_fail {
                    let e = &policy.exceptions[i];
                    self.allow(f, format!("exceptions[{i}]"), Some(e));
                }
                continue;
            }
            if let Some(entry) = file.and_then(|fr| self.allowlisted(fr)) {
                if would_fail {
                    self.allow(f, entry, None);
                }
                continue;
            }
            let sel = &policy.rules;
            if let Some(select) = &sel.select
                && !select.iter().any(|s| s.value.matches(f))
            {
                if would_fail {
                    self.allow(f, "rules.select (rule not selected)".into(), None);
                }
                continue;
            }
            if let Some(ig) = sel.ignore.iter().find(|s| s.value.matches(f)) {
                if would_fail {
                    self.allow(f, format!("rules.ignore: {}", ig.text), None);
                }
                continue;
            }
            if external && let Some((name, true)) = external_rule {
                if would_fail {
                    self.allow(
                        f,
                        format!("format_rules.{name}.allow_external_data: true"),
                        None,
                    );
                }
                continue;
            }
            if let Some(b) = blocked {
                let entry = format!("block_issues: {}", b.text);
                self.fail_finding(f, GateCheck::Blocked, entry, "blocked by the policy");
                continue;
            }
            if let Some(a) = policy.allow_issues.iter().find(|a| a.value.matches(f)) {
                if would_fail {
                    self.allow(f, format!("allow_issues: {}", a.text), None);
                }
                continue;
            }
            if external && let Some((name, false)) = external_rule {
                let entry = format!("format_rules.{name}.allow_external_data: false");
                self.fail_finding(f, GateCheck::Format, entry, "external data is not allowed");
                continue;
            }
            if over {
                let why = format!("at or above {threshold}");
                self.fail_finding(f, GateCheck::Severity, threshold_entry, &why);
            }
        }
        for (i, e) in policy.exceptions.iter().enumerate() {
            let d = e.describe(i);
            if today > e.expires {
                let hits = match expired_hits[i] {
                    0 => String::new(),
                    n => format!("; it would have allowed {n} finding(s)"),
                };
                self.notices.push(GateNotice {
                    entry: format!("exceptions[{i}]"),
                    message: format!("{d} expired on {} and no longer applies{hits}", e.expires),
                });
            } else if used[i] == 0 {
                self.notices.push(GateNotice {
                    entry: format!("exceptions[{i}]"),
                    message: format!(
                        "{d} matched no finding; remove it or correct its rule, paths or hashes"
                    ),
                });
            }
        }
    }

    /// Coverage, size and external-data checks per file; returns whether
    /// something was left unanalysed without failing the gate.
    fn files(&mut self) -> bool {
        let mut incomplete = self.input.report.files.is_empty();
        let files: Vec<&FileReport> = self.input.report.files.iter().collect();
        for file in files {
            if self.allowlisted(file).is_some() {
                continue;
            }
            let format_rule = self.policy.format_rules.get(&file.format);
            let name = file.format.as_str();
            let strict_entry = if self.input.strict {
                Some("--strict".to_string())
            } else if format_rule.is_some_and(|r| r.strict_mode) {
                Some(format!("format_rules.{name}.strict_mode"))
            } else {
                None
            };
            let why = file.message.as_deref().unwrap_or("no reason given");
            match file.status {
                FileStatus::Inconclusive | FileStatus::Error => match &strict_entry {
                    Some(entry) => self.fail(
                        GateCheck::Coverage,
                        entry.clone(),
                        Some(&file.path),
                        format!("{} was not analysed completely: {why}", file.path),
                    ),
                    None => incomplete = true,
                },
                FileStatus::Skipped if self.input.strict => self.fail(
                    GateCheck::Coverage,
                    "--strict".into(),
                    Some(&file.path),
                    format!(
                        "{} ({name}) was skipped, and strict mode scans every file type: {why}",
                        file.path
                    ),
                ),
                _ => {}
            }
            if let Some(rule) = format_rule {
                if let Some(max) = rule.max_file_size
                    && file.size > max
                {
                    self.fail(
                        GateCheck::Format,
                        format!("format_rules.{name}.max_file_size"),
                        Some(&file.path),
                        format!(
                            "{} is {} bytes, more than the {max} allowed for {name} files",
                            file.path, file.size
                        ),
                    );
                }
                if rule.allow_external_data == Some(false)
                    && let Some(k) = file.metadata.keys().find(|k| k.contains("external_data"))
                {
                    self.fail(
                        GateCheck::Format,
                        format!("format_rules.{name}.allow_external_data: false"),
                        Some(&file.path),
                        format!("{} references external data (`{k}`)", file.path),
                    );
                }
            }
        }
        incomplete
    }

    fn sbom(&mut self) {
        let req = &self.policy.sbom_requirements;
        if req.require_sbom && !self.input.sbom_written {
            self.fail(
                GateCheck::Sbom,
                "sbom_requirements.require_sbom".into(),
                None,
                "no SBOM was written for this scan (pass --sbom FILE)".into(),
            );
        }
        let files: Vec<&FileReport> = self.input.report.files.iter().collect();
        for file in files {
            let analysed = matches!(file.status, FileStatus::Scanned | FileStatus::Inconclusive);
            if !analysed || !file.format.can_carry_code() || self.allowlisted(file).is_some() {
                continue;
            }
            let Some((key, licence)) = file_licence(file) else {
                if req.require_licenses {
                    self.fail(
                        GateCheck::Sbom,
                        "sbom_requirements.require_licenses".into(),
                        Some(&file.path),
                        format!("{} ({}) declares no licence", file.path, file.format),
                    );
                }
                continue;
            };
            match check_licence(licence) {
                LicenceCheck::Valid => {}
                LicenceCheck::Imprecise(canonical) if self.input.strict => self.fail(
                    GateCheck::Sbom,
                    "--strict (strict licence validation)".into(),
                    Some(&file.path),
                    format!(
                        "licence `{licence}` of {} (`{key}`) is not a valid SPDX expression as written; the SPDX form is `{canonical}`",
                        file.path
                    ),
                ),
                LicenceCheck::Imprecise(_) => {}
                LicenceCheck::Invalid(e) => {
                    let message = format!(
                        "licence `{licence}` of {} (`{key}`) is not an SPDX expression: {e}",
                        file.path
                    );
                    if self.input.strict {
                        self.fail(
                            GateCheck::Sbom,
                            "--strict (strict licence validation)".into(),
                            Some(&file.path),
                            message,
                        );
                    } else {
                        self.notices.push(GateNotice {
                            entry: "licences".into(),
                            message,
                        });
                    }
                }
            }
            if let Some(b) = blocked_by(licence, &req.blocked_licenses) {
                self.fail(
                    GateCheck::Sbom,
                    format!("sbom_requirements.blocked_licenses: {}", b.text),
                    Some(&file.path),
                    format!(
                        "{} is licensed `{licence}`, which cannot be used without the blocked licence `{}`",
                        file.path, b.text
                    ),
                );
            }
        }
    }

    fn drift(&mut self) {
        let Some(d) = self.input.drift else { return };
        let entry = if self.input.fail_on_drift {
            "--fail-on-drift"
        } else if self.policy.fail_on_drift {
            "fail_on_drift: true"
        } else {
            return;
        };
        for c in d.changes.iter().filter(|c| c.kind.is_drift()) {
            self.failures.push(GateFailure {
                check: GateCheck::Drift,
                entry: entry.into(),
                finding: None,
                rule: None,
                location: Some(c.subject.clone()),
                message: format!("drift from baseline `{}`: {}", d.baseline, c.message),
            });
        }
    }
}

impl Policy {
    /// Judges a scan. Flags in `input` override the policy file.
    pub fn evaluate(&self, input: &GateInput<'_>) -> GateOutcome {
        let (threshold, threshold_entry) = if input.strict {
            (Severity::Low, "--strict".to_string())
        } else if let Some(s) = input.fail_on {
            (s, format!("--fail-on {s}"))
        } else if let Some(s) = self.severity_threshold {
            (s, format!("severity_threshold: {s}"))
        } else {
            (Severity::Medium, "default threshold MEDIUM".to_string())
        };
        let mut gate = Gate {
            policy: self,
            input,
            files: input
                .report
                .files
                .iter()
                .map(|f| (f.path.as_str(), f))
                .collect(),
            threshold,
            threshold_entry,
            failures: Vec::new(),
            allowed: Vec::new(),
            notices: Vec::new(),
        };
        gate.findings();
        let incomplete = gate.files();
        gate.sbom();
        gate.drift();
        let verdict = if !gate.failures.is_empty() {
            Verdict::Fail
        } else if incomplete {
            Verdict::Inconclusive
        } else {
            Verdict::Pass
        };
        GateOutcome {
            verdict,
            policy: self.source.clone(),
            policy_name: self.name.clone(),
            severity_threshold: threshold,
            strict: input.strict,
            failures: gate.failures,
            allowed: gate.allowed,
            notices: gate.notices,
        }
    }
}

/// Writes the gate's verdict into the report's summary, so `scan_result`
/// and the gate never disagree.
pub fn apply(outcome: &GateOutcome, report: &mut ScanReport) {
    let s = &mut report.scan_result;
    s.verdict = outcome.verdict;
    s.passed = outcome.verdict == Verdict::Pass;
    s.fail_threshold = outcome.severity_threshold;
}
