//! Apache MXNet models: the symbol graph (`*-symbol.json`, written by
//! `Symbol.save` / `HybridBlock.export`) and the parameter file (`*.params`,
//! `NDArray` list from `mx.nd.save`).
//!
//! The symbol file is JSON: `nodes` (each with `op`, `name`, `inputs` and
//! `attrs`, older files `attr` or `param`), `arg_nodes`, `node_row_ptr`,
//! `heads` and the graph `attrs` (`mxnet_version`). The parameter file is
//! little-endian: the list magic `0x112` (u64), a reserved u64, the array
//! count (u64), each array (its own magic `0xF993FAC8`–`0xF993FACA`,
//! storage type, shape, context, dtype, raw data), then the name count and
//! names (u64 length + bytes). Every count and size is checked against the
//! bytes left; what would make MXNet's reader fail or read past the end is
//! an anomaly in the view.

use crate::Limits;

/// Nodes kept from a symbol file.
pub const MAX_NODES: usize = 1_000_000;
/// Arrays and names read from a parameter file.
pub const MAX_ARRAYS: u64 = 1_000_000;
/// Characters kept per attribute value.
const MAX_ATTR: usize = 4096;

/// `kMXAPINDArrayListMagic`.
pub const LIST_MAGIC: u64 = 0x112;
const NDARRAY_V1_MAGIC: u32 = 0xF993_FAC8;
const NDARRAY_V2_MAGIC: u32 = 0xF993_FAC9;
const NDARRAY_V3_MAGIC: u32 = 0xF993_FACA;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MxnetError {
    #[error("not an MXNet symbol file: {0}")]
    NotSymbol(String),
    #[error("not an MXNet parameter file")]
    NotParams,
}

/// One node of the symbol graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxNode {
    pub index: usize,
    pub op: String,
    pub name: String,
    /// Attributes (`attrs`, `attr` and `param` merged), sorted by key.
    pub attrs: Vec<(String, String)>,
}

impl MxNode {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SymbolView {
    pub nodes: Vec<MxNode>,
    pub nodes_dropped: u64,
    /// `attrs.mxnet_version` (`10901` for 1.9.1).
    pub mxnet_version: Option<i64>,
    /// Structural problems: input indices out of range and the like.
    pub anomalies: Vec<String>,
}

/// Whether JSON `data` is an MXNet symbol graph (`nodes` with `op` and
/// `name`, plus `heads` or `arg_nodes`).
pub fn sniff_symbol(data: &[u8]) -> bool {
    let head = data.get(..data.len().min(4096)).unwrap_or(data);
    let text = String::from_utf8_lossy(head);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.starts_with("{\"nodes\":[{\"op\":")
        && (compact.contains("\"name\":") && compact.contains("\"inputs\":"))
}

/// Reads a symbol graph.
pub fn parse_symbol(data: &[u8]) -> Result<SymbolView, MxnetError> {
    let v: serde_json::Value =
        serde_json::from_slice(data).map_err(|e| MxnetError::NotSymbol(e.to_string()))?;
    let nodes = v
        .get("nodes")
        .and_then(|n| n.as_array())
        .ok_or_else(|| MxnetError::NotSymbol("no `nodes` array".into()))?;
    let mut view = SymbolView {
        mxnet_version: v
            .get("attrs")
            .and_then(|a| a.get("mxnet_version"))
            .and_then(|m| m.get(1).or(Some(m)))
            .and_then(|m| m.as_i64()),
        ..SymbolView::default()
    };
    let count = nodes.len();
    for (index, n) in nodes.iter().enumerate() {
        if view.nodes.len() >= MAX_NODES {
            view.nodes_dropped = view.nodes_dropped.saturating_add(1);
            continue;
        }
        let op = n.get("op").and_then(|o| o.as_str());
        let name = n.get("name").and_then(|o| o.as_str()).unwrap_or_default();
        let Some(op) = op else {
            view.anomalies.push(format!("node {index} has no `op`"));
            continue;
        };
        let mut attrs = Vec::new();
        for key in ["attrs", "attr", "param"] {
            if let Some(map) = n.get(key).and_then(|a| a.as_object()) {
                for (k, val) in map {
                    let text = match val {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    attrs.push((k.clone(), text.chars().take(MAX_ATTR).collect()));
                }
            }
        }
        attrs.sort();
        attrs.dedup();
        if let Some(inputs) = n.get("inputs").and_then(|i| i.as_array()) {
            for input in inputs {
                let target = input.get(0).and_then(|t| t.as_u64());
                if target.is_none_or(|t| t >= count as u64) {
                    view.anomalies.push(format!(
                        "node {index} (`{name}`) has input {input} outside the graph"
                    ));
                }
            }
        }
        view.nodes.push(MxNode {
            index,
            op: op.to_string(),
            name: name.to_string(),
            attrs,
        });
    }
    for key in ["heads", "arg_nodes"] {
        if let Some(list) = v.get(key).and_then(|h| h.as_array()) {
            for h in list {
                let target = h.get(0).or(Some(h)).and_then(|t| t.as_u64());
                if target.is_none_or(|t| t >= count as u64) {
                    view.anomalies
                        .push(format!("`{key}` entry {h} is outside the graph"));
                }
            }
        }
    }
    Ok(view)
}

/// One array of a parameter file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxArray {
    pub offset: u64,
    pub shape: Vec<i64>,
    pub dtype: i32,
    pub storage: i32,
    pub data_bytes: u64,
}

/// What a parameter file breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamsAnomaly {
    /// An array, its shape or a name claims more bytes than are left.
    OutOfBounds { offset: u64, what: String },
    /// A field MXNet's reader rejects (unknown magic, dtype, storage type).
    Invalid { offset: u64, what: String },
    /// Names and arrays differ in number.
    NameCount { arrays: u64, names: u64 },
    /// Bytes after the names.
    Trailing { offset: u64, bytes: u64 },
}

