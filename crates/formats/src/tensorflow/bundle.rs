//! TensorFlow checkpoints as `tf.train.Checkpoint`, `tf.train.Saver` (V2)
//! and SavedModel's `variables/` write them: a tensor-bundle index
//! (`*.index`), data shards (`*.data-00000-of-00001`), the `checkpoint`
//! state file and SavedModel's `fingerprint.pb`.
//!
//! The index is a table in LevelDB's format: data blocks of prefix-compressed
//! key/value entries, an index block of handles to them, and a 48-byte
//! footer ending in a fixed magic number. Keys are tensor names; the empty
//! key holds a `BundleHeaderProto` (shard count, endianness, version), every
//! other value a `BundleEntryProto` (dtype, shape, shard, offset, size).
//! Nothing in a bundle is code: TensorFlow reads the shards as raw tensor
//! bytes at the offsets the index gives. What matters for a scan is that the
//! index is intact and that its entries stay inside the shards they name.

use std::collections::BTreeMap;

use super::TfError;
use super::wire::{Value, fields, varint};

/// The last eight bytes of a LevelDB-format table (`kTableMagicNumber`).
pub const TABLE_MAGIC: [u8; 8] = 0xdb47_7524_8b80_fb57u64.to_le_bytes();
/// Footer: two block handles padded to 40 bytes, then the magic.
const FOOTER_LEN: usize = 48;
/// Each block is followed by its compression type and a CRC-32C.
const BLOCK_TRAILER: usize = 5;
/// Entries described one by one; the rest are counted.
pub const MAX_LISTED_ENTRIES: usize = 4096;
/// Entries read at all; an index with more is reported as a limit.
pub const MAX_ENTRIES: u64 = 4_000_000;
/// Longest key (tensor name) accepted.
const MAX_KEY: usize = 64 * 1024;

/// One tensor of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleEntry {
    pub name: String,
    pub dtype: u64,
    pub shape: Vec<i64>,
    pub shard_id: u64,
    pub offset: u64,
    pub size: u64,
    /// Saved as slices of a partitioned variable (no offset of its own).
    pub sliced: bool,
}

/// What an index holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleIndex {
    /// From the header entry; 1 when it says nothing.
    pub num_shards: u64,
    /// 0 little-endian, 1 big-endian.
    pub endianness: u64,
    pub version: Option<u64>,
    pub header_found: bool,
    /// Every tensor entry read.
    pub tensors: u64,
    /// Sum of the entries' sizes.
    pub total_bytes: u64,
    /// Tensors per `DataType` number.
    pub dtypes: BTreeMap<u64, u64>,
    /// The first [`MAX_LISTED_ENTRIES`] entries.
    pub entries: Vec<BundleEntry>,
    /// Where the index stops making sense; what was read before stays.
    pub problems: Vec<TfError>,
    pub limits_hit: Vec<(&'static str, u64)>,
}

/// A table footer: the file ends with LevelDB's magic number.
pub fn sniff_index(data: &[u8]) -> bool {
    data.len() >= FOOTER_LEN && data.ends_with(&TABLE_MAGIC)
}

/// A data shard by its name (`variables.data-00000-of-00001`): raw tensor
/// bytes, with no structure of their own to sniff.
pub fn is_data_shard_name(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let Some((_, tail)) = base.rsplit_once(".data-") else {
        return false;
    };
    let Some((index, count)) = tail.split_once("-of-") else {
        return false;
    };
    index.len() == 5
        && count.len() == 5
        && index.bytes().all(|b| b.is_ascii_digit())
        && count.bytes().all(|b| b.is_ascii_digit())
}

fn bad(offset: usize, reason: impl Into<String>) -> TfError {
    TfError::Undecodable {
        what: "checkpoint index",
        offset: offset as u64,
        reason: reason.into(),
    }
}

/// A block handle: offset and size of a block in the file.
fn handle(data: &[u8], pos: &mut usize) -> Option<(usize, usize)> {
    let offset = usize::try_from(varint(data, pos)?).ok()?;
    let size = usize::try_from(varint(data, pos)?).ok()?;
    Some((offset, size))
}

