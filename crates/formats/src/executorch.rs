//! ExecuTorch programs (`.pte`): a bounded reader for the part of the
//! `Program` flatbuffer (`executorch/schema/program.fbs`, file identifier
//! `ET` and two digits) that the scan needs — execution plans with their
//! operator names and backend delegates, the inline delegate data, the data
//! segments after the flatbuffer (located through the optional `eh00`
//! extended header), the constant segment and named data — with every
//! offset, size and index checked against the file and the vectors they
//! point into. Reads go through the shared checked reader
//! ([`crate::flatbuf`]); nothing is executed or interpreted.

use std::fmt;

pub use crate::flatbuf::FbError;
use crate::flatbuf::{Budgets, Fb, FbResult, Table};

/// Execution plans, operators, delegates and segments kept (each).
pub const MAX_ITEMS: u64 = 100_000;
/// Tables and vector elements visited per file.
pub const MAX_ELEMENTS: u64 = 16_000_000;
/// String bytes copied into the view per file.
pub const MAX_STRING_BYTES: u64 = 16 << 20;
/// Anomalies kept.
pub const MAX_ANOMALIES: usize = 10_000;

const BUDGETS: Budgets = Budgets {
    max_elements: MAX_ELEMENTS,
    elements_limit: "max_executorch_elements",
    max_string_bytes: MAX_STRING_BYTES,
    string_bytes_limit: "max_executorch_string_bytes",
};

/// Magic of the extended header at offset 8.
pub const EXTENDED_HEADER_MAGIC: &[u8; 4] = b"eh00";

/// Why the program could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExecuTorchError {
    #[error("file of {len} bytes is too short for a flatbuffer root and identifier")]
    TooShort { len: u64 },
    #[error("file identifier is {found:?}, not \"ET\" and two digits")]
    BadIdentifier { found: String },
    #[error("root table cannot be read: {0}")]
    Root(FbError),
}

/// Something the runtime would reject or read out of bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecuTorchAnomaly {
    /// A table, vector or string at `path` cannot be read; it was skipped.
    Malformed { path: String, error: FbError },
    /// The extended header is inconsistent with the file.
    BadExtendedHeader { reason: String },
    /// A segment's `base + offset .. + size` lies outside the file or
    /// inside the flatbuffer.
    SegmentOutOfBounds {
        index: u64,
        offset: u64,
        size: u64,
        file_len: u64,
        reason: &'static str,
    },
    /// An index (delegate data, segment) past its vector.
    IndexOutOfRange {
        what: String,
        index: u64,
        count: u64,
        offset: u64,
    },
}

impl ExecuTorchAnomaly {
    pub fn offset(&self) -> u64 {
        match self {
            Self::Malformed { error, .. } => error.offset(),
            Self::BadExtendedHeader { .. } => 8,
            Self::SegmentOutOfBounds { offset, .. } | Self::IndexOutOfRange { offset, .. } => {
                *offset
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "malformed",
            Self::BadExtendedHeader { .. } => "bad_extended_header",
            Self::SegmentOutOfBounds { .. } => "segment_out_of_bounds",
            Self::IndexOutOfRange { .. } => "index_out_of_range",
        }
    }

    /// Data the runtime would read outside the file or its vectors.
    pub fn is_out_of_bounds(&self) -> bool {
        matches!(
            self,
            Self::SegmentOutOfBounds { .. } | Self::IndexOutOfRange { .. }
        )
    }
}

impl fmt::Display for ExecuTorchAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { path, error } => write!(f, "{path} cannot be read: {error}"),
            Self::BadExtendedHeader { reason } => write!(f, "extended header {reason}"),
            Self::SegmentOutOfBounds {
                index,
                offset,
                size,
                file_len,
                reason,
            } => write!(
                f,
                "segment {index} ({size} bytes at file offset {offset:#x}) {reason} (file is {file_len} bytes)"
            ),
            Self::IndexOutOfRange {
                what, index, count, ..
            } => write!(f, "{what} index {index} is past the {count} entries"),
        }
    }
}

/// The `eh00` header after the identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtendedHeader {
    pub length: u32,
    pub program_size: u64,
    pub segment_base_offset: u64,
    pub segment_data_size: Option<u64>,
}

