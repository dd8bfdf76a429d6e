//! Flax/JAX state serialised with `flax.serialization.msgpack_serialize`
//! (and the `msgpack-numpy` convention some JAX code uses instead).
//!
//! Flax stores arrays as MessagePack extension values: code 1 is an
//! ndarray (a packed `(shape, dtype name, buffer)` tuple), 2 a native
//! complex (`(real, imag)`), 3 a NumPy scalar (an ndarray of shape `()`).
//! Flax's reader knows no other code, so any other one needs a custom
//! `ext_hook`. `msgpack-numpy` stores arrays as maps
//! `{nd: True, type, kind, shape, data}` and unpickles `data` when `kind`
//! is `O`: those pickles are handed back for analysis.

use std::collections::BTreeSet;
use std::fmt;

use crate::msgpack::{self, MsgpackError, Node, Value};

/// Flax's extension codes.
pub const EXT_NDARRAY: i8 = 1;
pub const EXT_COMPLEX: i8 = 2;
pub const EXT_SCALAR: i8 = 3;

/// Values the sniffer reads before giving up (bigger state is recognised
/// by its `.msgpack`/`.flax` name instead).
pub const SNIFF_MAX_VALUES: u64 = 1_000_000;

/// Strings and binaries kept for payload checks.
pub const MAX_BLOBS: usize = 100_000;
/// Anomalies kept (the rest are counted).
pub const MAX_ANOMALIES: usize = 10_000;

/// A string, binary or pickle found in the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob<'a> {
    /// Keys from the root, joined with `/`.
    pub path: String,
    pub offset: u64,
    pub data: &'a [u8],
    /// A msgpack `str` (else `bin`).
    pub is_str: bool,
}

/// Something a Flax or msgpack-numpy reader would choke on or trust.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlaxAnomaly {
    /// An extension code Flax does not define.
    UnknownExt { path: String, offset: u64, code: i8 },
    /// An extension or msgpack-numpy map whose payload is not what it claims.
    BadArray {
        path: String,
        offset: u64,
        why: String,
    },
    /// Declared shape × dtype size disagrees with the buffer.
    SizeMismatch {
        path: String,
        offset: u64,
        dtype: String,
        shape: Vec<u64>,
        expected: u64,
        actual: u64,
    },
    /// A dtype NumPy would build Python objects for (`object`, `O`).
    ObjectDtype {
        path: String,
        offset: u64,
        dtype: String,
    },
    /// Bytes after the top-level value.
    Trailing { offset: u64, len: u64 },
}

impl FlaxAnomaly {
    pub fn offset(&self) -> u64 {
        match self {
            FlaxAnomaly::UnknownExt { offset, .. }
            | FlaxAnomaly::BadArray { offset, .. }
            | FlaxAnomaly::SizeMismatch { offset, .. }
            | FlaxAnomaly::ObjectDtype { offset, .. }
            | FlaxAnomaly::Trailing { offset, .. } => *offset,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            FlaxAnomaly::UnknownExt { .. } => "unknown_ext",
            FlaxAnomaly::BadArray { .. } => "bad_array",
            FlaxAnomaly::SizeMismatch { .. } => "size_mismatch",
            FlaxAnomaly::ObjectDtype { .. } => "object_dtype",
            FlaxAnomaly::Trailing { .. } => "trailing_data",
        }
    }
}

impl fmt::Display for FlaxAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlaxAnomaly::UnknownExt { path, code, .. } => write!(
                f,
                "`{path}` is a MessagePack extension of type {code}, which Flax does not define"
            ),
            FlaxAnomaly::BadArray { path, why, .. } => write!(f, "array `{path}`: {why}"),
            FlaxAnomaly::SizeMismatch {
                path,
                dtype,
                shape,
                expected,
                actual,
                ..
            } => write!(
                f,
                "array `{path}` declares {dtype}{shape:?} ({expected} bytes) but holds {actual} bytes"
            ),
            FlaxAnomaly::ObjectDtype { path, dtype, .. } => {
                write!(f, "array `{path}` has the object dtype `{dtype}`")
            }
            FlaxAnomaly::Trailing { offset, len } => write!(
                f,
                "{len} bytes follow the MessagePack value at offset {offset:#x}"
            ),
        }
    }
}

