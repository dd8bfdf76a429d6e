//! Terminal text: findings grouped by file, most severe first.

use std::fmt::Write;

use sentrascan_types::{FileStatus, ScanReport, Severity, Verdict};

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

pub fn text(r: &ScanReport, color: bool) -> String {
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
        }
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
