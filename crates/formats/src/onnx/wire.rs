//! A light walk over the protobuf wire format of an ONNX model, run before
//! prost decodes it.
//!
//! prost allocates a struct for every message it decodes: a two-byte empty
//! `NodeProto` on the wire becomes a few hundred bytes in memory, so a
//! hostile file could make the decoder allocate a hundred times its size.
//! This walk follows the same schema as [`super::proto`] without allocating,
//! counts the messages, strings and repeated numbers prost would create and
//! estimates their memory, and stops at a budget before prost runs. It also
//! records the file offsets of top-level fields (for finding locations)
//! and recognises the format for sniffing.

use std::mem::size_of;

use super::proto;

/// Messages, strings and repeated numbers decoded from one model.
pub const MAX_ITEMS: u64 = 4_000_000;
/// Estimated memory of the decoded messages (twice the sum of their sizes,
/// for vector growth).
pub const MAX_DECODED_BYTES: u64 = 512 << 20;
/// Message nesting, below prost's own recursion limit of 100 so that a deep
/// file is reported as a limit, not as a decoding error.
pub const MAX_DEPTH: u32 = 96;

/// The message types of [`super::proto`], for the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Model,
    Opset,
    Entry,
    Graph,
    Node,
    Attribute,
    Tensor,
    Sparse,
    ValueInfo,
    Type,
    TypeTensor,
    Shape,
    Dim,
    Function,
    Opaque,
}

/// What a declared field holds.
enum Field {
    Message(Kind),
    /// A singular string or bytes field.
    Bytes,
    /// A repeated string or bytes field (one vector element per occurrence).
    RepeatedBytes,
    /// A repeated integer field, packed or not.
    RepeatedInt,
    /// Undeclared or scalar: costs nothing.
    Other,
}

fn field(kind: Kind, number: u64) -> Field {
    use Field::{Bytes, Message as M, Other, RepeatedBytes, RepeatedInt};
    match (kind, number) {
        (Kind::Model, 7) => M(Kind::Graph),
        (Kind::Model, 8) | (Kind::Function, 9) => M(Kind::Opset),
        (Kind::Model, 14) | (Kind::Graph, 16) | (Kind::Node, 9) | (Kind::Tensor, 13) => {
            M(Kind::Entry)
        }
        (Kind::Model, 25) => M(Kind::Function),
        (Kind::Model, 2 | 3 | 4 | 6) => Bytes,
        (Kind::Opset, 1) | (Kind::Entry, 1 | 2) => Bytes,
        (Kind::Graph, 1) | (Kind::Function, 7) => M(Kind::Node),
        (Kind::Graph, 5) | (Kind::Attribute, 5 | 10) | (Kind::Sparse, 1 | 2) => M(Kind::Tensor),
        (Kind::Graph, 11 | 12) => M(Kind::ValueInfo),
        (Kind::Graph, 15) | (Kind::Attribute, 22 | 23) => M(Kind::Sparse),
        (Kind::Graph, 2 | 10) => Bytes,
        (Kind::Node, 5) => M(Kind::Attribute),
        (Kind::Node, 3 | 4 | 6 | 7) => Bytes,
        (Kind::Attribute, 6 | 11) => M(Kind::Graph),
        (Kind::Attribute, 1 | 4) => Bytes,
        (Kind::Attribute, 9) => RepeatedBytes,
        (Kind::Tensor, 1) | (Kind::Sparse, 3) => RepeatedInt,
        (Kind::Tensor, 8) => Bytes,
        (Kind::ValueInfo, 2) => M(Kind::Type),
        (Kind::ValueInfo, 1) => Bytes,
        (Kind::Type, 1 | 8) => M(Kind::TypeTensor),
        (Kind::Type, 4 | 5 | 9) => M(Kind::Opaque),
        (Kind::TypeTensor, 2) => M(Kind::Shape),
        (Kind::Shape, 1) => M(Kind::Dim),
        (Kind::Dim, 2) => Bytes,
        (Kind::Function, 1 | 8 | 10) => Bytes,
        _ => Other,
    }
}