/// The contents of the block at `(offset, size)`, checked to lie inside the
/// file with its trailer and to be stored uncompressed (TensorFlow writes
/// bundle indexes without compression).
fn block(data: &[u8], (offset, size): (usize, usize)) -> Result<&[u8], TfError> {
    let end = offset
        .checked_add(size)
        .filter(|e| e.saturating_add(BLOCK_TRAILER) <= data.len().saturating_sub(FOOTER_LEN))
        .ok_or_else(|| bad(offset, format!("block of {size} bytes runs past the table")))?;
    match data.get(end) {
        Some(0) => data
            .get(offset..end)
            .ok_or_else(|| bad(offset, "block outside the file")),
        Some(t) => Err(bad(
            end,
            format!("block compressed with type {t}, which bundle indexes never use"),
        )),
        None => Err(bad(end, "block trailer missing")),
    }
}

/// The entries of one block: `(key, value, offset of the entry)`, with keys
/// rebuilt from their shared prefixes. Stops at the first bad entry.
fn entries<'a>(
    block: &'a [u8],
    base: usize,
    mut each: impl FnMut(&[u8], &'a [u8], usize) -> bool,
) -> Result<(), TfError> {
    let restarts = block
        .len()
        .checked_sub(4)
        .and_then(|at| block.get(at..))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| bad(base, "block shorter than its restart count"))?;
    let end = usize::try_from(restarts)
        .ok()
        .and_then(|n| n.checked_mul(4))
        .and_then(|n| block.len().checked_sub(n.saturating_add(4)))
        .ok_or_else(|| {
            bad(
                base,
                format!("{restarts} restart points do not fit the block"),
            )
        })?;
    let mut key: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    while pos < end {
        let at = pos;
        let at_file = base.saturating_add(at);
        let (Some(shared), Some(unshared), Some(len)) = (
            varint(block, &mut pos),
            varint(block, &mut pos),
            varint(block, &mut pos),
        ) else {
            return Err(bad(at_file, "truncated entry header"));
        };
        let shared = usize::try_from(shared).unwrap_or(usize::MAX);
        let unshared = usize::try_from(unshared).unwrap_or(usize::MAX);
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if shared > key.len() || shared.saturating_add(unshared) > MAX_KEY {
            return Err(bad(at_file, "entry key does not follow the previous key"));
        }
        let delta_end = pos.saturating_add(unshared);
        let value_end = delta_end.saturating_add(len);
        let (Some(delta), Some(value)) =
            (block.get(pos..delta_end), block.get(delta_end..value_end))
        else {
            return Err(bad(at_file, "entry runs past its block"));
        };
        if value_end > end {
            return Err(bad(at_file, "entry runs into the restart array"));
        }
        key.truncate(shared);
        key.extend_from_slice(delta);
        pos = value_end;
        if !each(&key, value, at_file) {
            break;
        }
    }
    Ok(())
}

