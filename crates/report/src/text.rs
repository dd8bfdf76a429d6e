//! Terminal text: findings grouped by file, most severe first.

use std::fmt::Write;

use sentrascan_types::{FileStatus, Severity, Verdict};

use crate::Report;

struct Paint {
    on: bool,
}

impl Paint {
    fn sev(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "34",
            Severity::Info => "2",
        };
        self.wrap(code, &format!("{:<8}", s.as_str()))
    }

    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

pub fn text(report: &Report<'_>, color: bool) -> String {
    let r = report.scan;
    let p = Paint { on: color };
    let mut o = String::new();
    for file in &r.files {
        let status = match file.status {
            FileStatus::Scanned => String::new(),
            FileStatus::Skipped => " [skipped]".into(),
            FileStatus::Inconclusive => " [inconclusive]".into(),
            FileStatus::Error => " [error]".into(),
        };
        let _ = writeln!(o, "{} ({}){status}", p.wrap("1", &file.path), file.format);
        if let Some(m) = &file.message {
            let _ = writeln!(o, "  {}", p.wrap("2", m));
        }
        let mut fs: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.location_detail.file == file.path)
            .collect();
        fs.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.sort_key().cmp(&b.sort_key()))
        });
        for f in fs {
            let _ = writeln!(o, "  {} {} {}", p.sev(f.severity), f.rule, f.title);
            let _ = writeln!(o, "           at {}", f.location);
            let _ = writeln!(o, "           {}", f.description);
            if let Some(a) = report
                .gate
                .and_then(|g| g.allowed.iter().find(|a| a.finding == f.id))
            {
                let why = a
                    .reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "           {}",
                    p.wrap("2", &format!("allowed by {}{why}", a.entry))
                );
            }
        }
    }
    if let Some(d) = report.drift {
        let _ = writeln!(
            o,
            "\n{} `{}` ({}): {}",
            p.wrap("1", "Drift from baseline"),
            d.baseline,
            d.baseline_path,
            if d.drifted {
                "drift detected"
            } else {
                "no drift"
            }
        );
        for c in &d.changes {
            let _ = writeln!(o, "  {:<19} {}", c.kind.as_str(), c.message);
        }
    }
    if let Some(g) = report.gate {
        let _ = writeln!(o, "\n{} {}", p.wrap("1", "Policy"), g.policy);
        for f in &g.failures {
            let _ = writeln!(
                o,
                "  {} [{}] {}",
                p.wrap("31", "failed"),
                f.entry,
                f.message
            );
        }
        for a in &g.allowed {
            let _ = writeln!(
                o,
                "  {} {} {} at {} by {}",
                p.wrap("32", "allowed"),
                a.severity,
                a.rule,
                a.location,
                a.entry
            );
        }
        for n in &g.notices {
            let _ = writeln!(
                o,
                "  {} [{}] {}",
                p.wrap("33", "notice"),
                n.entry,
                n.message
            );
        }
    }
    if let Some(path) = report.sbom_path {
        let _ = writeln!(o, "\nSBOM written to {path}");
    }
    let s = &r.scan_result;
    let verdict = match s.verdict {
        Verdict::Pass => p.wrap("1;32", "PASS"),
        Verdict::Fail => p.wrap("1;31", "FAIL"),
        Verdict::Inconclusive => p.wrap("1;33", "INCONCLUSIVE"),
    };
    let _ = writeln!(
        o,
        "\n{verdict}: {} critical, {} high, {} medium, {} low, {} info in {} file(s) ({} skipped, {} inconclusive, {} failed); fails at {}",
        s.critical,
        s.high,
        s.medium,
        s.low,
        s.info,
        r.files.len(),
        s.files_skipped,
        s.files_inconclusive,
        s.files_failed,
        s.fail_threshold
    );
    o
}