impl ParamsAnomaly {
    pub fn offset(&self) -> u64 {
        match self {
            ParamsAnomaly::OutOfBounds { offset, .. }
            | ParamsAnomaly::Invalid { offset, .. }
            | ParamsAnomaly::Trailing { offset, .. } => *offset,
            ParamsAnomaly::NameCount { .. } => 0,
        }
    }
}

impl std::fmt::Display for ParamsAnomaly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamsAnomaly::OutOfBounds { offset, what } => {
                write!(
                    f,
                    "{what} at offset {offset:#x} runs past the end of the file"
                )
            }
            ParamsAnomaly::Invalid { offset, what } => {
                write!(f, "invalid {what} at offset {offset:#x}")
            }
            ParamsAnomaly::NameCount { arrays, names } => {
                write!(f, "{arrays} arrays but {names} names")
            }
            ParamsAnomaly::Trailing { offset, bytes } => {
                write!(
                    f,
                    "{bytes} bytes after the parameter list at offset {offset:#x}"
                )
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParamsView {
    pub arrays: Vec<MxArray>,
    pub names: Vec<String>,
    pub anomalies: Vec<ParamsAnomaly>,
    /// The whole list was read (no anomaly stopped it).
    pub complete: bool,
}

/// Whether `data` starts with the NDArray list magic.
pub fn sniff_params(data: &[u8]) -> bool {
    data.get(..8) == Some(&LIST_MAGIC.to_le_bytes()) && data.get(8..16) == Some(&[0; 8])
}

/// Bytes per element of MXNet dtype flag `t`.
pub fn dtype_size(t: i32) -> Option<u64> {
    Some(match t {
        3 | 5 | 7 => 1,
        2 | 8 | 9 | 12 => 2,
        0 | 4 | 10 => 4,
        1 | 6 | 11 => 8,
        _ => return None,
    })
}

/// Name of MXNet dtype flag `t`.
pub fn dtype_name(t: i32) -> &'static str {
    match t {
        0 => "float32",
        1 => "float64",
        2 => "float16",
        3 => "uint8",
        4 => "int32",
        5 => "int8",
        6 => "int64",
        7 => "bool",
        8 => "int16",
        9 => "uint16",
        10 => "uint32",
        11 => "uint64",
        12 => "bfloat16",
        _ => "unknown",
    }
}

struct Cur<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cur<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
    }
    fn i32(&mut self) -> Option<i32> {
        self.u32().map(u32::cast_signed)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    }
    fn left(&self) -> u64 {
        self.data.len().saturating_sub(self.pos) as u64
    }
}

