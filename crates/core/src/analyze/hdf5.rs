//! HDF5 files (Keras 2 `.h5`, h5py): the container rules, SBOM facts, the
//! user block, and the hand-off to the Keras analysis of the root
//! attributes.

use sentrascan_detectors as rules;
use sentrascan_formats::hdf5::{self, Hdf5View};
use sentrascan_types::Location;

use super::Ctx;

/// Member name under which the bytes before the superblock are analysed.
const USER_BLOCK: &str = "<user-block>";
/// Anomalies spelled out as inconclusive reasons (each is also a finding).
const MAX_REASONS: usize = 8;

impl Ctx<'_> {
    pub(super) fn hdf5(&mut self, data: &[u8], location: &Location, depth: u32) {
        self.out.scanners.insert("hdf5");
        let view = match hdf5::parse(data, self.limits) {
            Ok(v) => v,
            Err(e) => {
                self.out.findings.push(rules::hdf5_unreadable(location, &e));
                self.inconclusive(location, format!("HDF5 file not read: {e}"));
                return;
            }
        };
        rules::check_hdf5(&view, location, &mut self.out.findings);
        self.hdf5_facts(&view);
        self.hdf5_weights(data, &view, location);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        let lost: Vec<String> = view
            .anomalies
            .iter()
            .filter(|a| a.kind.loses_content())
            .map(|a| format!("HDF5 structure not read: {a}"))
            .collect();
        let more = lost.len().saturating_sub(MAX_REASONS);
        for why in lost.into_iter().take(MAX_REASONS) {
            self.inconclusive(location, why);
        }
        if more > 0 {
            self.inconclusive(location, format!("{more} more HDF5 structures not read"));
        }

        // Keras 2 keeps its model in root attributes (`model_config`,
        // `training_config`); the Keras analysis reads them from the view.
        self.keras_h5_hook(&view, location);

        self.hdf5_user_block(data, &view, location, depth);
    }

    fn hdf5_facts(&mut self, view: &Hdf5View) {
        self.fact(
            "hdf5.superblock_version",
            view.superblock_version.to_string(),
        );
        if view.superblock_offset > 0 {
            self.fact("hdf5.user_block_bytes", view.superblock_offset.to_string());
        }
        self.framework(
            "h5py",
            None,
            format!("HDF5 file (superblock version {})", view.superblock_version),
        );
        let keras_version = view.attr_str("/", "keras_version").map(str::to_string);
        let backend = view.attr_str("/", "backend").map(str::to_string);
        if let Some(v) = &keras_version {
            self.fact("keras.version", v.clone());
            self.framework(
                "keras",
                Some(v),
                "root attribute `keras_version` of the HDF5 file",
            );
        }
        if let Some(b) = &backend {
            self.fact("keras.backend", b.clone());
        }
    }

    /// Where the Keras analysis of an `.h5` model plugs in.
    fn keras_h5_hook(&mut self, view: &Hdf5View, location: &Location) {
        self.keras_h5(view, location);
    }

    /// The bytes before the superblock: HDF008 when they hold data, and
    /// analysed as a member of their own (a pickle hidden there is a
    /// polyglot).
    fn hdf5_user_block(&mut self, data: &[u8], view: &Hdf5View, location: &Location, depth: u32) {
        let Ok(end) = usize::try_from(view.superblock_offset) else {
            return;
        };
        let Some(block) = data.get(..end).filter(|b| !b.is_empty()) else {
            return;
        };
        let Some(f) = rules::hdf5_user_block_content(location, block) else {
            return;
        };
        self.out.findings.push(f);
        if depth >= self.limits.max_archive_depth {
            return self.limit(
                location,
                "max_archive_depth",
                u64::from(self.limits.max_archive_depth),
            );
        }
        let member = location.member(USER_BLOCK);
        self.analyze(block, &member, USER_BLOCK, depth.saturating_add(1), None);
    }
}