/// Where a delegate's processed data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataLocation {
    Inline,
    Segment,
    Unknown(u8),
}

/// A lowered subgraph run by a backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegate {
    pub plan: String,
    pub id: String,
    pub location: DataLocation,
    pub index: u64,
    pub compile_spec_keys: Vec<String>,
    /// The processed data in the file (offset, length), when it resolves.
    pub payload: Option<(u64, u64)>,
    pub offset: u64,
}

/// An operator of an execution plan: `aten::add` with overload `out`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub plan: String,
    pub name: String,
    pub overload: String,
    pub offset: u64,
}

impl Operator {
    /// The namespace before `::` (empty without one).
    pub fn namespace(&self) -> &str {
        self.name.split_once("::").map_or("", |(ns, _)| ns)
    }

    pub fn qualified(&self) -> String {
        if self.overload.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.name, self.overload)
        }
    }
}

/// A data segment after the flatbuffer, resolved to file offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub index: u64,
    /// File offset (segment base + offset); `None` when it does not resolve.
    pub file_offset: Option<u64>,
    pub size: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecuTorchView {
    pub identifier: String,
    pub file_len: u64,
    pub schema_version: u32,
    pub extended_header: Option<ExtendedHeader>,
    pub plans: Vec<String>,
    pub operators: Vec<Operator>,
    pub delegates: Vec<Delegate>,
    pub segments: Vec<Segment>,
    pub inline_data: u64,
    pub constant_buffers: u64,
    pub named_data: Vec<String>,
    pub anomalies: Vec<ExecuTorchAnomaly>,
    pub limits_hit: Vec<(&'static str, u64)>,
}

impl ExecuTorchView {
    /// Segments whose bytes lie in the file: (index, offset, length).
    pub fn segment_ranges(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.segments.iter().filter_map(|s| {
            let off = s.file_offset?;
            let end = off.checked_add(s.size)?;
            (end <= self.file_len).then_some((s.index, off, s.size))
        })
    }
}

pub fn sniff(data: &[u8]) -> bool {
    matches!(data.get(4..8), Some([b'E', b'T', a, b]) if a.is_ascii_digit() && b.is_ascii_digit())
        && data.len() >= 16
}

mod slot {
    pub const PROGRAM_VERSION: usize = 0;
    pub const PROGRAM_EXECUTION_PLAN: usize = 1;
    pub const PROGRAM_CONSTANT_BUFFER: usize = 2;
    pub const PROGRAM_DELEGATE_DATA: usize = 3;
    pub const PROGRAM_SEGMENTS: usize = 4;
    pub const PROGRAM_CONSTANT_SEGMENT: usize = 5;
    pub const PROGRAM_MUTABLE_SEGMENTS: usize = 6;
    pub const PROGRAM_NAMED_DATA: usize = 7;
    pub const PLAN_NAME: usize = 0;
    pub const PLAN_OPERATORS: usize = 6;
    pub const PLAN_DELEGATES: usize = 7;
    pub const OPERATOR_NAME: usize = 0;
    pub const OPERATOR_OVERLOAD: usize = 1;
    pub const DELEGATE_ID: usize = 0;
    pub const DELEGATE_PROCESSED: usize = 1;
    pub const DELEGATE_COMPILE_SPECS: usize = 2;
    pub const REF_LOCATION: usize = 0;
    pub const REF_INDEX: usize = 1;
    pub const COMPILE_SPEC_KEY: usize = 0;
    pub const INLINE_DATA: usize = 0;
    pub const SEGMENT_OFFSET: usize = 0;
    pub const SEGMENT_SIZE: usize = 1;
    pub const SUBSEGMENT_INDEX: usize = 0;
    pub const SUBSEGMENT_OFFSETS: usize = 1;
    pub const NAMED_DATA_KEY: usize = 0;
    pub const NAMED_DATA_SEGMENT: usize = 1;
}

pub fn parse(data: &[u8]) -> Result<ExecuTorchView, ExecuTorchError> {
    let len = data.len() as u64;
    let Some(found) = data.get(4..8) else {
        return Err(ExecuTorchError::TooShort { len });
    };
    if !matches!(found, [b'E', b'T', a, b] if a.is_ascii_digit() && b.is_ascii_digit()) {
        return Err(ExecuTorchError::BadIdentifier {
            found: String::from_utf8_lossy(found).into_owned(),
        });
    }
    let mut fb = Fb::new(data, BUDGETS);
    let root = fb.root().map_err(ExecuTorchError::Root)?;
    let mut p = Parser {
        fb,
        view: ExecuTorchView {
            identifier: String::from_utf8_lossy(found).into_owned(),
            file_len: len,
            ..ExecuTorchView::default()
        },
        inline_ranges: Vec::new(),
    };
    p.extended_header(data);
    p.program(root);
    if let Some((limit, value)) = p.fb.exhausted {
        p.view.limits_hit.push((limit, value));
    }
    Ok(p.view)
}

struct Parser<'a> {
    fb: Fb<'a>,
    view: ExecuTorchView,
    /// File ranges of `backend_delegate_data[i].data`.
    inline_ranges: Vec<Option<(u64, u64)>>,
}

