//! The JSON/YAML/TOML/INI walkers (the first byte picks the dialect), the
//! model-card front matter, and the `CFG`/`HFR` rules and script checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_formats::Limits;
use sentrascan_formats::config::{self, ConfigKind};

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let kind = match first % 4 {
        0 => ConfigKind::Json,
        1 => ConfigKind::Yaml,
        2 => ConfigKind::Toml,
        _ => ConfigKind::Ini,
    };
    let limits = Limits {
        max_config_nodes: 10_000,
        ..Limits::default()
    };
    let view = config::parse(kind, rest, &limits);
    assert!(view.values.len() as u64 <= limits.max_config_nodes);
    let location = Location::file("config");
    let mut findings = Vec::new();
    sentrascan_detectors::check_config(&view, &location, &mut findings);
    sentrascan_detectors::check_hf_config(&view, &location, &mut findings);
    if let Some(card) = config::front_matter(rest, &limits) {
        sentrascan_detectors::check_config(&card, &location, &mut findings);
    }
    sentrascan_detectors::check_script(&String::from_utf8_lossy(rest), &location, &mut findings);
    for f in &findings {
        assert!(
            f.rule.starts_with("CFG") || f.rule.starts_with("HFR"),
            "{}",
            f.rule
        );
    }
});
