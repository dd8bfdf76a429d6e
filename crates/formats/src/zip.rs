//! A lenient, bounded zip reader: lenient exactly where PyTorch's reader is
//! (it trusts the central directory, ignores CRC, flag bits and the local
//! header's file name), and strict in reporting every such disagreement as
//! an anomaly. Nothing is extracted to disk; stored members are borrowed
//! slices of the input and deflated ones are inflated into a bounded buffer.

use std::borrow::Cow;

use crate::Limits;

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;

/// Why a buffer could not be read as a zip archive at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZipError {
    #[error("no end-of-central-directory record")]
    NoEndRecord,
    #[error("central directory at {offset:#x} (+{size} bytes) lies outside the {len}-byte file")]
    CentralOutOfBounds { offset: u64, size: u64, len: u64 },
    #[error("central directory entry {index} at {offset:#x} is truncated or has a bad signature")]
    BadCentralEntry { index: usize, offset: u64 },
    #[error("archive declares {declared} entries, more than the limit of {limit}")]
    TooManyEntries { declared: u64, limit: usize },
}

/// One member, as the central directory describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// Name from the central directory (what PyTorch uses).
    pub name: String,
    /// Name from the local header, when it could be read.
    pub local_name: Option<String>,
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub local_header_offset: u64,
    /// Start of the member's data, after the local header; `None` when the
    /// local header is missing or outside the file.
    pub data_offset: Option<u64>,
    /// Unix mode from the external attributes, when the archive was made on Unix.
    pub unix_mode: Option<u32>,
}

impl ZipEntry {
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }

    pub fn is_encrypted(&self) -> bool {
        self.flags & 1 != 0
    }

    pub fn is_symlink(&self) -> bool {
        self.unix_mode.is_some_and(|m| m & 0o170000 == 0o120000)
    }

    /// The data range in the archive, if it lies inside the file.
    pub fn data_range(&self, len: u64) -> Option<std::ops::Range<u64>> {
        let start = self.data_offset?;
        let end = start.checked_add(self.compressed_size)?;
        (end <= len).then_some(start..end)
    }
}

/// Something about the archive that a strict reader would reject or that
/// differs between readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipAnomaly {
    /// Local header name differs from the central directory name.
    NameMismatch { central: String, local: String },
    /// Two members share a name.
    DuplicateName { name: String },
    /// The encryption flag is set.
    EncryptedFlag { name: String },
    /// The local header's method or sizes disagree with the central directory.
    HeaderMismatch { name: String, field: &'static str },
    /// Local header missing or with a bad signature.
    BadLocalHeader { name: String, offset: u64 },
    /// Member data runs past the end of the file.
    DataOutOfBounds { name: String },
    /// Bytes before the first member (self-extracting stub or polyglot).
    PrependedData { length: u64 },
    /// Declared entry count differs from entries found.
    EntryCountMismatch { declared: u64, found: u64 },
}

/// The parsed directory of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ZipView {
    pub entries: Vec<ZipEntry>,
    pub anomalies: Vec<ZipAnomaly>,
    pub zip64: bool,
}

fn u16_at(d: &[u8], o: u64) -> Option<u16> {
    let o = usize::try_from(o).ok()?;
    let b = d.get(o..o.checked_add(2)?)?;
    Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
}

fn u32_at(d: &[u8], o: u64) -> Option<u32> {
    let o = usize::try_from(o).ok()?;
    let b = d.get(o..o.checked_add(4)?)?;
    let mut a = [0u8; 4];
    a.copy_from_slice(b);
    Some(u32::from_le_bytes(a))
}

