//! Flax/JAX MessagePack state and Orbax checkpoint metadata: the views, the
//! `FLX` rules, the SBOM facts, and the embedded files (msgpack-numpy
//! pickles, archives in binary values) analysed as members by the engine.

use sentrascan_detectors as rules;
use sentrascan_formats::msgpack::MsgpackError;
use sentrascan_formats::sniff::{Sniffed, sniff};
use sentrascan_formats::{flax, orbax};
use sentrascan_types::Location;

use super::Ctx;

/// Top-level keys kept in the `flax.top_level_keys` fact.
const MAX_KEYS: usize = 64;

/// A `.msgpack`/`.flax` name on bytes that start with a MessagePack map.
pub(super) fn is_flax_name(data: &[u8], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with(".msgpack") || lower.ends_with(".flax"))
        && matches!(data.first(), Some(0x80..=0x8f | 0xde | 0xdf))
}

impl Ctx<'_> {
    pub(super) fn flax(&mut self, data: &[u8], location: &Location, name: &str, depth: u32) {
        self.out.scanners.insert("flax");
        let view = match flax::parse(data, self.limits.max_structured_values) {
            Ok(v) => v,
            Err(MsgpackError::TooManyValues { limit }) => {
                return self.limit(location, "max_structured_values", limit);
            }
            Err(e) => {
                self.out
                    .findings
                    .push(rules::flax_state_unreadable(location, &e));
                return self.inconclusive(location, format!("Flax state cannot be read: {e}"));
            }
        };
        rules::check_flax(&view, location, &mut self.out.findings);
        let opaque = view
            .anomalies
            .iter()
            .filter(|a| matches!(a, flax::FlaxAnomaly::UnknownExt { .. }))
            .count();
        if opaque > 0 {
            self.inconclusive(
                location,
                format!("{opaque} MessagePack extension value(s) need a custom ext_hook and were not analysed"),
            );
        }
        if view.dropped > 0 {
            self.limit(location, "flax_values_kept", view.dropped);
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        for p in &view.pickled {
            self.out.findings.push(rules::pickled_object_array(
                &location.at(p.offset),
                &p.path,
                p.data.len(),
            ));
            self.embedded(p.data, location, &format!("{base}:{}.pkl", p.path), depth);
        }
        // Archives and compressed streams in binary values go through the
        // engine (executables and pickles are reported by FLX005).
        for b in view.blobs.iter().filter(|b| !b.is_str) {
            if matches!(
                sniff(b.data),
                Sniffed::Zip
                    | Sniffed::Tar
                    | Sniffed::Gzip
                    | Sniffed::Bzip2
                    | Sniffed::Xz
                    | Sniffed::Zstd
                    | Sniffed::SevenZip
                    | Sniffed::NumPy
            ) {
                self.embedded(b.data, location, &format!("{base}:{}", b.path), depth);
            }
        }

        self.fact("flax.arrays", view.arrays.to_string());
        self.fact("flax.parameters", view.parameters.to_string());
        let keys: Vec<&str> = view
            .top_keys
            .iter()
            .map(String::as_str)
            .take(MAX_KEYS)
            .collect();
        self.fact("flax.top_level_keys", keys.join(","));
        let dtypes: Vec<&str> = view.dtypes.iter().map(String::as_str).collect();
        self.fact("flax.dtypes", dtypes.join(","));
        if view.msgpack_numpy {
            self.fact("flax.convention", "msgpack-numpy");
            self.framework(
                "msgpack-numpy",
                None,
                "MessagePack arrays in the msgpack-numpy layout (`nd`, `type`, `data`)",
            );
        } else {
            self.fact("flax.convention", "flax.serialization");
            self.framework(
                "flax",
                None,
                format!(
                    "flax.serialization MessagePack state with {} array(s)",
                    view.arrays
                ),
            );
        }
    }

    /// Analyses bytes found inside a value as a member named `member`.
    fn embedded(&mut self, bytes: &[u8], location: &Location, member: &str, depth: u32) {
        if depth >= self.limits.max_archive_depth {
            return self.limit(
                location,
                "max_archive_depth",
                u64::from(self.limits.max_archive_depth),
            );
        }
        let leaf = member
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(member)
            .to_string();
        self.analyze(bytes, &location.member(member), &leaf, depth + 1, None);
    }

    pub(super) fn orbax(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("orbax");
        let view = match orbax::parse(data) {
            Ok(v) => v,
            Err(e) => {
                let msg = format!("Orbax metadata cannot be read: {e}");
                self.out.findings.push(rules::unreadable(location, &msg));
                return self.inconclusive(location, msg);
            }
        };
        rules::check_orbax(&view, location, &mut self.out.findings);
        self.fact("orbax.kind", view.kind.as_str());
        self.fact("orbax.entries", view.entries.to_string());
        let types: Vec<&str> = view.value_types.iter().map(String::as_str).collect();
        self.fact("orbax.value_types", types.join(","));
        self.framework(
            "orbax-checkpoint",
            None,
            format!("Orbax checkpoint metadata ({})", view.kind.as_str()),
        );
    }
}
