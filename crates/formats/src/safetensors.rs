//! SafeTensors: the 8-byte header length and the JSON header, never the
//! tensor bytes.
//!
//! The file is `u64 N (little-endian) | N bytes of JSON | data`. The JSON maps
//! tensor names to `{dtype, shape, data_offsets}` (offsets relative to the
//! start of the data area) plus an optional `__metadata__` string map. The
//! official reader rejects a file whose header is not valid UTF-8 JSON, whose
//! offsets disagree with dtype × shape, overlap, leave holes, or do not cover
//! the data area exactly; but JSON readers disagree on duplicate keys
//! (serde_json keeps the last one silently), so a header can mean different
//! things to different tools.
//!
//! The header is read by a small strict JSON reader written for this purpose:
//! it sees duplicate keys, knows the byte offset of every key, keeps only
//! what the view needs, and is bounded in depth. Everything a loader would
//! reject or read differently becomes a [`SafeTensorsAnomaly`]; only a header
//! that cannot be read at all is an error. The cost is linear in the header
//! size and independent of the tensor data.

use std::collections::HashSet;
use std::fmt;

use crate::Limits;

/// Largest header the official reader accepts (`MAX_HEADER_SIZE`).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;
/// JSON nesting deeper than serde_json's default recursion limit is rejected.
const MAX_JSON_DEPTH: u32 = 128;
/// Tensors kept in the view; the header size bounds them anyway.
pub const MAX_TENSORS: usize = 1_000_000;
/// Anomalies kept in the view before the parser records a limit instead.
pub const MAX_ANOMALIES: usize = 10_000;
/// Dimensions kept per tensor shape.
const MAX_SHAPE_DIMS: usize = 64;
/// Bytes of trailing data copied into the view as evidence.
const TRAILING_HEAD: usize = 16;

/// Why the header could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SafeTensorsError {
    #[error("file of {len} bytes is shorter than the 8-byte header length")]
    TooShort { len: u64 },
    #[error("declared header length {declared} is below the 2 bytes of `{{}}`")]
    HeaderTooSmall { declared: u64 },
    #[error("declared header length {declared} exceeds the limit of {limit} bytes")]
    HeaderTooLarge { declared: u64, limit: u64 },
    #[error(
        "declared header length {declared} runs past the end of the file ({available} bytes follow the length)"
    )]
    HeaderPastEnd { declared: u64, available: u64 },
    #[error("header is not valid UTF-8 (first bad byte at offset {offset:#x})")]
    HeaderNotUtf8 { offset: u64 },
    #[error("header is not a valid JSON object: {reason} at offset {offset:#x}")]
    InvalidJson { offset: u64, reason: &'static str },
}

/// One tensor as the header declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeTensorsTensor {
    pub name: String,
    /// As spelled in the header; see [`dtype_bits`].
    pub dtype: String,
    pub shape: Vec<u64>,
    /// `[begin, end)` relative to the start of the data area.
    pub data_offsets: (u64, u64),
    /// File offset of the tensor's key in the header.
    pub header_offset: u64,
}

/// A `__metadata__` entry whose value is a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataEntry {
    pub key: String,
    pub value: String,
    /// File offset of the key.
    pub offset: u64,
}

/// A string found where the format allows none (inside a non-string
/// metadata value or an unexpected tensor field). Kept so that rules can
/// look at what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayString {
    /// Where it was, as a dotted path (`__metadata__.cmd`, `w.extra`).
    pub path: String,
    pub text: String,
    /// File offset of the enclosing key.
    pub offset: u64,
}

/// Which object a duplicate key was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyScope {
    /// The top-level object: tensor names and `__metadata__`.
    Header,
    /// The `__metadata__` object.
    Metadata,
    /// A tensor entry's own fields.
    Tensor(String),
}

/// What is wrong with a tensor entry other than its dtype and layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryProblem {
    /// The value is not a JSON object.
    NotAnObject {
        found: &'static str,
    },
    MissingField {
        field: &'static str,
    },
    /// `dtype` is not a string, `shape` not an array of non-negative
    /// integers, `data_offsets` not two of them.
    BadField {
        field: &'static str,
    },
    /// A field the format does not define (the official reader ignores it).
    UnexpectedField {
        field: String,
    },
}

