//! `ONNX` rules: ONNX models. What a loader would execute (Python and
//! custom operators), what it would read from disk (external data), and
//! payloads staged in doc strings and `metadata_props`.
//!
//! The rules here work on the parsed view alone. Checks that need the
//! model's directory (existence, size and symbolic links of external data
//! files) are made by the engine, which reports them with the finding
//! constructors of `ONNX003`, `ONNX004`, `ONNX005` and `ONNX012`.

pub mod onnx001_external_data_absolute_path;
pub mod onnx002_external_data_path_traversal;
pub mod onnx003_external_data_symlink_escape;
pub mod onnx004_external_data_missing;
pub mod onnx005_external_data_out_of_bounds;
pub mod onnx006_python_operator;
pub mod onnx007_custom_operator_domain;
pub mod onnx008_metadata_code;
pub mod onnx009_metadata_embedded_binary;
pub mod onnx010_metadata_external_url;
pub mod onnx011_model_unreadable;
pub mod onnx012_external_data_unverifiable;

use std::collections::BTreeMap;

use sentrascan_formats::onnx::{ExternalTensor, OnnxView};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

use crate::rules::safetensors::metadata_payloads::{MAX_FINDINGS_PER_RULE, MetadataText, Text};

pub use onnx003_external_data_symlink_escape::finding as symlink_escape;
pub use onnx004_external_data_missing::finding as external_data_missing;
pub use onnx005_external_data_out_of_bounds::finding as external_data_out_of_bounds;
pub use onnx011_model_unreadable::finding as model_unreadable;
pub use onnx012_external_data_unverifiable::finding as external_data_unverifiable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Onnx;

/// ONNX Runtime's tag for "the offset is an address in memory".
const ORT_MEMORY_TAG: &str = "*/_ORT_MEM_ADDR_/*";

/// What an external data location names, judged from its text alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalPath {
    /// A path that ignores the model's directory (`/x`, `C:\x`, `\\host\x`).
    Absolute(&'static str),
    /// ONNX Runtime's in-memory address tag.
    MemoryTag,
    /// `..` climbs above the model's directory.
    Escapes,
    /// Empty: the loader would read the directory itself.
    Empty,
    /// A name inside the model's directory, to be checked on disk.
    Relative,
}

/// Classifies `location` as loaders on any platform would resolve it:
/// both `/` and `\` separate components.
pub fn classify_location(location: &str) -> ExternalPath {
    let b = location.as_bytes();
    if location == ORT_MEMORY_TAG {
        return ExternalPath::MemoryTag;
    }
    if location.trim().is_empty() {
        return ExternalPath::Empty;
    }
    if location.starts_with("\\\\") || location.starts_with("//") {
        return ExternalPath::Absolute("a UNC or network path");
    }
    if location.starts_with('/') || location.starts_with('\\') {
        return ExternalPath::Absolute("an absolute path");
    }
    if b.len() >= 2 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1) == Some(&b':') {
        return ExternalPath::Absolute("a Windows drive path");
    }
    let mut depth: i64 = 0;
    for part in location.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return ExternalPath::Escapes;
                }
            }
            _ => depth += 1,
        }
    }
    ExternalPath::Relative
}

/// The tensors that read one location.
pub struct LocationGroup<'v> {
    pub path: &'v str,
    /// The location's raw bytes (file names need not be UTF-8).
    pub bytes: &'v [u8],
    pub class: ExternalPath,
    pub tensors: Vec<&'v ExternalTensor>,
}

/// External tensors grouped by location, in location order.
pub fn location_groups(view: &OnnxView) -> Vec<LocationGroup<'_>> {
    let mut groups: BTreeMap<&str, LocationGroup<'_>> = BTreeMap::new();
    for t in &view.external {
        let (Some(path), Some(bytes)) = (t.location.as_deref(), t.location_bytes.as_deref()) else {
            continue;
        };
        groups
            .entry(path)
            .or_insert_with(|| LocationGroup {
                path,
                bytes,
                class: classify_location(path),
                tensors: Vec::new(),
            })
            .tensors
            .push(t);
    }
    groups.into_values().collect()
}

/// A finding about the tensors that read `path`: `what` completes the
/// sentence "Tensor `w` (initializer in graph `main`) takes its data from
/// `path`…".
pub(crate) fn tensor_finding(
    rule: &RuleMeta,
    location: &Location,
    tensor: &ExternalTensor,
    path: &str,
    tensors: usize,
    title: String,
    what: &str,
) -> Finding {
    Finding::new(rule, location.at(tensor.offset_in_file), title)
        .description(format!(
            "Tensor `{}` ({} in graph `{}`) takes its data from `{path}`{what}; {tensors} tensor(s) use this location.",
            tensor.name, tensor.role, tensor.graph
        ))
        .evidence("tensor", tensor.name.clone())
        .evidence("location", path)
        .evidence("tensors", tensors)
}

/// Keeps one rule's findings to a bounded number, then counts the rest.
pub struct Capped<'o> {
    out: &'o mut Vec<Finding>,
    kept: usize,
    dropped: u64,
}

impl<'o> Capped<'o> {
    pub fn new(out: &'o mut Vec<Finding>) -> Self {
        Capped {
            out,
            kept: 0,
            dropped: 0,
        }
    }

