//! Keras models: the Keras 3 `.keras` zip (`config.json`, `metadata.json`,
//! its members) and the Keras 2 configuration kept in the root attributes of
//! an HDF5 file (`model_config`, `training_config`). The weights files
//! inside a `.keras` zip are ordinary members, analysed by content.

use sentrascan_detectors as rules;
use sentrascan_formats::hdf5::Hdf5View;
use sentrascan_formats::keras;
use sentrascan_formats::zip::{self, ZipView};
use sentrascan_types::Location;

use super::Ctx;

/// A zip is a `.keras` model when it has both files `model.save` writes first.
pub(super) fn is_keras_zip(view: &ZipView) -> bool {
    let has = |n: &str| view.entries.iter().any(|e| e.name == n);
    has("config.json") && has("metadata.json")
}

/// Members the Keras analysis reads itself (not analysed as generic JSON).
pub(super) fn is_keras_config_member(name: &str) -> bool {
    matches!(name, "config.json" | "metadata.json")
}

impl Ctx<'_> {
    /// The Keras layer of a `.keras` zip; the generic zip walk has already
    /// analysed every member by content.
    pub(super) fn keras_zip(
        &mut self,
        data: &[u8],
        view: &ZipView,
        location: &Location,
        depth: u32,
    ) {
        self.out.scanners.insert("keras");
        for entry in view.entries.iter().filter(|e| !e.is_dir()) {
            if !rules::keras_expected_member(&entry.name) {
                self.out
                    .findings
                    .push(rules::keras_unexpected_member(location, &entry.name));
            }
        }
        if let Some(bytes) = self.keras_member(data, view, "metadata.json") {
            let loc = location.member("metadata.json");
            match keras::parse_metadata(&bytes) {
                Ok(m) => {
                    if let Some(v) = &m.keras_version {
                        self.fact("keras.version", v.clone());
                        self.framework(
                            "keras",
                            Some(v),
                            "`keras_version` in metadata.json of a .keras file",
                        );
                    } else {
                        self.framework(
                            "keras",
                            None,
                            ".keras file (config.json and metadata.json)",
                        );
                    }
                    if let Some(d) = &m.date_saved {
                        self.fact("keras.date_saved", d.clone());
                    }
                }
                Err(e) => {
                    let msg = e.to_string();
                    self.out.findings.push(rules::keras_config_unreadable(
                        &loc,
                        "metadata.json",
                        &msg,
                    ));
                }
            }
        }
        match self.keras_member(data, view, "config.json") {
            Some(bytes) => self.keras_config(
                &bytes,
                &location.member("config.json"),
                "config.json",
                depth,
                true,
            ),
            None => self.inconclusive(
                &location.member("config.json"),
                "the Keras config.json could not be read".into(),
            ),
        }
    }

    /// A member's bytes; a member that cannot be read was already reported
    /// by the zip walk. Zip readers take the last entry of a duplicated name.
    fn keras_member(&mut self, data: &[u8], view: &ZipView, name: &str) -> Option<Vec<u8>> {
        let entry = view.entries.iter().rev().find(|e| e.name == name)?;
        zip::member_data(data, entry, self.limits)
            .ok()
            .map(|b| b.into_owned())
    }

    /// Parses and checks one configuration; `root` configs describe the
    /// model (SBOM facts). Embedded payloads (TorchModuleWrapper's pickled
    /// module) are analysed as members of the configuration.
    pub(super) fn keras_config(
        &mut self,
        bytes: &[u8],
        location: &Location,
        source: &str,
        depth: u32,
        root: bool,
    ) {
        let cfg = match keras::parse_config(bytes) {
            Ok(c) => c,
            Err(e) => {
                let msg = e.to_string();
                self.out
                    .findings
                    .push(rules::keras_config_unreadable(location, source, &msg));
                self.inconclusive(location, format!("Keras `{source}` not analysed: {msg}"));
                return;
            }
        };
        rules::check_keras_config(&cfg, location, &mut self.out.findings);
        for (limit, value) in &cfg.limits_hit {
            self.limit(location, limit, *value);
        }
        if root {
            if let Some(c) = &cfg.root_class {
                self.fact("keras.class_name", c.clone());
            }
            self.fact("keras.layer_count", cfg.layer_count.to_string());
        }
        for blob in &cfg.blobs {
            let Ok(payload) = &blob.data else { continue };
            let name = format!(
                "<{} {}>",
                blob.layer_class,
                blob.layer_name.as_deref().unwrap_or(&blob.path)
            );
            let member = location.member(&name);
            if depth.saturating_add(1) >= self.limits.max_archive_depth {
                self.limit(
                    &member,
                    "max_archive_depth",
                    u64::from(self.limits.max_archive_depth),
                );
                continue;
            }
            self.analyze(payload, &member, &name, depth.saturating_add(1), None);
        }
    }

    /// The Keras 2 model in an HDF5 file's root attributes, if there is one.
    pub(super) fn keras_h5(&mut self, view: &Hdf5View, location: &Location) {
        let Some(model_config) = view.attr_str("/", "model_config") else {
            return;
        };
        self.out.scanners.insert("keras");
        let model_config = model_config.to_string();
        let version = view.attr_str("/", "keras_version").map(str::to_string);
        let backend = view.attr_str("/", "backend").map(str::to_string);
        if let Some(v) = &version {
            self.fact("keras.version", v.clone());
        }
        self.framework(
            "keras",
            version.as_deref(),
            "`model_config` root attribute of an HDF5 file",
        );
        if let Some(b) = &backend {
            self.fact("keras.backend", b.clone());
            if b == "tensorflow" {
                self.framework(
                    "tensorflow",
                    None,
                    "Keras `backend` attribute is `tensorflow`",
                );
            }
        }
        self.keras_config(
            model_config.as_bytes(),
            &location.member("<model_config>"),
            "model_config",
            1,
            true,
        );
        if let Some(t) = view.attr_str("/", "training_config").map(str::to_string) {
            self.keras_config(
                t.as_bytes(),
                &location.member("<training_config>"),
                "training_config",
                1,
                false,
            );
        }
    }
}