fn u64_at(data: &[u8], pos: usize) -> Option<u64> {
    let b = data.get(pos..pos.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

impl Parser<'_> {
    fn anomaly(&mut self, a: ExecuTorchAnomaly) {
        if self.view.anomalies.len() < MAX_ANOMALIES {
            self.view.anomalies.push(a);
        } else if !self
            .view
            .limits_hit
            .iter()
            .any(|(l, _)| *l == "max_executorch_anomalies")
        {
            self.view
                .limits_hit
                .push(("max_executorch_anomalies", MAX_ANOMALIES as u64));
        }
    }

    fn malformed(&mut self, path: impl Into<String>, error: FbError) {
        self.anomaly(ExecuTorchAnomaly::Malformed {
            path: path.into(),
            error,
        });
    }

    fn extended_header(&mut self, data: &[u8]) {
        if data.get(8..12) != Some(EXTENDED_HEADER_MAGIC) {
            return;
        }
        let length = data
            .get(12..16)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes);
        let (Some(length), Some(program_size), Some(segment_base_offset)) =
            (length, u64_at(data, 16), u64_at(data, 24))
        else {
            return self.anomaly(ExecuTorchAnomaly::BadExtendedHeader {
                reason: "is cut off by the end of the file".into(),
            });
        };
        let segment_data_size = if length >= 32 { u64_at(data, 32) } else { None };
        let h = ExtendedHeader {
            length,
            program_size,
            segment_base_offset,
            segment_data_size,
        };
        let len = self.view.file_len;
        if length < 24 {
            self.anomaly(ExecuTorchAnomaly::BadExtendedHeader {
                reason: format!("declares {length} bytes, below the 24 of its fields"),
            });
        }
        if program_size > len {
            self.anomaly(ExecuTorchAnomaly::BadExtendedHeader {
                reason: format!("declares a {program_size}-byte program in a {len}-byte file"),
            });
        }
        if segment_base_offset > len
            || (segment_base_offset != 0 && segment_base_offset < program_size)
        {
            self.anomaly(ExecuTorchAnomaly::BadExtendedHeader {
                reason: format!(
                    "puts the segments at {segment_base_offset:#x}, outside the file or inside the {program_size}-byte program"
                ),
            });
        }
        self.view.extended_header = Some(h);
    }

    /// The vector of tables at `slot`, reported as malformed at `path` if unreadable.
    fn tables(&mut self, t: Table, slot: usize, path: &str) -> Option<(usize, u64)> {
        match self.fb.vector(t, slot, 4) {
            Ok(Some((start, n))) => {
                if n > MAX_ITEMS {
                    self.view
                        .limits_hit
                        .push(("max_executorch_items", MAX_ITEMS));
                }
                Some((start, n.min(MAX_ITEMS)))
            }
            Ok(None) => None,
            Err(e) => {
                self.malformed(path, e);
                None
            }
        }
    }

    fn sub_table(&mut self, t: Table, slot: usize) -> FbResult<Option<Table>> {
        match self.fb.field(t, slot, 4)? {
            Some(p) => {
                let at = self.fb.follow("table offset", p)?;
                self.fb.table(at).map(Some)
            }
            None => Ok(None),
        }
    }

    fn program(&mut self, root: Table) {
        match self.fb.scalar_u32(root, slot::PROGRAM_VERSION) {
            Ok(v) => self.view.schema_version = v.unwrap_or(0),
            Err(e) => self.malformed("version", e),
        }
        self.segments(root);
        self.inline_data(root);
        if let Some((_, n)) = self.tables(root, slot::PROGRAM_CONSTANT_BUFFER, "constant_buffer") {
            self.view.constant_buffers = n;
        }
        if let Some((start, n)) = self.tables(root, slot::PROGRAM_EXECUTION_PLAN, "execution_plan")
        {
            for i in 0..n {
                if !self.fb.spend(1) {
                    break;
                }
                let path = format!("execution_plan[{i}]");
                match self.fb.table_at(start, i) {
                    Ok(t) => self.plan(t, &path),
                    Err(e) => self.malformed(path, e),
                }
            }
        }
        match self.sub_table(root, slot::PROGRAM_CONSTANT_SEGMENT) {
            Ok(Some(t)) => self.subsegment(t, "constant_segment"),
            Ok(None) => {}
            Err(e) => self.malformed("constant_segment", e),
        }
        if let Some((start, n)) = self.tables(
            root,
            slot::PROGRAM_MUTABLE_SEGMENTS,
            "mutable_data_segments",
        ) {
            for i in 0..n {
                let path = format!("mutable_data_segments[{i}]");
                match self.fb.table_at(start, i) {
                    Ok(t) => self.subsegment(t, &path),
                    Err(e) => self.malformed(path, e),
                }
            }
        }
        if let Some((start, n)) = self.tables(root, slot::PROGRAM_NAMED_DATA, "named_data") {
            for i in 0..n {
                let path = format!("named_data[{i}]");
                let r = self.fb.table_at(start, i).and_then(|t| {
                    let key = self.fb.string(t, slot::NAMED_DATA_KEY)?;
                    let seg = self.fb.scalar_u32(t, slot::NAMED_DATA_SEGMENT)?;
                    Ok((key.unwrap_or_default(), seg.unwrap_or(0), t.pos as u64))
                });
                match r {
                    Ok((key, seg, at)) => {
                        self.check_segment_index(&format!("{path} `{key}`"), u64::from(seg), at);
                        self.view.named_data.push(key);
                    }
                    Err(e) => self.malformed(path, e),
                }
            }
        }
    }

    fn check_segment_index(&mut self, what: &str, index: u64, offset: u64) {
        let count = self.view.segments.len() as u64;
        if index >= count {
            self.anomaly(ExecuTorchAnomaly::IndexOutOfRange {
                what: format!("{what} segment"),
                index,
                count,
                offset,
            });
        }
    }

    fn segments(&mut self, root: Table) {
        let Some((start, n)) = self.tables(root, slot::PROGRAM_SEGMENTS, "segments") else {
            return;
        };
        let base = self.view.extended_header.map(|h| h.segment_base_offset);
        let program_end = self.view.extended_header.map_or(0, |h| h.program_size);
        let len = self.view.file_len;
        for i in 0..n {
            if !self.fb.spend(1) {
                break;
            }
            let r = self.fb.table_at(start, i).and_then(|t| {
                Ok((
                    self.fb.scalar_u64(t, slot::SEGMENT_OFFSET)?.unwrap_or(0),
                    self.fb.scalar_u64(t, slot::SEGMENT_SIZE)?.unwrap_or(0),
                ))
            });
            let (offset, size) = match r {
                Ok(v) => v,
                Err(e) => {
                    self.malformed(format!("segments[{i}]"), e);
                    self.view.segments.push(Segment {
                        index: i,
                        file_offset: None,
                        size: 0,
                    });
                    continue;
                }
            };
            let file_offset = base.and_then(|b| b.checked_add(offset));
            let reason = match (base, file_offset) {
                (None, _) => Some("has no extended header to locate it"),
                (_, None) => Some("has an offset that overflows"),
                (_, Some(o)) if o.checked_add(size).is_none_or(|e| e > len) => {
                    Some("runs past the end of the file")
                }
                (_, Some(o)) if o < program_end => Some("starts inside the flatbuffer"),
                _ => None,
            };
            if let Some(reason) = reason {
                self.anomaly(ExecuTorchAnomaly::SegmentOutOfBounds {
                    index: i,
                    offset: file_offset.unwrap_or(offset),
                    size,
                    file_len: len,
                    reason,
                });
            }
            self.view.segments.push(Segment {
                index: i,
                file_offset: if reason.is_none() { file_offset } else { None },
                size,
            });
        }
    }

    fn inline_data(&mut self, root: Table) {
        let Some((start, n)) =
            self.tables(root, slot::PROGRAM_DELEGATE_DATA, "backend_delegate_data")
        else {
            return;
        };
        self.view.inline_data = n;
        for i in 0..n {
            if !self.fb.spend(1) {
                break;
            }
            let r = self
                .fb
                .table_at(start, i)
                .and_then(|t| self.fb.vector(t, slot::INLINE_DATA, 1));
            match r {
                Ok(v) => self.inline_ranges.push(v.map(|(s, l)| (s as u64, l))),
                Err(e) => {
                    self.malformed(format!("backend_delegate_data[{i}]"), e);
                    self.inline_ranges.push(None);
                }
            }
        }
    }

    fn subsegment(&mut self, t: Table, path: &str) {
        let r = self
            .fb
            .scalar_u32(t, slot::SUBSEGMENT_INDEX)
            .and_then(|idx| {
                Ok((
                    idx.unwrap_or(0),
                    self.fb.vector(t, slot::SUBSEGMENT_OFFSETS, 8)?,
                ))
            });
        let (index, offsets) = match r {
            Ok(v) => v,
            Err(e) => return self.malformed(path, e),
        };
        let Some((start, n)) = offsets else { return };
        if n == 0 {
            return;
        }
        let index = u64::from(index);
        let Some(seg) = self.view.segments.get(index as usize).copied() else {
            return self.check_segment_index(path, index, t.pos as u64);
        };
        for i in 0..n.min(MAX_ITEMS) {
            if !self.fb.spend(1) {
                break;
            }
            let at = usize::try_from(i)
                .ok()
                .and_then(|i| i.checked_mul(8))
                .and_then(|o| start.checked_add(o));
            let Some(at) = at else { break };
            match self.fb.u64("subsegment offset", at) {
                Ok(off) if off > seg.size => {
                    self.anomaly(ExecuTorchAnomaly::IndexOutOfRange {
                        what: format!("{path}.offsets[{i}] (bytes into segment {index})"),
                        index: off,
                        count: seg.size,
                        offset: at as u64,
                    });
                }
                Ok(_) => {}
                Err(e) => return self.malformed(path, e),
            }
        }
    }

    fn plan(&mut self, t: Table, path: &str) {
        let name = match self.fb.string(t, slot::PLAN_NAME) {
            Ok(n) => n.unwrap_or_default(),
            Err(e) => {
                self.malformed(format!("{path}.name"), e);
                String::new()
            }
        };
        if (self.view.plans.len() as u64) < MAX_ITEMS {
            self.view.plans.push(name.clone());
        }
        if let Some((start, n)) = self.tables(t, slot::PLAN_OPERATORS, &format!("{path}.operators"))
        {
            for i in 0..n {
                if !self.fb.spend(1) {
                    break;
                }
                let r = self.fb.table_at(start, i).and_then(|o| {
                    Ok((
                        self.fb.string(o, slot::OPERATOR_NAME)?.unwrap_or_default(),
                        self.fb
                            .string(o, slot::OPERATOR_OVERLOAD)?
                            .unwrap_or_default(),
                        o.pos as u64,
                    ))
                });
                match r {
                    Ok((op, overload, offset)) => {
                        if (self.view.operators.len() as u64) < MAX_ITEMS {
                            self.view.operators.push(Operator {
                                plan: name.clone(),
                                name: op,
                                overload,
                                offset,
                            });
                        }
                    }
                    Err(e) => self.malformed(format!("{path}.operators[{i}]"), e),
                }
            }
        }
        if let Some((start, n)) = self.tables(t, slot::PLAN_DELEGATES, &format!("{path}.delegates"))
        {
            for i in 0..n {
                if !self.fb.spend(1) {
                    break;
                }
                let dpath = format!("{path}.delegates[{i}]");
                match self.fb.table_at(start, i) {
                    Ok(d) => self.delegate(d, &name, &dpath),
                    Err(e) => self.malformed(dpath, e),
                }
            }
        }
    }

    fn delegate(&mut self, d: Table, plan: &str, path: &str) {
        let r = (|| -> FbResult<_> {
            let id = self.fb.string(d, slot::DELEGATE_ID)?.unwrap_or_default();
            let (location, index) = match self.sub_table(d, slot::DELEGATE_PROCESSED)? {
                Some(r) => (
                    self.fb.scalar_u8(r, slot::REF_LOCATION)?.unwrap_or(0),
                    self.fb.scalar_u32(r, slot::REF_INDEX)?.unwrap_or(0),
                ),
                None => (0, 0),
            };
            let mut keys = Vec::new();
            if let Some((start, n)) = self.fb.vector(d, slot::DELEGATE_COMPILE_SPECS, 4)? {
                for i in 0..n.min(1_000) {
                    let s = self.fb.table_at(start, i)?;
                    if let Some(k) = self.fb.string(s, slot::COMPILE_SPEC_KEY)? {
                        keys.push(k);
                    }
                }
            }
            Ok((id, location, index, keys))
        })();
        let (id, location, index, keys) = match r {
            Ok(v) => v,
            Err(e) => return self.malformed(path, e),
        };
        let index = u64::from(index);
        let location = match location {
            0 => DataLocation::Inline,
            1 => DataLocation::Segment,
            other => DataLocation::Unknown(other),
        };
        let offset = d.pos as u64;
        let payload = match location {
            DataLocation::Inline => match self.inline_ranges.get(index as usize) {
                Some(r) => *r,
                None => {
                    self.anomaly(ExecuTorchAnomaly::IndexOutOfRange {
                        what: format!("{path} `{id}` inline data"),
                        index,
                        count: self.inline_ranges.len() as u64,
                        offset,
                    });
                    None
                }
            },
            DataLocation::Segment => match self.view.segments.get(index as usize) {
                Some(s) => s.file_offset.map(|o| (o, s.size)),
                None => {
                    self.check_segment_index(&format!("{path} `{id}`"), index, offset);
                    None
                }
            },
            DataLocation::Unknown(_) => None,
        };
        if (self.view.delegates.len() as u64) < MAX_ITEMS {
            self.view.delegates.push(Delegate {
                plan: plan.to_string(),
                id,
                location,
                index,
                compile_spec_keys: keys,
                payload,
                offset,
            });
        }
    }
}