/// Something a strict reader rejects or that readers disagree on. Offsets
/// are file offsets: of the key for header problems, of the data for layout
/// problems.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SafeTensorsAnomaly {
    DuplicateKey {
        scope: KeyScope,
        key: String,
        offset: u64,
    },
    InvalidEntry {
        tensor: String,
        problem: EntryProblem,
        offset: u64,
    },
    UnknownDtype {
        tensor: String,
        dtype: String,
        offset: u64,
    },
    /// dtype × shape differs from the offsets' span; `expected` is `None`
    /// when the product overflows or is not a whole number of bytes.
    SizeMismatch {
        tensor: String,
        expected: Option<u64>,
        actual: u64,
        offset: u64,
    },
    /// `data_offsets` end before they begin.
    ReversedOffsets {
        tensor: String,
        begin: u64,
        end: u64,
        offset: u64,
    },
    /// The tensor's bytes run past the end of the file.
    OutOfBounds {
        tensor: String,
        start: u64,
        end: u64,
        file_len: u64,
    },
    /// Two tensors share bytes `[start, end)`.
    Overlap {
        first: String,
        second: String,
        start: u64,
        end: u64,
    },
    /// Bytes `[start, end)` of the data area belong to no tensor.
    Gap {
        after: Option<String>,
        start: u64,
        end: u64,
    },
    /// Bytes after the last tensor; `head` holds their first bytes.
    TrailingBytes { start: u64, len: u64, head: Vec<u8> },
    /// `__metadata__` is not an object (or null).
    MetadataNotObject { found: &'static str, offset: u64 },
    /// A `__metadata__` value is not a string.
    MetadataNotString {
        key: String,
        found: &'static str,
        offset: u64,
    },
}

impl SafeTensorsAnomaly {
    /// A stable snake_case name for the kind of anomaly.
    pub fn kind(&self) -> &'static str {
        match self {
            SafeTensorsAnomaly::DuplicateKey { .. } => "duplicate_key",
            SafeTensorsAnomaly::InvalidEntry { problem, .. } => match problem {
                EntryProblem::NotAnObject { .. } => "entry_not_object",
                EntryProblem::MissingField { .. } => "missing_field",
                EntryProblem::BadField { .. } => "bad_field",
                EntryProblem::UnexpectedField { .. } => "unexpected_field",
            },
            SafeTensorsAnomaly::UnknownDtype { .. } => "unknown_dtype",
            SafeTensorsAnomaly::SizeMismatch { .. } => "size_mismatch",
            SafeTensorsAnomaly::ReversedOffsets { .. } => "reversed_offsets",
            SafeTensorsAnomaly::OutOfBounds { .. } => "out_of_bounds",
            SafeTensorsAnomaly::Overlap { .. } => "overlap",
            SafeTensorsAnomaly::Gap { .. } => "gap",
            SafeTensorsAnomaly::TrailingBytes { .. } => "trailing_bytes",
            SafeTensorsAnomaly::MetadataNotObject { .. } => "metadata_not_object",
            SafeTensorsAnomaly::MetadataNotString { .. } => "metadata_not_string",
        }
    }

    /// The file offset the anomaly is about.
    pub fn offset(&self) -> u64 {
        match self {
            SafeTensorsAnomaly::DuplicateKey { offset, .. }
            | SafeTensorsAnomaly::InvalidEntry { offset, .. }
            | SafeTensorsAnomaly::UnknownDtype { offset, .. }
            | SafeTensorsAnomaly::SizeMismatch { offset, .. }
            | SafeTensorsAnomaly::ReversedOffsets { offset, .. }
            | SafeTensorsAnomaly::MetadataNotObject { offset, .. }
            | SafeTensorsAnomaly::MetadataNotString { offset, .. } => *offset,
            SafeTensorsAnomaly::OutOfBounds { start, .. }
            | SafeTensorsAnomaly::Overlap { start, .. }
            | SafeTensorsAnomaly::Gap { start, .. }
            | SafeTensorsAnomaly::TrailingBytes { start, .. } => *start,
        }
    }
}

