//! Rockchip RKNN models (`.rknn`): a container written by rknn-toolkit.
//! Layout (as rknn-toolkit writes it and Netron reads it): the tag `RKNN`,
//! four reserved bytes, a little-endian u64 container version, a u64 size of
//! the model data; for versions 2 and later (0x000N and 0x100N) a 40-byte
//! block follows when the size is non-zero; then the model data (an RKNN
//! flatbuffer with identifier `RKNN` at 4, or an OpenVX `VPMN` binary graph),
//! then a u64 size and a JSON description of the model (version, name,
//! platforms, nodes with their ops). `CYPTRKNN` marks an encrypted model.
//! The JSON is parsed with a size bound; ops and platforms go to the view.

use serde_json::Value;

pub const MAGIC: &[u8; 4] = b"RKNN";
pub const ENCRYPTED_MAGIC: &[u8; 8] = b"CYPTRKNN";
/// Bytes of the JSON description parsed.
pub const MAX_JSON_BYTES: u64 = 64 << 20;
/// Node ops and other strings kept.
pub const MAX_ITEMS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RknnError {
    #[error("file of {len} bytes is too short for an RKNN header")]
    TooShort { len: u64 },
    #[error("file does not start with `RKNN`")]
    BadMagic,
    #[error("the model is encrypted (`CYPTRKNN`): its content cannot be read")]
    Encrypted,
    #[error("container version {0:#x} is not one rknn-toolkit writes")]
    UnknownVersion(u64),
    #[error("{what} ({size} bytes at offset {offset:#x}) runs past the end of the {len}-byte file")]
    OutOfBounds {
        what: &'static str,
        offset: u64,
        size: u64,
        len: u64,
    },
    #[error("JSON description at offset {offset:#x} cannot be parsed: {reason}")]
    Json { offset: u64, reason: String },
}

