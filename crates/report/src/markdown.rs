//! The Markdown report, in the specification's FR-5.2 layout.

use std::fmt::Write;

use sentrascan_types::{FileStatus, Severity, Verdict};

use crate::Report;

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    }
}

fn title_case(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn markdown(report: &Report<'_>) -> String {
    let r = report.scan;
    let mut o = String::new();
    let result = match r.scan_result.verdict {
        Verdict::Pass => "✅ PASSED",
        Verdict::Fail => "❌ FAILED",
        Verdict::Inconclusive => "⚠️ INCONCLUSIVE",
    };
    let _ = writeln!(o, "# Security Scan Report: {}\n", r.model_path);
    let _ = writeln!(o, "**Scan ID**: {}  ", r.scan_id);
    let _ = writeln!(o, "**Date**: {}  ", r.timestamp);
    let _ = writeln!(o, "**Format**: {}  ", r.model_format);
    let _ = writeln!(
        o,
        "**Result**: {result} (fails at {} and above)\n",
        r.scan_result.fail_threshold
    );
    let s = &r.scan_result;
    let _ = writeln!(o, "## Summary");
    let _ = writeln!(o, "- **Critical Issues**: {}", s.critical);
    let _ = writeln!(o, "- **High Issues**: {}", s.high);
    let _ = writeln!(o, "- **Medium Issues**: {}", s.medium);
    let _ = writeln!(o, "- **Low Issues**: {}", s.low);
    let _ = writeln!(o, "- **Informational**: {}", s.info);
    let _ = writeln!(
        o,
        "- **Files**: {} scanned, {} skipped, {} inconclusive, {} failed\n",
        s.files_scanned, s.files_skipped, s.files_inconclusive, s.files_failed
    );
    gate(&mut o, report);
    for sev in Severity::ALL {
        let group: Vec<_> = r.findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "## {} Findings\n",
            title_case(&sev.as_str().to_lowercase())
        );
        for f in group {
            let _ = writeln!(
                o,
                "### {} {}: {}",
                icon(sev),
                title_case(f.category.as_str()),
                f.title
            );
            let _ = writeln!(o, "**Rule**: `{}` {}  ", f.rule, f.rule_name);
            let _ = writeln!(o, "**Location**: `{}`  ", f.location);
            let _ = writeln!(o, "**Scanner**: {}\n", f.scanner);
            let _ = writeln!(o, "{}\n", f.description);
            if !f.evidence.is_empty() {
                let _ = writeln!(o, "**Evidence**:\n```");
                for (k, v) in &f.evidence {
                    let v = match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let _ = writeln!(o, "{k}: {v}");
                }
                let _ = writeln!(o, "```\n");
            }
            if let Some(a) = report
                .gate
                .and_then(|g| g.allowed.iter().find(|a| a.finding == f.id))
            {
                let _ = writeln!(o, "**Allowed by**: `{}`{}\n", a.entry, justification(a));
            }
            let _ = writeln!(o, "**Remediation**: {}\n\n---\n", f.remediation);
        }
    }
    let _ = writeln!(o, "## Files\n");
    let _ = writeln!(o, "| File | Format | Status | Findings | SHA-256 |");
    let _ = writeln!(o, "|---|---|---|---|---|");
    for f in &r.files {
        let status = match f.status {
            FileStatus::Scanned => "scanned",
            FileStatus::Skipped => "skipped",
            FileStatus::Inconclusive => "inconclusive",
            FileStatus::Error => "error",
        };
        let note = f
            .message
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "| `{}` | {} | {status}{note} | {} | `{}` |",
            f.path,
            f.format,
            f.findings,
            f.sha256.as_deref().unwrap_or("-")
        );
    }
    drift(&mut o, report);
    match report.sbom_path {
        Some(p) => {
            let _ = writeln!(o, "\n## SBOM\nSBOM generated: `{p}`");
        }
        None => {
            let _ = writeln!(o, "\n## SBOM\nNo SBOM was requested for this scan.");
        }
    }
    o
}

fn justification(a: &sentrascan_types::GateAllowance) -> String {
    match (&a.reason, &a.owner, &a.expires) {
        (Some(r), Some(owner), Some(exp)) => format!(" — {r} (owner {owner}, until {exp})"),
        _ => String::new(),
    }
}

/// The gate's verdict, explained: what failed it, what was allowed and by
/// which entry, and what the policy itself wants noticed.
fn gate(o: &mut String, report: &Report<'_>) {
    let Some(g) = report.gate else { return };
    let _ = writeln!(o, "## Policy\n");
    let name = g
        .policy_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "**Policy**: `{}`{name}  \n**Threshold**: {}{}\n",
        g.policy,
        g.severity_threshold,
        if g.strict { " (strict mode)" } else { "" }
    );
    if g.failures.is_empty() {
        let _ = writeln!(o, "Nothing failed the gate.\n");
    } else {
        let _ = writeln!(o, "### Failed the gate\n");
        let _ = writeln!(o, "| Check | Entry | Location | Reason |");
        let _ = writeln!(o, "|---|---|---|---|");
        for f in &g.failures {
            let _ = writeln!(
                o,
                "| {} | `{}` | {} | {} |",
                f.check.as_str(),
                cell(&f.entry),
                f.location
                    .as_deref()
                    .map(|l| format!("`{}`", cell(l)))
                    .unwrap_or_else(|| "-".into()),
                cell(&f.message)
            );
        }
        let _ = writeln!(o);
    }
    if !g.allowed.is_empty() {
        let _ = writeln!(o, "### Allowed by the policy\n");
        let _ = writeln!(o, "| Finding | Rule | Severity | Location | Allowed by |");
        let _ = writeln!(o, "|---|---|---|---|---|");
        for a in &g.allowed {
            let _ = writeln!(
                o,
                "| {} | `{}` | {} | `{}` | `{}`{} |",
                a.finding,
                a.rule,
                a.severity,
                cell(&a.location),
                cell(&a.entry),
                cell(&justification(a))
            );
        }
        let _ = writeln!(o);
    }
    if !g.notices.is_empty() {
        let _ = writeln!(o, "### Notices\n");
        for n in &g.notices {
            let _ = writeln!(o, "- `{}`: {}", n.entry, n.message);
        }
        let _ = writeln!(o);
    }
}

fn drift(o: &mut String, report: &Report<'_>) {
    let Some(d) = report.drift else { return };
    let _ = writeln!(
        o,
        "\n## Drift from baseline `{}`\n\nBaseline `{}` of {}: {}\n",
        d.baseline,
        d.baseline_path,
        d.baseline_created_at,
        if d.drifted {
            "**drift detected**"
        } else {
            "no drift"
        }
    );
    if d.changes.is_empty() {
        return;
    }
    let _ = writeln!(o, "| Change | Subject | Before | After | Details |");
    let _ = writeln!(o, "|---|---|---|---|---|");
    for c in &d.changes {
        let _ = writeln!(
            o,
            "| {} | `{}` | {} | {} | {} |",
            c.kind.as_str(),
            cell(&c.subject),
            c.before.as_deref().map(cell).unwrap_or_else(|| "-".into()),
            c.after.as_deref().map(cell).unwrap_or_else(|| "-".into()),
            cell(&c.message)
        );
    }
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
