//! `NEMO` rules: NVIDIA NeMo archives. The config's file references (host
//! paths, missing artifacts) and code shipped in an archive that never
//! needs any. The weights and every other member go through the engine.

pub mod nemo001_config_unreadable;
pub mod nemo002_artifact_path_escape;
pub mod nemo003_artifact_missing;
pub mod nemo004_executable_member;

use sentrascan_formats::mar::path_escapes;
use sentrascan_formats::nemo::{NemoConfig, member_base};
use sentrascan_types::{Finding, Location, RuleFamily};

pub use nemo001_config_unreadable::finding as config_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Nemo;

/// Runs `NEMO002` and `NEMO003` over a parsed config; `members` are the
/// archive's member names and `config` the config's location.
pub fn check_nemo(cfg: &NemoConfig, members: &[&str], config: &Location, out: &mut Vec<Finding>) {
    for r in &cfg.refs {
        let path = r.nemo_file.as_deref().unwrap_or(&r.value);
        if path_escapes(path) {
            out.push(nemo002_artifact_path_escape::finding(
                config, &r.key, &r.value,
            ));
            continue;
        }
        if let Some(file) = &r.nemo_file
            && !members.iter().any(|m| member_base(m) == member_base(file))
        {
            out.push(nemo003_artifact_missing::finding(config, &r.key, file));
        }
    }
}

/// What kind of code a member is, by name or content (`NEMO004`).
pub fn code_kind(name: &str, head: &[u8]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let by_ext = [
        (".py", "a Python source"),
        (".pyc", "Python bytecode"),
        (".sh", "a shell script"),
        (".bash", "a shell script"),
        (".bat", "a batch script"),
        (".cmd", "a batch script"),
        (".ps1", "a PowerShell script"),
        (".so", "a shared library"),
        (".dll", "a shared library"),
        (".dylib", "a shared library"),
        (".exe", "a Windows executable"),
    ];
    if let Some((_, kind)) = by_ext.iter().find(|(e, _)| lower.ends_with(e)) {
        return Some(kind);
    }
    if lower.contains(".so.") {
        return Some("a shared library");
    }
    if head.starts_with(b"#!") {
        return Some("a script");
    }
    if head.starts_with(b"\x7fELF") {
        return Some("an ELF executable");
    }
    if head.starts_with(b"MZ") {
        return Some("a Windows executable");
    }
    if [
        [0xcf, 0xfa, 0xed, 0xfe],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xca, 0xfe, 0xba, 0xbe],
    ]
    .iter()
    .any(|m| head.starts_with(m))
    {
        return Some("a Mach-O executable");
    }
    None
}

/// `NEMO004` for a member that is code.
pub fn check_nemo_member(location: &Location, name: &str, head: &[u8], out: &mut Vec<Finding>) {
    if let Some(kind) = code_kind(name, head) {
        out.push(nemo004_executable_member::finding(location, name, kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::nemo::parse_config;

    fn codes(cfg: &[u8], members: &[&str]) -> Vec<String> {
        let cfg = parse_config(cfg).unwrap();
        let mut out = Vec::new();
        check_nemo(&cfg, members, &Location::file("m.nemo"), &mut out);
        out.iter().map(|f| f.rule.to_string()).collect()
    }

    #[test]
    fn artifacts_inside_the_archive_are_quiet() {
        let c = b"tokenizer:\n  model: nemo:t.model\n  vocab_file: nemo:vocab.txt\n";
        assert!(codes(c, &["./t.model", "./vocab.txt"]).is_empty());
    }

    #[test]
    fn escapes_and_missing_artifacts() {
        let c = b"tokenizer:\n  model: nemo:../../x\n  vocab_file: /etc/passwd\n  merges_file: nemo:gone.txt\n";
        assert_eq!(codes(c, &[]), ["NEMO003", "NEMO002", "NEMO002"]);
    }

    #[test]
    fn code_members() {
        assert_eq!(code_kind("x/run.sh", b""), Some("a shell script"));
        assert_eq!(code_kind("blob", b"\x7fELF"), Some("an ELF executable"));
        assert_eq!(code_kind("model_config.yaml", b"a: 1"), None);
        assert_eq!(code_kind("tokenizer.model", b"\x0a\x0b"), None);
    }
}
