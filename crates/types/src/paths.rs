//! Paths in reports, relative to the scan root.

use std::path::Path;

/// `path` relative to the scan root `root`; a file scanned on its own is
/// named by its file name. Baselines and SARIF artifact URIs use this, so a
/// model moved elsewhere still compares and links the same.
pub fn relative_path(path: &str, root: &str) -> String {
    let p = Path::new(path);
    match p.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
        _ if p == Path::new(root) => p
            .file_name()
            .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned()),
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;

    #[test]
    fn paths_are_relative_to_the_scan_root() {
        assert_eq!(relative_path("models/a/b.pkl", "models"), "a/b.pkl");
        assert_eq!(relative_path("models/a/b.pkl", "models/"), "a/b.pkl");
        assert_eq!(
            relative_path("/tmp/x/model.pt", "/tmp/x/model.pt"),
            "model.pt"
        );
        assert_eq!(relative_path("other/m.pt", "models"), "other/m.pt");
    }
}