/// What the state holds.
#[derive(Debug, Default)]
pub struct FlaxView<'a> {
    pub top_keys: Vec<String>,
    /// Arrays and scalars (Flax extensions and msgpack-numpy maps).
    pub arrays: u64,
    /// Elements of all arrays.
    pub parameters: u64,
    pub dtypes: BTreeSet<String>,
    /// msgpack-numpy maps were found.
    pub msgpack_numpy: bool,
    pub anomalies: Vec<FlaxAnomaly>,
    /// Pickles a msgpack-numpy reader would `pickle.loads`.
    pub pickled: Vec<Blob<'a>>,
    /// Other strings and binaries (keys included), for payload checks.
    pub blobs: Vec<Blob<'a>>,
    /// Blobs or anomalies beyond the caps.
    pub dropped: u64,
}

/// Reads `data` as Flax (or msgpack-numpy) state. `max_values` bounds the
/// number of MessagePack values (nested array tuples included).
pub fn parse(data: &[u8], max_values: u64) -> Result<FlaxView<'_>, MsgpackError> {
    let (root, end) = msgpack::parse(data, max_values)?;
    let mut view = FlaxView::default();
    if let Value::Map(entries) = &root.value {
        view.top_keys = entries.iter().map(|(k, _)| key_text(k)).collect();
    }
    if end < data.len() {
        view.anomalies.push(FlaxAnomaly::Trailing {
            offset: end as u64,
            len: data.len().saturating_sub(end) as u64,
        });
    }
    let mut w = Walker { view, max_values };
    w.node(&root, "");
    Ok(w.view)
}

fn key_text(k: &Node<'_>) -> String {
    match &k.value {
        Value::Str(b) | Value::Bin(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Int(n) => n.to_string(),
        Value::UInt(n) => n.to_string(),
        other => format!("{other:?}").chars().take(40).collect(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}/{key}")
    }
}

/// Bytes per element of a dtype name, as `np.dtype(name).name` spells it.
fn itemsize(dtype: &str) -> Option<u64> {
    let d = dtype.trim_start_matches(['<', '>', '=', '|']);
    Some(match d {
        "bool" | "int8" | "uint8" | "b1" | "i1" | "u1" | "int4" | "uint4" | "int2" | "uint2" => 1,
        "float8_e4m3fn" | "float8_e5m2" | "float8_e4m3fnuz" | "float8_e5m2fnuz"
        | "float8_e4m3b11fnuz" | "float8_e4m3" | "float8_e3m4" | "float8_e8m0fnu"
        | "float4_e2m1fn" => 1,
        "int16" | "uint16" | "float16" | "bfloat16" | "i2" | "u2" | "f2" => 2,
        "int32" | "uint32" | "float32" | "i4" | "u4" | "f4" => 4,
        "int64" | "uint64" | "float64" | "complex64" | "i8" | "u8" | "f8" | "c8" => 8,
        "complex128" | "c16" | "float128" | "longdouble" | "f16" => 16,
        "complex256" | "c32" => 32,
        _ => return None,
    })
}

fn is_object_dtype(dtype: &str) -> bool {
    let d = dtype.trim_start_matches(['<', '>', '=', '|']);
    matches!(d, "O" | "object" | "O8" | "O4") || d.starts_with("object")
}

struct Walker<'a> {
    view: FlaxView<'a>,
    max_values: u64,
}

impl<'a> Walker<'a> {
    fn anomaly(&mut self, a: FlaxAnomaly) {
        if self.view.anomalies.len() < MAX_ANOMALIES {
            self.view.anomalies.push(a);
        } else {
            self.view.dropped = self.view.dropped.saturating_add(1);
        }
    }