/// Operator namespaces whose kernels ship with ExecuTorch's portable,
/// optimized and quantized kernel libraries.
pub const STANDARD_NAMESPACES: &[&str] = &[
    "aten",
    "prim",
    "executorch_prim",
    "quantized_decomposed",
    "dim_order_ops",
];

/// Backend ids of the delegates that ship with ExecuTorch.
pub const KNOWN_BACKENDS: &[&str] = &[
    "XnnpackBackend",
    "CoreMLBackend",
    "MPSBackend",
    "VulkanBackend",
    "QnnBackend",
    "ArmBackend",
    "EthosUBackend",
    "VgfBackend",
    "NeuronBackend",
    "OpenvinoBackend",
    "NeutronBackend",
    "EnnBackend",
    "CadenceBackend",
    "TensorRTBackend",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(sniff(b"\x1c\0\0\0ET12\0\0\0\0\0\0\0\0"));
        assert!(!sniff(b"\x1c\0\0\0TFL3\0\0\0\0\0\0\0\0"));
        assert!(matches!(
            parse(b"\0\0"),
            Err(ExecuTorchError::TooShort { .. })
        ));
        assert!(matches!(
            parse(b"\x08\0\0\0TFL3\0\0\0\0"),
            Err(ExecuTorchError::BadIdentifier { .. })
        ));
        assert!(matches!(
            parse(b"\xf0\0\0\0ET12\0\0\0\0"),
            Err(ExecuTorchError::Root(_))
        ));
    }

    #[test]
    fn operator_names() {
        let op = Operator {
            plan: "forward".into(),
            name: "aten::add".into(),
            overload: "out".into(),
            offset: 0,
        };
        assert_eq!(op.namespace(), "aten");
        assert_eq!(op.qualified(), "aten::add.out");
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let mut seed = 11u64;
        for len in 8..400usize {
            let mut data: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (seed >> 33) as u8
                })
                .collect();
            data[0] = 16;
            data[1..4].fill(0);
            data[4..8].copy_from_slice(b"ET12");
            let _ = parse(&data);
        }
    }
}