impl fmt::Display for SafeTensorsAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SafeTensorsAnomaly::DuplicateKey { scope, key, .. } => match scope {
                KeyScope::Header => write!(f, "key `{key}` appears more than once in the header"),
                KeyScope::Metadata => {
                    write!(f, "metadata key `{key}` appears more than once")
                }
                KeyScope::Tensor(t) => write!(f, "tensor `{t}` has field `{key}` more than once"),
            },
            SafeTensorsAnomaly::InvalidEntry {
                tensor, problem, ..
            } => match problem {
                EntryProblem::NotAnObject { found } => {
                    write!(f, "entry `{tensor}` is a JSON {found}, not an object")
                }
                EntryProblem::MissingField { field } => {
                    write!(f, "tensor `{tensor}` has no `{field}`")
                }
                EntryProblem::BadField { field } => {
                    write!(f, "tensor `{tensor}` has a malformed `{field}`")
                }
                EntryProblem::UnexpectedField { field } => {
                    write!(f, "tensor `{tensor}` has an unexpected field `{field}`")
                }
            },
            SafeTensorsAnomaly::UnknownDtype { tensor, dtype, .. } => {
                write!(f, "tensor `{tensor}` has unknown dtype `{dtype}`")
            }
            SafeTensorsAnomaly::SizeMismatch {
                tensor,
                expected,
                actual,
                ..
            } => match expected {
                Some(e) => write!(
                    f,
                    "tensor `{tensor}` needs {e} bytes for its dtype and shape but its offsets span {actual}"
                ),
                None => write!(
                    f,
                    "tensor `{tensor}` has a shape whose byte size overflows or is fractional (offsets span {actual})"
                ),
            },
            SafeTensorsAnomaly::ReversedOffsets {
                tensor, begin, end, ..
            } => write!(
                f,
                "tensor `{tensor}` has data_offsets [{begin}, {end}] that end before they begin"
            ),
            SafeTensorsAnomaly::OutOfBounds {
                tensor,
                start,
                end,
                file_len,
            } => write!(
                f,
                "tensor `{tensor}` occupies bytes {start:#x}..{end:#x}, past the end of the {file_len}-byte file"
            ),
            SafeTensorsAnomaly::Overlap {
                first,
                second,
                start,
                end,
            } => write!(
                f,
                "tensors `{first}` and `{second}` share bytes {start:#x}..{end:#x}"
            ),
            SafeTensorsAnomaly::Gap { after, start, end } => match after {
                Some(t) => write!(
                    f,
                    "bytes {start:#x}..{end:#x} after tensor `{t}` belong to no tensor"
                ),
                None => write!(
                    f,
                    "bytes {start:#x}..{end:#x} at the start of the data area belong to no tensor"
                ),
            },
            SafeTensorsAnomaly::TrailingBytes { start, len, .. } => {
                write!(f, "{len} bytes at {start:#x} follow the last tensor")
            }
            SafeTensorsAnomaly::MetadataNotObject { found, .. } => {
                write!(f, "`__metadata__` is a JSON {found}, not an object")
            }
            SafeTensorsAnomaly::MetadataNotString { key, found, .. } => {
                write!(f, "metadata value `{key}` is a JSON {found}, not a string")
            }
        }
    }
}

/// The parsed header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SafeTensorsView {
    /// Declared header length (the JSON, including padding).
    pub header_len: u64,
    /// File offset of the data area: `8 + header_len`.
    pub data_start: u64,
    /// Length of the file.
    pub file_len: u64,
    /// Tensors with well-formed entries, in header order.
    pub tensors: Vec<SafeTensorsTensor>,
    /// String entries of `__metadata__`, in header order.
    pub metadata: Vec<MetadataEntry>,
    /// Strings found in places the format allows none.
    pub stray_strings: Vec<StrayString>,
    pub anomalies: Vec<SafeTensorsAnomaly>,
    /// Limits that stopped part of the analysis: `(limit, value)`.
    pub limits_hit: Vec<(&'static str, u64)>,
}

impl SafeTensorsView {
    /// Length of the data area.
    pub fn data_len(&self) -> u64 {
        self.file_len.saturating_sub(self.data_start)
    }

    fn push(&mut self, a: SafeTensorsAnomaly) {
        if self.anomalies.len() < MAX_ANOMALIES {
            self.anomalies.push(a);
        } else if !self.limits_hit.iter().any(|(l, _)| *l == "max_anomalies") {
            self.limits_hit
                .push(("max_anomalies", MAX_ANOMALIES as u64));
        }
    }
}

/// Bits per element of a dtype the format defines, `None` for others.
pub fn dtype_bits(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => 8,
        "I16" | "U16" | "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        "I64" | "U64" | "F64" | "C64" => 64,
        _ => return None,
    })
}

/// True when the buffer starts like a SafeTensors file: a plausible header
/// length followed by `{`. Does not require the header to fit in the file.
pub fn sniff(data: &[u8]) -> bool {
    match (read_u64(data), data.get(8)) {
        (Some(n), Some(b'{')) => (2..=MAX_HEADER_BYTES).contains(&n),
        _ => false,
    }
}

