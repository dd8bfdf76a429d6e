//! XGBoost models: the JSON and UBJSON documents (through the bounded
//! UBJSON reader), the legacy binary (`binf`, `bs64`, bare), the tree
//! checks and the `GBT` rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::gbt::{GbtView, MAX_ANOMALIES, MAX_TEXTS};
use sentrascan_formats::{ubjson, xgboost};

fn check(view: &GbtView, out: &mut Vec<sentrascan_core::types::Finding>) {
    assert!(view.anomalies.len() <= MAX_ANOMALIES);
    assert!(view.texts.len() <= MAX_TEXTS);
    for a in &view.anomalies {
        let _ = (a.to_string(), a.kind(), a.offset());
    }
    sentrascan_detectors::check_gbt(view, &Location::file("model.json"), out);
}

fuzz_target!(|data: &[u8]| {
    let mut findings = Vec::new();
    let _ = (
        xgboost::sniff_json(data),
        xgboost::sniff_ubj(data),
        xgboost::sniff_binary(data),
        xgboost::sniff_bare_binary(data),
    );
    if let Ok((_, end)) = ubjson::parse(data, 10_000) {
        assert!(end <= data.len());
    }
    if let Ok(v) = xgboost::parse_json(data) {
        check(&v, &mut findings);
    }
    if let Ok(v) = xgboost::parse_ubj(data, 100_000) {
        check(&v, &mut findings);
    }
    match xgboost::parse_binary(data) {
        Ok(v) => check(&v, &mut findings),
        Err(e) => findings.push(sentrascan_detectors::gbt_model_unreadable(
            &Location::file("model.bst"),
            "xgboost",
            &e.to_string(),
        )),
    }
    for f in &findings {
        assert!(f.rule.starts_with("GBT") || f.rule.starts_with("PKL"), "{}", f.rule);
    }
});