fn u64_at(d: &[u8], o: u64) -> Option<u64> {
    let o = usize::try_from(o).ok()?;
    let b = d.get(o..o.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}

fn bytes_at(d: &[u8], o: u64, n: u64) -> Option<&[u8]> {
    let o = usize::try_from(o).ok()?;
    let n = usize::try_from(n).ok()?;
    d.get(o..o.checked_add(n)?)
}

/// True when the buffer looks like a zip archive (local header first, or an
/// end record near the end).
pub fn sniff(data: &[u8]) -> bool {
    data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") || find_eocd(data).is_some()
}

fn find_eocd(data: &[u8]) -> Option<u64> {
    let len = data.len();
    if len < 22 {
        return None;
    }
    let lowest = len.saturating_sub(22usize.saturating_add(0xffff));
    let mut pos = len.saturating_sub(22);
    loop {
        if u32_at(data, pos as u64) == Some(EOCD_SIG) {
            // The comment must end exactly at the end of the file.
            let clen = u16_at(data, (pos as u64).saturating_add(20)).unwrap_or(0) as usize;
            if pos.saturating_add(22).saturating_add(clen) == len {
                return Some(pos as u64);
            }
        }
        if pos == lowest {
            return None;
        }
        pos = pos.saturating_sub(1);
    }
}

/// The archive comment and its file offset: free text after the end of
/// central directory record, which tools display and nothing validates.
pub fn comment(data: &[u8]) -> Option<(u64, &[u8])> {
    let eocd = find_eocd(data)?;
    let start = eocd.checked_add(22)?;
    let text = data.get(usize::try_from(start).ok()?..)?;
    (!text.is_empty()).then_some((start, text))
}

/// Reads the central directory and every local header.
pub fn parse(data: &[u8], limits: &Limits) -> Result<ZipView, ZipError> {
    let len = data.len() as u64;
    let eocd = find_eocd(data).ok_or(ZipError::NoEndRecord)?;
    let mut view = ZipView::default();
    let mut total = u64::from(u16_at(data, eocd.saturating_add(10)).unwrap_or(0));
    let mut cd_size = u64::from(u32_at(data, eocd.saturating_add(12)).unwrap_or(0));
    let mut cd_offset = u64::from(u32_at(data, eocd.saturating_add(16)).unwrap_or(0));
    let mut record_end = eocd;
    if eocd >= 20 && u32_at(data, eocd.saturating_sub(20)) == Some(ZIP64_LOCATOR_SIG) {
        let declared = u64_at(data, eocd.saturating_sub(20).saturating_add(8)).unwrap_or(u64::MAX);
        // With data prepended, the declared offset is off by the prefix; the
        // record (without extensible data) sits right before the locator.
        let adjacent = eocd.saturating_sub(20 + 56);
        let z64 = if u32_at(data, declared) == Some(ZIP64_EOCD_SIG) {
            declared
        } else {
            adjacent
        };
        if u32_at(data, z64) == Some(ZIP64_EOCD_SIG) {
            view.zip64 = true;
            total = u64_at(data, z64.saturating_add(32)).unwrap_or(total);
            cd_size = u64_at(data, z64.saturating_add(40)).unwrap_or(cd_size);
            cd_offset = u64_at(data, z64.saturating_add(48)).unwrap_or(cd_offset);
            record_end = z64;
        }
    }
    if total > limits.max_archive_entries as u64 {
        return Err(ZipError::TooManyEntries {
            declared: total,
            limit: limits.max_archive_entries,
        });
    }
    // Data prepended to the archive shifts every offset by the same amount.
    let actual_cd = record_end
        .checked_sub(cd_size)
        .ok_or(ZipError::CentralOutOfBounds {
            offset: cd_offset,
            size: cd_size,
            len,
        })?;
    let shift = actual_cd.saturating_sub(cd_offset);
    if actual_cd.checked_add(cd_size).is_none_or(|e| e > len) {
        return Err(ZipError::CentralOutOfBounds {
            offset: cd_offset,
            size: cd_size,
            len,
        });
    }
    let mut pos = actual_cd;
    let cd_end = actual_cd.saturating_add(cd_size);
    let mut seen = std::collections::HashSet::new();
    let mut index = 0usize;
    while pos < cd_end {
        if index >= limits.max_archive_entries {
            return Err(ZipError::TooManyEntries {
                declared: index as u64,
                limit: limits.max_archive_entries,
            });
        }
        let bad = ZipError::BadCentralEntry { index, offset: pos };
        if u32_at(data, pos) != Some(CENTRAL_SIG) {
            return Err(bad);
        }
        let field16 = |o: u64| u16_at(data, pos.saturating_add(o));
        let field32 = |o: u64| u32_at(data, pos.saturating_add(o));
        let made_by = field16(4).ok_or(bad.clone())?;
        let flags = field16(8).ok_or(bad.clone())?;
        let method = field16(10).ok_or(bad.clone())?;
        let crc32 = field32(16).ok_or(bad.clone())?;
        let mut csize = u64::from(field32(20).ok_or(bad.clone())?);
        let mut usize_ = u64::from(field32(24).ok_or(bad.clone())?);
        let name_len = u64::from(field16(28).ok_or(bad.clone())?);
        let extra_len = u64::from(field16(30).ok_or(bad.clone())?);
        let comment_len = u64::from(field16(32).ok_or(bad.clone())?);
        let external = field32(38).ok_or(bad.clone())?;
        let mut local = u64::from(field32(42).ok_or(bad.clone())?);
        let name_bytes = bytes_at(data, pos.saturating_add(46), name_len).ok_or(bad.clone())?;
        let extra = bytes_at(
            data,
            pos.saturating_add(46).saturating_add(name_len),
            extra_len,
        )
        .ok_or(bad.clone())?;
        // ZIP64 extended information: only the fields that overflowed, in order.
        let mut e = 0u64;
        while e.saturating_add(4) <= extra.len() as u64 {
            let id = u16_at(extra, e).unwrap_or(0);
            let sz = u64::from(u16_at(extra, e.saturating_add(2)).unwrap_or(0));
            if id == 1 {
                let mut f = e.saturating_add(4);
                let field_end = f.saturating_add(sz);
                for slot in [&mut usize_, &mut csize, &mut local] {
                    if *slot == u64::from(u32::MAX) && f.saturating_add(8) <= field_end {
                        *slot = u64_at(extra, f).unwrap_or(*slot);
                        f = f.saturating_add(8);
                    }
                }
            }
            e = e.saturating_add(4).saturating_add(sz);
        }
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let unix_mode = ((made_by >> 8) == 3).then_some(external >> 16);
        let local_abs = local.saturating_add(shift);
        let mut entry = ZipEntry {
            name: name.clone(),
            local_name: None,
            flags,
            method,
            crc32,
            compressed_size: csize,
            uncompressed_size: usize_,
            local_header_offset: local_abs,
            data_offset: None,
            unix_mode,
        };
        if u32_at(data, local_abs) == Some(LOCAL_SIG) {
            let lflags = u16_at(data, local_abs.saturating_add(6));
            let lmethod = u16_at(data, local_abs.saturating_add(8));
            let lname_len = u64::from(u16_at(data, local_abs.saturating_add(26)).unwrap_or(0));
            let lextra_len = u64::from(u16_at(data, local_abs.saturating_add(28)).unwrap_or(0));
            if let Some(ln) = bytes_at(data, local_abs.saturating_add(30), lname_len) {
                let lname = String::from_utf8_lossy(ln).into_owned();
                if lname != name {
                    view.anomalies.push(ZipAnomaly::NameMismatch {
                        central: name.clone(),
                        local: lname.clone(),
                    });
                }
                entry.local_name = Some(lname);
            }
            if lmethod.is_some_and(|m| m != method) {
                view.anomalies.push(ZipAnomaly::HeaderMismatch {
                    name: name.clone(),
                    field: "compression method",
                });
            }
            if lflags.is_some_and(|f| (f & 1) != (flags & 1)) {
                view.anomalies.push(ZipAnomaly::HeaderMismatch {
                    name: name.clone(),
                    field: "encryption flag",
                });
            }
            let data_start = local_abs
                .saturating_add(30)
                .saturating_add(lname_len)
                .saturating_add(lextra_len);
            entry.data_offset = Some(data_start);
            if data_start.checked_add(csize).is_none_or(|e| e > len) {
                view.anomalies
                    .push(ZipAnomaly::DataOutOfBounds { name: name.clone() });
            }
        } else {
            view.anomalies.push(ZipAnomaly::BadLocalHeader {
                name: name.clone(),
                offset: local_abs,
            });
        }
        if flags & 1 != 0 || lflag_encrypted(data, local_abs) {
            view.anomalies
                .push(ZipAnomaly::EncryptedFlag { name: name.clone() });
        }
        if !seen.insert(name.clone()) {
            view.anomalies.push(ZipAnomaly::DuplicateName { name });
        }
        view.entries.push(entry);
        pos = pos
            .saturating_add(46)
            .saturating_add(name_len)
            .saturating_add(extra_len)
            .saturating_add(comment_len);
        index = index.saturating_add(1);
    }
    if total != view.entries.len() as u64 {
        view.anomalies.push(ZipAnomaly::EntryCountMismatch {
            declared: total,
            found: view.entries.len() as u64,
        });
    }
    if let Some(first) = view.entries.iter().map(|e| e.local_header_offset).min()
        && first > 0
    {
        view.anomalies
            .push(ZipAnomaly::PrependedData { length: first });
    }
    Ok(view)
}

fn lflag_encrypted(data: &[u8], local: u64) -> bool {
    u32_at(data, local) == Some(LOCAL_SIG)
        && u16_at(data, local.saturating_add(6)).is_some_and(|f| f & 1 != 0)
}

/// Why a member's bytes could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MemberError {
    #[error("member `{name}` has no readable local header")]
    NoData { name: String },
    #[error("member `{name}` data lies outside the archive")]
    OutOfBounds { name: String },
    #[error(
        "member `{name}` uses compression method {method}, which this version does not decompress"
    )]
    UnsupportedMethod { name: String, method: u16 },
    #[error("member `{name}` does not inflate: {message}")]
    Corrupt { name: String, message: String },
    /// Decompression stopped early (limit or bomb); `data` is what came out.
    #[error("member `{name}` was cut at {} bytes: {}", data.len(), if *bomb { "compression ratio over the limit" } else { "it inflates past the limit" })]
    Truncated {
        name: String,
        data: Vec<u8>,
        bomb: bool,
        limit: u64,
        consumed: u64,
    },
}