fn read_u64(data: &[u8]) -> Option<u64> {
    let head = data.get(..8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(head);
    Some(u64::from_le_bytes(a))
}

/// Reads the header of a SafeTensors file. Touches only the first
/// `8 + header_len` bytes; the data length comes from `data.len()`.
pub fn parse(data: &[u8], _limits: &Limits) -> Result<SafeTensorsView, SafeTensorsError> {
    let file_len = data.len() as u64;
    let declared = read_u64(data).ok_or(SafeTensorsError::TooShort { len: file_len })?;
    if declared < 2 {
        return Err(SafeTensorsError::HeaderTooSmall { declared });
    }
    if declared > MAX_HEADER_BYTES {
        return Err(SafeTensorsError::HeaderTooLarge {
            declared,
            limit: MAX_HEADER_BYTES,
        });
    }
    let available = file_len.saturating_sub(8);
    let header = usize::try_from(declared)
        .ok()
        .and_then(|n| data.get(8..8usize.checked_add(n)?))
        .ok_or(SafeTensorsError::HeaderPastEnd {
            declared,
            available,
        })?;
    if let Err(e) = std::str::from_utf8(header) {
        return Err(SafeTensorsError::HeaderNotUtf8 {
            offset: (e.valid_up_to() as u64).saturating_add(8),
        });
    }
    let mut view = SafeTensorsView {
        header_len: declared,
        data_start: declared.saturating_add(8),
        file_len,
        ..SafeTensorsView::default()
    };
    let mut reader = Json {
        src: header,
        pos: 0,
        base: 8,
    };
    read_header(&mut reader, &mut view).map_err(|e| SafeTensorsError::InvalidJson {
        offset: e.offset,
        reason: e.reason,
    })?;
    check_layout(&mut view, data);
    Ok(view)
}

fn read_header(r: &mut Json<'_>, view: &mut SafeTensorsView) -> Result<(), JsonError> {
    // The official reader rejects a header that does not start with `{`.
    if r.peek() != Some(b'{') {
        return Err(r.error("header does not start with `{`"));
    }
    let mut keys = HashSet::new();
    r.object(1, |r, key, offset| {
        if !keys.insert(key.clone()) {
            view.push(SafeTensorsAnomaly::DuplicateKey {
                scope: KeyScope::Header,
                key: key.clone(),
                offset,
            });
        }
        if key == "__metadata__" {
            read_metadata(r, view, offset)
        } else {
            read_tensor(r, view, key, offset)
        }
    })?;
    r.ws();
    if r.peek().is_some() {
        return Err(r.error("characters after the header object"));
    }
    Ok(())
}

fn read_metadata(
    r: &mut Json<'_>,
    view: &mut SafeTensorsView,
    offset: u64,
) -> Result<(), JsonError> {
    match r.peek() {
        Some(b'{') => {}
        // `null` is how serde writes "no metadata".
        Some(b'n') => return r.skip_value(1, &mut |_| {}).map(|_| ()),
        _ => {
            let mut strings = Vec::new();
            let found = r.skip_value(1, &mut |s| strings.push(s))?;
            view.push(SafeTensorsAnomaly::MetadataNotObject { found, offset });
            stray(view, "__metadata__", strings, offset);
            return Ok(());
        }
    }
    let mut keys = HashSet::new();
    r.object(2, |r, key, key_offset| {
        if !keys.insert(key.clone()) {
            view.push(SafeTensorsAnomaly::DuplicateKey {
                scope: KeyScope::Metadata,
                key: key.clone(),
                offset: key_offset,
            });
        }
        if r.peek() == Some(b'"') {
            let value = r.string()?;
            view.metadata.push(MetadataEntry {
                key,
                value,
                offset: key_offset,
            });
        } else {
            let mut strings = Vec::new();
            let found = r.skip_value(2, &mut |s| strings.push(s))?;
            view.push(SafeTensorsAnomaly::MetadataNotString {
                key: key.clone(),
                found,
                offset: key_offset,
            });
            stray(view, &format!("__metadata__.{key}"), strings, key_offset);
        }
        Ok(())
    })
}

fn stray(view: &mut SafeTensorsView, path: &str, strings: Vec<String>, offset: u64) {
    view.stray_strings
        .extend(strings.into_iter().map(|text| StrayString {
            path: path.to_string(),
            text,
            offset,
        }));
}

fn read_tensor(
    r: &mut Json<'_>,
    view: &mut SafeTensorsView,
    name: String,
    offset: u64,
) -> Result<(), JsonError> {
    if r.peek() != Some(b'{') {
        let mut strings = Vec::new();
        let found = r.skip_value(1, &mut |s| strings.push(s))?;
        view.push(SafeTensorsAnomaly::InvalidEntry {
            tensor: name.clone(),
            problem: EntryProblem::NotAnObject { found },
            offset,
        });
        stray(view, &name, strings, offset);
        return Ok(());
    }
    let mut dtype: Option<Option<String>> = None;
    let mut shape: Option<Option<Vec<u64>>> = None;
    let mut offsets: Option<Option<Vec<u64>>> = None;
    let mut fields = HashSet::new();
    r.object(2, |r, field, field_offset| {
        if !fields.insert(field.clone()) {
            view.push(SafeTensorsAnomaly::DuplicateKey {
                scope: KeyScope::Tensor(name.clone()),
                key: field.clone(),
                offset: field_offset,
            });
        }
        // serde keeps the last occurrence of a field; so do we.
        match field.as_str() {
            "dtype" => {
                dtype = Some(if r.peek() == Some(b'"') {
                    Some(r.string()?)
                } else {
                    r.skip_value(2, &mut |_| {})?;
                    None
                });
            }
            "shape" => shape = Some(r.uint_array(MAX_SHAPE_DIMS)?),
            "data_offsets" => offsets = Some(r.uint_array(2)?),
            _ => {
                let mut strings = Vec::new();
                r.skip_value(2, &mut |s| strings.push(s))?;
                view.push(SafeTensorsAnomaly::InvalidEntry {
                    tensor: name.clone(),
                    problem: EntryProblem::UnexpectedField {
                        field: field.clone(),
                    },
                    offset: field_offset,
                });
                stray(view, &format!("{name}.{field}"), strings, field_offset);
            }
        }
        Ok(())
    })?;
    let mut problem = |p: EntryProblem| {
        view.push(SafeTensorsAnomaly::InvalidEntry {
            tensor: name.clone(),
            problem: p,
            offset,
        })
    };
    let dtype = field_value(dtype, "dtype", &mut problem);
    let shape = field_value(shape, "shape", &mut problem);
    let offsets =
        field_value(offsets, "data_offsets", &mut problem).and_then(|o| match *o.as_slice() {
            [a, b] => Some((a, b)),
            _ => {
                problem(EntryProblem::BadField {
                    field: "data_offsets",
                });
                None
            }
        });
    if let (Some(dtype), Some(shape), Some(data_offsets)) = (dtype, shape, offsets) {
        if view.tensors.len() >= MAX_TENSORS {
            if !view.limits_hit.iter().any(|(l, _)| *l == "max_tensors") {
                view.limits_hit.push(("max_tensors", MAX_TENSORS as u64));
            }
        } else {
            view.tensors.push(SafeTensorsTensor {
                name,
                dtype,
                shape,
                data_offsets,
                header_offset: offset,
            });
        }
    }
    Ok(())
}

/// `None`: the field is missing; `Some(None)`: present but malformed.
fn field_value<T>(
    v: Option<Option<T>>,
    field: &'static str,
    problem: &mut impl FnMut(EntryProblem),
) -> Option<T> {
    match v {
        None => {
            problem(EntryProblem::MissingField { field });
            None
        }
        Some(None) => {
            problem(EntryProblem::BadField { field });
            None
        }
        Some(Some(t)) => Some(t),
    }
}

/// Checks every tensor's size against its dtype and shape, and that the
/// tensors tile the data area exactly.
fn check_layout(view: &mut SafeTensorsView, data: &[u8]) {
    let data_len = view.data_len();
    let base = view.data_start;
    let mut ranges: Vec<(u64, u64, usize)> = Vec::with_capacity(view.tensors.len());
    let mut found = Vec::new();
    for (i, t) in view.tensors.iter().enumerate() {
        let (begin, end) = t.data_offsets;
        if end < begin {
            found.push(SafeTensorsAnomaly::ReversedOffsets {
                tensor: t.name.clone(),
                begin,
                end,
                offset: t.header_offset,
            });
            continue;
        }
        let span = end.saturating_sub(begin);
        match dtype_bits(&t.dtype) {
            None => found.push(SafeTensorsAnomaly::UnknownDtype {
                tensor: t.name.clone(),
                dtype: t.dtype.clone(),
                offset: t.header_offset,
            }),
            Some(bits) => {
                let expected = t
                    .shape
                    .iter()
                    .try_fold(1u64, |acc, d| acc.checked_mul(*d))
                    .and_then(|n| n.checked_mul(bits))
                    .filter(|b| b.is_multiple_of(8))
                    .map(|b| b / 8);
                if expected != Some(span) {
                    found.push(SafeTensorsAnomaly::SizeMismatch {
                        tensor: t.name.clone(),
                        expected,
                        actual: span,
                        offset: t.header_offset,
                    });
                }
            }
        }
        if end > data_len {
            found.push(SafeTensorsAnomaly::OutOfBounds {
                tensor: t.name.clone(),
                start: base.saturating_add(begin),
                end: base.saturating_add(end),
                file_len: view.file_len,
            });
        }
        // Empty tensors occupy nothing; clamp the rest to the file so one
        // out-of-bounds tensor is not also reported as gaps or overlaps.
        if begin < end && begin < data_len {
            ranges.push((begin, end.min(data_len), i));
        }
    }
    // With tensors left out by a limit, holes would be false alarms.
    if view.limits_hit.iter().any(|(l, _)| *l == "max_tensors") {
        for a in found {
            view.push(a);
        }
        return;
    }
    ranges.sort_unstable();
    let name = |i: usize| view.tensors.get(i).map(|t| t.name.clone());
    let mut cursor = 0u64;
    let mut owner: Option<usize> = None;
    for (begin, end, i) in ranges {
        if begin < cursor {
            found.push(SafeTensorsAnomaly::Overlap {
                first: owner.and_then(name).unwrap_or_default(),
                second: name(i).unwrap_or_default(),
                start: base.saturating_add(begin),
                end: base.saturating_add(end.min(cursor)),
            });
        } else if begin > cursor {
            found.push(SafeTensorsAnomaly::Gap {
                after: owner.and_then(name),
                start: base.saturating_add(cursor),
                end: base.saturating_add(begin),
            });
        }
        if end > cursor {
            cursor = end;
            owner = Some(i);
        }
    }
    if cursor < data_len {
        let start = base.saturating_add(cursor);
        let head = usize::try_from(start)
            .ok()
            .and_then(|s| data.get(s..))
            .map(|rest| rest.iter().take(TRAILING_HEAD).copied().collect())
            .unwrap_or_default();
        found.push(SafeTensorsAnomaly::TrailingBytes {
            start,
            len: data_len.saturating_sub(cursor),
            head,
        });
    }
    for a in found {
        view.push(a);
    }
}

/// A JSON syntax error, with the file offset where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct JsonError {
    offset: u64,
    reason: &'static str,
}

