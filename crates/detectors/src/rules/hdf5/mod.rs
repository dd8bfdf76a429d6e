//! `HDF` rules: HDF5 containers (Keras 2 `.h5`, h5py files). The container
//! itself: structure a reader could be misled by, and every way a file makes
//! its loader open *other* files (external links, external raw storage,
//! virtual-dataset sources). Keras model configs found in the attributes are
//! the `KER` rules' to analyse.

pub mod hdf001_unreadable;
pub mod hdf002_malformed_structure;
pub mod hdf003_external_link;
pub mod hdf004_external_storage;
pub mod hdf005_virtual_source;
pub mod hdf006_hard_link_cycle;
pub mod hdf007_invalid_link_name;
pub mod hdf008_user_block_content;
pub mod hdf009_filter_plugin;

use sentrascan_formats::hdf5::Hdf5Object;
use sentrascan_formats::hdf5::{Hdf5AnomalyKind, Hdf5View};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta, Severity};

pub use hdf001_unreadable::finding as unreadable;
pub use hdf008_user_block_content::check as user_block_content;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Hdf5;

/// Runs every `HDF` rule over a parsed file. (`HDF001` applies when there is
/// no view, `HDF008` to the bytes before the superblock.) Limits in
/// `view.limits_hit` are the engine's to report.
pub fn check_hdf5(view: &Hdf5View, location: &Location, out: &mut Vec<Finding>) {
    for a in &view.anomalies {
        match a.kind {
            Hdf5AnomalyKind::HardLinkCycle => {
                out.push(hdf006_hard_link_cycle::finding(location, a))
            }
            Hdf5AnomalyKind::BadLinkName => {
                out.push(hdf007_invalid_link_name::finding(location, a))
            }
            k if k.loses_content() => out.push(hdf002_malformed_structure::finding(location, a)),
            _ => {}
        }
    }
    for o in &view.objects {
        hdf003_external_link::check(o, location, out);
        hdf004_external_storage::check(o, location, out);
        hdf005_virtual_source::check(o, location, out);
        hdf009_filter_plugin::check(o, location, out);
    }
}

/// One finding per file a dataset makes the loader open, graded by
/// [`reach`]; `text` gives the title and description from the dataset path,
/// the file name and the problem.
pub(crate) fn files_opened(
    rule: &RuleMeta,
    object: &Hdf5Object,
    files: &[String],
    location: &Location,
    out: &mut Vec<Finding>,
    text: impl Fn(&str, &str, &str) -> (String, String),
) {
    for file in files {
        let Some((why, severity)) = reach(file) else {
            continue;
        };
        let (title, description) = text(&object.path, file, why);
        out.push(
            Finding::new(rule, location.clone(), title)
                .severity(severity)
                .description(description)
                .evidence("dataset", object.path.clone())
                .evidence("file", file.clone())
                .evidence("problem", why),
        );
    }
}

/// How far a file name a loader will open reaches: `None` for this file
/// (`.`, empty), else the problem and the severity. Absolute paths, drive
/// letters, UNC shares, URLs and `..` components reach anywhere on the
/// machine (HIGH); a plain relative name is a sibling of the model (MEDIUM:
/// still opened on load, and supplied by whoever ships the model).
pub(crate) fn reach(name: &str) -> Option<(&'static str, Severity)> {
    let p = name.replace('\\', "/");
    if p.is_empty() || p == "." {
        return None;
    }
    if p.starts_with("//") {
        return Some(("network share path", Severity::High));
    }
    if p.starts_with('/') {
        return Some(("absolute path", Severity::High));
    }
    let b = p.as_bytes();
    if b.len() >= 2 && b.get(1) == Some(&b':') && b.first().is_some_and(u8::is_ascii_alphabetic) {
        return Some(("drive-letter path", Severity::High));
    }
    if p.contains("://") {
        return Some(("URL", Severity::High));
    }
    if p.split('/').any(|c| c == "..") {
        return Some(("parent-directory component", Severity::High));
    }
    if p.starts_with('~') || p.starts_with('$') || p.contains("${") {
        return Some(("home or variable expansion", Severity::High));
    }
    Some(("relative path", Severity::Medium))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_grades_paths() {
        assert_eq!(reach("/etc/passwd").map(|r| r.1), Some(Severity::High));
        assert_eq!(reach("../../x.h5").map(|r| r.1), Some(Severity::High));
        assert_eq!(reach("a/../../x.h5").map(|r| r.1), Some(Severity::High));
        assert_eq!(reach("C:\\x.h5").map(|r| r.1), Some(Severity::High));
        assert_eq!(
            reach("\\\\srv\\share\\x.h5").map(|r| r.0),
            Some("network share path")
        );
        assert_eq!(reach("https://x/y.h5").map(|r| r.1), Some(Severity::High));
        assert_eq!(reach("part2.h5"), Some(("relative path", Severity::Medium)));
        assert_eq!(reach("sub/part2.h5").map(|r| r.1), Some(Severity::Medium));
        assert_eq!(reach("."), None);
        assert_eq!(reach(""), None);
    }
}