/// The member's uncompressed bytes: borrowed when stored, inflated (bounded) when deflated.
pub fn member_data<'a>(
    data: &'a [u8],
    entry: &ZipEntry,
    limits: &Limits,
) -> Result<Cow<'a, [u8]>, MemberError> {
    let name = || entry.name.clone();
    let start = entry
        .data_offset
        .ok_or_else(|| MemberError::NoData { name: name() })?;
    let raw = bytes_at(data, start, entry.compressed_size)
        .ok_or_else(|| MemberError::OutOfBounds { name: name() })?;
    let bound = crate::compress::Bound {
        limit: limits.max_member_bytes.min(limits.max_decompressed_bytes),
        ..crate::compress::Bound::from_limits(limits)
    };
    let corrupt = |message: String| MemberError::Corrupt {
        name: name(),
        message,
    };
    let d = match entry.method {
        0 => return Ok(Cow::Borrowed(raw)),
        8 | 12 | 93 | 95 => {
            let kind = match entry.method {
                8 => crate::compress::Compression::Deflate,
                12 => crate::compress::Compression::Bzip2,
                93 => crate::compress::Compression::Zstd,
                _ => crate::compress::Compression::Xz,
            };
            crate::compress::decompress(raw, kind, &bound).map_err(|e| corrupt(e.to_string()))?
        }
        14 => {
            let size = if entry.flags & 2 != 0 {
                u64::MAX
            } else {
                entry.uncompressed_size
            };
            crate::compress::decompress_zip_lzma(raw, size, &bound)
                .map_err(|e| corrupt(e.to_string()))?
        }
        m => {
            return Err(MemberError::UnsupportedMethod {
                name: name(),
                method: m,
            });
        }
    };
    if d.truncated {
        return Err(MemberError::Truncated {
            name: name(),
            data: d.data,
            bomb: d.bomb,
            limit: bound.limit,
            consumed: d.consumed,
        });
    }
    Ok(Cow::Owned(d.data))
}

