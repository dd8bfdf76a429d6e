//! Tar archives, read in place: entries are located with the `tar` crate and
//! returned as ranges of the input, so nothing is copied or extracted.

use std::io::Cursor;

use crate::Limits;

/// Why a buffer could not be walked as a tar archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TarError {
    #[error("tar archive is unreadable at entry {index}: {message}")]
    Unreadable { index: usize, message: String },
    #[error("tar archive has more than {limit} entries")]
    TooManyEntries { limit: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TarKind {
    File,
    Directory,
    Symlink,
    Hardlink,
    Device,
    Fifo,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TarEntry {
    pub name: String,
    pub kind: TarKind,
    pub link_target: Option<String>,
    /// Byte range of the entry's content in the archive.
    pub data: std::ops::Range<u64>,
}

/// True when the buffer carries a ustar or GNU tar header at its start.
pub fn sniff(data: &[u8]) -> bool {
    matches!(data.get(257..262), Some(b"ustar"))
}

/// Lists every entry with its content range.
pub fn entries(data: &[u8], limits: &Limits) -> Result<Vec<TarEntry>, TarError> {
    let mut archive = tar::Archive::new(Cursor::new(data));
    let iter = archive
        .entries_with_seek()
        .map_err(|e| TarError::Unreadable {
            index: 0,
            message: e.to_string(),
        })?;
    let mut out = Vec::new();
    for (index, entry) in iter.enumerate() {
        if index >= limits.max_archive_entries {
            return Err(TarError::TooManyEntries {
                limit: limits.max_archive_entries,
            });
        }
        let unreadable = |e: std::io::Error| TarError::Unreadable {
            index,
            message: e.to_string(),
        };
        let entry = entry.map_err(unreadable)?;
        let header = entry.header();
        let kind = match header.entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                TarKind::File
            }
            tar::EntryType::Directory => TarKind::Directory,
            tar::EntryType::Symlink => TarKind::Symlink,
            tar::EntryType::Link => TarKind::Hardlink,
            tar::EntryType::Char | tar::EntryType::Block => TarKind::Device,
            tar::EntryType::Fifo => TarKind::Fifo,
            _ => TarKind::Other,
        };
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let link_target = entry
            .link_name_bytes()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let start = entry.raw_file_position();
        let size = entry.size();
        let end = start.saturating_add(size);
        if end > data.len() as u64 {
            return Err(TarError::Unreadable {
                index,
                message: format!("entry `{name}` runs past the end of the archive"),
            });
        }
        out.push(TarEntry {
            name,
            kind,
            link_target,
            data: start..end,
        });
    }
    Ok(out)
}