/// Reads a bundle index.
pub fn parse_index(data: &[u8]) -> Result<BundleIndex, TfError> {
    if !sniff_index(data) {
        return Err(bad(0, "no table footer"));
    }
    let footer_at = data.len().saturating_sub(FOOTER_LEN);
    let footer = data.get(footer_at..).unwrap_or(&[]);
    let mut pos = 0usize;
    let (Some(_meta), Some(index_handle)) = (handle(footer, &mut pos), handle(footer, &mut pos))
    else {
        return Err(bad(footer_at, "footer block handles cannot be read"));
    };
    let index_block = block(data, index_handle)?;
    let mut out = BundleIndex {
        num_shards: 1,
        ..BundleIndex::default()
    };
    let mut data_blocks: Vec<(usize, usize)> = Vec::new();
    entries(index_block, index_handle.0, |_, value, at| {
        let mut p = 0usize;
        match handle(value, &mut p) {
            Some(h) => data_blocks.push(h),
            None => out
                .problems
                .push(bad(at, "index entry is not a block handle")),
        }
        out.problems.is_empty()
    })?;
    'blocks: for h in data_blocks {
        let b = match block(data, h) {
            Ok(b) => b,
            Err(e) => {
                out.problems.push(e);
                break;
            }
        };
        let mut stop = false;
        let walked = entries(b, h.0, |key, value, at| {
            if key.is_empty() {
                read_header(value, &mut out);
                return true;
            }
            if out.tensors >= MAX_ENTRIES {
                out.limits_hit.push(("max_archive_entries", MAX_ENTRIES));
                stop = true;
                return false;
            }
            match read_entry(key, value) {
                Ok(e) => out.add(e),
                Err(reason) => {
                    out.problems.push(bad(at, reason));
                    stop = true;
                    return false;
                }
            }
            true
        });
        if let Err(e) = walked {
            out.problems.push(e);
            break 'blocks;
        }
        if stop {
            break;
        }
    }
    if !out.header_found && out.problems.is_empty() {
        out.problems
            .push(bad(index_handle.0, "no header entry (the empty key)"));
    }
    for e in &out.entries {
        if !e.sliced && e.shard_id >= out.num_shards {
            out.problems.push(bad(
                0,
                format!(
                    "tensor `{}` names shard {} of {}",
                    e.name, e.shard_id, out.num_shards
                ),
            ));
            break;
        }
    }
    Ok(out)
}

impl BundleIndex {
    fn add(&mut self, e: BundleEntry) {
        self.tensors = self.tensors.saturating_add(1);
        self.total_bytes = self.total_bytes.saturating_add(e.size);
        let n = self.dtypes.entry(e.dtype).or_insert(0);
        *n = n.saturating_add(1);
        if self.entries.len() < MAX_LISTED_ENTRIES {
            self.entries.push(e);
        }
    }
}

/// `BundleHeaderProto`: num_shards (1), endianness (2), version (3, a VersionDef).
fn read_header(value: &[u8], out: &mut BundleIndex) {
    out.header_found = true;
    for f in fields(value).map_while(Result::ok) {
        match (f.number, f.value) {
            (1, Value::Varint(n)) => out.num_shards = n,
            (2, Value::Varint(n)) => out.endianness = n,
            (3, Value::Bytes(v)) => {
                out.version =
                    fields(v)
                        .map_while(Result::ok)
                        .find_map(|g| match (g.number, g.value) {
                            (1, Value::Varint(p)) => Some(p),
                            _ => None,
                        });
            }
            _ => {}
        }
    }
}

/// `BundleEntryProto`: dtype (1), shape (2), shard_id (3), offset (4),
/// size (5), crc32c (6), slices (7).
fn read_entry(key: &[u8], value: &[u8]) -> Result<BundleEntry, String> {
    let mut e = BundleEntry {
        name: String::from_utf8_lossy(key).into_owned(),
        dtype: 0,
        shape: Vec::new(),
        shard_id: 0,
        offset: 0,
        size: 0,
        sliced: false,
    };
    for f in fields(value) {
        let f = f.map_err(|w| format!("tensor `{}`: {}", e.name, w.reason))?;
        match (f.number, f.value) {
            (1, Value::Varint(n)) => e.dtype = n,
            (2, Value::Bytes(shape)) => e.shape = dims(shape),
            (3, Value::Varint(n)) => e.shard_id = n,
            (4, Value::Varint(n)) => e.offset = n,
            (5, Value::Varint(n)) => e.size = n,
            (7, Value::Bytes(_)) => e.sliced = true,
            _ => {}
        }
    }
    if e.offset.checked_add(e.size).is_none() {
        return Err(format!("tensor `{}`: offset + size overflows", e.name));
    }
    Ok(e)
}

