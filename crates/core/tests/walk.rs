//! Directory walking: every file listed, links never followed out of the root.

use std::os::unix::fs::symlink;

use sentrascan_core::Scanner;
use sentrascan_core::types::FileStatus;

#[test]
fn walks_recursively_in_order_and_never_leaves_the_root() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.pkl"),
        b"cposix\nsystem\n(S'echo'\ntR.",
    )
    .unwrap();
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir_all(r.join("b/c")).unwrap();
    std::fs::write(r.join("a.pkl"), b"\x80\x02]q\x00.").unwrap();
    std::fs::write(r.join("b/c/deep.pkl"), b"cos\nsystem\n(S'echo'\ntR.").unwrap();
    std::fs::write(r.join("b/notes.txt"), b"hello").unwrap();
    std::fs::write(r.join("b/empty.bin"), b"").unwrap();
    symlink(outside.path().join("secret.pkl"), r.join("escape.pkl")).unwrap();
    symlink(r.join("a.pkl"), r.join("inside_link.pkl")).unwrap();
    symlink(r.join("missing"), r.join("dangling")).unwrap();
    symlink(r, r.join("b/loop")).unwrap();

    let report = Scanner::default().scan_path(r).unwrap();
    let rel: Vec<(String, FileStatus)> = report
        .files
        .iter()
        .map(|f| {
            (
                f.path
                    .strip_prefix(&format!("{}/", r.display()))
                    .unwrap_or(&f.path)
                    .to_string(),
                f.status,
            )
        })
        .collect();
    assert_eq!(
        rel,
        vec![
            ("a.pkl".to_string(), FileStatus::Scanned),
            ("b/c/deep.pkl".to_string(), FileStatus::Scanned),
            ("b/empty.bin".to_string(), FileStatus::Skipped),
            ("b/notes.txt".to_string(), FileStatus::Skipped),
            ("dangling".to_string(), FileStatus::Skipped),
            ("escape.pkl".to_string(), FileStatus::Skipped),
            ("inside_link.pkl".to_string(), FileStatus::Scanned),
        ],
        "{:#?}",
        report.files
    );
    let escape = report
        .files
        .iter()
        .find(|f| f.path.ends_with("escape.pkl"))
        .unwrap();
    assert!(
        escape
            .message
            .as_deref()
            .unwrap()
            .contains("outside the scan root")
    );
    // The file behind the escaping link was never read: only deep.pkl's os.system.
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|f| f.rule == "PKL001")
            .count(),
        1
    );
}
