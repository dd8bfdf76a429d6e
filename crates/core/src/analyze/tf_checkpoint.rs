//! TensorFlow checkpoints: the tensor-bundle index is read and checked
//! (TF012 when it is damaged, and the scan is then inconclusive); data
//! shards, the `checkpoint` state file and SavedModel fingerprints are
//! recognised, with their facts for the SBOM. None of them holds code:
//! TensorFlow reads shards as raw tensor bytes where the index says.

use sentrascan_detectors as rules;
use sentrascan_formats::tensorflow::bundle;
use sentrascan_types::{Location, ModelFormat};

use super::Ctx;

/// DataType numbers listed in the `tensorflow.checkpoint.dtypes` fact.
const MAX_DTYPE_FACTS: usize = 32;

impl Ctx<'_> {
    pub(super) fn tf_checkpoint_index(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("tensorflow");
        let index = match bundle::parse_index(data) {
            Ok(i) => i,
            Err(e) => {
                self.out.findings.push(rules::tf_malformed(location, &e));
                return self.inconclusive(location, format!("TensorFlow checkpoint index: {e}"));
            }
        };
        for p in &index.problems {
            self.out.findings.push(rules::tf_malformed(location, p));
            self.inconclusive(
                &location.at(p.offset()),
                format!("TensorFlow checkpoint index: {p}"),
            );
        }
        for (limit, value) in &index.limits_hit {
            self.limit(location, limit, *value);
        }
        self.fact("tensorflow.checkpoint.tensors", index.tensors.to_string());
        self.fact("tensorflow.checkpoint.shards", index.num_shards.to_string());
        self.fact("tensorflow.checkpoint.bytes", index.total_bytes.to_string());
        let dtypes: Vec<String> = index
            .dtypes
            .iter()
            .take(MAX_DTYPE_FACTS)
            .map(|(d, n)| format!("{d}:{n}"))
            .collect();
        self.fact("tensorflow.checkpoint.dtypes", dtypes.join(","));
        if let Some(v) = index.version {
            self.fact("tensorflow.checkpoint.bundle_version", v.to_string());
        }
        self.framework("tensorflow", None, "checkpoint tensor-bundle index");
    }

    /// Data shards, state files and fingerprints: recognised, facts only.
    pub(super) fn tf_checkpoint_file(&mut self, data: &[u8], format: ModelFormat) {
        self.out.scanners.insert("tensorflow");
        match format {
            ModelFormat::TfCheckpointData => {
                self.fact("tensorflow.checkpoint.shard_bytes", data.len().to_string());
            }
            ModelFormat::TfCheckpointState => {
                if let Some(latest) = bundle::checkpoint_state_paths(data).first() {
                    self.fact("tensorflow.checkpoint.latest", latest.clone());
                }
            }
            ModelFormat::TfFingerprint => {
                for (name, value) in bundle::fingerprint_fields(data) {
                    self.fact(format!("tensorflow.fingerprint.{name}"), value.to_string());
                }
            }
            _ => {}
        }
        self.framework("tensorflow", None, "checkpoint files");
    }
}