/// `TensorShapeProto.dim[].size` (int64 as a varint; -1 for unknown).
fn dims(shape: &[u8]) -> Vec<i64> {
    fields(shape)
        .map_while(Result::ok)
        .filter_map(|f| match (f.number, f.value) {
            (2, Value::Bytes(d)) => Some(
                fields(d)
                    .map_while(Result::ok)
                    .find_map(|g| match (g.number, g.value) {
                        (1, Value::Varint(n)) => Some(n as i64),
                        _ => None,
                    })
                    .unwrap_or(0),
            ),
            _ => None,
        })
        .take(64)
        .collect()
}

/// SavedModel's `fingerprint.pb` (`FingerprintDef`): five uint64 hashes
/// (fields 1–5) and a VersionDef (6). Checked by name and shape.
pub fn is_fingerprint(data: &[u8], name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if !base.eq_ignore_ascii_case("fingerprint.pb") || data.is_empty() || data.len() > 4096 {
        return false;
    }
    let mut hashes: u32 = 0;
    for f in fields(data) {
        match f {
            Ok(f) => match (f.number, f.value) {
                (1..=5, Value::Varint(_)) => hashes = hashes.saturating_add(1u32),
                (6, Value::Bytes(_)) => {}
                _ => return false,
            },
            Err(_) => return false,
        }
    }
    hashes > 0
}

/// The SavedModel fingerprint's hashes, by field name.
pub fn fingerprint_fields(data: &[u8]) -> Vec<(&'static str, u64)> {
    fields(data)
        .map_while(Result::ok)
        .filter_map(|f| {
            let name = match f.number {
                1 => "saved_model_checksum",
                2 => "graph_def_program_hash",
                3 => "signature_def_hash",
                4 => "saved_object_graph_hash",
                5 => "checkpoint_hash",
                _ => return None,
            };
            match f.value {
                Value::Varint(v) => Some((name, v)),
                _ => None,
            }
        })
        .collect()
}

/// The `checkpoint` state file `tf.train.CheckpointManager` and `Saver`
/// keep beside their checkpoints: a text `CheckpointState`.
pub fn is_checkpoint_state(data: &[u8], name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base == "checkpoint"
        && data.len() <= 1 << 20
        && std::str::from_utf8(data).is_ok_and(|t| {
            t.trim_start().starts_with("model_checkpoint_path:")
                && t.lines().all(|l| state_line(l.trim()))
        })
}

/// One line of a text `CheckpointState`: a known field with a quoted path
/// or a number (anything else, such as a YAML tag, is not one).
fn state_line(l: &str) -> bool {
    if l.is_empty() {
        return true;
    }
    let Some((key, value)) = l.split_once(':') else {
        return false;
    };
    let value = value.trim();
    match key {
        "model_checkpoint_path" | "all_model_checkpoint_paths" => {
            value.len() >= 2 && value.starts_with('"') && value.ends_with('"')
        }
        "all_model_checkpoint_timestamps" | "last_preserved_timestamp" => {
            value.parse::<f64>().is_ok()
        }
        _ => false,
    }
}

