//! `MAR` rules: TorchServe model archives. Code TorchServe imports on load
//! (custom handlers, model files), packages it installs (requirements), and
//! manifest fields that leave the archive.

pub mod mar001_manifest_unreadable;
pub mod mar002_custom_code;
pub mod mar003_requirements;
pub mod mar004_requirements_remote_source;
pub mod mar005_manifest_path_escape;
pub mod mar006_manifest_missing_file;

use sentrascan_formats::mar::{MarManifest, Requirement, RequirementSource, path_escapes};
use sentrascan_types::{Finding, Location, RuleFamily};

pub use mar001_manifest_unreadable::finding as manifest_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::TorchServe;

/// Runs `MAR002`, `MAR005` and `MAR006` over a parsed manifest; `members`
/// are the archive's member names, `manifest` the manifest's location.
pub fn check_mar(m: &MarManifest, members: &[&str], manifest: &Location, out: &mut Vec<Finding>) {
    let has = |p: &str| {
        members
            .iter()
            .any(|n| n.trim_start_matches("./") == p.trim_start_matches("./"))
    };
    for (field, value) in m.file_fields() {
        // `extensions` is a comma-separated list.
        for v in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            if path_escapes(v) {
                out.push(mar005_manifest_path_escape::finding(manifest, field, v));
            } else if !has(v) {
                out.push(mar006_manifest_missing_file::finding(manifest, field, v));
            }
        }
    }
    if let Some(h) = m.handler.as_deref().filter(|_| !m.handler_is_builtin()) {
        let in_archive = m.handler_file().is_some_and(has);
        out.push(mar002_custom_code::finding(
            manifest, "handler", h, in_archive,
        ));
    }
    if let Some(f) = m.model_file.as_deref().filter(|f| !f.is_empty()) {
        out.push(mar002_custom_code::finding(
            manifest,
            "modelFile",
            f,
            has(f),
        ));
    }
}

/// Runs `MAR003` and `MAR004` over the requirements file at `location`.
pub fn check_requirements(reqs: &[Requirement], location: &Location, out: &mut Vec<Finding>) {
    let mut packages = Vec::new();
    for r in reqs {
        let source = match r.source {
            RequirementSource::Index => {
                packages.push(r.text.clone());
                continue;
            }
            RequirementSource::Url => "a URL or version-control repository",
            RequirementSource::IndexOption => "a package index chosen by the archive",
            RequirementSource::LocalPath => "a local path",
            RequirementSource::Include => "another requirements file",
        };
        out.push(mar004_requirements_remote_source::finding(
            location, r.line, &r.text, source,
        ));
        packages.push(r.text.clone());
    }
    if !packages.is_empty() {
        out.push(mar003_requirements::finding(location, &packages));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::mar::{parse_manifest, requirements};

    fn codes(manifest: &str, members: &[&str]) -> Vec<String> {
        let m = parse_manifest(manifest.as_bytes()).unwrap();
        let mut out = Vec::new();
        check_mar(&m, members, &Location::file("m.mar"), &mut out);
        out.iter().map(|f| f.rule.to_string()).collect()
    }

    #[test]
    fn builtin_handler_and_present_weights_are_quiet() {
        let m = r#"{"model": {"modelName": "m", "serializedFile": "m.pt", "handler": "image_classifier"}}"#;
        assert!(codes(m, &["m.pt", "MAR-INF/MANIFEST.json"]).is_empty());
    }

    #[test]
    fn custom_code_escapes_and_missing_files() {
        let m = r#"{"model": {"serializedFile": "../w.pt", "handler": "h.py", "modelFile": "model.py"}}"#;
        assert_eq!(
            codes(m, &["h.py"]),
            ["MAR005", "MAR006", "MAR002", "MAR002"]
        );
    }

    #[test]
    fn requirements_are_listed_and_remote_sources_flagged() {
        let mut out = Vec::new();
        check_requirements(
            &requirements("numpy==1.26\n--extra-index-url http://127.0.0.1:9/simple\n"),
            &Location::file("requirements.txt"),
            &mut out,
        );
        let codes: Vec<_> = out.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(codes, ["MAR004", "MAR003"]);
        out.clear();
        check_requirements(&[], &Location::file("r"), &mut out);
        assert!(out.is_empty());
    }
}
