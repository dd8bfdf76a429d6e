//! TF011: an executable, script or pickle among a SavedModel's assets.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::executable_magic;

pub static RULE: RuleMeta = RuleMeta {
    code: "TF011",
    name: "tf-asset-payload",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "tensorflow",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A file under a SavedModel's assets/ or assets.extra/ is an executable, a script or a pickle.",
    remediation: "Remove the file from the model; assets are vocabularies and data files, never programs.",
    docs: r#"## What it does
Looks at every scanned file whose path (or archive member path) has an
`assets` or `assets.extra` directory component and reports ELF, PE,
Mach-O and WebAssembly binaries, scripts (an interpreter line `#!`, or a
`.py`, `.sh`, `.bat`, `.cmd`, `.ps1`, `.js`, `.pl` or `.rb` name) as HIGH,
and pickles as MEDIUM (the pickle rules grade what the pickle does).

## Why is this bad?
A SavedModel's assets are handed to the graph as file names (vocabularies,
lookup tables). A program there is not used by TensorFlow; it travels with
the model so that a loader script, a custom op or a person runs it.

## Example
`saved_model/assets/setup.sh`, `saved_model/assets.extra/helper.so`.

## How to fix
Delete the file and re-scan; obtain the model from its publisher.

## References
- https://www.tensorflow.org/guide/saved_model
- CWE-506: Embedded Malicious Code
"#,
};

/// The assets directory (`assets` or `assets.extra`) `location` lies in.
pub fn asset_dir(location: &Location) -> Option<&'static str> {
    let parts: Vec<&str> = location
        .file
        .split(['/', '\\'])
        .chain(location.members.iter().flat_map(|m| m.split('/')))
        .filter(|p| !p.is_empty())
        .collect();
    // A directory: some component below it (the file itself) must follow.
    let dirs = parts.get(..parts.len().saturating_sub(1)).unwrap_or(&[]);
    dirs.iter().rev().find_map(|p| match *p {
        "assets" => Some("assets"),
        "assets.extra" => Some("assets.extra"),
        _ => None,
    })
}

const SCRIPT_EXTENSIONS: &[&str] = &["py", "sh", "bash", "bat", "cmd", "ps1", "js", "pl", "rb"];

/// Reports `data` (named `name`, sniffed as `format`) when it lies under a
/// SavedModel's assets and is a program or a pickle.
pub fn check(location: &Location, name: &str, data: &[u8], format: &str) -> Option<Finding> {
    let dir = asset_dir(location)?;
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (what, severity) = if let Some(exe) = executable_magic(data) {
        (exe.to_string(), Severity::High)
    } else if data.starts_with(b"#!") {
        (
            "script with an interpreter line (#!)".to_string(),
            Severity::High,
        )
    } else if SCRIPT_EXTENSIONS.contains(&ext.as_str()) {
        (format!("`.{ext}` script"), Severity::High)
    } else if format == "pickle" || format.starts_with("pytorch") || format == "torchscript" {
        (format!("{format} file"), Severity::Medium)
    } else {
        return None;
    };
    Some(
        Finding::new(
            &RULE,
            location.clone(),
            format!("SavedModel `{dir}/` holds a {what}: `{name}`"),
        )
        .severity(severity)
        .description(format!(
            "`{name}` lies in a SavedModel's `{dir}/` directory and is a {what}; assets are data files the graph reads, never programs."
        ))
        .evidence("asset_dir", dir)
        .evidence("kind", what),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_assets_directory() {
        assert_eq!(asset_dir(&Location::file("m/assets/x.sh")), Some("assets"));
        assert_eq!(
            asset_dir(&Location::file("m/assets.extra/x")),
            Some("assets.extra")
        );
        assert_eq!(
            asset_dir(&Location::file("m.zip").member("sm/assets/a.bin")),
            Some("assets")
        );
        assert_eq!(asset_dir(&Location::file("assets")), None);
        assert_eq!(asset_dir(&Location::file("m/variables/x")), None);
    }

    #[test]
    fn grades_what_it_finds() {
        let l = Location::file("m/assets/a");
        let sev = |name: &str, data: &[u8], fmt: &str| {
            check(&l, name, data, fmt).map(|f| f.severity.to_string())
        };
        assert_eq!(
            sev("a", b"\x7fELF\x02\x01\x01", "unknown").as_deref(),
            Some("HIGH")
        );
        assert_eq!(
            sev("a", b"#!/bin/sh\necho hi\n", "unknown").as_deref(),
            Some("HIGH")
        );
        assert_eq!(sev("x.py", b"print(1)", "unknown").as_deref(), Some("HIGH"));
        assert_eq!(
            sev("v.pkl", b"\x80\x04N.", "pickle").as_deref(),
            Some("MEDIUM")
        );
        assert_eq!(sev("vocab.txt", b"the\nof\n", "unknown"), None);
        assert!(check(&Location::file("m/x.sh"), "x.sh", b"#!/bin/sh\n", "unknown").is_none());
    }
}
