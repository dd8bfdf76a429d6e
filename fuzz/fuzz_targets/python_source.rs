//! The tree-sitter Python wrapper (imports, aliases, calls, nested exec
//! strings, bounds) and the `PY` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::Limits;
use sentrascan_formats::python::{self, PyStatus};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let view = python::analyze(data, &limits);
    if std::str::from_utf8(data).is_err() {
        assert_eq!(view.status, PyStatus::NotUtf8);
    }
    assert!(view.calls.len() as u64 <= view.call_count.max(view.calls.len() as u64));
    for c in &view.calls {
        assert!(c.offset <= data.len() as u64, "{c:?}");
        assert!(c.line >= 1);
    }
    let mut findings = Vec::new();
    sentrascan_detectors::check_python(&view, &Location::file("modeling_fuzz.py"), &mut findings);
    for f in &findings {
        assert!(f.rule.starts_with("PY"), "{}", f.rule);
    }
});