/// Reads a parameter file (`mx.nd.save`).
pub fn parse_params(data: &[u8], limits: &Limits) -> Result<ParamsView, MxnetError> {
    if !sniff_params(data) {
        return Err(MxnetError::NotParams);
    }
    let mut c = Cur { data, pos: 16 };
    let mut view = ParamsView::default();
    let oob = |c: &Cur<'_>, what: &str| ParamsAnomaly::OutOfBounds {
        offset: c.pos as u64,
        what: what.to_string(),
    };
    let Some(count) = c.u64() else {
        view.anomalies.push(oob(&c, "array count"));
        return Ok(view);
    };
    // An array takes at least its magic and a shape (8 bytes).
    if count > c.left() / 8 || count > MAX_ARRAYS {
        view.anomalies
            .push(oob(&c, &format!("array count {count}")));
        return Ok(view);
    }
    for _ in 0..count {
        if limits.out_of_time() {
            return Ok(view);
        }
        match array(&mut c) {
            Ok(a) => view.arrays.push(a),
            Err(a) => {
                view.anomalies.push(a);
                return Ok(view);
            }
        }
    }
    let Some(names) = c.u64() else {
        view.anomalies.push(oob(&c, "name count"));
        return Ok(view);
    };
    if names > c.left() / 8 || names > MAX_ARRAYS {
        view.anomalies.push(oob(&c, &format!("name count {names}")));
        return Ok(view);
    }
    for _ in 0..names {
        let at = c.pos as u64;
        let Some(n) = c.u64() else {
            view.anomalies.push(oob(&c, "name length"));
            return Ok(view);
        };
        let Some(bytes) = usize::try_from(n).ok().and_then(|n| c.take(n)) else {
            view.anomalies.push(ParamsAnomaly::OutOfBounds {
                offset: at,
                what: format!("name of {n} bytes"),
            });
            return Ok(view);
        };
        view.names.push(
            String::from_utf8_lossy(bytes.get(..bytes.len().min(1024)).unwrap_or(bytes))
                .into_owned(),
        );
    }
    if names != 0 && names != count {
        view.anomalies.push(ParamsAnomaly::NameCount {
            arrays: count,
            names,
        });
    }
    if c.left() > 0 {
        view.anomalies.push(ParamsAnomaly::Trailing {
            offset: c.pos as u64,
            bytes: c.left(),
        });
    }
    view.complete = true;
    Ok(view)
}