    fn blob(&mut self, path: &str, node: &Node<'a>) {
        let (data, is_str) = match node.value {
            Value::Str(b) => (b, true),
            Value::Bin(b) => (b, false),
            _ => return,
        };
        if data.is_empty() {
            return;
        }
        if self.view.blobs.len() < MAX_BLOBS {
            self.view.blobs.push(Blob {
                path: path.to_string(),
                offset: node.offset,
                data,
                is_str,
            });
        } else {
            self.view.dropped = self.view.dropped.saturating_add(1);
        }
    }

    fn node(&mut self, node: &Node<'a>, path: &str) {
        match &node.value {
            Value::Map(entries) => {
                if node.get("nd").is_some() || node.get("complex").is_some() {
                    self.msgpack_numpy(node, path);
                    return;
                }
                for (k, v) in entries {
                    let key = key_text(k);
                    let p = join(path, &key);
                    self.blob(&p, k);
                    self.node(v, &p);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.node(v, &join(path, &i.to_string()));
                }
            }
            Value::Str(_) | Value::Bin(_) => self.blob(path, node),
            Value::Ext(code, payload) => self.ext(*code, payload, node.offset, path),
            _ => {}
        }
    }

    fn ext(&mut self, code: i8, payload: &'a [u8], offset: u64, path: &str) {
        match code {
            EXT_NDARRAY | EXT_SCALAR => self.flax_array(payload, offset, path, code == EXT_SCALAR),
            EXT_COMPLEX => match msgpack::parse(payload, 16) {
                Ok((n, end)) if end == payload.len() && is_pair_of_numbers(&n) => {
                    self.view.arrays = self.view.arrays.saturating_add(1);
                    self.view.parameters = self.view.parameters.saturating_add(1);
                    self.view.dtypes.insert("complex".into());
                }
                _ => self.anomaly(FlaxAnomaly::BadArray {
                    path: path.to_string(),
                    offset,
                    why: "complex extension is not a (real, imag) pair".into(),
                }),
            },
            _ => self.anomaly(FlaxAnomaly::UnknownExt {
                path: path.to_string(),
                offset,
                code,
            }),
        }
    }

    fn flax_array(&mut self, payload: &'a [u8], offset: u64, path: &str, scalar: bool) {
        let bad = |why: &str| FlaxAnomaly::BadArray {
            path: path.to_string(),
            offset,
            why: why.to_string(),
        };
        let tuple = match msgpack::parse(payload, self.max_values) {
            Ok((n, end)) if end == payload.len() => n,
            Ok(_) => return self.anomaly(bad("bytes follow the (shape, dtype, buffer) tuple")),
            Err(e) => return self.anomaly(bad(&format!("payload cannot be read: {e}"))),
        };
        let Value::Array(items) = &tuple.value else {
            return self.anomaly(bad("payload is not a (shape, dtype, buffer) tuple"));
        };
        let [shape, dtype, buffer] = items.as_slice() else {
            return self.anomaly(bad(&format!(
                "payload tuple has {} items, not 3",
                items.len()
            )));
        };
        let Some(shape) = dims(shape) else {
            return self.anomaly(bad("shape is not a list of non-negative integers"));
        };
        if scalar && !shape.is_empty() {
            self.anomaly(bad("a NumPy scalar extension with a non-empty shape"));
        }
        let Some(dtype) = dtype.as_text() else {
            return self.anomaly(bad("dtype is not a string"));
        };
        let (Value::Bin(buf) | Value::Str(buf)) = buffer.value else {
            return self.anomaly(bad("buffer is not bytes"));
        };
        self.array(path, offset, dtype, &shape, buf.len() as u64);
    }