/// What the model data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    Flatbuffer,
    OpenVx,
    None,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RknnView {
    pub version: u64,
    pub data_kind: DataKind,
    /// File range of the model data.
    pub data: (u64, u64),
    pub json_offset: u64,
    /// Top-level string fields of the description (`version`, `name`,
    /// `network_platform`, `ori_network_platform`, `target_platform`, ...).
    pub fields: Vec<(String, String)>,
    /// Node ops with their counts, in first-seen order.
    pub ops: Vec<(String, u64)>,
    /// Every string in the description, with its JSON path, for the
    /// metadata rules.
    pub strings: Vec<(String, String)>,
    pub nodes: u64,
    pub limits_hit: Vec<(&'static str, u64)>,
}

pub fn sniff(data: &[u8]) -> bool {
    (data.starts_with(MAGIC) || data.starts_with(ENCRYPTED_MAGIC)) && data.len() >= 24
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

/// Op names of rknn-toolkit's own operators.
pub fn is_standard_op(op: &str) -> bool {
    op.starts_with("VSI_NN_OP_") || op.starts_with("RKNN_OP_")
}

pub fn parse(data: &[u8]) -> Result<RknnView, RknnError> {
    let len = data.len() as u64;
    if data.starts_with(ENCRYPTED_MAGIC) {
        return Err(RknnError::Encrypted);
    }
    if !data.starts_with(MAGIC) {
        return Err(RknnError::BadMagic);
    }
    let (Some(version), Some(size)) = (u64_at(data, 8), u64_at(data, 16)) else {
        return Err(RknnError::TooShort { len });
    };
    let mut start: u64 = 24;
    match version {
        0x0001 | 0x1001 => {}
        0x0002..=0x0006 | 0x1002..=0x1006 => {
            if size > 0 {
                start = 64;
            }
        }
        v => return Err(RknnError::UnknownVersion(v)),
    }
    let data_end = start
        .checked_add(size)
        .filter(|e| *e <= len)
        .ok_or(RknnError::OutOfBounds {
            what: "model data",
            offset: start,
            size,
            len,
        })?;
    let body = usize::try_from(start)
        .ok()
        .zip(usize::try_from(data_end).ok())
        .and_then(|(s, e)| data.get(s..e))
        .unwrap_or_default();
    let data_kind = if size == 0 {
        DataKind::None
    } else if body.get(4..8) == Some(MAGIC) {
        DataKind::Flatbuffer
    } else if body.starts_with(b"VPMN") {
        DataKind::OpenVx
    } else {
        DataKind::Unknown
    };
    let at = usize::try_from(data_end).unwrap_or(usize::MAX);
    let json_size = u64_at(data, at).ok_or(RknnError::OutOfBounds {
        what: "JSON size",
        offset: data_end,
        size: 8,
        len,
    })?;
    let json_offset = data_end.saturating_add(8);
    let json_end = json_offset
        .checked_add(json_size)
        .filter(|e| *e <= len)
        .ok_or(RknnError::OutOfBounds {
            what: "JSON description",
            offset: json_offset,
            size: json_size,
            len,
        })?;
    let mut view = RknnView {
        version,
        data_kind,
        data: (start, size),
        json_offset,
        fields: Vec::new(),
        ops: Vec::new(),
        strings: Vec::new(),
        nodes: 0,
        limits_hit: Vec::new(),
    };
    if json_size > MAX_JSON_BYTES {
        view.limits_hit
            .push(("max_rknn_json_bytes", MAX_JSON_BYTES));
        return Ok(view);
    }
    let json = usize::try_from(json_offset)
        .ok()
        .zip(usize::try_from(json_end).ok())
        .and_then(|(s, e)| data.get(s..e))
        .unwrap_or_default();
    let trimmed = json
        .iter()
        .rposition(|&c| c != 0)
        .and_then(|p| json.get(..=p))
        .unwrap_or_default();
    let value: Value = serde_json::from_slice(trimmed).map_err(|e| RknnError::Json {
        offset: json_offset,
        reason: e.to_string(),
    })?;
    describe(&mut view, &value);
    Ok(view)
}

fn describe(view: &mut RknnView, value: &Value) {
    if let Value::Object(map) = value {
        for (k, v) in map {
            let text = match v {
                Value::String(s) => Some(s.clone()),
                Value::Array(a) if a.iter().all(Value::is_string) => Some(
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            if let Some(t) = text {
                view.fields.push((k.clone(), t));
            }
        }
        if let Some(Value::Array(nodes)) = map.get("nodes") {
            view.nodes = nodes.len() as u64;
            for node in nodes {
                let Some(op) = node.get("op").and_then(Value::as_str) else {
                    continue;
                };
                let full = view.ops.len() >= MAX_ITEMS;
                match view.ops.iter_mut().find(|(o, _)| o == op) {
                    Some((_, n)) => *n = n.saturating_add(1),
                    None if !full => view.ops.push((op.to_string(), 1)),
                    None => {}
                }
            }
        }
    }
    strings(view, value, "$");
}

fn strings(view: &mut RknnView, value: &Value, path: &str) {
    if view.strings.len() >= MAX_ITEMS {
        if !view
            .limits_hit
            .iter()
            .any(|(l, _)| *l == "max_rknn_strings")
        {
            view.limits_hit.push(("max_rknn_strings", MAX_ITEMS as u64));
        }
        return;
    }
    // serde_json limits nesting to 128 while parsing, which bounds the recursion.
    match value {
        Value::String(s) if s.len() >= 8 => view.strings.push((path.to_string(), s.clone())),
        Value::Array(a) => {
            for v in a {
                strings(view, v, path);
            }
        }
        Value::Object(m) => {
            for (k, v) in m {
                strings(view, v, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn container(version: u64, model: &[u8], json: &[u8]) -> Vec<u8> {
        let mut out = b"RKNN\0\0\0\0".to_vec();
        out.extend(version.to_le_bytes());
        out.extend((model.len() as u64).to_le_bytes());
        if version >= 2 && !model.is_empty() {
            out.extend([0u8; 40]);
        }
        out.extend(model);
        out.extend((json.len() as u64).to_le_bytes());
        out.extend(json);
        out
    }

    #[test]
    fn reads_the_description() {
        let json = br#"{"version":"1.6.0","name":"m","target_platform":["rk3588"],"nodes":[{"op":"VSI_NN_OP_CONV2D"},{"op":"cstEvil"}]}"#;
        let data = container(6, b"\x10\0\0\0RKNN....", json);
        assert!(sniff(&data));
        let v = parse(&data).unwrap();
        assert_eq!(v.data_kind, DataKind::Flatbuffer);
        assert_eq!(v.ops.len(), 2);
        assert!(
            v.fields
                .iter()
                .any(|(k, t)| k == "target_platform" && t == "rk3588")
        );
        assert!(!is_standard_op("cstEvil"));
    }

    #[test]
    fn bad_containers() {
        assert!(matches!(
            parse(b"CYPTRKNN........"),
            Err(RknnError::Encrypted)
        ));
        let mut d = container(1, b"", b"{}");
        d[16] = 0xff;
        assert!(matches!(parse(&d), Err(RknnError::OutOfBounds { .. })));
        let d = container(99, b"", b"{}");
        assert!(matches!(parse(&d), Err(RknnError::UnknownVersion(99))));
        let d = container(1, b"", b"{not json");
        assert!(matches!(parse(&d), Err(RknnError::Json { .. })));
    }
}