fn array(c: &mut Cur<'_>) -> Result<MxArray, ParamsAnomaly> {
    let offset = c.pos as u64;
    let oob = |c: &Cur<'_>, what: &str| ParamsAnomaly::OutOfBounds {
        offset: c.pos as u64,
        what: what.to_string(),
    };
    let invalid = |c: &Cur<'_>, what: String| ParamsAnomaly::Invalid {
        offset: c.pos as u64,
        what,
    };
    let magic = c.u32().ok_or_else(|| oob(c, "array header"))?;
    let mut storage = 0;
    let v3 = magic == NDARRAY_V3_MAGIC;
    match magic {
        NDARRAY_V2_MAGIC | NDARRAY_V3_MAGIC => {
            storage = c.i32().ok_or_else(|| oob(c, "storage type"))?;
            if storage != 0 {
                // Sparse arrays (row_sparse 1, csr 2) need their aux data read too.
                return Err(invalid(
                    c,
                    format!("sparse storage type {storage} (not read)"),
                ));
            }
        }
        NDARRAY_V1_MAGIC => {}
        other => return Err(invalid(c, format!("array magic {other:#x}"))),
    }
    let ndim = c.i32().ok_or_else(|| oob(c, "shape"))?;
    // V3 allows ndim -1 (unknown shape): an empty array.
    if ndim < 0 && !(v3 && ndim == -1) || ndim > 32 {
        return Err(invalid(c, format!("shape rank {ndim}")));
    }
    // Before V3 an empty shape means "no array"; V3 (NumPy shapes) uses -1
    // for that, and rank 0 is a scalar.
    let none = if v3 { ndim == -1 } else { ndim == 0 };
    let ndim = usize::try_from(ndim).unwrap_or(0);
    let mut shape = Vec::with_capacity(ndim);
    let mut elements: u64 = 1;
    for _ in 0..ndim {
        let d = c.u64().ok_or_else(|| oob(c, "shape"))?.cast_signed();
        if d < 0 {
            return Err(invalid(c, format!("dimension {d}")));
        }
        elements = elements
            .checked_mul(d.unsigned_abs())
            .ok_or_else(|| invalid(c, "shape (element count overflows)".into()))?;
        shape.push(d);
    }
    if none {
        return Ok(MxArray {
            offset,
            shape,
            dtype: -1,
            storage,
            data_bytes: 0,
        });
    }
    let _dev_type = c.i32().ok_or_else(|| oob(c, "context"))?;
    let _dev_id = c.i32().ok_or_else(|| oob(c, "context"))?;
    let dtype = c.i32().ok_or_else(|| oob(c, "dtype"))?;
    let size = dtype_size(dtype).ok_or_else(|| invalid(c, format!("dtype {dtype}")))?;
    let bytes = elements
        .checked_mul(size)
        .ok_or_else(|| invalid(c, "array size overflows".into()))?;
    if bytes > c.left() {
        return Err(oob(
            c,
            &format!(
                "array data of {bytes} bytes ({} {:?})",
                dtype_name(dtype),
                shape
            ),
        ));
    }
    c.take(usize::try_from(bytes).unwrap_or(usize::MAX))
        .ok_or_else(|| oob(c, "array data"))?;
    Ok(MxArray {
        offset,
        shape,
        dtype,
        storage,
        data_bytes: bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(arrays: &[(&[i64], i32, usize)], names: &[&str], extra: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&LIST_MAGIC.to_le_bytes());
        b.extend_from_slice(&0u64.to_le_bytes());
        b.extend_from_slice(&(arrays.len() as u64).to_le_bytes());
        for (shape, dtype, data) in arrays {
            b.extend_from_slice(&NDARRAY_V2_MAGIC.to_le_bytes());
            b.extend_from_slice(&0i32.to_le_bytes());
            b.extend_from_slice(&(shape.len() as i32).to_le_bytes());
            for d in *shape {
                b.extend_from_slice(&d.to_le_bytes());
            }
            b.extend_from_slice(&1i32.to_le_bytes());
            b.extend_from_slice(&0i32.to_le_bytes());
            b.extend_from_slice(&dtype.to_le_bytes());
            b.extend(std::iter::repeat_n(0u8, *data));
        }
        b.extend_from_slice(&(names.len() as u64).to_le_bytes());
        for n in names {
            b.extend_from_slice(&(n.len() as u64).to_le_bytes());
            b.extend_from_slice(n.as_bytes());
        }
        b.extend_from_slice(extra);
        b
    }

    #[test]
    fn reads_a_parameter_list() {
        let b = params(&[(&[2, 3], 0, 24)], &["arg:w"], b"");
        assert!(sniff_params(&b));
        let v = parse_params(&b, &Limits::default()).unwrap();
        assert!(v.complete);
        assert!(v.anomalies.is_empty(), "{:?}", v.anomalies);
        assert_eq!(v.names, ["arg:w"]);
        assert_eq!(v.arrays[0].data_bytes, 24);
    }

    #[test]
    fn anomalies() {
        let b = params(&[(&[2, 3], 0, 8)], &["arg:w"], b"");
        let v = parse_params(&b, &Limits::default()).unwrap();
        assert!(matches!(v.anomalies[0], ParamsAnomaly::OutOfBounds { .. }));
        let b = params(&[(&[1], 0, 4)], &["a", "b"], b"tail");
        let v = parse_params(&b, &Limits::default()).unwrap();
        assert!(
            v.anomalies
                .iter()
                .any(|a| matches!(a, ParamsAnomaly::NameCount { .. }))
        );
        assert!(
            v.anomalies
                .iter()
                .any(|a| matches!(a, ParamsAnomaly::Trailing { bytes: 4, .. }))
        );
        let b = params(&[(&[1 << 40, 1 << 40], 1, 0)], &[], b"");
        let v = parse_params(&b, &Limits::default()).unwrap();
        assert!(!v.complete);
    }

    #[test]
    fn symbol_graph() {
        let j = br#"{"nodes": [{"op": "null", "name": "data", "inputs": []},
            {"op": "Custom", "name": "c", "attrs": {"op_type": "evil"}, "inputs": [[0, 0, 0], [7, 0, 0]]}],
            "arg_nodes": [0], "heads": [[1, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}}"#;
        assert!(sniff_symbol(j));
        let v = parse_symbol(j).unwrap();
        assert_eq!(v.mxnet_version, Some(10901));
        assert_eq!(v.nodes[1].attr("op_type"), Some("evil"));
        assert_eq!(v.anomalies.len(), 1);
        assert!(!sniff_symbol(b"{\"a\": 1}"));
    }
}