fn struct_size(kind: Kind) -> u64 {
    (match kind {
        Kind::Model => size_of::<proto::ModelProto>(),
        Kind::Opset => size_of::<proto::OperatorSetIdProto>(),
        Kind::Entry => size_of::<proto::StringStringEntryProto>(),
        Kind::Graph => size_of::<proto::GraphProto>(),
        Kind::Node => size_of::<proto::NodeProto>(),
        Kind::Attribute => size_of::<proto::AttributeProto>(),
        Kind::Tensor => size_of::<proto::TensorProto>(),
        Kind::Sparse => size_of::<proto::SparseTensorProto>(),
        Kind::ValueInfo => size_of::<proto::ValueInfoProto>(),
        Kind::Type => size_of::<proto::TypeProto>(),
        Kind::TypeTensor => size_of::<proto::TypeTensor>(),
        Kind::Shape => size_of::<proto::TensorShapeProto>(),
        Kind::Dim => size_of::<proto::Dimension>(),
        Kind::Function => size_of::<proto::FunctionProto>(),
        Kind::Opaque => 0,
    }) as u64
}

/// Why the walk stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Stop {
    Malformed { offset: u64, reason: &'static str },
    Limit { limit: &'static str, value: u64 },
}

/// Where the top-level fields of the model are: the first occurrence of
/// each scalar field, and every `metadata_props` and `functions` entry
/// (which the budget counts as messages).
#[derive(Debug, Default)]
pub(super) struct TopOffsets {
    /// Offsets of the first tag of fields 1 to 7, by number.
    first: [Option<u64>; 8],
    pub metadata_props: Vec<u64>,
    pub functions: Vec<u64>,
}

impl TopOffsets {
    fn record(&mut self, field: u64, wire: u64, at: u64) {
        match (field, wire) {
            // Length-delimited only: those are budgeted as messages.
            (14, 2) => self.metadata_props.push(at),
            (25, 2) => self.functions.push(at),
            (14 | 25, _) => {}
            (field, _) => {
                if let Some(slot @ None) = usize::try_from(field)
                    .ok()
                    .and_then(|f| self.first.get_mut(f))
                {
                    *slot = Some(at);
                }
            }
        }
    }

    /// Offset of the first tag of scalar field `field` (1 to 7).
    pub fn first(&self, field: usize) -> Option<u64> {
        self.first.get(field).copied().flatten()
    }
}

/// Counts and cost so far.
#[derive(Debug, Default)]
pub(super) struct Budget {
    pub items: u64,
    pub bytes: u64,
}

impl Budget {
    fn spend(&mut self, items: u64, bytes: u64) -> Result<(), Stop> {
        self.items = self.items.saturating_add(items);
        self.bytes = self.bytes.saturating_add(bytes);
        if self.items > MAX_ITEMS {
            return Err(Stop::Limit {
                limit: "onnx_max_items",
                value: MAX_ITEMS,
            });
        }
        if self.bytes.saturating_mul(2) > MAX_DECODED_BYTES {
            return Err(Stop::Limit {
                limit: "onnx_max_decoded_bytes",
                value: MAX_DECODED_BYTES,
            });
        }
        Ok(())
    }
}

/// A protobuf varint at `*pos`; `None` when truncated or longer than 10 bytes.
pub(super) fn varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..10u32 {
        let b = *data.get(*pos)?;
        *pos = pos.checked_add(1)?;
        value |= u64::from(b & 0x7f).checked_shl(i.checked_mul(7)?)?;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// One field's tag and where its payload is.
struct Tag {
    number: u64,
    wire: u64,
    /// Offset of the tag.
    at: usize,
}

fn next_tag(data: &[u8], pos: &mut usize) -> Result<Tag, &'static str> {
    let at = *pos;
    let key = varint(data, pos).ok_or("truncated field tag")?;
    let number = key >> 3;
    if number == 0 {
        return Err("field number 0");
    }
    Ok(Tag {
        number,
        wire: key & 7,
        at,
    })
}

/// Skips a non-length-delimited payload.
fn skip_scalar(data: &[u8], pos: &mut usize, wire: u64) -> Result<(), &'static str> {
    let width = match wire {
        0 => return varint(data, pos).map(|_| ()).ok_or("truncated varint"),
        1 => 8usize,
        5 => 4,
        3 | 4 => return Err("group wire type (not used by ONNX)"),
        _ => return Err("invalid wire type"),
    };
    let end = pos.checked_add(width).filter(|e| *e <= data.len());
    *pos = end.ok_or("truncated fixed-width field")?;
    Ok(())
}