    fn array(&mut self, path: &str, offset: u64, dtype: &str, shape: &[u64], actual: u64) {
        self.view.arrays = self.view.arrays.saturating_add(1);
        self.view.dtypes.insert(dtype.chars().take(32).collect());
        let elements = shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d));
        if let Some(n) = elements {
            self.view.parameters = self.view.parameters.saturating_add(n);
        }
        if is_object_dtype(dtype) {
            return self.anomaly(FlaxAnomaly::ObjectDtype {
                path: path.to_string(),
                offset,
                dtype: dtype.to_string(),
            });
        }
        let Some(size) = itemsize(dtype) else {
            return self.anomaly(FlaxAnomaly::BadArray {
                path: path.to_string(),
                offset,
                why: format!(
                    "unknown dtype `{}`",
                    dtype.chars().take(64).collect::<String>()
                ),
            });
        };
        let expected = elements.and_then(|n| n.checked_mul(size));
        if expected != Some(actual) {
            self.anomaly(FlaxAnomaly::SizeMismatch {
                path: path.to_string(),
                offset,
                dtype: dtype.to_string(),
                shape: shape.to_vec(),
                expected: expected.unwrap_or(u64::MAX),
                actual,
            });
        }
    }

    /// `{nd, type, kind, shape, data}` (or `{complex, data}`) from msgpack-numpy.
    fn msgpack_numpy(&mut self, node: &Node<'a>, path: &str) {
        self.view.msgpack_numpy = true;
        let offset = node.offset;
        if let Some(Value::Map(entries)) = Some(&node.value) {
            for (k, _) in entries {
                self.blob(&join(path, &key_text(k)), k);
            }
        }
        let data = node.get("data");
        let kind = node.get("kind").and_then(Node::as_bytes);
        if kind == Some(b"O") {
            match data.and_then(|d| d.as_bytes().map(|b| (d.offset, b))) {
                Some((at, bytes)) => self.view.pickled.push(Blob {
                    path: join(path, "data"),
                    offset: at,
                    data: bytes,
                    is_str: false,
                }),
                None => self.anomaly(FlaxAnomaly::BadArray {
                    path: path.to_string(),
                    offset,
                    why: "object array without a `data` byte string".into(),
                }),
            }
            self.view.arrays = self.view.arrays.saturating_add(1);
            self.view.dtypes.insert("object".into());
            return;
        }
        if node.get("complex").is_some() {
            self.view.arrays = self.view.arrays.saturating_add(1);
            return;
        }
        let dtype = node.get("type").and_then(Node::as_text);
        let buf = data.and_then(Node::as_bytes);
        let is_nd = matches!(node.get("nd").map(|n| &n.value), Some(Value::Bool(true)));
        match (dtype, buf) {
            (Some(dtype), Some(buf)) => {
                let shape = if is_nd {
                    node.get("shape").and_then(dims)
                } else {
                    Some(Vec::new())
                };
                match shape {
                    Some(shape) => self.array(path, offset, dtype, &shape, buf.len() as u64),
                    None => self.anomaly(FlaxAnomaly::BadArray {
                        path: path.to_string(),
                        offset,
                        why: "msgpack-numpy shape is not a list of non-negative integers".into(),
                    }),
                }
            }
            (Some(dtype), None) if is_object_dtype(dtype) => {
                self.anomaly(FlaxAnomaly::ObjectDtype {
                    path: path.to_string(),
                    offset,
                    dtype: dtype.to_string(),
                })
            }
            _ => {
                // A structured dtype (`type` is a list of fields) or another layout.
                if let Some(d) = data {
                    self.blob(&join(path, "data"), d);
                }
                self.view.arrays = self.view.arrays.saturating_add(1);
            }
        }
    }
}

fn dims(n: &Node<'_>) -> Option<Vec<u64>> {
    match &n.value {
        Value::Array(items) => items.iter().map(Node::as_u64).collect(),
        _ => None,
    }
}

fn is_pair_of_numbers(n: &Node<'_>) -> bool {
    matches!(&n.value, Value::Array(items) if items.len() == 2
        && items.iter().all(|i| matches!(i.value, Value::Float(_) | Value::Int(_) | Value::UInt(_))))
}

