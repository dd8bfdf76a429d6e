//! The Markdown report, in the specification's FR-5.2 layout.

use std::fmt::Write;

use sentrascan_types::{FileStatus, ScanReport, Severity, Verdict};

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

pub fn markdown(r: &ScanReport) -> String {
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
    let _ = writeln!(o, "\n## SBOM\nNo SBOM was requested for this scan.");
    o
}
