//! NeMo archives: `model_config.yaml` (target class, version, artifact
//! references). The tar walk sends every member through the engine.

use sentrascan_detectors as rules;
use sentrascan_formats::nemo::{self, member_base};
use sentrascan_formats::tar::{TarEntry, TarKind};
use sentrascan_types::Location;

use super::Ctx;

impl Ctx<'_> {
    pub(super) fn nemo(&mut self, data: &[u8], entries: &[TarEntry], location: &Location) {
        let members: Vec<&str> = entries
            .iter()
            .filter(|e| e.kind == TarKind::File)
            .map(|e| e.name.as_str())
            .collect();
        let Some(config) = entries
            .iter()
            .find(|e| e.kind == TarKind::File && member_base(&e.name) == "model_config.yaml")
        else {
            return;
        };
        let config_loc = location.member(&config.name);
        let bytes = usize::try_from(config.data.start)
            .ok()
            .zip(usize::try_from(config.data.end).ok())
            .and_then(|(s, t)| data.get(s..t))
            .unwrap_or_default();
        let cfg = match nemo::parse_config(bytes) {
            Ok(c) => c,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::nemo_config_unreadable(&config_loc, &e));
                self.inconclusive(&config_loc, e.to_string());
                return;
            }
        };
        if let Some(t) = &cfg.target {
            self.fact("nemo.target", t.clone());
        }
        if let Some(v) = &cfg.nemo_version {
            self.fact("nemo.version", v.clone());
        }
        self.fact("nemo.artifacts", cfg.refs.len().to_string());
        self.framework(
            "nemo_toolkit",
            cfg.nemo_version.as_deref(),
            "NeMo archive (model_config.yaml)",
        );
        rules::check_nemo(&cfg, &members, &config_loc, &mut self.out.findings);
    }
}