    pub fn push(&mut self, f: Finding) {
        if self.kept < MAX_FINDINGS_PER_RULE {
            self.kept += 1;
            self.out.push(f);
        } else {
            self.dropped += 1;
        }
    }

    pub fn finish(self, rule: &RuleMeta, location: &Location) {
        if self.dropped > 0 {
            self.out.push(
                Finding::new(
                    rule,
                    location.clone(),
                    format!("{} more external data problems of this kind", self.dropped),
                )
                .description(format!(
                    "{} more findings of this rule were found; only the first {MAX_FINDINGS_PER_RULE} are reported one by one.",
                    self.dropped
                ))
                .evidence("more", self.dropped),
            );
        }
    }
}

/// Runs every `ONNX` rule that needs only the view. (`ONNX011` applies
/// when there is no view; `ONNX003`–`ONNX005` on-disk checks and `ONNX012`
/// are the engine's.) Limits in `view.limits_hit` are the engine's to report.
pub fn check_onnx(view: &OnnxView, location: &Location, out: &mut Vec<Finding>) {
    for op in &view.ops {
        if op.local_function {
            continue;
        }
        if onnx006_python_operator::is_python_op(&op.op_type) {
            out.push(onnx006_python_operator::finding(location, op));
        } else if let Some(s) = onnx007_custom_operator_domain::severity(op) {
            out.push(onnx007_custom_operator_domain::finding(location, op, s));
        }
    }
    let mut absolute = Capped::new(out);
    for g in location_groups(view) {
        let Some(first) = g.tensors.first() else {
            continue;
        };
        match g.class {
            ExternalPath::Absolute(kind) => {
                absolute.push(onnx001_external_data_absolute_path::finding(
                    location,
                    first,
                    g.path,
                    kind,
                    g.tensors.len(),
                ))
            }
            ExternalPath::MemoryTag => absolute.push(onnx001_external_data_absolute_path::finding(
                location,
                first,
                g.path,
                "ONNX Runtime's in-memory address tag",
                g.tensors.len(),
            )),
            _ => {}
        }
    }
    absolute.finish(&onnx001_external_data_absolute_path::RULE, location);
    let mut escapes = Capped::new(out);
    for g in location_groups(view) {
        if let (ExternalPath::Escapes, Some(first)) = (g.class, g.tensors.first()) {
            escapes.push(onnx002_external_data_path_traversal::finding(
                location,
                first,
                g.path,
                g.tensors.len(),
            ));
        }
    }
    escapes.finish(&onnx002_external_data_path_traversal::RULE, location);
    let mut entries = Capped::new(out);
    for t in &view.external {
        let path = t.location.as_deref().unwrap_or("");
        for p in &t.problems {
            entries.push(onnx005_external_data_out_of_bounds::finding(
                location, t, path, p,
            ));
        }
        if t.location.is_some() && classify_location(path) == ExternalPath::Empty {
            entries.push(onnx005_external_data_out_of_bounds::finding(
                location,
                t,
                path,
                "the `location` entry is empty",
            ));
        }
    }
    entries.finish(&onnx005_external_data_out_of_bounds::RULE, location);
    let texts: Vec<MetadataText<'_>> = view
        .texts
        .iter()
        .map(|t| MetadataText {
            key: &t.key,
            text: Text::Str(&t.text),
            offset: t.offset,
            in_vocabulary: t.node_text,
        })
        .collect();
    onnx008_metadata_code::check(&texts, location, out);
    onnx009_metadata_embedded_binary::check(&texts, location, out);
    onnx010_metadata_external_url::check(&texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        use ExternalPath::*;
        assert_eq!(classify_location("weights.bin"), Relative);
        assert_eq!(classify_location("data/w.bin"), Relative);
        assert_eq!(classify_location("a/../b.bin"), Relative);
        assert_eq!(classify_location("./w.bin"), Relative);
        assert_eq!(classify_location("../w.bin"), Escapes);
        assert_eq!(classify_location("a/../../w.bin"), Escapes);
        assert_eq!(classify_location("a\\..\\..\\w.bin"), Escapes);
        assert_eq!(
            classify_location("/etc/passwd"),
            Absolute("an absolute path")
        );
        assert_eq!(
            classify_location("C:\\Windows\\win.ini"),
            Absolute("a Windows drive path")
        );
        assert_eq!(
            classify_location("c:w.bin"),
            Absolute("a Windows drive path")
        );
        assert_eq!(
            classify_location("\\\\host\\share\\w"),
            Absolute("a UNC or network path")
        );
        // Loaders do not expand `~`: a directory of that name.
        assert_eq!(classify_location("~/.ssh/id_rsa"), Relative);
        assert_eq!(classify_location("*/_ORT_MEM_ADDR_/*"), MemoryTag);
        assert_eq!(classify_location(""), Empty);
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in crate::registry::all_rules()
            .iter()
            .filter(|r| r.family == FAMILY)
        {
            assert!(
                rule.code.starts_with("ONNX") && rule.code.len() == 7,
                "{}",
                rule.code
            );
            assert!(rule.name.starts_with("onnx-"), "{}", rule.name);
            assert_eq!(rule.scanner, "onnx");
        }
    }
}
