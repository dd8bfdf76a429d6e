//! The safe XML reader (elements, DOCTYPE internal subset, entity
//! expansion estimate, processing instructions), the OpenVINO IR and PMML
//! views over it, and the `XML`, `OV` and `PMML` rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::xml::{self, MAX_DECLARATIONS, MAX_ELEMENT_TEXT};
use sentrascan_formats::{Limits, openvino, pmml};

fuzz_target!(|data: &[u8]| {
    let _ = xml::sniff(data);
    let _ = xml::root_name(data);
    let limits = Limits {
        max_xml_elements: 4096,
        max_xml_depth: 64,
        max_xml_attributes: 64,
        max_xml_text_bytes: 1 << 20,
        ..Limits::default()
    };
    let location = Location::file("model.xml");
    let mut findings = Vec::new();
    let Ok(view) = xml::parse(data, &limits) else {
        return;
    };
    assert!(view.elements.len() as u64 <= limits.max_xml_elements);
    assert!(view.processing_instructions.len() <= MAX_DECLARATIONS);
    for (i, e) in view.elements.iter().enumerate() {
        assert!(e.depth < limits.max_xml_depth);
        assert!(e.attributes.len() <= limits.max_xml_attributes);
        // Text is cut at a character boundary after the limit.
        assert!(e.text.len() <= MAX_ELEMENT_TEXT + 4);
        assert!(e.parent.is_none_or(|p| p < i));
        let _ = view.path(i);
    }
    if let Some(dt) = &view.doctype {
        let _ = xml::expansion(dt);
    }
    sentrascan_detectors::check_xml(&view, &location, "xml", &mut findings);
    if openvino::is_ir(&view) {
        let ir = openvino::read(&view);
        let _ = ir.opsets();
        sentrascan_detectors::check_openvino(&ir, &location, &mut findings);
    }
    if pmml::is_pmml(&view) {
        let p = pmml::read(&view);
        sentrascan_detectors::check_pmml(&p, &location, &mut findings);
    }
    for f in &findings {
        assert!(
            ["XML", "OV", "PMML"].iter().any(|p| f.rule.starts_with(p)),
            "{}",
            f.rule
        );
    }
});
