//! The chat-template analyser and the `TPL` rules: no panic, no stack
//! overflow, every span inside the template, and the tokenizer-config
//! reader accepts or rejects any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_detectors::rules::template::check_template;
use sentrascan_formats::Limits;
use sentrascan_formats::template::{self, TemplateSpan};

fn inside(span: &TemplateSpan, len: usize) {
    let end = span.offset as usize + span.len as usize;
    assert!(end <= len, "span {span:?} past the end ({len} bytes)");
    assert!(span.line >= 1 || span.offset == 0, "line 0 at {span:?}");
}

fuzz_target!(|data: &[u8]| {
    let _ = template::templates_from_tokenizer_config(data);
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let view = template::analyze(source, &Limits::default());
    for chain in &view.chains {
        inside(&chain.span, source.len());
        for step in &chain.steps {
            inside(&step.span, source.len());
        }
    }
    for literal in &view.literals {
        inside(&literal.span, source.len());
    }
    for load in &view.loads {
        inside(&load.span, source.len());
    }
    let mut out = Vec::new();
    check_template(&view, &Location::file("fuzz.jinja"), "fuzz", &mut out);
});