/// True when `data` looks like Flax or msgpack-numpy state: a single
/// MessagePack map that is the whole file and holds a Flax extension or a
/// msgpack-numpy array somewhere in its first levels.
pub fn sniff(data: &[u8]) -> bool {
    if !matches!(data.first(), Some(0x80..=0x8f | 0xde | 0xdf)) || data.len() < 4 {
        return false;
    }
    let Ok((root, end)) = msgpack::parse(data, SNIFF_MAX_VALUES) else {
        return false;
    };
    end == data.len() && holds_array(&root, 0)
}

fn holds_array(n: &Node<'_>, depth: u32) -> bool {
    if depth > 32 {
        return false;
    }
    match &n.value {
        Value::Ext(code, _) => matches!(*code, EXT_NDARRAY | EXT_COMPLEX | EXT_SCALAR) || depth > 0,
        Value::Map(entries) => {
            n.get("nd").is_some()
                || entries
                    .iter()
                    .any(|(_, v)| holds_array(v, depth.saturating_add(1)))
        }
        Value::Array(items) => items
            .iter()
            .any(|v| holds_array(v, depth.saturating_add(1))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flax_ext(shape: &[u8], dtype: &str, buf: &[u8]) -> Vec<u8> {
        let mut t = vec![0x93, 0x90 | shape.len() as u8];
        t.extend_from_slice(shape);
        t.push(0xa0 | dtype.len() as u8);
        t.extend_from_slice(dtype.as_bytes());
        t.push(0xc4);
        t.push(buf.len() as u8);
        t.extend_from_slice(buf);
        let mut e = vec![0xc7, t.len() as u8, 1];
        e.extend_from_slice(&t);
        e
    }

    #[test]
    fn counts_arrays_and_checks_sizes() {
        let mut d = vec![0x82, 0xa1, b'w'];
        d.extend(flax_ext(&[2, 2], "float32", &[0; 16]));
        d.extend([0xa1, b'b']);
        d.extend(flax_ext(&[3], "float32", &[0; 8]));
        assert!(sniff(&d));
        let v = parse(&d, 1000).unwrap();
        assert_eq!(v.top_keys, ["w", "b"]);
        assert_eq!(v.arrays, 2);
        assert_eq!(v.parameters, 7);
        assert!(matches!(
            v.anomalies.as_slice(),
            [FlaxAnomaly::SizeMismatch {
                expected: 12,
                actual: 8,
                ..
            }]
        ));
    }

    #[test]
    fn msgpack_numpy_object_arrays_are_pickles() {
        // {b"x": {b"nd": True, b"type": b"|O", b"kind": b"O", b"shape": [1], b"data": b"\x80\x04N."}}
        let mut d = vec![0x81, 0xc4, 1, b'x', 0x85];
        d.extend([0xc4, 2, b'n', b'd', 0xc3]);
        d.extend([0xc4, 4, b't', b'y', b'p', b'e', 0xa2, b'|', b'O']);
        d.extend([0xc4, 4, b'k', b'i', b'n', b'd', 0xc4, 1, b'O']);
        d.extend([0xc4, 5, b's', b'h', b'a', b'p', b'e', 0x91, 1]);
        d.extend([
            0xc4, 4, b'd', b'a', b't', b'a', 0xc4, 4, 0x80, 4, b'N', b'.',
        ]);
        assert!(sniff(&d));
        let v = parse(&d, 1000).unwrap();
        assert!(v.msgpack_numpy);
        assert_eq!(v.pickled.len(), 1);
        assert_eq!(v.pickled[0].data, b"\x80\x04N.");
        assert_eq!(v.pickled[0].path, "x/data");
    }

    #[test]
    fn unknown_ext_codes_are_reported() {
        let d = [0x81, 0xa1, b'a', 0xd4, 0x2a, 0x00];
        let v = parse(&d, 100).unwrap();
        assert!(matches!(
            v.anomalies.as_slice(),
            [FlaxAnomaly::UnknownExt { code: 42, .. }]
        ));
    }
}