/// The paths a `checkpoint` state file names (`model_checkpoint_path` first).
pub fn checkpoint_state_paths(data: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let v = l
                .strip_prefix("model_checkpoint_path:")
                .or_else(|| l.strip_prefix("all_model_checkpoint_paths:"))?;
            Some(v.trim().trim_matches('"').to_string())
        })
        .take(1024)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint_bytes(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
    }

    /// A one-block table holding `pairs` (sorted keys), as LevelDB lays it out.
    fn table(pairs: &[(&[u8], Vec<u8>)]) -> Vec<u8> {
        let mut data_block = Vec::new();
        for (k, v) in pairs {
            varint_bytes(0, &mut data_block);
            varint_bytes(k.len() as u64, &mut data_block);
            varint_bytes(v.len() as u64, &mut data_block);
            data_block.extend_from_slice(k);
            data_block.extend_from_slice(v);
        }
        data_block.extend_from_slice(&0u32.to_le_bytes());
        data_block.extend_from_slice(&1u32.to_le_bytes());
        // One restart at 0: count 1, offset 0 (written before the count).
        let n = data_block.len();
        data_block[n - 8..n - 4].copy_from_slice(&0u32.to_le_bytes());
        let mut file = data_block.clone();
        file.extend_from_slice(&[0, 0, 0, 0, 0]);
        let mut handle_v = Vec::new();
        varint_bytes(0, &mut handle_v);
        varint_bytes(data_block.len() as u64, &mut handle_v);
        let mut index_block = Vec::new();
        varint_bytes(0, &mut index_block);
        varint_bytes(1, &mut index_block);
        varint_bytes(handle_v.len() as u64, &mut index_block);
        index_block.push(b'~');
        index_block.extend_from_slice(&handle_v);
        index_block.extend_from_slice(&0u32.to_le_bytes());
        index_block.extend_from_slice(&1u32.to_le_bytes());
        let index_at = file.len();
        file.extend_from_slice(&index_block);
        file.extend_from_slice(&[0, 0, 0, 0, 0]);
        let mut footer = Vec::new();
        varint_bytes(0, &mut footer);
        varint_bytes(0, &mut footer);
        varint_bytes(index_at as u64, &mut footer);
        varint_bytes(index_block.len() as u64, &mut footer);
        footer.resize(40, 0);
        footer.extend_from_slice(&TABLE_MAGIC);
        file.extend_from_slice(&footer);
        file
    }

    fn entry(dtype: u64, shard: u64, offset: u64, size: u64) -> Vec<u8> {
        let mut v = Vec::new();
        for (field, value) in [(1u64, dtype), (3, shard), (4, offset), (5, size)] {
            varint_bytes(field << 3, &mut v);
            varint_bytes(value, &mut v);
        }
        v
    }

    #[test]
    fn reads_header_and_entries() {
        let header = vec![0x08, 0x01];
        let t = table(&[
            (b"", header),
            (b"w", entry(1, 0, 0, 64)),
            (b"x", entry(1, 0, 64, 16)),
        ]);
        assert!(sniff_index(&t));
        let i = parse_index(&t).unwrap();
        assert!(i.problems.is_empty(), "{:?}", i.problems);
        assert_eq!((i.num_shards, i.tensors, i.total_bytes), (1, 2, 80));
        assert_eq!(i.entries[1].name, "x");
        assert_eq!(i.dtypes.get(&1), Some(&2));
    }

    #[test]
    fn a_shard_beyond_the_header_count_is_a_problem() {
        let t = table(&[(b"", vec![0x08, 0x01]), (b"w", entry(1, 3, 0, 64))]);
        let i = parse_index(&t).unwrap();
        assert_eq!(i.problems.len(), 1, "{:?}", i.problems);
        assert!(i.problems[0].to_string().contains("shard 3 of 1"));
    }

    #[test]
    fn handles_outside_the_file_are_errors_not_panics() {
        let mut t = table(&[(b"", vec![0x08, 0x01])]);
        let n = t.len();
        // The index handle's offset: the third varint of the footer.
        t[n - 48 + 2] = 0x7f;
        assert!(parse_index(&t).is_err());
        assert!(parse_index(&t[..n - 1]).is_err());
    }

    #[test]
    fn names() {
        assert!(is_data_shard_name(
            "variables/variables.data-00000-of-00001"
        ));
        assert!(is_data_shard_name("ckpt-3.data-00001-of-00002"));
        assert!(!is_data_shard_name("train.data-1-of-2"));
        assert!(!is_data_shard_name("model.data"));
        assert!(is_checkpoint_state(
            b"model_checkpoint_path: \"ckpt-1\"\nall_model_checkpoint_paths: \"ckpt-1\"\n",
            "ckpts/checkpoint"
        ));
        assert!(!is_checkpoint_state(b"hello", "checkpoint"));
        assert!(!is_checkpoint_state(
            b"model_checkpoint_path: !!python/object/apply:os.system [\"id\"]\n",
            "checkpoint"
        ));
        assert_eq!(
            checkpoint_state_paths(b"model_checkpoint_path: \"/abs/ckpt-1\"\n"),
            ["/abs/ckpt-1"]
        );
    }
}
