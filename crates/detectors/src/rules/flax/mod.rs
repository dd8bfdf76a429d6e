//! `FLX` rules: Flax/JAX MessagePack state (and the msgpack-numpy
//! convention) and Orbax checkpoint metadata. Pickles a reader would
//! unpickle, extension types that need custom hooks, arrays whose declared
//! layout disagrees with their bytes, custom Orbax handlers, paths outside
//! the checkpoint, and payloads staged in strings.

pub mod flx001_state_unreadable;
pub mod flx002_pickled_object_array;
pub mod flx003_unknown_extension;
pub mod flx004_malformed_array;
pub mod flx005_embedded_binary;
pub mod flx006_string_code;
pub mod flx007_external_url;
pub mod flx008_orbax_custom_type;
pub mod flx009_orbax_path_outside;

use sentrascan_formats::flax::{Blob, FlaxAnomaly, FlaxView};
use sentrascan_formats::orbax::OrbaxView;
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

use crate::rules::safetensors::metadata_payloads::{MetadataText, Text};

pub use flx001_state_unreadable::finding as state_unreadable;
pub use flx002_pickled_object_array::finding as pickled_object_array;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Flax;

/// Runs the `FLX` rules over Flax state. (`FLX001` applies when there is
/// no view; `FLX002` is reported by the engine, which also analyses each
/// pickle as an embedded member.)
pub fn check_flax(view: &FlaxView<'_>, location: &Location, out: &mut Vec<Finding>) {
    for a in &view.anomalies {
        out.push(match a {
            FlaxAnomaly::UnknownExt { .. } => flx003_unknown_extension::finding(location, a),
            _ => flx004_malformed_array::finding(location, a),
        });
    }
    let texts: Vec<MetadataText<'_>> = view.blobs.iter().map(text_of).collect();
    payloads(&texts, location, out);
}

/// Runs the `FLX` rules over Orbax checkpoint metadata.
pub fn check_orbax(view: &OrbaxView, location: &Location, out: &mut Vec<Finding>) {
    for t in &view.custom_types {
        out.push(flx008_orbax_custom_type::finding(location, t));
    }
    for (path, value) in &view.outside_paths {
        out.push(flx009_orbax_path_outside::finding(location, path, value));
    }
    let texts: Vec<MetadataText<'_>> = view
        .texts
        .iter()
        .map(|(key, s)| MetadataText {
            key,
            text: Text::Str(s),
            offset: 0,
            in_vocabulary: false,
        })
        .collect();
    payloads(&texts, location, out);
}

fn payloads(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    flx005_embedded_binary::check(texts, location, out);
    flx006_string_code::check(texts, location, out);
    flx007_external_url::check(texts, location, out);
}

fn text_of<'a>(b: &'a Blob<'_>) -> MetadataText<'a> {
    MetadataText {
        key: &b.path,
        text: match std::str::from_utf8(b.data) {
            Ok(s) => Text::Str(s),
            Err(_) => Text::Bytes(b.data),
        },
        offset: b.offset,
        in_vocabulary: false,
    }
}

/// A finding whose title is the anomaly itself.
fn described(rule: &RuleMeta, location: &Location, anomaly: &FlaxAnomaly) -> Finding {
    let text = crate::rules::safetensors::capitalise(&anomaly.to_string());
    Finding::new(rule, location.at(anomaly.offset()), text.clone())
        .description(format!("{text}."))
        .evidence("anomaly", anomaly.kind())
}
