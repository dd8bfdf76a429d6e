//! Directory walking: every file under the roots, in a stable order, never
//! following a symbolic link out of its root.

use std::fs;
use std::path::{Path, PathBuf};

use sentrascan_types::FileStatus;

pub(crate) enum WalkItem {
    File {
        path: PathBuf,
        display: String,
    },
    /// A root was a directory (the scan is a multi-file scan).
    Directory,
    /// Something that is listed but not scanned, with why.
    Problem {
        display: String,
        message: String,
        status: FileStatus,
    },
}

/// Directory levels followed at most.
const MAX_DEPTH: usize = 64;

pub(crate) fn walk(root: &Path) -> Vec<WalkItem> {
    let display = root.display().to_string();
    let meta = match fs::metadata(root) {
        Ok(m) => m,
        Err(e) => {
            let message = if e.kind() == std::io::ErrorKind::NotFound {
                "no such file or directory".to_string()
            } else {
                format!("cannot read: {e}")
            };
            return vec![WalkItem::Problem {
                display,
                message,
                status: FileStatus::Error,
            }];
        }
    };
    if meta.is_file() {
        return vec![WalkItem::File {
            path: root.to_path_buf(),
            display,
        }];
    }
    if !meta.is_dir() {
        return vec![WalkItem::Problem {
            display,
            message: "not a regular file".into(),
            status: FileStatus::Skipped,
        }];
    }
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut out = vec![WalkItem::Directory];
    let mut visited = std::collections::HashSet::new();
    visit(root, &canonical_root, 0, &mut visited, &mut out);
    out
}

fn visit(
    dir: &Path,
    root: &Path,
    depth: usize,
    visited: &mut std::collections::HashSet<PathBuf>,
    out: &mut Vec<WalkItem>,
) {
    let display = dir.display().to_string();
    if depth > MAX_DEPTH {
        out.push(WalkItem::Problem {
            display,
            message: format!("deeper than {MAX_DEPTH} directory levels"),
            status: FileStatus::Error,
        });
        return;
    }
    if let Ok(c) = fs::canonicalize(dir)
        && !visited.insert(c)
    {
        return;
    }
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            out.push(WalkItem::Problem {
                display,
                message: format!("cannot list directory: {e}"),
                status: FileStatus::Error,
            });
            return;
        }
    };
    entries.sort();
    for path in entries {
        let display = path.display().to_string();
        let Ok(lmeta) = fs::symlink_metadata(&path) else {
            out.push(WalkItem::Problem {
                display,
                message: "cannot read metadata".into(),
                status: FileStatus::Error,
            });
            continue;
        };
        let target_meta = if lmeta.file_type().is_symlink() {
            match fs::canonicalize(&path) {
                Ok(t) if t.starts_with(root) => fs::metadata(&t).ok(),
                Ok(t) => {
                    out.push(WalkItem::Problem {
                        display,
                        message: format!(
                            "symbolic link to {} outside the scan root is not followed",
                            t.display()
                        ),
                        status: FileStatus::Skipped,
                    });
                    continue;
                }
                Err(_) => {
                    out.push(WalkItem::Problem {
                        display,
                        message: "dangling symbolic link".into(),
                        status: FileStatus::Skipped,
                    });
                    continue;
                }
            }
        } else {
            Some(lmeta)
        };
        match target_meta {
            Some(m) if m.is_dir() => visit(&path, root, depth + 1, visited, out),
            Some(m) if m.is_file() => out.push(WalkItem::File { path, display }),
            _ => out.push(WalkItem::Problem {
                display,
                message: "not a regular file".into(),
                status: FileStatus::Skipped,
            }),
        }
    }
}