/// A strict, bounded JSON reader over a UTF-8 buffer (RFC 8259 grammar,
/// serde_json's rules for surrogates and control characters).
struct Json<'a> {
    src: &'a [u8],
    pos: usize,
    /// File offset of `src[0]`.
    base: u64,
}

impl<'a> Json<'a> {
    fn offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    fn error(&self, reason: &'static str) -> JsonError {
        JsonError {
            offset: self.offset(),
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), JsonError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    /// An object whose opening brace is next; `f` reads each value (after
    /// the colon) and gets the key and the key's file offset.
    fn object(
        &mut self,
        depth: u32,
        mut f: impl FnMut(&mut Self, String, u64) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        if depth > MAX_JSON_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.expect(b'{', "expected `{`")?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(());
        }
        loop {
            self.ws();
            let key_offset = self.offset();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.ws();
            self.expect(b':', "expected `:`")?;
            self.ws();
            f(self, key, key_offset)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// A string whose opening quote is next.
    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"', "expected a string")?;
        let mut out = String::new();
        loop {
            let rest = self.src.get(self.pos..).unwrap_or(&[]);
            let run = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .ok_or_else(|| self.error("unterminated string"))?;
            // The run ends at an ASCII byte, so it is whole UTF-8.
            let text = rest
                .get(..run)
                .and_then(|r| std::str::from_utf8(r).ok())
                .ok_or_else(|| self.error("invalid UTF-8 in string"))?;
            out.push_str(text);
            self.pos = self.pos.saturating_add(run);
            match self.peek() {
                Some(b'"') => {
                    self.bump();
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.bump();
                    self.escape(&mut out)?;
                }
                _ => return Err(self.error("control character in string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = self
            .peek()
            .ok_or_else(|| self.error("unterminated escape"))?;
        self.bump();
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xdc00..0xe000).contains(&hi) {
                    return Err(self.error("lone trailing surrogate in escape"));
                }
                let code = if (0xd800..0xdc00).contains(&hi) {
                    if self.peek() != Some(b'\\') {
                        return Err(self.error("lone leading surrogate in escape"));
                    }
                    self.bump();
                    self.expect(b'u', "lone leading surrogate in escape")?;
                    let lo = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&lo) {
                        return Err(self.error("invalid surrogate pair in escape"));
                    }
                    0x10000u32
                        .saturating_add((hi.saturating_sub(0xd800)) << 10)
                        .saturating_add(lo.saturating_sub(0xdc00))
                } else {
                    hi
                };
                char::from_u32(code).ok_or_else(|| self.error("invalid unicode escape"))?
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(ch);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|c| char::from(c).to_digit(16))
                .ok_or_else(|| self.error("invalid unicode escape"))?;
            v = (v << 4) | d;
            self.bump();
        }
        Ok(v)
    }

    /// A number; returns its value when it is a non-negative integer that
    /// fits in a u64 (what serde accepts for a `usize` field).
    fn number(&mut self) -> Result<Option<u64>, JsonError> {
        let start = self.pos;
        let mut integral = true;
        if self.peek() == Some(b'-') {
            integral = false;
            self.bump();
        }
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            integral = false;
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integral = false;
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if !integral {
            return Ok(None);
        }
        Ok(self
            .src
            .get(start..self.pos)
            .and_then(|t| std::str::from_utf8(t).ok())
            .and_then(|t| t.parse::<u64>().ok()))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), JsonError> {
        let end = self.pos.saturating_add(word.len());
        if self.src.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            Err(self.error("invalid literal"))
        }
    }

