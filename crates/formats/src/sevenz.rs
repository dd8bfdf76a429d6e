//! 7z archives, read through `sevenz-rust2` into bounded buffers, member by
//! member (solid blocks are decoded in order, as 7z requires).

use std::io::{Cursor, Read};

use crate::Limits;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SevenZEntry {
    pub name: String,
    pub is_dir: bool,
    /// Size the archive declares for the member.
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SevenZError {
    #[error("7z archive is encrypted; its members cannot be inspected without the password")]
    Encrypted,
    #[error("7z archive is unreadable: {0}")]
    Unreadable(String),
    #[error("7z archive has {found} members, more than the limit of {limit}")]
    TooManyEntries { found: usize, limit: usize },
}

/// What reading one member gave.
#[derive(Debug)]
pub enum MemberData {
    Bytes(Vec<u8>),
    /// Cut at the per-member limit.
    Truncated(Vec<u8>),
    Failed(String),
}

pub fn sniff(data: &[u8]) -> bool {
    data.starts_with(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c])
}

fn convert(e: sevenz_rust2::Error) -> SevenZError {
    match e {
        sevenz_rust2::Error::PasswordRequired | sevenz_rust2::Error::MaybeBadPassword(_) => {
            SevenZError::Encrypted
        }
        other => SevenZError::Unreadable(other.to_string()),
    }
}

/// Calls `visit` with every member and its bytes (bounded by the limits).
pub fn walk(
    data: &[u8],
    limits: &Limits,
    mut visit: impl FnMut(&SevenZEntry, MemberData),
) -> Result<(), SevenZError> {
    // The decoder is a dependency: contain any panic it might raise on hostile input.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(
        || -> Result<(), SevenZError> {
            let mut reader = sevenz_rust2::ArchiveReader::new(
                Cursor::new(data),
                sevenz_rust2::Password::empty(),
            )
            .map_err(convert)?;
            let found = reader.archive().files.len();
            if found > limits.max_archive_entries {
                return Err(SevenZError::TooManyEntries {
                    found,
                    limit: limits.max_archive_entries,
                });
            }
            let mut total = 0u64;
            reader
                .for_each_entries(|entry, rd| {
                    let e = SevenZEntry {
                        name: entry.name().to_string(),
                        is_dir: entry.is_directory(),
                        size: entry.size(),
                    };
                    if e.is_dir {
                        visit(&e, MemberData::Bytes(Vec::new()));
                        return Ok(true);
                    }
                    let cap = limits
                        .max_member_bytes
                        .min(limits.max_archive_bytes.saturating_sub(total));
                    let mut buf = Vec::new();
                    let got = rd.take(cap.saturating_add(1)).read_to_end(&mut buf);
                    total = total.saturating_add(buf.len() as u64);
                    match got {
                        Err(err) => visit(&e, MemberData::Failed(err.to_string())),
                        Ok(_) if buf.len() as u64 > cap => {
                            buf.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
                            visit(&e, MemberData::Truncated(buf));
                            return Ok(false);
                        }
                        Ok(_) => visit(&e, MemberData::Bytes(buf)),
                    }
                    Ok(true)
                })
                .map_err(convert)
        },
    ));
    result.unwrap_or_else(|_| {
        Err(SevenZError::Unreadable(
            "the 7z decoder failed on this input".into(),
        ))
    })
}