/// The payload of a length-delimited field.
fn len_payload<'a>(data: &'a [u8], pos: &mut usize) -> Result<&'a [u8], &'static str> {
    let len = varint(data, pos).ok_or("truncated length")?;
    let len = usize::try_from(len).map_err(|_| "length past the end")?;
    let end = pos
        .checked_add(len)
        .filter(|e| *e <= data.len())
        .ok_or("length past the end")?;
    let payload = data.get(*pos..end).ok_or("length past the end")?;
    *pos = end;
    Ok(payload)
}

/// Walks a message of `kind` in `data` (which starts at file offset `base`).
pub(super) fn walk(
    data: &[u8],
    base: u64,
    kind: Kind,
    depth: u32,
    budget: &mut Budget,
    mut top: Option<&mut TopOffsets>,
) -> Result<(), Stop> {
    let mut pos = 0usize;
    let malformed = |at: usize, reason| Stop::Malformed {
        offset: base.saturating_add(at as u64),
        reason,
    };
    while pos < data.len() {
        let tag = next_tag(data, &mut pos).map_err(|r| malformed(pos, r))?;
        if let Some(t) = top.as_deref_mut() {
            t.record(tag.number, tag.wire, base.saturating_add(tag.at as u64));
        }
        let declared = field(kind, tag.number);
        if tag.wire != 2 {
            if matches!(declared, Field::RepeatedInt) {
                budget.spend(1, 8)?;
            }
            skip_scalar(data, &mut pos, tag.wire).map_err(|r| malformed(tag.at, r))?;
            continue;
        }
        let payload = len_payload(data, &mut pos).map_err(|r| malformed(tag.at, r))?;
        let len = payload.len() as u64;
        match declared {
            Field::Message(inner) => {
                let depth = depth.saturating_add(1);
                if depth > MAX_DEPTH {
                    return Err(Stop::Limit {
                        limit: "onnx_max_depth",
                        value: u64::from(MAX_DEPTH),
                    });
                }
                budget.spend(1, struct_size(inner))?;
                let payload_at = base.saturating_add((pos as u64).saturating_sub(len));
                walk(payload, payload_at, inner, depth, budget, None)?;
            }
            Field::Bytes => budget.spend(0, len)?,
            Field::RepeatedBytes => budget.spend(1, len.saturating_add(24))?,
            Field::RepeatedInt => {
                let n = payload.iter().filter(|b| **b & 0x80 == 0).count() as u64;
                budget.spend(n, n.saturating_mul(8))?;
            }
            Field::Other => {}
        }
    }
    Ok(())
}

/// Does `data` look like a serialised `ModelProto`? ONNX has no magic, but
/// serialisers write fields in number order, so a model starts with
/// `ir_version` (tag `0x08`) and soon reaches its opset imports or graph.
/// `data` may be only the head of a file.
pub fn sniff(data: &[u8]) -> bool {
    let mut pos = 0usize;
    if data.first() != Some(&0x08) {
        return false;
    }
    pos = pos.saturating_add(1);
    if !varint(data, &mut pos).is_some_and(|v| (1..=64).contains(&v)) {
        return false;
    }
    for _ in 0..64 {
        let Ok(tag) = next_tag(data, &mut pos) else {
            return false;
        };
        match (tag.number, tag.wire) {
            (5, 0) | (1, 0) => {
                if varint(data, &mut pos).is_none() {
                    return false;
                }
            }
            (7 | 8, 2) => {
                // The graph or an opset import: check its first inner tag.
                let Some(len) = varint(data, &mut pos) else {
                    return false;
                };
                if len == 0 {
                    return true;
                }
                let mut inner = pos;
                let Ok(first) = next_tag(data, &mut inner) else {
                    // Cut by the head: the outer structure was consistent.
                    return inner >= data.len();
                };
                return if tag.number == 8 {
                    matches!((first.number, first.wire), (1, 2) | (2, 0))
                } else {
                    matches!(
                        field(Kind::Graph, first.number),
                        Field::Message(_) | Field::Bytes
                    ) && first.wire == 2
                };
            }
            (2 | 3 | 4 | 6 | 14 | 20 | 25, 2) => {
                if len_payload(data, &mut pos).is_err() {
                    return false;
                }
            }
            _ => return false,
        }
        if pos >= data.len() {
            return false;
        }
    }
    false
}