/// CRC-32 (IEEE) of a buffer, as zip stores it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(bytes);
    c.sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal stored zip built by hand.
    fn stored_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in members {
            let off = out.len() as u32;
            let crc = crc32(body);
            out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(body);
            central.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
            central.extend_from_slice(&[20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&crc.to_le_bytes());
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
            central.extend_from_slice(&off.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_off = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_off.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn reads_stored_members_and_reports_duplicates() {
        let z = stored_zip(&[("a/data.pkl", b"hello"), ("a/data.pkl", b"world")]);
        let v = parse(&z, &Limits::default()).unwrap();
        assert_eq!(v.entries.len(), 2);
        assert_eq!(
            member_data(&z, &v.entries[1], &Limits::default())
                .unwrap()
                .as_ref(),
            b"world"
        );
        assert!(v.anomalies.contains(&ZipAnomaly::DuplicateName {
            name: "a/data.pkl".into()
        }));
        assert_eq!(crc32(b"hello"), v.entries[0].crc32);
    }

    #[test]
    fn local_name_mismatch_is_an_anomaly_not_an_error() {
        let mut z = stored_zip(&[("a/data.pkl", b"x")]);
        z[30] = b'b';
        let v = parse(&z, &Limits::default()).unwrap();
        assert_eq!(
            v.anomalies,
            vec![ZipAnomaly::NameMismatch {
                central: "a/data.pkl".into(),
                local: "b/data.pkl".into()
            }]
        );
    }

    #[test]
    fn prepended_bytes_shift_offsets() {
        let mut z = b"#!/bin/sh\nexit 0\n".to_vec();
        z.extend(stored_zip(&[("m", b"payload")]));
        let v = parse(&z, &Limits::default()).unwrap();
        assert_eq!(
            member_data(&z, &v.entries[0], &Limits::default())
                .unwrap()
                .as_ref(),
            b"payload"
        );
        assert!(matches!(
            v.anomalies[0],
            ZipAnomaly::PrependedData { length: 17 }
        ));
    }

    #[test]
    fn truncated_archive_is_an_error() {
        let z = stored_zip(&[("m", b"payload")]);
        assert!(parse(&z[..z.len() - 30], &Limits::default()).is_err());
        assert!(parse(b"PK\x03\x04", &Limits::default()).is_err());
    }
}