    /// An array of non-negative integers; `Ok(None)` when the value is
    /// valid JSON of another shape. Keeps at most `keep` items.
    fn uint_array(&mut self, keep: usize) -> Result<Option<Vec<u64>>, JsonError> {
        if self.peek() != Some(b'[') {
            self.skip_value(2, &mut |_| {})?;
            return Ok(None);
        }
        self.bump();
        let mut out = Vec::new();
        let mut ok = true;
        self.ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Some(out));
        }
        loop {
            self.ws();
            if matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
                match self.number()? {
                    Some(n) if out.len() < keep => out.push(n),
                    // More items than any valid value has.
                    Some(_) => ok = false,
                    None => ok = false,
                }
            } else {
                self.skip_value(3, &mut |_| {})?;
                ok = false;
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    break;
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
        Ok(ok.then_some(out))
    }

    /// Validates and skips any value, handing every string in it to `sink`;
    /// returns the JSON type name of the value.
    fn skip_value(
        &mut self,
        depth: u32,
        sink: &mut dyn FnMut(String),
    ) -> Result<&'static str, JsonError> {
        if depth > MAX_JSON_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        match self.peek() {
            Some(b'"') => {
                sink(self.string()?);
                Ok("string")
            }
            Some(b'{') => {
                self.object(depth, |r, key, _| {
                    sink(key);
                    r.skip_value(depth.saturating_add(1), sink).map(|_| ())
                })?;
                Ok("object")
            }
            Some(b'[') => {
                self.bump();
                self.ws();
                if self.peek() == Some(b']') {
                    self.bump();
                    return Ok("array");
                }
                loop {
                    self.ws();
                    self.skip_value(depth.saturating_add(1), sink)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.bump(),
                        Some(b']') => {
                            self.bump();
                            return Ok("array");
                        }
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b't') => self.literal(b"true").map(|_| "boolean"),
            Some(b'f') => self.literal(b"false").map(|_| "boolean"),
            Some(b'n') => self.literal(b"null").map(|_| "null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| "number"),
            _ => Err(self.error("expected a value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str, data_len: usize) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.resize(out.len() + data_len, 0);
        out
    }

    fn parse_ok(header: &str, data_len: usize) -> SafeTensorsView {
        parse(&file(header, data_len), &Limits::default()).unwrap()
    }

    fn kinds(v: &SafeTensorsView) -> Vec<&'static str> {
        v.anomalies.iter().map(SafeTensorsAnomaly::kind).collect()
    }

    #[test]
    fn reads_tensors_and_metadata_of_a_valid_file() {
        let v = parse_ok(
            r#"{"__metadata__":{"format":"pt","note":"caf\u00e9 \ud83d\ude00"},"b":{"dtype":"F16","shape":[2,3],"data_offsets":[16,28]},"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}   "#,
            28,
        );
        assert_eq!(kinds(&v), Vec::<&str>::new());
        assert_eq!(v.data_start, 8 + v.header_len);
        assert_eq!(v.tensors.len(), 2);
        assert_eq!(v.tensors[0].name, "b");
        assert_eq!(v.tensors[0].shape, [2, 3]);
        assert_eq!(v.tensors[0].data_offsets, (16, 28));
        assert_eq!(v.metadata[1].value, "café 😀");
        assert!(v.tensors[1].header_offset > v.tensors[0].header_offset);
    }

    #[test]
    fn header_errors() {
        let l = Limits::default();
        assert_eq!(
            parse(b"\x02\0\0", &l),
            Err(SafeTensorsError::TooShort { len: 3 })
        );
        assert!(matches!(
            parse(&file("{", 0), &l),
            Err(SafeTensorsError::HeaderTooSmall { declared: 1 })
        ));
        let mut huge = file("{}", 0);
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            parse(&huge, &l),
            Err(SafeTensorsError::HeaderTooLarge { .. })
        ));
        let mut past = file("{}", 0);
        past[..8].copy_from_slice(&64u64.to_le_bytes());
        assert_eq!(
            parse(&past, &l),
            Err(SafeTensorsError::HeaderPastEnd {
                declared: 64,
                available: 2
            })
        );
        let mut bad_utf8 = file("{\"a\":\"xx\"}", 0);
        bad_utf8[14] = 0xff;
        assert_eq!(
            parse(&bad_utf8, &l),
            Err(SafeTensorsError::HeaderNotUtf8 { offset: 14 })
        );
        for bad in [
            " {}",
            "[]",
            "{} x",
            r#"{"a":1,}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"\n\"}",
            r#"{"a":01}"#,
            r#"{"a":tru}"#,
        ] {
            assert!(
                matches!(
                    parse(&file(bad, 0), &l),
                    Err(SafeTensorsError::InvalidJson { .. })
                ),
                "{bad}"
            );
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(matches!(
            parse(&file(&deep, 0), &l),
            Err(SafeTensorsError::InvalidJson {
                reason: "nesting too deep",
                ..
            })
        ));
    }

    #[test]
    fn duplicate_keys_in_every_object() {
        let v = parse_ok(
            r#"{"__metadata__":{"k":"1","k":"2"},"a":{"dtype":"U8","dtype":"U8","shape":[2],"data_offsets":[0,2]},"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#,
            4,
        );
        let scopes: Vec<_> = v
            .anomalies
            .iter()
            .filter_map(|a| match a {
                SafeTensorsAnomaly::DuplicateKey { scope, key, .. } => {
                    Some((scope.clone(), key.as_str()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            scopes,
            [
                (KeyScope::Metadata, "k"),
                (KeyScope::Tensor("a".into()), "dtype"),
                (KeyScope::Header, "a")
            ]
        );
        assert_eq!(v.metadata.len(), 2);
    }

    #[test]
    fn malformed_entries_and_metadata() {
        let v = parse_ok(
            r#"{"__metadata__":{"n":1,"o":{"cmd":"x"}},"s":"text","m":{"dtype":"F32","shape":[1]},"t":{"dtype":5,"shape":[-1],"data_offsets":[0,1,2]},"u":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":["hidden"]}}"#,
            1,
        );
        assert_eq!(
            kinds(&v),
            [
                "metadata_not_string",
                "metadata_not_string",
                "entry_not_object",
                "missing_field",
                "bad_field",
                "bad_field",
                "bad_field",
                "unexpected_field"
            ]
        );
        let strays: Vec<_> = v
            .stray_strings
            .iter()
            .map(|s| (s.path.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            strays,
            [
                ("__metadata__.o", "cmd"),
                ("__metadata__.o", "x"),
                ("s", "text"),
                ("u.extra", "hidden")
            ]
        );
        assert_eq!(v.tensors.len(), 1);
        let v = parse_ok(r#"{"__metadata__":[1]}"#, 0);
        assert_eq!(kinds(&v), ["metadata_not_object"]);
        let v = parse_ok(r#"{"__metadata__":null}"#, 0);
        assert!(v.anomalies.is_empty());
    }

    #[test]
    fn sizes_use_bits_and_checked_arithmetic() {
        // F4: 4 elements are 2 bytes; 3 elements are a fractional byte count.
        let v = parse_ok(
            r#"{"a":{"dtype":"F4","shape":[4],"data_offsets":[0,2]},"b":{"dtype":"F4","shape":[3],"data_offsets":[2,4]},"c":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[4,4]},"d":{"dtype":"I8","shape":[],"data_offsets":[5,4]}}"#,
            4,
        );
        let sizes: Vec<_> = v
            .anomalies
            .iter()
            .map(|a| match a {
                SafeTensorsAnomaly::SizeMismatch {
                    tensor, expected, ..
                } => format!("{tensor}:{expected:?}"),
                other => other.kind().to_string(),
            })
            .collect();
        assert_eq!(sizes, ["b:None", "c:None", "reversed_offsets"]);
        assert_eq!(dtype_bits("C64"), Some(64));
        assert_eq!(dtype_bits("F8_E8M0"), Some(8));
        assert_eq!(dtype_bits("Q4"), None);
    }

    #[test]
    fn layout_overlap_gap_trailing_and_bounds() {
        let v = parse_ok(
            r#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]},"c":{"dtype":"U8","shape":[2],"data_offsets":[8,10]},"e":{"dtype":"U8","shape":[0],"data_offsets":[3,3]}}"#,
            12,
        );
        let base = v.data_start;
        assert_eq!(
            v.anomalies,
            [
                SafeTensorsAnomaly::Overlap {
                    first: "a".into(),
                    second: "b".into(),
                    start: base + 2,
                    end: base + 4
                },
                SafeTensorsAnomaly::Gap {
                    after: Some("b".into()),
                    start: base + 6,
                    end: base + 8
                },
                SafeTensorsAnomaly::TrailingBytes {
                    start: base + 10,
                    len: 2,
                    head: vec![0, 0]
                }
            ]
        );
        let v = parse_ok(
            r#"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}"#,
            4,
        );
        assert_eq!(kinds(&v), ["out_of_bounds"]);
        let v = parse_ok(
            r#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#,
            4,
        );
        assert_eq!(kinds(&v), ["gap"]);
        assert!(matches!(
            v.anomalies[0],
            SafeTensorsAnomaly::Gap { after: None, .. }
        ));
    }

    /// Only the header is read: a 1 GiB file costs what its header costs.
    #[test]
    fn large_files_are_checked_from_the_header_alone() {
        let header = r#"{"w":{"dtype":"F32","shape":[268435456],"data_offsets":[0,1073741824]}}"#;
        let mut data = vec![0u8; 8 + header.len() + (1 << 30)];
        data[..8].copy_from_slice(&(header.len() as u64).to_le_bytes());
        data[8..8 + header.len()].copy_from_slice(header.as_bytes());
        let t = std::time::Instant::now();
        let v = parse(&data, &Limits::default()).unwrap();
        assert!(v.anomalies.is_empty());
        assert!(
            t.elapsed() < std::time::Duration::from_millis(500),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn sniffs_without_requiring_the_header_to_fit() {
        assert!(sniff(&file("{}", 0)));
        let mut past = file("{}", 0);
        past[..8].copy_from_slice(&4096u64.to_le_bytes());
        assert!(sniff(&past));
        assert!(!sniff(b"\x02\0\0\0\0\0\0\0[]"));
    }
}
