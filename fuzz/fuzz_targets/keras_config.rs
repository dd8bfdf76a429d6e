//! The Keras config walker (`formats::keras::parse_config`, Lambda decoding
//! included) and the `KER` rules over its view.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::keras;

fuzz_target!(|data: &[u8]| {
    let _ = keras::parse_metadata(data);
    let location = Location::file("model.keras");
    let mut findings = Vec::new();
    match keras::parse_config(data) {
        Ok(cfg) => {
            assert!(cfg.layer_count <= cfg.objects.len());
            for l in &cfg.lambdas {
                if let Ok(d) = &l.decoded {
                    let _ = (d.code.all_names(), d.code.all_strings());
                }
            }
            sentrascan_detectors::rules::keras::check_keras_config(&cfg, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::rules::keras::config_unreadable(
            &location,
            "config.json",
            &e.to_string(),
        )),
    }
    for f in &findings {
        assert!(f.rule.starts_with("KER"), "{}", f.rule);
    }
});
