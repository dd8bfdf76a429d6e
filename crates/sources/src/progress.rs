//! A one-line download progress display on standard error: file n of m,
//! bytes, rate. Drawn only when enabled (a terminal, not `--quiet`).

use std::io::Write;
use std::time::{Duration, Instant};

pub struct Progress {
    enabled: bool,
    label: String,
    done: u64,
    total: Option<u64>,
    started: Instant,
    drawn: Option<Instant>,
}

const EVERY: Duration = Duration::from_millis(100);

impl Progress {
    pub fn new(enabled: bool, label: String) -> Progress {
        Progress {
            enabled,
            label,
            done: 0,
            total: None,
            started: Instant::now(),
            drawn: None,
        }
    }

    /// A new attempt at the same file.
    pub(crate) fn restart(&mut self, total: Option<u64>) {
        self.done = 0;
        self.total = total;
        self.started = Instant::now();
    }

    pub(crate) fn advance(&mut self, n: u64) {
        self.done = self.done.saturating_add(n);
        if !self.enabled || self.drawn.is_some_and(|t| t.elapsed() < EVERY) {
            return;
        }
        self.drawn = Some(Instant::now());
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = self.done as f64 / secs;
        let of = self
            .total
            .map(|t| format!(" / {}", human(t as f64)))
            .unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{}  {}{}  {}/s",
            self.label,
            human(self.done as f64),
            of,
            human(rate)
        );
        let _ = err.flush();
    }

    /// Clears the line.
    pub(crate) fn finish(&mut self) {
        if self.enabled && self.drawn.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
        self.drawn = None;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn human(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
