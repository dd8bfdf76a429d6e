//! HDF5 (Keras 2 `.h5`, h5py files): a bounded reader of the structure a
//! security scan needs, written from the HDF5 file-format specification.
//! No libhdf5, no raw data read.
//!
//! Read: superblocks 0 to 3 (at offset 0 or after a user block at 512·2ⁿ),
//! object headers 1 and 2 with their continuation blocks, the dataspace,
//! datatype, attribute, attribute-info, link, link-info, symbol-table,
//! data-layout (including virtual), external-files and filter-pipeline
//! messages; old-style groups (v1 B-tree, local heap, symbol nodes), dense
//! links and attributes (fractal heap and v2 B-tree), global-heap objects
//! for variable-length strings and virtual-dataset mappings.
//!
//! A loader follows external links, external raw-data files and virtual
//! dataset sources on its own, so every one of them is recorded with the
//! file name it names. Attribute values (Keras keeps `model_config` there)
//! are decoded when they are strings or numbers.
//!
//! Every address is checked against the file, every count against the
//! remaining bytes and [`Hdf5Limits`], nodes and heaps are visited once,
//! and hard links are followed once per object (a link back to an ancestor
//! is a [`Hdf5AnomalyKind::HardLinkCycle`]). What cannot be read becomes an
//! anomaly and the view says it is not [`complete`](Hdf5View::complete);
//! only a buffer without a readable superblock is an error.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::Limits;

/// The eight-byte format signature.
pub const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";
/// Anomalies kept before the parser records a limit instead.
pub const MAX_ANOMALIES: usize = 1_000;
/// Nesting of datatypes (compound in array in compound …).
const MAX_DTYPE_DEPTH: u32 = 16;
/// Elements kept per attribute value.
const MAX_ATTR_ELEMENTS: u64 = 1 << 20;
/// Direct blocks indexed per fractal heap.
const MAX_HEAP_BLOCKS: usize = 1 << 20;
/// Dimensions accepted in a dataspace (HDF5 allows 32).
const MAX_RANK: u8 = 32;

/// Why the buffer is not an HDF5 file this reader opens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Hdf5Error {
    #[error("no HDF5 signature at offset 0 or at any user-block offset")]
    NoSignature,
    #[error("superblock at offset {offset} is truncated")]
    TruncatedSuperblock { offset: u64 },
    #[error("superblock version {version} at offset {offset} is not 0, 1, 2 or 3")]
    UnsupportedVersion { offset: u64, version: u8 },
    #[error(
        "superblock declares {offsets}-byte offsets and {lengths}-byte lengths (2, 4 or 8 expected)"
    )]
    BadSizes { offsets: u8, lengths: u8 },
}

/// Resource bounds of one parse; [`Hdf5Limits::from_limits`] derives them
/// from the scanner's [`Limits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hdf5Limits {
    /// Objects (groups, datasets, named datatypes) reached.
    pub max_objects: usize,
    /// Attributes read in the whole file.
    pub max_attributes: usize,
    /// Bytes of one attribute value that are decoded; longer values are
    /// described and not kept.
    pub max_attribute_bytes: u64,
    /// Bytes of attribute values kept in the view in total.
    pub max_stored_bytes: u64,
    /// Depth of the group hierarchy followed from the root.
    pub max_depth: u32,
    /// Levels of one B-tree or fractal-heap indirect block tree.
    pub max_btree_depth: u32,
    /// Structural steps (messages, nodes, records, heap objects).
    pub max_work: u64,
    /// Element values kept per attribute (string arrays and numbers).
    pub max_attribute_elements: u64,
}

impl Hdf5Limits {
    pub fn from_limits(limits: &Limits) -> Self {
        Hdf5Limits {
            max_objects: 200_000,
            max_attributes: 1_000_000,
            max_attribute_bytes: 64 << 20,
            max_stored_bytes: 512 << 20,
            max_depth: 64,
            max_btree_depth: 16,
            max_work: 50_000_000,
            max_attribute_elements: MAX_ATTR_ELEMENTS.min(limits.max_memo_entries as u64),
        }
    }
}

impl Default for Hdf5Limits {
    fn default() -> Self {
        Self::from_limits(&Limits::default())
    }
}

/// What kind of object a header describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hdf5ObjectKind {
    Group,
    Dataset,
    /// A named (committed) datatype or an object with neither group nor
    /// dataset messages.
    Other,
}

/// A decoded attribute value. Strings are decoded lossily from UTF-8
/// (ASCII is a subset); a single element (scalar or one-element array) is
/// a `String`.
#[derive(Debug, Clone, PartialEq)]
pub enum Hdf5Value {
    String(String),
    Strings(Vec<String>),
    Ints(Vec<i64>),
    Floats(Vec<f64>),
    /// A value not decoded: its type description (and why).
    Other(String),
}

impl Hdf5Value {
    /// The value as one string (a `String`, or `Strings` of one element).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Hdf5Value::String(s) => Some(s),
            Hdf5Value::Strings(v) if v.len() == 1 => v.first().map(String::as_str),
            _ => None,
        }
    }

    /// Every string element of the value.
    pub fn strings(&self) -> Vec<&str> {
        match self {
            Hdf5Value::String(s) => vec![s.as_str()],
            Hdf5Value::Strings(v) => v.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// One attribute of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Hdf5Attribute {
    pub name: String,
    pub value: Hdf5Value,
}

/// A link that does not point at an object in this file (hard links are
/// followed and appear as objects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hdf5Link {
    /// A path in the same file, resolved by the loader at access time.
    Soft { name: String, target: String },
    /// An object in another file, opened by the loader at access time.
    External {
        name: String,
        file: String,
        object: String,
    },
}

impl Hdf5Link {
    pub fn name(&self) -> &str {
        match self {
            Hdf5Link::Soft { name, .. } | Hdf5Link::External { name, .. } => name,
        }
    }
}

/// How a dataset's raw data is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hdf5Layout {
    Compact,
    Contiguous,
    Chunked,
    Virtual,
    /// No layout message (or one of an unknown class).
    Unknown,
}

/// What a dataset declares about its data (never the data itself).
#[derive(Debug, Clone, PartialEq)]
pub struct Hdf5Dataset {
    /// Datatype text: `float32`, `int64`, `string[12] ascii`,
    /// `vlen string utf-8`, `compound{a: float32, b: int8}`.
    pub dtype: String,
    /// Bytes of one element.
    pub element_size: u64,
    /// Current dimensions; empty for a scalar.
    pub shape: Vec<u64>,
    pub layout: Hdf5Layout,
    /// Bytes of stored data: the layout's own size (contiguous, compact)
    /// or elements × element size (chunked, virtual, unknown).
    pub storage_bytes: u64,
    /// Absolute file offset of contiguous data, when allocated.
    pub data_offset: Option<u64>,
    /// Filter ids of the pipeline (1 deflate, 2 shuffle, 32001 blosc …).
    pub filters: Vec<u16>,
    /// A floating-point datatype stored big-endian.
    pub big_endian: bool,
}

/// One object reached from the root group.
#[derive(Debug, Clone, PartialEq)]
pub struct Hdf5Object {
    /// `/` for the root, `/model_weights/dense/dense/kernel:0` below it
    /// (the first path the object was reached by).
    pub path: String,
    pub kind: Hdf5ObjectKind,
    /// Relative object-header address, as links store it.
    pub address: u64,
    pub attributes: Vec<Hdf5Attribute>,
    /// Soft and external links of this group.
    pub links: Vec<Hdf5Link>,
    /// External raw-data files (external-files message).
    pub external_files: Vec<String>,
    /// Source file names of a virtual dataset's mappings (`.` is this file).
    pub virtual_sources: Vec<String>,
    pub dataset: Option<Hdf5Dataset>,
}

impl Hdf5Object {
    pub fn attr(&self, name: &str) -> Option<&Hdf5Value> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| &a.value)
    }
}

/// What kind of irregularity was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hdf5AnomalyKind {
    /// A structure could not be read (truncated, bad signature or version,
    /// impossible size); what it held is missing from the view.
    Malformed,
    /// An address points outside the file.
    OutOfBounds,
    /// A B-tree, heap or continuation chain reaches a node it already
    /// visited; the rest of that structure is skipped.
    StructureCycle,
    /// A hard link points at one of the group's own ancestors (legal HDF5;
    /// the walk does not follow it twice).
    HardLinkCycle,
    /// A feature this reader does not decode (shared messages in the
    /// shared-message heap, huge fractal-heap objects, filtered heaps).
    Unsupported,
    /// A link name that no HDF5 library writes (empty, `.`, or with `/`).
    BadLinkName,
    /// The superblock's base address differs from where it was found.
    BaseAddress,
}

impl Hdf5AnomalyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Hdf5AnomalyKind::Malformed => "malformed",
            Hdf5AnomalyKind::OutOfBounds => "out-of-bounds",
            Hdf5AnomalyKind::StructureCycle => "structure-cycle",
            Hdf5AnomalyKind::HardLinkCycle => "hard-link-cycle",
            Hdf5AnomalyKind::Unsupported => "unsupported",
            Hdf5AnomalyKind::BadLinkName => "bad-link-name",
            Hdf5AnomalyKind::BaseAddress => "base-address",
        }
    }

    /// Whether the anomaly leaves part of the file unread.
    pub fn loses_content(self) -> bool {
        matches!(
            self,
            Hdf5AnomalyKind::Malformed
                | Hdf5AnomalyKind::OutOfBounds
                | Hdf5AnomalyKind::StructureCycle
                | Hdf5AnomalyKind::Unsupported
        )
    }
}

/// An irregularity, with the object path it was found under and the
/// absolute file offset of the structure concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hdf5Anomaly {
    pub kind: Hdf5AnomalyKind,
    pub path: String,
    pub offset: u64,
    pub detail: String,
}

impl fmt::Display for Hdf5Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at offset {} ({})",
            self.detail, self.offset, self.path
        )
    }
}

/// The structure of one HDF5 file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hdf5View {
    pub superblock_version: u8,
    /// Absolute offset of the superblock (the user-block size).
    pub superblock_offset: u64,
    /// Every object reached from the root, depth-first, root first.
    pub objects: Vec<Hdf5Object>,
    pub anomalies: Vec<Hdf5Anomaly>,
    /// Limits that stopped the walk, with their values.
    pub limits_hit: Vec<(&'static str, u64)>,
    /// True when every structure was read: no limit hit and no anomaly that
    /// loses content.
    pub complete: bool,
}

impl Hdf5View {
    pub fn object(&self, path: &str) -> Option<&Hdf5Object> {
        self.objects.iter().find(|o| o.path == path)
    }

    /// The string value of attribute `name` of the object at `path`.
    pub fn attr_str(&self, path: &str, name: &str) -> Option<&str> {
        self.object(path)?.attr(name)?.as_str()
    }

    /// Attributes of the root group.
    pub fn root(&self) -> Option<&Hdf5Object> {
        self.objects.first()
    }
}

/// Whether `data` holds an HDF5 signature at offset 0 or at a user-block
/// offset (512, 1024, 2048 …).
pub fn sniff(data: &[u8]) -> bool {
    signature_offset(data).is_some()
}

fn signature_offset(data: &[u8]) -> Option<u64> {
    let mut off: u64 = 0;
    loop {
        let start = usize::try_from(off).ok()?;
        let end = start.checked_add(SIGNATURE.len())?;
        match data.get(start..end) {
            Some(s) if s == SIGNATURE => return Some(off),
            Some(_) => {}
            None => return None,
        }
        off = if off == 0 { 512 } else { off.checked_mul(2)? };
    }
}

/// Parses `data` with bounds derived from `limits`.
pub fn parse(data: &[u8], limits: &Limits) -> Result<Hdf5View, Hdf5Error> {
    parse_with(data, &Hdf5Limits::from_limits(limits))
}

/// Parses `data` with explicit HDF5 bounds.
pub fn parse_with(data: &[u8], limits: &Hdf5Limits) -> Result<Hdf5View, Hdf5Error> {
    let sb_off = signature_offset(data).ok_or(Hdf5Error::NoSignature)?;
    let sb = read_superblock(data, sb_off)?;
    let mut p = Parser {
        data,
        base: sb_off,
        so: sb.so,
        sl: sb.sl,
        lim: limits.clone(),
        work: 0,
        stored: 0,
        attrs: 0,
        stopped: false,
        view: Hdf5View {
            superblock_version: sb.version,
            superblock_offset: sb_off,
            ..Hdf5View::default()
        },
        visited: HashSet::new(),
        seen_nodes: HashSet::new(),
        gheaps: HashMap::new(),
    };
    if sb.base != sb_off && sb.base != 0 {
        p.anomaly(
            Hdf5AnomalyKind::BaseAddress,
            "/",
            sb_off,
            format!(
                "superblock found at {sb_off} declares base address {}",
                sb.base
            ),
        );
    }
    p.walk_root(sb.root);
    let complete =
        p.view.limits_hit.is_empty() && !p.view.anomalies.iter().any(|a| a.kind.loses_content());
    p.view.complete = complete;
    Ok(p.view)
}

struct Superblock {
    version: u8,
    so: u8,
    sl: u8,
    base: u64,
    root: u64,
}

fn read_superblock(data: &[u8], off: u64) -> Result<Superblock, Hdf5Error> {
    let trunc = Hdf5Error::TruncatedSuperblock { offset: off };
    let start = usize::try_from(off).map_err(|_| trunc.clone())?;
    let mut c = Cur::new(data.get(start..).ok_or(trunc.clone())?);
    let t = |_| trunc.clone();
    c.skip(8).map_err(t)?;
    let version = c.u8().map_err(t)?;
    let (so, sl);
    match version {
        0 | 1 => {
            c.skip(3).map_err(t)?; // free-space, root symtab, reserved
            c.skip(1).map_err(t)?; // shared header version
            so = c.u8().map_err(t)?;
            sl = c.u8().map_err(t)?;
        }
        2 | 3 => {
            so = c.u8().map_err(t)?;
            sl = c.u8().map_err(t)?;
        }
        v => {
            return Err(Hdf5Error::UnsupportedVersion {
                offset: off,
                version: v,
            });
        }
    }
    if !matches!(so, 2 | 4 | 8) || !matches!(sl, 2 | 4 | 8) {
        return Err(Hdf5Error::BadSizes {
            offsets: so,
            lengths: sl,
        });
    }
    let (base, root) = if version < 2 {
        c.skip(1).map_err(t)?; // reserved
        c.skip(4).map_err(t)?; // group K values
        c.skip(4).map_err(t)?; // consistency flags
        if version == 1 {
            c.skip(4).map_err(t)?;
        }
        let base = c.uint(so).map_err(t)?;
        c.skip(usize::from(so).saturating_mul(3)).map_err(t)?; // free space, EOF, driver
        // Root symbol-table entry: name offset, object header address, …
        c.skip(usize::from(so)).map_err(t)?;
        let root = c.uint(so).map_err(t)?;
        c.skip(24).map_err(t)?;
        (base, root)
    } else {
        c.skip(1).map_err(t)?; // flags
        let base = c.uint(so).map_err(t)?;
        c.skip(usize::from(so).saturating_mul(2)).map_err(t)?; // extension, EOF
        let root = c.uint(so).map_err(t)?;
        c.skip(4).map_err(t)?;
        (base, root)
    };
    Ok(Superblock {
        version,
        so,
        sl,
        base,
        root,
    })
}

/// Why reading a structure stopped.
#[derive(Debug)]
enum Stop {
    /// The structure is malformed; the message says how.
    Bad(Hdf5AnomalyKind, String),
    /// A limit was hit (already recorded): unwind everything.
    Limit,
}

type R<T> = Result<T, Stop>;

fn bad<T>(msg: impl Into<String>) -> R<T> {
    Err(Stop::Bad(Hdf5AnomalyKind::Malformed, msg.into()))
}

/// A bounds-checked little-endian cursor.
#[derive(Clone, Copy)]
struct Cur<'a> {
    buf: &'a [u8],
    pos: usize,
}

#[derive(Debug)]
struct Short;

impl From<Short> for Stop {
    fn from(_: Short) -> Self {
        Stop::Bad(
            Hdf5AnomalyKind::Malformed,
            "structure runs past its end".into(),
        )
    }
}

impl<'a> Cur<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Cur { buf, pos: 0 }
    }
    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], Short> {
        let end = self.pos.checked_add(n).ok_or(Short)?;
        let s = self.buf.get(self.pos..end).ok_or(Short)?;
        self.pos = end;
        Ok(s)
    }
    fn skip(&mut self, n: usize) -> Result<(), Short> {
        self.bytes(n).map(|_| ())
    }
    fn u8(&mut self) -> Result<u8, Short> {
        Ok(*self.bytes(1)?.first().ok_or(Short)?)
    }
    fn u16(&mut self) -> Result<u16, Short> {
        Ok(self.uint(2)? as u16)
    }
    fn u32(&mut self) -> Result<u32, Short> {
        Ok(self.uint(4)? as u32)
    }
    /// An unsigned little-endian integer of `n` (≤ 8) bytes.
    fn uint(&mut self, n: u8) -> Result<u64, Short> {
        let b = self.bytes(usize::from(n))?;
        Ok(le(b))
    }
    /// A NUL-terminated string; the terminator is consumed.
    fn cstr(&mut self) -> Result<&'a [u8], Short> {
        let rest = self.buf.get(self.pos..).ok_or(Short)?;
        let n = rest.iter().position(|&b| b == 0).ok_or(Short)?;
        let s = self.bytes(n)?;
        self.skip(1)?;
        Ok(s)
    }
    /// A NUL-terminated string padded (terminator included) to a multiple
    /// of eight bytes.
    fn cstr_padded8(&mut self) -> Result<&'a [u8], Short> {
        let start = self.pos;
        let s = self.cstr()?;
        let used = self.pos.saturating_sub(start);
        self.skip(pad8(used).saturating_sub(used))?;
        Ok(s)
    }
}

fn le(b: &[u8]) -> u64 {
    b.iter()
        .take(8)
        .rev()
        .fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
}

fn pad8(n: usize) -> usize {
    n.checked_add(7).map_or(n, |m| m & !7)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Bytes needed to encode `n` the way HDF5 sizes variable-width fields.
fn enc_size(n: u64) -> u8 {
    let bits = 64u32.saturating_sub(n.leading_zeros());
    // floor(log2(n)) / 8 + 1, with log2(0) = 0
    (bits.saturating_sub(1) / 8).saturating_add(1) as u8
}

/// A parsed datatype.
#[derive(Debug, Clone, PartialEq)]
enum Dtype {
    Int {
        size: u32,
        signed: bool,
        be: bool,
    },
    Float {
        size: u32,
        be: bool,
    },
    FixedStr {
        size: u32,
        pad: u8,
        utf8: bool,
    },
    VlenStr {
        utf8: bool,
    },
    VlenSeq(Box<Dtype>),
    Compound {
        size: u32,
        members: Vec<(String, Dtype)>,
    },
    Enum {
        base: Box<Dtype>,
        size: u32,
    },
    Array {
        dims: Vec<u32>,
        base: Box<Dtype>,
        size: u32,
    },
    Opaque {
        size: u32,
        tag: String,
    },
    Reference {
        size: u32,
    },
    Bitfield {
        size: u32,
    },
    Time {
        size: u32,
    },
    Unknown {
        class: u8,
        size: u32,
    },
}

impl Dtype {
    fn size(&self, so: u8) -> u64 {
        u64::from(match self {
            Dtype::Int { size, .. }
            | Dtype::Float { size, .. }
            | Dtype::FixedStr { size, .. }
            | Dtype::Compound { size, .. }
            | Dtype::Enum { size, .. }
            | Dtype::Array { size, .. }
            | Dtype::Opaque { size, .. }
            | Dtype::Reference { size }
            | Dtype::Bitfield { size }
            | Dtype::Time { size }
            | Dtype::Unknown { size, .. } => *size,
            // length (4) + global heap collection address + index (4)
            Dtype::VlenStr { .. } | Dtype::VlenSeq(_) => {
                return u64::from(so).saturating_add(8);
            }
        })
    }

    fn describe(&self) -> String {
        match self {
            Dtype::Int { size, signed, .. } => {
                format!(
                    "{}int{}",
                    if *signed { "" } else { "u" },
                    size.saturating_mul(8)
                )
            }
            Dtype::Float { size, .. } => format!("float{}", size.saturating_mul(8)),
            Dtype::FixedStr { size, utf8, .. } => {
                format!("string[{size}] {}", if *utf8 { "utf-8" } else { "ascii" })
            }
            Dtype::VlenStr { utf8 } => {
                format!("vlen string {}", if *utf8 { "utf-8" } else { "ascii" })
            }
            Dtype::VlenSeq(b) => format!("vlen {}", b.describe()),
            Dtype::Compound { members, .. } => {
                let inner: Vec<String> = members
                    .iter()
                    .take(32)
                    .map(|(n, t)| format!("{n}: {}", t.describe()))
                    .collect();
                let more = if members.len() > 32 { ", …" } else { "" };
                format!("compound{{{}{more}}}", inner.join(", "))
            }
            Dtype::Enum { base, .. } => format!("enum {}", base.describe()),
            Dtype::Array { dims, base, .. } => {
                let d: Vec<String> = dims.iter().map(u32::to_string).collect();
                format!("array[{}] {}", d.join("x"), base.describe())
            }
            Dtype::Opaque { size, tag } if tag.is_empty() => format!("opaque[{size}]"),
            Dtype::Opaque { size, tag } => format!("opaque[{size}] {tag}"),
            Dtype::Reference { size } => format!("reference[{size}]"),
            Dtype::Bitfield { size } => format!("bitfield[{size}]"),
            Dtype::Time { size } => format!("time[{size}]"),
            Dtype::Unknown { class, size } => format!("class {class}[{size}]"),
        }
    }
}

/// Dimensions of a dataspace; `None` for the null dataspace.
#[derive(Debug, Clone, PartialEq)]
struct Space {
    dims: Option<Vec<u64>>,
}

impl Space {
    fn count(&self) -> Option<u64> {
        match &self.dims {
            None => Some(0),
            Some(d) => d.iter().try_fold(1u64, |acc, &x| acc.checked_mul(x)),
        }
    }
}

/// A raw header message.
#[derive(Clone, Copy)]
struct Msg<'a> {
    kind: u16,
    flags: u8,
    data: &'a [u8],
    /// Absolute file offset of the message data.
    at: u64,
}

const MSG_DATASPACE: u16 = 0x0001;
const MSG_LINK_INFO: u16 = 0x0002;
const MSG_DATATYPE: u16 = 0x0003;
const MSG_LINK: u16 = 0x0006;
const MSG_EXTERNAL_FILES: u16 = 0x0007;
const MSG_LAYOUT: u16 = 0x0008;
const MSG_FILTERS: u16 = 0x000B;
const MSG_ATTRIBUTE: u16 = 0x000C;
const MSG_CONTINUATION: u16 = 0x0010;
const MSG_SYMBOL_TABLE: u16 = 0x0011;
const MSG_ATTRIBUTE_INFO: u16 = 0x0015;

/// A child reached through a hard link.
struct Child {
    name: String,
    address: u64,
}

/// Links of a group, in storage order.
#[derive(Default)]
struct Links {
    hard: Vec<Child>,
    other: Vec<Hdf5Link>,
}

/// A decoded link message.
enum LinkTarget {
    Hard(u64),
    Soft(String),
    External { file: String, object: String },
    UserDefined(u8),
}

/// Dense storage addresses (attribute info or link info message).
struct Dense {
    heap: u64,
    name_index: u64,
}

struct Parser<'a> {
    data: &'a [u8],
    base: u64,
    so: u8,
    sl: u8,
    lim: Hdf5Limits,
    work: u64,
    stored: u64,
    attrs: usize,
    stopped: bool,
    view: Hdf5View,
    /// Object-header addresses already walked.
    visited: HashSet<u64>,
    /// B-tree nodes, heap blocks and continuation blocks already read.
    seen_nodes: HashSet<u64>,
    /// Global heap collections: address → (object index → (absolute offset, size)).
    gheaps: HashMap<u64, HashMap<u16, (u64, u64)>>,
}

impl<'a> Parser<'a> {
    fn anomaly(&mut self, kind: Hdf5AnomalyKind, path: &str, offset: u64, detail: String) {
        if self.view.anomalies.len() >= MAX_ANOMALIES {
            self.hit("hdf5_max_anomalies", MAX_ANOMALIES as u64);
            return;
        }
        self.view.anomalies.push(Hdf5Anomaly {
            kind,
            path: path.to_string(),
            offset,
            detail,
        });
    }

    fn hit(&mut self, name: &'static str, value: u64) {
        if !self.view.limits_hit.iter().any(|(n, _)| *n == name) {
            self.view.limits_hit.push((name, value));
        }
    }

    fn limit<T>(&mut self, name: &'static str, value: u64) -> R<T> {
        self.hit(name, value);
        self.stopped = true;
        Err(Stop::Limit)
    }

    fn tick(&mut self, n: u64) -> R<()> {
        self.work = self.work.saturating_add(n);
        if self.work > self.lim.max_work {
            return self.limit("hdf5_max_work", self.lim.max_work);
        }
        Ok(())
    }

    fn undef(&self, addr: u64) -> bool {
        let bits = u32::from(self.so).saturating_mul(8);
        addr == u64::MAX || (bits < 64 && addr == (1u64 << bits).saturating_sub(1))
    }

    /// Absolute offset of relative address `addr`.
    fn abs(&self, addr: u64) -> R<u64> {
        match self.base.checked_add(addr) {
            Some(a) if a < self.data.len() as u64 => Ok(a),
            _ => Err(Stop::Bad(
                Hdf5AnomalyKind::OutOfBounds,
                format!(
                    "address {addr} is outside the file ({} bytes)",
                    self.data.len()
                ),
            )),
        }
    }

    /// The file from relative address `addr` to the end.
    fn from(&self, addr: u64) -> R<&'a [u8]> {
        let a = self.abs(addr)?;
        let a = usize::try_from(a).map_err(|_| Short)?;
        Ok(self.data.get(a..).ok_or(Short)?)
    }

    /// `len` bytes at relative address `addr`.
    fn at(&self, addr: u64, len: u64) -> R<&'a [u8]> {
        let rest = self.from(addr)?;
        let len = usize::try_from(len).map_err(|_| Short)?;
        match rest.get(..len) {
            Some(s) => Ok(s),
            None => Err(Stop::Bad(
                Hdf5AnomalyKind::OutOfBounds,
                format!("{len} bytes at address {addr} run past the end of the file"),
            )),
        }
    }

    /// Marks a node as read; false (with an anomaly) when it was read before.
    fn first_visit(&mut self, addr: u64, what: &str) -> R<()> {
        if self.seen_nodes.insert(addr) {
            Ok(())
        } else {
            Err(Stop::Bad(
                Hdf5AnomalyKind::StructureCycle,
                format!("{what} at address {addr} is reached twice"),
            ))
        }
    }

    /// Turns a failure into an anomaly; a limit keeps unwinding.
    fn note<T>(&mut self, r: R<T>, path: &str, addr: u64, what: &str) -> R<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Stop::Limit) => Err(Stop::Limit),
            Err(Stop::Bad(kind, msg)) => {
                let off = self.base.saturating_add(addr);
                self.anomaly(kind, path, off, format!("{what}: {msg}"));
                Ok(None)
            }
        }
    }

    // ----- object walk -------------------------------------------------

    fn walk_root(&mut self, root: u64) {
        let mut ancestors = Vec::new();
        let _ = self.visit(root, "/".to_string(), 0, &mut ancestors);
    }

    fn visit(&mut self, addr: u64, path: String, depth: u32, ancestors: &mut Vec<u64>) -> R<()> {
        if self.stopped {
            return Err(Stop::Limit);
        }
        if ancestors.contains(&addr) {
            let target = self
                .view
                .objects
                .iter()
                .find(|o| o.address == addr)
                .map_or_else(String::new, |o| o.path.clone());
            let off = self.base.saturating_add(addr);
            self.anomaly(
                Hdf5AnomalyKind::HardLinkCycle,
                &path,
                off,
                format!("hard link `{path}` points back at its ancestor `{target}`"),
            );
            return Ok(());
        }
        if !self.visited.insert(addr) {
            return Ok(()); // a second hard link to an object already walked
        }
        if self.view.objects.len() >= self.lim.max_objects {
            return self.limit("hdf5_max_objects", self.lim.max_objects as u64);
        }
        if depth > self.lim.max_depth {
            return self.limit("hdf5_max_depth", u64::from(self.lim.max_depth));
        }
        let r = self.read_header(addr);
        let Some(messages) = self.note(r, &path, addr, "object header")? else {
            return Ok(());
        };
        let (object, links) = self.interpret(addr, &path, &messages)?;
        self.view.objects.push(object);
        ancestors.push(addr);
        for child in links.hard {
            let child_path = if path == "/" {
                format!("/{}", child.name)
            } else {
                format!("{path}/{}", child.name)
            };
            let r = self.visit(
                child.address,
                child_path,
                depth.saturating_add(1),
                ancestors,
            );
            if let Err(e) = r {
                ancestors.pop();
                return Err(e);
            }
        }
        ancestors.pop();
        Ok(())
    }

    /// Reads every message of the object header at `addr`, following
    /// continuation blocks.
    fn read_header(&mut self, addr: u64) -> R<Vec<Msg<'a>>> {
        self.tick(1)?;
        let head = self.from(addr)?;
        let mut out = Vec::new();
        // Continuation blocks still to read: (relative address, length).
        let mut pending: Vec<(u64, u64)> = Vec::new();
        let mut seen_blocks: HashSet<u64> = HashSet::new();
        let v2 = head.starts_with(b"OHDR");
        let mut creation_order = false;
        if v2 {
            let mut c = Cur::new(head);
            c.skip(4)?;
            let version = c.u8()?;
            if version != 2 {
                return bad(format!("version-2 object header has version {version}"));
            }
            let flags = c.u8()?;
            creation_order = flags & 0x04 != 0;
            if flags & 0x20 != 0 {
                c.skip(16)?;
            }
            if flags & 0x10 != 0 {
                c.skip(4)?;
            }
            let size = c.uint(1u8 << (flags & 3))?;
            let start = c.pos as u64;
            let body = self.at(addr.saturating_add(start), size)?;
            let at = self.base.saturating_add(addr).saturating_add(start);
            self.messages_v2(body, at, creation_order, &mut out, &mut pending)?;
        } else {
            let mut c = Cur::new(head);
            let version = c.u8()?;
            if version != 1 {
                return bad(format!("object header version {version} is not 1 or 2"));
            }
            c.skip(1)?;
            let _count = c.u16()?;
            c.skip(4)?; // reference count
            let size = u64::from(c.u32()?);
            let body = self.at(addr.saturating_add(16), size)?;
            let at = self.base.saturating_add(addr).saturating_add(16);
            self.messages_v1(body, at, &mut out, &mut pending)?;
        }
        seen_blocks.insert(addr);
        while let Some((caddr, clen)) = pending.pop() {
            self.tick(1)?;
            if !seen_blocks.insert(caddr) {
                return Err(Stop::Bad(
                    Hdf5AnomalyKind::StructureCycle,
                    format!("continuation block at address {caddr} is reached twice"),
                ));
            }
            let block = self.at(caddr, clen)?;
            let at = self.base.saturating_add(caddr);
            if v2 {
                if !block.starts_with(b"OCHK") {
                    return bad(format!("continuation block at {caddr} lacks `OCHK`"));
                }
                let body = block.get(4..block.len().saturating_sub(4)).ok_or(Short)?;
                self.messages_v2(
                    body,
                    at.saturating_add(4),
                    creation_order,
                    &mut out,
                    &mut pending,
                )?;
            } else {
                self.messages_v1(block, at, &mut out, &mut pending)?;
            }
        }
        Ok(out)
    }

    fn messages_v1(
        &mut self,
        body: &'a [u8],
        at: u64,
        out: &mut Vec<Msg<'a>>,
        pending: &mut Vec<(u64, u64)>,
    ) -> R<()> {
        let mut c = Cur::new(body);
        while c.remaining() >= 8 {
            self.tick(1)?;
            let kind = c.u16()?;
            let size = c.u16()?;
            let flags = c.u8()?;
            c.skip(3)?;
            let data_at = at.saturating_add(c.pos as u64);
            let data = c.bytes(usize::from(size))?;
            self.push_msg(kind, flags, data, data_at, out, pending)?;
        }
        Ok(())
    }

    fn messages_v2(
        &mut self,
        body: &'a [u8],
        at: u64,
        creation_order: bool,
        out: &mut Vec<Msg<'a>>,
        pending: &mut Vec<(u64, u64)>,
    ) -> R<()> {
        let header = if creation_order { 6 } else { 4 };
        let mut c = Cur::new(body);
        while c.remaining() >= header {
            self.tick(1)?;
            let kind = u16::from(c.u8()?);
            let size = c.u16()?;
            let flags = c.u8()?;
            if creation_order {
                c.skip(2)?;
            }
            let data_at = at.saturating_add(c.pos as u64);
            let data = c.bytes(usize::from(size))?;
            self.push_msg(kind, flags, data, data_at, out, pending)?;
        }
        Ok(())
    }

    fn push_msg(
        &mut self,
        kind: u16,
        flags: u8,
        data: &'a [u8],
        at: u64,
        out: &mut Vec<Msg<'a>>,
        pending: &mut Vec<(u64, u64)>,
    ) -> R<()> {
        if kind == MSG_CONTINUATION {
            let mut c = Cur::new(data);
            let addr = c.uint(self.so)?;
            let len = c.uint(self.sl)?;
            pending.push((addr, len));
        } else if kind != 0 {
            out.push(Msg {
                kind,
                flags,
                data,
                at,
            });
        }
        Ok(())
    }

    /// Builds the object and its links from its messages.
    fn interpret(&mut self, addr: u64, path: &str, messages: &[Msg<'a>]) -> R<(Hdf5Object, Links)> {
        let mut obj = Hdf5Object {
            path: path.to_string(),
            kind: Hdf5ObjectKind::Other,
            address: addr,
            attributes: Vec::new(),
            links: Vec::new(),
            external_files: Vec::new(),
            virtual_sources: Vec::new(),
            dataset: None,
        };
        let mut links = Links::default();
        let mut is_group = path == "/";
        let mut space: Option<Space> = None;
        let mut dtype: Option<Dtype> = None;
        let mut layout: Option<(Hdf5Layout, Option<u64>, Option<u64>)> = None;
        let mut filters = Vec::new();
        let mut link_names: HashSet<String> = HashSet::new();
        for m in messages {
            let what = msg_name(m.kind);
            let rel = m.at.saturating_sub(self.base);
            if m.flags & 0x02 != 0 && m.kind != MSG_ATTRIBUTE {
                // Shared message: only datatypes are resolved.
                if m.kind == MSG_DATATYPE {
                    let r = self.shared_dtype(m.data);
                    if let Some(t) = self.note(r, path, rel, "shared datatype")? {
                        dtype = Some(t);
                    }
                } else if matches!(m.kind, MSG_DATASPACE | MSG_LAYOUT | MSG_EXTERNAL_FILES) {
                    self.anomaly(
                        Hdf5AnomalyKind::Unsupported,
                        path,
                        m.at,
                        format!("shared {what} message is not read"),
                    );
                }
                continue;
            }
            match m.kind {
                MSG_DATASPACE => {
                    let r = self.dataspace(&mut Cur::new(m.data));
                    space = self.note(r, path, rel, what)?;
                }
                MSG_DATATYPE => {
                    let r = self.datatype(&mut Cur::new(m.data), 0);
                    dtype = self.note(r, path, rel, what)?;
                }
                MSG_LAYOUT => {
                    let r = self.layout(m.data, path, &mut obj.virtual_sources);
                    layout = self.note(r, path, rel, what)?;
                }
                MSG_FILTERS => {
                    let r = filter_ids(m.data);
                    if let Some(f) = self.note(r, path, rel, what)? {
                        filters = f;
                    }
                }
                MSG_EXTERNAL_FILES => {
                    let r = self.external_files(m.data);
                    if let Some(f) = self.note(r, path, rel, what)? {
                        obj.external_files.extend(f);
                    }
                }
                MSG_ATTRIBUTE => {
                    let r = self.attribute(m.data, m.flags, path);
                    if let Some(a) = self.note(r, path, rel, what)? {
                        self.push_attr(&mut obj, a)?;
                    }
                }
                MSG_ATTRIBUTE_INFO => {
                    let r = self.dense_info(m.data, false);
                    if let Some(Some(d)) = self.note(r, path, rel, what)? {
                        let r = self.dense_attributes(&d, path);
                        if let Some(list) = self.note(r, path, rel, "dense attribute storage")? {
                            for a in list {
                                self.push_attr(&mut obj, a)?;
                            }
                        }
                    }
                }
                MSG_LINK => {
                    is_group = true;
                    let r = self.link(m.data);
                    if let Some((name, target)) = self.note(r, path, rel, what)? {
                        self.add_link(path, m.at, name, target, &mut links, &mut link_names)?;
                    }
                }
                MSG_LINK_INFO => {
                    is_group = true;
                    let r = self.dense_info(m.data, true);
                    if let Some(Some(d)) = self.note(r, path, rel, what)? {
                        let r = self.dense_links(&d);
                        if let Some(list) = self.note(r, path, rel, "dense link storage")? {
                            for (name, target) in list {
                                self.add_link(
                                    path,
                                    m.at,
                                    name,
                                    target,
                                    &mut links,
                                    &mut link_names,
                                )?;
                            }
                        }
                    }
                }
                MSG_SYMBOL_TABLE => {
                    is_group = true;
                    let r = self.symbol_table(m.data, path);
                    if let Some(list) = self.note(r, path, rel, what)? {
                        for (name, target) in list {
                            self.add_link(path, m.at, name, target, &mut links, &mut link_names)?;
                        }
                    }
                }
                _ => {}
            }
        }
        if is_group {
            obj.kind = Hdf5ObjectKind::Group;
        } else if space.is_some() && (layout.is_some() || dtype.is_some()) {
            obj.kind = Hdf5ObjectKind::Dataset;
            let t = dtype.unwrap_or(Dtype::Unknown {
                class: 255,
                size: 0,
            });
            let esize = t.size(self.so);
            let shape = space.and_then(|s| s.dims).unwrap_or_default();
            let count = shape.iter().try_fold(1u64, |a, &x| a.checked_mul(x));
            let logical = count.and_then(|c| c.checked_mul(esize)).unwrap_or(u64::MAX);
            let (kind, size, offset) = layout.unwrap_or((Hdf5Layout::Unknown, None, None));
            let data_offset = offset
                .filter(|&o| !self.undef(o))
                .map(|o| self.base.saturating_add(o));
            if let (Some(off), Some(size)) = (data_offset, size)
                && kind == Hdf5Layout::Contiguous
                && off.saturating_add(size) > self.data.len() as u64
            {
                self.anomaly(
                    Hdf5AnomalyKind::OutOfBounds,
                    path,
                    off,
                    format!(
                        "contiguous data of {size} bytes at offset {off} runs past the end of the file ({} bytes)",
                        self.data.len()
                    ),
                );
            }
            obj.dataset = Some(Hdf5Dataset {
                dtype: t.describe(),
                element_size: esize,
                shape,
                layout: kind,
                storage_bytes: size.unwrap_or(logical),
                data_offset,
                filters,
                big_endian: matches!(t, Dtype::Float { be: true, .. }),
            });
        } else if dtype.is_some() {
            obj.kind = Hdf5ObjectKind::Other;
        }
        obj.links = links.other.clone();
        Ok((obj, links))
    }

    fn push_attr(&mut self, obj: &mut Hdf5Object, a: Hdf5Attribute) -> R<()> {
        self.attrs = self.attrs.saturating_add(1);
        if self.attrs > self.lim.max_attributes {
            return self.limit("hdf5_max_attributes", self.lim.max_attributes as u64);
        }
        let kept = match &a.value {
            Hdf5Value::String(v) | Hdf5Value::Other(v) => v.len(),
            Hdf5Value::Strings(v) => v.iter().map(|x| x.len().saturating_add(24)).sum(),
            Hdf5Value::Ints(v) => v.len().saturating_mul(8),
            Hdf5Value::Floats(v) => v.len().saturating_mul(8),
        };
        self.charge((kept as u64).saturating_add(a.name.len() as u64))?;
        obj.attributes.push(a);
        Ok(())
    }

    fn add_link(
        &mut self,
        path: &str,
        at: u64,
        name: String,
        target: LinkTarget,
        links: &mut Links,
        names: &mut HashSet<String>,
    ) -> R<()> {
        self.charge(name.len() as u64)?;
        if name.is_empty() || name == "." || name.contains('/') {
            self.anomaly(
                Hdf5AnomalyKind::BadLinkName,
                path,
                at,
                format!("link name `{name}` is not a valid HDF5 link name"),
            );
        }
        if !names.insert(name.clone()) {
            self.anomaly(
                Hdf5AnomalyKind::BadLinkName,
                path,
                at,
                format!("link name `{name}` appears twice in one group"),
            );
        }
        match target {
            LinkTarget::Hard(a) => links.hard.push(Child { name, address: a }),
            LinkTarget::Soft(target) => links.other.push(Hdf5Link::Soft { name, target }),
            LinkTarget::External { file, object } => {
                links.other.push(Hdf5Link::External { name, file, object })
            }
            LinkTarget::UserDefined(t) => self.anomaly(
                Hdf5AnomalyKind::Unsupported,
                path,
                at,
                format!("link `{name}` has user-defined link type {t}"),
            ),
        }
        Ok(())
    }

    // ----- messages ------------------------------------------------------

    fn dataspace(&mut self, c: &mut Cur<'_>) -> R<Space> {
        let version = c.u8()?;
        let rank = c.u8()?;
        let _flags = c.u8()?;
        if rank > MAX_RANK {
            return bad(format!("dataspace rank {rank} exceeds {MAX_RANK}"));
        }
        let null = match version {
            1 => {
                c.skip(5)?;
                false
            }
            2 => c.u8()? == 2,
            v => return bad(format!("dataspace version {v} is not 1 or 2")),
        };
        let mut dims = Vec::with_capacity(usize::from(rank));
        for _ in 0..rank {
            dims.push(c.uint(self.sl)?);
        }
        Ok(Space {
            dims: if null { None } else { Some(dims) },
        })
    }

    fn datatype(&mut self, c: &mut Cur<'_>, depth: u32) -> R<Dtype> {
        if depth > MAX_DTYPE_DEPTH {
            return bad(format!("datatype nesting exceeds {MAX_DTYPE_DEPTH}"));
        }
        self.tick(1)?;
        let cv = c.u8()?;
        let class = cv & 0x0f;
        let version = cv >> 4;
        let bits = c.bytes(3)?;
        let b0 = bits.first().copied().unwrap_or(0);
        let b1 = bits.get(1).copied().unwrap_or(0);
        let size = c.u32()?;
        Ok(match class {
            0 => {
                c.skip(4)?;
                Dtype::Int {
                    size,
                    signed: b0 & 0x08 != 0,
                    be: b0 & 0x01 != 0,
                }
            }
            1 => {
                c.skip(12)?;
                Dtype::Float {
                    size,
                    be: b0 & 0x01 != 0,
                }
            }
            2 => {
                c.skip(2)?;
                Dtype::Time { size }
            }
            3 => Dtype::FixedStr {
                size,
                pad: b0 & 0x0f,
                utf8: (b0 >> 4) == 1,
            },
            4 => {
                c.skip(4)?;
                Dtype::Bitfield { size }
            }
            5 => {
                let tag = c.bytes(usize::from(b0))?;
                let end = tag.iter().position(|&b| b == 0).unwrap_or(tag.len());
                Dtype::Opaque {
                    size,
                    tag: text(tag.get(..end).unwrap_or(&[])),
                }
            }
            6 => {
                let n = u16::from_le_bytes([b0, b1]);
                let mut members = Vec::new();
                for _ in 0..n {
                    self.tick(1)?;
                    let name = if version >= 3 {
                        c.cstr()?
                    } else {
                        c.cstr_padded8()?
                    };
                    match version {
                        1 => {
                            c.skip(4 + 1 + 3 + 4 + 4 + 16)?;
                        }
                        2 => c.skip(4)?,
                        _ => c.skip(usize::from(enc_size(u64::from(size))))?,
                    }
                    let t = self.datatype(c, depth.saturating_add(1))?;
                    members.push((text(name), t));
                }
                Dtype::Compound { size, members }
            }
            7 => Dtype::Reference { size },
            8 => {
                let n = u16::from_le_bytes([b0, b1]);
                let base = self.datatype(c, depth.saturating_add(1))?;
                let bsize = usize::try_from(base.size(self.so)).map_err(|_| Short)?;
                for _ in 0..n {
                    self.tick(1)?;
                    if version >= 3 {
                        c.cstr()?;
                    } else {
                        c.cstr_padded8()?;
                    }
                }
                c.skip(bsize.checked_mul(usize::from(n)).ok_or(Short)?)?;
                Dtype::Enum {
                    base: Box::new(base),
                    size,
                }
            }
            9 => {
                let base = self.datatype(c, depth.saturating_add(1))?;
                if b0 & 0x0f == 1 {
                    Dtype::VlenStr {
                        utf8: b1 & 0x0f == 1,
                    }
                } else {
                    Dtype::VlenSeq(Box::new(base))
                }
            }
            10 => {
                let rank = c.u8()?;
                if rank > MAX_RANK {
                    return bad(format!("array datatype rank {rank} exceeds {MAX_RANK}"));
                }
                if version < 3 {
                    c.skip(3)?;
                }
                let mut dims = Vec::new();
                for _ in 0..rank {
                    dims.push(c.u32()?);
                }
                if version < 3 {
                    c.skip(usize::from(rank).saturating_mul(4))?;
                }
                let base = self.datatype(c, depth.saturating_add(1))?;
                Dtype::Array {
                    dims,
                    base: Box::new(base),
                    size,
                }
            }
            other => Dtype::Unknown { class: other, size },
        })
    }

    /// A shared datatype message: the datatype of a committed datatype
    /// object, read from that object's header.
    fn shared_dtype(&mut self, data: &[u8]) -> R<Dtype> {
        let mut c = Cur::new(data);
        let version = c.u8()?;
        let kind = c.u8()?;
        let addr = match version {
            1 => {
                c.skip(6)?;
                c.uint(self.so)?
            }
            2 => c.uint(self.so)?,
            3 if kind == 2 => c.uint(self.so)?,
            3 => {
                return Err(Stop::Bad(
                    Hdf5AnomalyKind::Unsupported,
                    "datatype stored in the shared-message heap is not read".into(),
                ));
            }
            v => return bad(format!("shared message version {v}")),
        };
        if !self.seen_nodes.insert(addr ^ (1 << 62)) && !self.visited.contains(&addr) {
            // Reading the same committed type again is fine; the set only
            // bounds pathological repetition through the work counter.
        }
        let messages = self.read_header(addr)?;
        for m in messages {
            if m.kind == MSG_DATATYPE && m.flags & 0x02 == 0 {
                return self.datatype(&mut Cur::new(m.data), 1);
            }
        }
        bad(format!(
            "committed datatype at {addr} has no datatype message"
        ))
    }

    /// Layout kind, declared size, relative data address.
    fn layout(
        &mut self,
        data: &[u8],
        path: &str,
        sources: &mut Vec<String>,
    ) -> R<(Hdf5Layout, Option<u64>, Option<u64>)> {
        let mut c = Cur::new(data);
        let version = c.u8()?;
        match version {
            1 | 2 => {
                let rank = c.u8()?;
                let class = c.u8()?;
                c.skip(5)?;
                let addr = if class == 0 {
                    None
                } else {
                    Some(c.uint(self.so)?)
                };
                for _ in 0..rank {
                    c.u32()?;
                }
                if class == 2 {
                    c.u32()?; // element size
                }
                Ok(match class {
                    0 => {
                        let size = u64::from(c.u32()?);
                        (Hdf5Layout::Compact, Some(size), None)
                    }
                    1 => (Hdf5Layout::Contiguous, None, addr),
                    2 => (Hdf5Layout::Chunked, None, None),
                    _ => (Hdf5Layout::Unknown, None, None),
                })
            }
            3..=5 => {
                let class = c.u8()?;
                Ok(match class {
                    0 => {
                        let size = u64::from(c.u16()?);
                        (Hdf5Layout::Compact, Some(size), None)
                    }
                    1 => {
                        let addr = c.uint(self.so)?;
                        let size = c.uint(self.sl)?;
                        (Hdf5Layout::Contiguous, Some(size), Some(addr))
                    }
                    2 => (Hdf5Layout::Chunked, None, None),
                    3 => {
                        let addr = c.uint(self.so)?;
                        let index = c.u32()?;
                        if !self.undef(addr) {
                            let r = self.virtual_sources(addr, index);
                            let rel = addr;
                            if let Some(names) =
                                self.note(r, path, rel, "virtual dataset mapping")?
                            {
                                for n in names {
                                    if !sources.contains(&n) {
                                        sources.push(n);
                                    }
                                }
                            }
                        }
                        (Hdf5Layout::Virtual, None, None)
                    }
                    _ => (Hdf5Layout::Unknown, None, None),
                })
            }
            v => bad(format!("data layout version {v} is not 1 to 5")),
        }
    }

    fn external_files(&mut self, data: &[u8]) -> R<Vec<String>> {
        let mut c = Cur::new(data);
        let version = c.u8()?;
        if version != 1 {
            return bad(format!("external files message version {version} is not 1"));
        }
        c.skip(3)?;
        let _allocated = c.u16()?;
        let used = c.u16()?;
        let heap = c.uint(self.so)?;
        let heap_data = self.local_heap(heap)?;
        let mut out = Vec::new();
        for _ in 0..used {
            self.tick(1)?;
            let name_off = c.uint(self.sl)?;
            c.uint(self.sl)?; // offset in file
            c.uint(self.sl)?; // size
            let name = heap_string(heap_data, name_off)?;
            if !out.contains(&name) {
                out.push(name);
            }
        }
        Ok(out)
    }

    fn attribute(&mut self, data: &[u8], flags: u8, path: &str) -> R<Hdf5Attribute> {
        let mut c = Cur::new(data);
        let version = c.u8()?;
        let aflags = c.u8()?;
        let name_size = usize::from(c.u16()?);
        let dt_size = usize::from(c.u16()?);
        let ds_size = usize::from(c.u16()?);
        let padded = |n: usize| if version == 1 { pad8(n) } else { n };
        match version {
            1 | 2 => {}
            3 => {
                c.skip(1)?;
            }
            v => return bad(format!("attribute message version {v} is not 1, 2 or 3")),
        }
        let name_bytes = c.bytes(padded(name_size))?;
        let name_len = name_bytes
            .iter()
            .take(name_size)
            .position(|&b| b == 0)
            .unwrap_or(name_size.min(name_bytes.len()));
        let name = text(name_bytes.get(..name_len).unwrap_or(&[]));
        let dt_bytes = c.bytes(padded(dt_size))?;
        let ds_bytes = c.bytes(padded(ds_size))?;
        let shared_type = aflags & 0x01 != 0 || (flags & 0x02 != 0);
        let dtype = if shared_type {
            match self.shared_dtype(dt_bytes) {
                Ok(t) => t,
                Err(Stop::Limit) => return Err(Stop::Limit),
                Err(Stop::Bad(_, why)) => {
                    return Ok(Hdf5Attribute {
                        name,
                        value: Hdf5Value::Other(format!("shared datatype not read: {why}")),
                    });
                }
            }
        } else {
            self.datatype(&mut Cur::new(dt_bytes), 0)?
        };
        if aflags & 0x02 != 0 {
            return Ok(Hdf5Attribute {
                name,
                value: Hdf5Value::Other(format!("{} with a shared dataspace", dtype.describe())),
            });
        }
        let space = self.dataspace(&mut Cur::new(ds_bytes))?;
        let rest = c.buf.get(c.pos..).unwrap_or(&[]);
        let value = self.value(&dtype, &space, rest, path, &name)?;
        Ok(Hdf5Attribute { name, value })
    }

    /// Decodes an attribute's data.
    fn value(
        &mut self,
        t: &Dtype,
        space: &Space,
        data: &[u8],
        path: &str,
        name: &str,
    ) -> R<Hdf5Value> {
        let count = space.count().ok_or(Short)?;
        let esize = t.size(self.so);
        let total = count.checked_mul(esize).ok_or(Short)?;
        if total > data.len() as u64 {
            return bad(format!(
                "attribute `{name}` declares {count} elements of {esize} bytes but holds {} bytes",
                data.len()
            ));
        }
        if count > self.lim.max_attribute_elements {
            self.hit(
                "hdf5_max_attribute_elements",
                self.lim.max_attribute_elements,
            );
            return Ok(Hdf5Value::Other(format!(
                "{} × {count}, not decoded",
                t.describe()
            )));
        }
        let esize_us = usize::try_from(esize).map_err(|_| Short)?;
        let elems = || data.chunks_exact(esize_us.max(1)).take(count as usize);
        let scalar = space.dims.as_ref().is_some_and(|d| d.is_empty()) || count == 1;
        let out = match t {
            Dtype::FixedStr { pad, .. } => {
                if !self.budget(total, path, name)? {
                    return Ok(Hdf5Value::Other(format!(
                        "{} × {count}, not kept",
                        t.describe()
                    )));
                }
                let strings: Vec<String> = elems().map(|e| fixed_str(e, *pad)).collect();
                strings_value(strings, scalar)
            }
            Dtype::VlenStr { .. } => {
                let mut strings = Vec::new();
                for e in elems() {
                    self.tick(1)?;
                    let mut ec = Cur::new(e);
                    let len = u64::from(ec.u32()?);
                    let coll = ec.uint(self.so)?;
                    let idx = ec.u32()?;
                    if coll == 0 && len == 0 {
                        strings.push(String::new());
                        continue;
                    }
                    let bytes = self.gheap_object(coll, idx)?;
                    let take = (bytes.len() as u64).min(len);
                    if !self.budget(take, path, name)? {
                        return Ok(Hdf5Value::Other(format!(
                            "{} × {count}, not kept",
                            t.describe()
                        )));
                    }
                    let b = bytes.get(..take as usize).unwrap_or(&[]);
                    let end = b.iter().position(|&x| x == 0).unwrap_or(b.len());
                    strings.push(text(b.get(..end).unwrap_or(&[])));
                }
                strings_value(strings, scalar)
            }
            Dtype::Int {
                size: 1 | 2 | 4 | 8,
                signed,
                be,
            } => Hdf5Value::Ints(elems().map(|e| int_of(e, *signed, *be)).collect()),
            Dtype::Enum { base, .. } => match base.as_ref() {
                Dtype::Int {
                    size: 1 | 2 | 4 | 8,
                    signed,
                    be,
                } => Hdf5Value::Ints(elems().map(|e| int_of(e, *signed, *be)).collect()),
                _ => Hdf5Value::Other(t.describe()),
            },
            Dtype::Float { size, be } if matches!(size, 4 | 8) => Hdf5Value::Floats(
                elems()
                    .map(|e| {
                        let mut b = e.to_vec();
                        if *be {
                            b.reverse();
                        }
                        let v = le(&b);
                        if *size == 4 {
                            f64::from(f32::from_bits(v as u32))
                        } else {
                            f64::from_bits(v)
                        }
                    })
                    .collect(),
            ),
            _ => Hdf5Value::Other(t.describe()),
        };
        Ok(out)
    }

    /// Charges `n` bytes of kept text against the per-value and total
    /// budgets; false (with the limit recorded) when over.
    fn budget(&mut self, n: u64, _path: &str, _name: &str) -> R<bool> {
        if n > self.lim.max_attribute_bytes {
            self.hit("hdf5_max_attribute_bytes", self.lim.max_attribute_bytes);
            return Ok(false);
        }
        Ok(true)
    }

    /// Charges `n` bytes kept in the view (names, values) against the total
    /// budget: a heap object named by many records is copied each time.
    fn charge(&mut self, n: u64) -> R<()> {
        self.stored = self.stored.saturating_add(n).saturating_add(16);
        if self.stored > self.lim.max_stored_bytes {
            return self.limit("hdf5_max_stored_bytes", self.lim.max_stored_bytes);
        }
        Ok(())
    }

    fn link(&mut self, data: &[u8]) -> R<(String, LinkTarget)> {
        let mut c = Cur::new(data);
        let version = c.u8()?;
        if version != 1 {
            return bad(format!("link message version {version} is not 1"));
        }
        let flags = c.u8()?;
        let ltype = if flags & 0x08 != 0 { c.u8()? } else { 0 };
        if flags & 0x04 != 0 {
            c.skip(8)?;
        }
        if flags & 0x10 != 0 {
            c.skip(1)?;
        }
        let len = c.uint(1u8 << (flags & 3))?;
        let name = text(c.bytes(usize::try_from(len).map_err(|_| Short)?)?);
        let target = match ltype {
            0 => LinkTarget::Hard(c.uint(self.so)?),
            1 => {
                let n = usize::from(c.u16()?);
                LinkTarget::Soft(text(c.bytes(n)?))
            }
            64 => {
                let n = usize::from(c.u16()?);
                let mut v = Cur::new(c.bytes(n)?);
                let _flags = v.u8()?;
                let file = text(v.cstr()?);
                let object = v.cstr().map(text).unwrap_or_default();
                LinkTarget::External { file, object }
            }
            t => LinkTarget::UserDefined(t),
        };
        Ok((name, target))
    }

    /// Attribute info (`links == false`) or link info: the dense storage
    /// addresses, or `None` when the storage is compact.
    fn dense_info(&mut self, data: &[u8], links: bool) -> R<Option<Dense>> {
        let mut c = Cur::new(data);
        let version = c.u8()?;
        if version != 0 {
            return bad(format!("info message version {version} is not 0"));
        }
        let flags = c.u8()?;
        if flags & 0x01 != 0 {
            c.skip(if links { 8 } else { 2 })?;
        }
        let heap = c.uint(self.so)?;
        let name_index = c.uint(self.so)?;
        if self.undef(heap) {
            return Ok(None);
        }
        Ok(Some(Dense { heap, name_index }))
    }

    // ----- old-style groups ------------------------------------------------

    /// The data segment of the local heap at `addr`.
    fn local_heap(&mut self, addr: u64) -> R<&'a [u8]> {
        let mut c = Cur::new(self.from(addr)?);
        if c.bytes(4)? != b"HEAP" {
            return bad(format!("local heap at {addr} lacks `HEAP`"));
        }
        c.skip(4)?;
        let size = c.uint(self.sl)?;
        c.uint(self.sl)?;
        let data = c.uint(self.so)?;
        self.at(data, size)
    }

    /// Members of a symbol-table group: v1 B-tree of symbol nodes whose
    /// names live in the local heap.
    fn symbol_table(&mut self, data: &[u8], path: &str) -> R<Vec<(String, LinkTarget)>> {
        let mut c = Cur::new(data);
        let btree = c.uint(self.so)?;
        let heap_addr = c.uint(self.so)?;
        let heap = self.local_heap(heap_addr)?;
        let mut out = Vec::new();
        self.group_btree(btree, heap, None, 0, path, &mut out)?;
        Ok(out)
    }

    fn group_btree(
        &mut self,
        addr: u64,
        heap: &'a [u8],
        expect_level: Option<u8>,
        depth: u32,
        path: &str,
        out: &mut Vec<(String, LinkTarget)>,
    ) -> R<()> {
        if depth > self.lim.max_btree_depth {
            return self.limit("hdf5_max_btree_depth", u64::from(self.lim.max_btree_depth));
        }
        self.tick(1)?;
        self.first_visit(addr, "B-tree node")?;
        let mut c = Cur::new(self.from(addr)?);
        if c.bytes(4)? != b"TREE" {
            return bad(format!("B-tree node at {addr} lacks `TREE`"));
        }
        let ntype = c.u8()?;
        let level = c.u8()?;
        let used = c.u16()?;
        if ntype != 0 {
            return bad(format!("group B-tree node at {addr} has type {ntype}"));
        }
        if let Some(l) = expect_level
            && l != level
        {
            return bad(format!(
                "B-tree node at {addr} has level {level}, {l} expected"
            ));
        }
        c.skip(usize::from(self.so).saturating_mul(2))?; // siblings
        let mut children = Vec::new();
        for _ in 0..used {
            c.uint(self.sl)?; // key
            children.push(c.uint(self.so)?);
        }
        for child in children {
            let r = if level == 0 {
                self.symbol_node(child, heap, out)
            } else {
                self.group_btree(
                    child,
                    heap,
                    Some(level.saturating_sub(1)),
                    depth.saturating_add(1),
                    path,
                    out,
                )
            };
            // One bad child loses only its own members.
            self.note(r, path, child, "group B-tree child")?;
        }
        Ok(())
    }

    fn symbol_node(
        &mut self,
        addr: u64,
        heap: &'a [u8],
        out: &mut Vec<(String, LinkTarget)>,
    ) -> R<()> {
        self.tick(1)?;
        self.first_visit(addr, "symbol table node")?;
        let mut c = Cur::new(self.from(addr)?);
        if c.bytes(4)? != b"SNOD" {
            return bad(format!("symbol table node at {addr} lacks `SNOD`"));
        }
        c.skip(2)?;
        let n = c.u16()?;
        for _ in 0..n {
            self.tick(1)?;
            let name_off = c.uint(self.so)?;
            let header = c.uint(self.so)?;
            let cache = c.u32()?;
            c.skip(4)?;
            let scratch = c.bytes(16)?;
            let name = heap_string(heap, name_off)?;
            if cache == 2 {
                let off = le(scratch.get(..4).unwrap_or(&[]));
                let target = heap_string(heap, off)?;
                out.push((name, LinkTarget::Soft(target)));
            } else {
                out.push((name, LinkTarget::Hard(header)));
            }
        }
        Ok(())
    }

    // ----- dense storage: fractal heap + v2 B-tree -----------------------

    fn dense_attributes(&mut self, d: &Dense, path: &str) -> R<Vec<Hdf5Attribute>> {
        let heap = self.fractal_heap(d.heap)?;
        let records = self.btree2_records(d.name_index)?;
        let mut out = Vec::new();
        for (rtype, rec) in records {
            self.tick(1)?;
            // Type 8: heap ID, flags, creation order, hash; type 9: flags,
            // creation order, heap ID. The ID is the heap's ID length.
            let id = match rtype {
                8 => rec.get(..heap.id_len),
                9 => rec.get(5..5usize.saturating_add(heap.id_len)),
                t => return bad(format!("attribute name index holds records of type {t}")),
            }
            .ok_or(Short)?;
            let flags = match rtype {
                8 => rec.get(heap.id_len).copied().unwrap_or(0),
                _ => rec.first().copied().unwrap_or(0),
            };
            let obj = self.heap_object(&heap, id)?;
            let r = self.attribute(obj, flags, path);
            if let Some(a) = self.note(r, path, d.heap, "dense attribute")? {
                out.push(a);
            }
        }
        Ok(out)
    }

    fn dense_links(&mut self, d: &Dense) -> R<Vec<(String, LinkTarget)>> {
        let heap = self.fractal_heap(d.heap)?;
        let records = self.btree2_records(d.name_index)?;
        let mut out = Vec::new();
        for (rtype, rec) in records {
            self.tick(1)?;
            // Type 5: hash (4) + heap ID; type 6: creation order (8) + heap ID.
            let skip = match rtype {
                5 => 4usize,
                6 => 8,
                t => return bad(format!("link name index holds records of type {t}")),
            };
            let id = rec
                .get(skip..skip.saturating_add(heap.id_len))
                .ok_or(Short)?;
            let obj = self.heap_object(&heap, id)?;
            out.push(self.link(obj)?);
        }
        Ok(out)
    }

    /// Reads a fractal heap header and the extent of its direct blocks.
    fn fractal_heap(&mut self, addr: u64) -> R<FractalHeap> {
        self.tick(1)?;
        let mut c = Cur::new(self.from(addr)?);
        if c.bytes(4)? != b"FRHP" {
            return bad(format!("fractal heap at {addr} lacks `FRHP`"));
        }
        let version = c.u8()?;
        if version != 0 {
            return bad(format!("fractal heap version {version} is not 0"));
        }
        let id_len = usize::from(c.u16()?);
        let filter_len = c.u16()?;
        let flags = c.u8()?;
        let max_managed = c.u32()?;
        let (so, sl) = (self.so, self.sl);
        c.uint(sl)?; // next huge id
        c.uint(so)?; // huge B-tree
        c.uint(sl)?; // free space
        c.uint(so)?; // free-space manager
        c.skip(usize::from(sl).saturating_mul(8))?; // managed/allocated/iter/counts
        let width = c.u16()?;
        let start = c.uint(sl)?;
        let max_direct = c.uint(sl)?;
        let max_heap_bits = c.u16()?;
        c.u16()?; // starting rows
        let root = c.uint(so)?;
        let rows = c.u16()?;
        if filter_len != 0 {
            return Err(Stop::Bad(
                Hdf5AnomalyKind::Unsupported,
                format!("fractal heap at {addr} has I/O filters"),
            ));
        }
        if width == 0
            || !start.is_power_of_two()
            || !max_direct.is_power_of_two()
            || max_direct < start
            || max_heap_bits == 0
            || max_heap_bits > 64
            || id_len == 0
            || id_len > 64
        {
            return bad(format!(
                "fractal heap at {addr} has an impossible doubling table"
            ));
        }
        let off_size = usize::from(max_heap_bits.div_ceil(8));
        let dir_off_bytes = usize::from(
            (64u32
                .saturating_sub(max_direct.leading_zeros())
                .saturating_sub(1))
            .div_ceil(8) as u8,
        )
        .max(1);
        let len_size = dir_off_bytes
            .min(usize::from(enc_size(u64::from(max_managed))))
            .max(1);
        let mut heap = FractalHeap {
            id_len,
            off_size,
            len_size,
            checksummed: flags & 0x02 != 0,
            blocks: Vec::new(),
        };
        let log_start = start.trailing_zeros();
        let max_direct_rows = max_direct
            .trailing_zeros()
            .saturating_sub(log_start)
            .saturating_add(2);
        let table = Table {
            width: u64::from(width),
            start,
            max_direct_rows,
        };
        if !self.undef(root) {
            if rows == 0 {
                heap.blocks.push((0, self.base.saturating_add(root), start));
            } else {
                self.indirect_block(&table, &mut heap, root, u32::from(rows), 0)?;
            }
        }
        Ok(heap)
    }

    fn indirect_block(
        &mut self,
        t: &Table,
        heap: &mut FractalHeap,
        addr: u64,
        rows: u32,
        depth: u32,
    ) -> R<()> {
        if depth > self.lim.max_btree_depth {
            return self.limit("hdf5_max_btree_depth", u64::from(self.lim.max_btree_depth));
        }
        self.tick(1)?;
        self.first_visit(addr, "fractal heap indirect block")?;
        let mut c = Cur::new(self.from(addr)?);
        if c.bytes(4)? != b"FHIB" {
            return bad(format!("indirect block at {addr} lacks `FHIB`"));
        }
        c.skip(1)?;
        c.uint(self.so)?;
        let block_off = c.uint(u8::try_from(heap.off_size).unwrap_or(8))?;
        if rows > 64 {
            return bad(format!("indirect block at {addr} has {rows} rows"));
        }
        let mut offset = block_off;
        for r in 0..rows {
            let size = row_size(t, r);
            for _ in 0..t.width {
                self.tick(1)?;
                let child = c.uint(self.so)?;
                if r < t.max_direct_rows {
                    if heap.blocks.len() >= MAX_HEAP_BLOCKS {
                        return self.limit("hdf5_max_heap_blocks", MAX_HEAP_BLOCKS as u64);
                    }
                    if !self.undef(child) && child != 0 {
                        heap.blocks
                            .push((offset, self.base.saturating_add(child), size));
                    }
                } else if !self.undef(child) && child != 0 {
                    // rows of a child indirect block: log2(size) - log2(start·width) + 1
                    let span = t.start.saturating_mul(t.width);
                    let child_rows = size
                        .trailing_zeros()
                        .saturating_sub(span.trailing_zeros())
                        .saturating_add(1);
                    self.indirect_block(t, heap, child, child_rows, depth.saturating_add(1))?;
                }
                offset = offset.saturating_add(size);
            }
        }
        Ok(())
    }

    /// The bytes of the object a heap ID names.
    fn heap_object(&mut self, heap: &FractalHeap, id: &'a [u8]) -> R<&'a [u8]> {
        let first = id.first().copied().unwrap_or(0);
        match (first >> 4) & 0x03 {
            0 => {
                let mut c = Cur::new(id.get(1..).ok_or(Short)?);
                let off = c.uint(u8::try_from(heap.off_size).unwrap_or(8))?;
                let len = c.uint(u8::try_from(heap.len_size).unwrap_or(8))?;
                let (start, abs, size) = heap
                    .blocks
                    .iter()
                    .copied()
                    .find(|&(s, _, z)| off >= s && off < s.saturating_add(z))
                    .ok_or_else(|| {
                        Stop::Bad(
                            Hdf5AnomalyKind::Malformed,
                            format!("heap offset {off} is in no direct block"),
                        )
                    })?;
                let within = off.saturating_sub(start);
                if within.saturating_add(len) > size {
                    return bad(format!(
                        "heap object at {off} of {len} bytes leaves its block"
                    ));
                }
                let rel = abs.saturating_sub(self.base).saturating_add(within);
                self.at(rel, len)
            }
            2 => {
                // Tiny objects live in the ID itself.
                let low = usize::from(first & 0x0f);
                let (len, skip) = if heap.id_len > 18 {
                    let second = usize::from(id.get(1).copied().unwrap_or(0));
                    ((low << 8 | second).saturating_add(1), 2usize)
                } else {
                    (low.saturating_add(1), 1usize)
                };
                Ok(id.get(skip..skip.saturating_add(len)).ok_or(Short)?)
            }
            _ => Err(Stop::Bad(
                Hdf5AnomalyKind::Unsupported,
                "huge fractal-heap objects are not read".into(),
            )),
        }
    }

    /// Every record of the v2 B-tree at `addr`, with the tree's type.
    fn btree2_records(&mut self, addr: u64) -> R<Vec<(u8, &'a [u8])>> {
        self.tick(1)?;
        let mut c = Cur::new(self.from(addr)?);
        if c.bytes(4)? != b"BTHD" {
            return bad(format!("v2 B-tree header at {addr} lacks `BTHD`"));
        }
        c.skip(1)?;
        let btype = c.u8()?;
        let node_size = u64::from(c.u32()?);
        let rec_size = u64::from(c.u16()?);
        let depth = c.u16()?;
        c.skip(2)?;
        let root = c.uint(self.so)?;
        let root_n = c.u16()?;
        if u32::from(depth) > self.lim.max_btree_depth {
            return self.limit("hdf5_max_btree_depth", u64::from(self.lim.max_btree_depth));
        }
        if rec_size == 0 || node_size <= 10 || node_size > (1 << 24) {
            return bad(format!(
                "v2 B-tree at {addr} has node size {node_size}, record size {rec_size}"
            ));
        }
        // Per-level maximum record counts, as the library derives them.
        let mut max_nrec = vec![
            node_size
                .saturating_sub(10)
                .checked_div(rec_size)
                .unwrap_or(0),
        ];
        let mut cum = vec![max_nrec.first().copied().unwrap_or(0)];
        let nrec_size = enc_size(max_nrec.first().copied().unwrap_or(0));
        let mut cum_size = vec![0u8];
        for d in 1..=u64::from(depth) {
            let prev_cum_size = if d > 1 {
                cum_size
                    .get((d as usize).saturating_sub(1))
                    .copied()
                    .unwrap_or(0)
            } else {
                0
            };
            let ptr = u64::from(self.so)
                .saturating_add(u64::from(nrec_size))
                .saturating_add(u64::from(prev_cum_size));
            let n = node_size
                .saturating_sub(10)
                .saturating_sub(ptr)
                .checked_div(rec_size.saturating_add(ptr))
                .unwrap_or(0);
            let prev_cum = cum.last().copied().unwrap_or(0);
            let total = n
                .saturating_add(1)
                .saturating_mul(prev_cum)
                .saturating_add(n);
            max_nrec.push(n);
            cum.push(total);
            cum_size.push(enc_size(total));
        }
        let shape = Btree2 {
            rec_size: rec_size as usize,
            nrec_size,
            cum_size,
        };
        let mut out = Vec::new();
        if !self.undef(root) && root_n > 0 {
            self.btree2_node(&shape, root, u64::from(root_n), u32::from(depth), &mut out)?;
        }
        Ok(out.into_iter().map(|r| (btype, r)).collect())
    }

    fn btree2_node(
        &mut self,
        s: &Btree2,
        addr: u64,
        nrec: u64,
        depth: u32,
        out: &mut Vec<&'a [u8]>,
    ) -> R<()> {
        self.tick(1)?;
        self.first_visit(addr, "v2 B-tree node")?;
        let mut c = Cur::new(self.from(addr)?);
        let sig = c.bytes(4)?;
        let want: &[u8] = if depth == 0 { b"BTLF" } else { b"BTIN" };
        if sig != want {
            return bad(format!("v2 B-tree node at {addr} lacks `{}`", text(want)));
        }
        c.skip(2)?;
        for _ in 0..nrec {
            self.tick(1)?;
            out.push(c.bytes(s.rec_size)?);
        }
        if depth == 0 {
            return Ok(());
        }
        let mut children = Vec::new();
        for _ in 0..=nrec {
            let child = c.uint(self.so)?;
            let n = c.uint(s.nrec_size)?;
            if depth > 1 {
                let w = s
                    .cum_size
                    .get((depth as usize).saturating_sub(1))
                    .copied()
                    .unwrap_or(0);
                c.uint(w)?;
            }
            children.push((child, n));
        }
        for (child, n) in children {
            self.btree2_node(s, child, n, depth.saturating_sub(1), out)?;
        }
        Ok(())
    }

    // ----- global heap and virtual datasets ------------------------------

    /// Object `index` of the global heap collection at relative `addr`.
    fn gheap_object(&mut self, addr: u64, index: u32) -> R<&'a [u8]> {
        if !self.gheaps.contains_key(&addr) {
            let objects = self.gheap_collection(addr)?;
            self.gheaps.insert(addr, objects);
        }
        let found = u16::try_from(index)
            .ok()
            .and_then(|i| self.gheaps.get(&addr).and_then(|m| m.get(&i).copied()));
        match found {
            Some((abs, size)) => {
                let rel = abs.saturating_sub(self.base);
                self.at(rel, size)
            }
            None => bad(format!(
                "global heap collection at {addr} has no object {index}"
            )),
        }
    }

    fn gheap_collection(&mut self, addr: u64) -> R<HashMap<u16, (u64, u64)>> {
        self.tick(1)?;
        let mut c = Cur::new(self.from(addr)?);
        if c.bytes(4)? != b"GCOL" {
            return bad(format!("global heap collection at {addr} lacks `GCOL`"));
        }
        c.skip(4)?;
        let size = c.uint(self.sl)?;
        let coll = self.at(addr, size)?;
        let mut c = Cur::new(coll);
        c.skip(8usize.saturating_add(usize::from(self.sl)))?;
        let mut map = HashMap::new();
        let abs = self.base.saturating_add(addr);
        let obj_header = 8usize.saturating_add(usize::from(self.sl));
        while c.remaining() >= obj_header {
            self.tick(1)?;
            let index = c.u16()?;
            c.skip(6)?;
            let osize = c.uint(self.sl)?;
            if index == 0 {
                break; // free space to the end of the collection
            }
            let start = abs.saturating_add(c.pos as u64);
            let osize_us = usize::try_from(osize).map_err(|_| Short)?;
            c.skip(pad8(osize_us))?;
            map.insert(index, (start, osize));
        }
        Ok(map)
    }

    /// Source file names of the virtual-dataset mappings in global heap
    /// object `index` of the collection at `addr`.
    fn virtual_sources(&mut self, addr: u64, index: u32) -> R<Vec<String>> {
        let blob = self.gheap_object(addr, index)?;
        let mut c = Cur::new(blob);
        let version = c.u8()?;
        if version > 1 {
            return bad(format!(
                "virtual dataset mapping version {version} is not 0 or 1"
            ));
        }
        let n = c.uint(self.sl)?;
        let mut names: Vec<String> = Vec::new();
        let mut last_file = String::new();
        for _ in 0..n {
            self.tick(1)?;
            let flags = if version == 1 { c.u8()? } else { 0 };
            let file = if flags & 0x01 != 0 {
                last_file.clone()
            } else {
                text(c.cstr()?)
            };
            if flags & 0x02 == 0 {
                c.cstr()?;
            }
            selection(&mut c)?;
            selection(&mut c)?;
            if !names.contains(&file) {
                names.push(file.clone());
            }
            last_file = file;
        }
        Ok(names)
    }
}

/// The doubling table of a fractal heap.
struct Table {
    width: u64,
    start: u64,
    max_direct_rows: u32,
}

fn row_size(t: &Table, row: u32) -> u64 {
    if row < 2 {
        t.start
    } else {
        t.start
            .checked_shl(row.saturating_sub(1))
            .unwrap_or(u64::MAX)
    }
}

/// What a fractal heap needs to resolve IDs.
struct FractalHeap {
    id_len: usize,
    off_size: usize,
    len_size: usize,
    #[allow(dead_code)]
    checksummed: bool,
    /// Direct blocks: (heap offset, absolute file offset, size).
    blocks: Vec<(u64, u64, u64)>,
}

/// Field widths of a v2 B-tree's internal nodes.
struct Btree2 {
    rec_size: usize,
    nrec_size: u8,
    cum_size: Vec<u8>,
}

/// Skips one serialized dataspace selection.
fn selection(c: &mut Cur<'_>) -> R<()> {
    let stype = c.u32()?;
    let version = c.u32()?;
    match stype {
        0 | 3 => {
            // none / all: reserved (4) + length (4)
            c.skip(8)?;
        }
        1 => match version {
            1 => {
                c.skip(4)?;
                let len = c.u32()?;
                c.skip(usize::try_from(len).map_err(|_| Short)?)?;
            }
            2 => {
                let enc = c.u8()?;
                let rank = u64::from(c.u32()?);
                let n = c.uint(enc)?;
                let bytes = n
                    .checked_mul(rank)
                    .and_then(|x| x.checked_mul(u64::from(enc)))
                    .ok_or(Short)?;
                c.skip(usize::try_from(bytes).map_err(|_| Short)?)?;
            }
            v => return bad(format!("point selection version {v}")),
        },
        2 => match version {
            1 => {
                c.skip(4)?;
                let len = c.u32()?;
                c.skip(usize::try_from(len).map_err(|_| Short)?)?;
            }
            2 => {
                let flags = c.u8()?;
                c.skip(4)?; // length
                let rank = u64::from(c.u32()?);
                let bytes = if flags & 0x01 != 0 {
                    rank.checked_mul(32)
                } else {
                    let n = c.uint(8)?;
                    n.checked_mul(rank).and_then(|x| x.checked_mul(16))
                }
                .ok_or(Short)?;
                c.skip(usize::try_from(bytes).map_err(|_| Short)?)?;
            }
            3 => {
                let flags = c.u8()?;
                let enc = c.u8()?;
                if !matches!(enc, 2 | 4 | 8) {
                    return bad(format!("hyperslab encoding size {enc}"));
                }
                let rank = u64::from(c.u32()?);
                let e = u64::from(enc);
                let bytes = if flags & 0x01 != 0 {
                    rank.checked_mul(4).and_then(|x| x.checked_mul(e))
                } else {
                    let n = c.uint(enc)?;
                    n.checked_mul(rank)
                        .and_then(|x| x.checked_mul(2))
                        .and_then(|x| x.checked_mul(e))
                }
                .ok_or(Short)?;
                c.skip(usize::try_from(bytes).map_err(|_| Short)?)?;
            }
            v => return bad(format!("hyperslab selection version {v}")),
        },
        t => return bad(format!("selection type {t}")),
    }
    Ok(())
}

fn filter_ids(data: &[u8]) -> R<Vec<u16>> {
    let mut c = Cur::new(data);
    let version = c.u8()?;
    let n = c.u8()?;
    let mut out = Vec::new();
    match version {
        1 => {
            c.skip(6)?;
            for _ in 0..n {
                let id = c.u16()?;
                let name_len = usize::from(c.u16()?);
                c.skip(2)?;
                let nvalues = usize::from(c.u16()?);
                c.skip(pad8(name_len))?;
                c.skip(nvalues.saturating_mul(4))?;
                if nvalues % 2 == 1 {
                    c.skip(4)?;
                }
                out.push(id);
            }
        }
        2 => {
            for _ in 0..n {
                let id = c.u16()?;
                let name_len = if id >= 256 { usize::from(c.u16()?) } else { 0 };
                c.skip(2)?;
                let nvalues = usize::from(c.u16()?);
                c.skip(name_len)?;
                c.skip(nvalues.saturating_mul(4))?;
                out.push(id);
            }
        }
        v => return bad(format!("filter pipeline version {v} is not 1 or 2")),
    }
    Ok(out)
}

fn msg_name(kind: u16) -> &'static str {
    match kind {
        MSG_DATASPACE => "dataspace message",
        MSG_LINK_INFO => "link info message",
        MSG_DATATYPE => "datatype message",
        MSG_LINK => "link message",
        MSG_EXTERNAL_FILES => "external files message",
        MSG_LAYOUT => "data layout message",
        MSG_FILTERS => "filter pipeline message",
        MSG_ATTRIBUTE => "attribute message",
        MSG_SYMBOL_TABLE => "symbol table message",
        MSG_ATTRIBUTE_INFO => "attribute info message",
        _ => "message",
    }
}

/// The NUL-terminated string at `off` in a local heap's data segment.
fn heap_string(heap: &[u8], off: u64) -> R<String> {
    let start = usize::try_from(off).map_err(|_| Short)?;
    let rest = heap.get(start..).ok_or_else(|| {
        Stop::Bad(
            Hdf5AnomalyKind::OutOfBounds,
            format!(
                "name offset {off} is outside the local heap ({} bytes)",
                heap.len()
            ),
        )
    })?;
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    Ok(text(rest.get(..end).unwrap_or(&[])))
}

fn fixed_str(e: &[u8], pad: u8) -> String {
    let s = match pad {
        2 => {
            let end = e
                .iter()
                .rposition(|&b| b != b' ')
                .map_or(0, |p| p.saturating_add(1));
            e.get(..end).unwrap_or(&[])
        }
        _ => {
            let end = e.iter().position(|&b| b == 0).unwrap_or(e.len());
            e.get(..end).unwrap_or(&[])
        }
    };
    text(s)
}

fn strings_value(mut v: Vec<String>, scalar: bool) -> Hdf5Value {
    if scalar && v.len() == 1 {
        Hdf5Value::String(v.pop().unwrap_or_default())
    } else {
        Hdf5Value::Strings(v)
    }
}

fn int_of(e: &[u8], signed: bool, be: bool) -> i64 {
    let mut b = e.to_vec();
    if be {
        b.reverse();
    }
    let v = le(&b);
    let bits = (b.len() as u32).saturating_mul(8);
    if signed && bits < 64 && bits > 0 {
        let shift = 64u32.saturating_sub(bits);
        ((v << shift) as i64) >> shift
    } else {
        v as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_user_block_offsets() {
        let mut d = vec![0u8; 2048 + 8];
        assert!(!sniff(&d));
        d[1024..1032].copy_from_slice(SIGNATURE);
        assert!(sniff(&d));
        assert_eq!(signature_offset(&d), Some(1024));
        let mut e = vec![0u8; 1000];
        e[300..308].copy_from_slice(SIGNATURE);
        assert!(!sniff(&e), "300 is not a user-block size");
    }

    #[test]
    fn enc_size_matches_the_library() {
        assert_eq!(enc_size(0), 1);
        assert_eq!(enc_size(255), 1);
        assert_eq!(enc_size(256), 2);
        assert_eq!(enc_size(65535), 2);
        assert_eq!(enc_size(65536), 3);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/hdf5")
            .join(name);
        std::fs::read(p).unwrap()
    }

    fn view(name: &str) -> Hdf5View {
        parse(&fixture(name), &Limits::default()).unwrap()
    }

    fn keras2_layout(v: &Hdf5View) {
        assert!(v.complete, "{:?} {:?}", v.anomalies, v.limits_hit);
        assert_eq!(v.attr_str("/", "keras_version"), Some("2.13.1"));
        assert_eq!(v.attr_str("/", "backend"), Some("tensorflow"));
        assert!(
            v.attr_str("/", "model_config")
                .unwrap()
                .contains("\"Dense\"")
        );
        assert!(v.attr_str("/", "training_config").unwrap().contains("Adam"));
        let mw = v.object("/model_weights").unwrap();
        assert_eq!(mw.kind, Hdf5ObjectKind::Group);
        assert_eq!(
            mw.attr("layer_names"),
            Some(&Hdf5Value::Strings(vec![
                "input_1".into(),
                "dense".into(),
                "dense_1".into()
            ]))
        );
        let k = v.object("/model_weights/dense/dense/kernel:0").unwrap();
        assert_eq!(k.kind, Hdf5ObjectKind::Dataset);
        let ds = k.dataset.as_ref().unwrap();
        assert_eq!(
            (ds.dtype.as_str(), ds.shape.as_slice()),
            ("float32", &[4u64, 3][..])
        );
        assert_eq!(ds.storage_bytes, 48);
        let off = ds.data_offset.unwrap();
        assert!(off + 48 <= fixture_len(v));
        let it = v.object("/optimizer_weights/iteration:0").unwrap();
        assert_eq!(it.dataset.as_ref().unwrap().dtype, "int64");
        assert_eq!(v.objects.first().unwrap().path, "/");
        assert_eq!(v.objects.len(), 13);
    }

    fn fixture_len(v: &Hdf5View) -> u64 {
        // Every fixture is larger than any offset the tests check.
        v.superblock_offset + 1_000_000
    }

    #[test]
    fn keras2_files_at_every_superblock_version() {
        for (name, version) in [
            ("benign_keras2_model_superblock0.h5", 0),
            ("benign_keras2_model_superblock2.h5", 2),
            ("benign_keras2_model_superblock3.h5", 3),
        ] {
            let v = view(name);
            assert_eq!(v.superblock_version, version, "{name}");
            keras2_layout(&v);
        }
    }

    #[test]
    fn user_block_is_skipped() {
        let data = fixture("benign_user_block.h5");
        assert!(sniff(&data));
        assert_eq!(crate::sniff::sniff(&data), crate::sniff::Sniffed::Hdf5);
        let v = parse(&data, &Limits::default()).unwrap();
        assert_eq!(v.superblock_offset, 512);
        keras2_layout(&v);
        let k = v.object("/model_weights/dense/dense/kernel:0").unwrap();
        assert!(k.dataset.as_ref().unwrap().data_offset.unwrap() > 512);
    }

    #[test]
    fn dense_attributes_and_links() {
        let v = view("benign_dense_attributes_and_links.h5");
        assert!(v.complete, "{:?}", v.anomalies);
        let root = v.root().unwrap();
        assert_eq!(root.attributes.len(), 44);
        assert_eq!(v.attr_str("/", "attr_39"), Some("value 39"));
        assert_eq!(v.attr_str("/", "keras_version"), Some("2.15.0"));
        assert_eq!(
            root.attr("numbers"),
            Some(&Hdf5Value::Ints(vec![0, 1, 2, 3, 4]))
        );
        assert_eq!(root.attr("scale"), Some(&Hdf5Value::Floats(vec![0.5])));
        let children = v
            .objects
            .iter()
            .filter(|o| o.path.starts_with("/many/"))
            .count();
        assert_eq!(children, 30);
        let w = v.object("/many/w29").unwrap().dataset.as_ref().unwrap();
        assert_eq!(w.shape, [30]);
    }

    #[test]
    fn vlen_strings_soft_links_and_aliases() {
        let v = view("benign_vlen_strings.h5");
        assert!(v.complete);
        assert_eq!(v.attr_str("/", "backend"), Some("jax"));
        assert!(v.attr_str("/", "model_config").unwrap().starts_with('{'));
        assert_eq!(
            v.root().unwrap().attr("names").unwrap().strings(),
            ["alpha", "beta", "gamma"]
        );
        assert_eq!(
            v.root().unwrap().links,
            [Hdf5Link::Soft {
                name: "shortcut".into(),
                target: "/table".into()
            }]
        );
        // `alias` and `table` are one object, walked once.
        let tables = v
            .objects
            .iter()
            .filter(|o| o.path == "/alias" || o.path == "/table")
            .count();
        assert_eq!(tables, 1);
        let c = v.object("/chunked").unwrap().dataset.as_ref().unwrap();
        assert_eq!(
            (c.layout, c.filters.as_slice()),
            (Hdf5Layout::Chunked, &[1u16][..])
        );
    }

    #[test]
    fn external_links_storage_and_virtual_sources() {
        let v = view("HDF003_external_link_absolute.h5");
        assert_eq!(
            v.object("/model_weights").unwrap().links,
            [Hdf5Link::External {
                name: "dense".into(),
                file: "/etc/passwd".into(),
                object: "/payload".into()
            }]
        );
        let v = view("HDF003_external_link_parent_escape.h5");
        assert_eq!(v.superblock_version, 3);
        let links = &v.object("/model_weights").unwrap().links;
        assert!(
            matches!(&links[..], [Hdf5Link::External { file, .. }] if file == "../../secrets/weights.h5")
        );
        let v = view("HDF004_external_storage_absolute.h5");
        assert_eq!(v.object("/kernel").unwrap().external_files, ["/etc/shadow"]);
        let v = view("HDF005_virtual_source_parent_escape.h5");
        let o = v.object("/virtual").unwrap();
        assert_eq!(o.virtual_sources, ["../../data/source.h5"]);
        assert_eq!(o.dataset.as_ref().unwrap().layout, Hdf5Layout::Virtual);
    }

    #[test]
    fn hard_link_cycles_are_walked_once() {
        let v = view("HDF006_hard_link_cycle.h5");
        let paths: Vec<_> = v.objects.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["/", "/a", "/a/b"]);
        let cycles: Vec<_> = v
            .anomalies
            .iter()
            .filter(|a| a.kind == Hdf5AnomalyKind::HardLinkCycle)
            .map(|a| a.path.as_str())
            .collect();
        assert_eq!(cycles, ["/a/b/root", "/a/b/up"]);
        assert!(v.complete, "a cycle loses nothing");
    }

    #[test]
    fn truncated_file_keeps_what_precedes_the_cut() {
        let v = view("HDF002_truncated.h5");
        assert!(!v.complete);
        assert_eq!(v.attr_str("/", "keras_version"), Some("2.13.1"));
        assert!(
            v.anomalies
                .iter()
                .any(|a| a.kind == Hdf5AnomalyKind::OutOfBounds)
        );
    }

    #[test]
    fn truncation_at_every_offset_never_panics() {
        for name in [
            "benign_keras2_model_superblock3.h5",
            "benign_dense_attributes_and_links.h5",
            "HDF005_virtual_source_absolute.h5",
        ] {
            let data = fixture(name);
            for cut in 0..data.len() {
                let _ = parse(&data[..cut], &Limits::default());
            }
        }
        let data = fixture("benign_vlen_strings.h5");
        for cut in (0..data.len()).step_by(3) {
            let _ = parse(&data[..cut], &Limits::default());
        }
    }

    #[test]
    fn byte_flips_never_panic() {
        let data = fixture("benign_keras2_model_superblock0.h5");
        let mut d = data.clone();
        for i in (0..data.len()).step_by(5) {
            for x in [0x00, 0xff, 0x80] {
                d[i] = x;
                let _ = parse(&d, &Limits::default());
            }
            d[i] = data[i];
        }
    }

    fn lim() -> Hdf5Limits {
        Hdf5Limits::default()
    }

    #[test]
    fn limits_stop_the_walk_and_are_reported() {
        let data = fixture("benign_keras2_model_superblock2.h5");
        let v = parse_with(
            &data,
            &Hdf5Limits {
                max_objects: 3,
                ..lim()
            },
        )
        .unwrap();
        assert_eq!(v.objects.len(), 3);
        assert_eq!(v.limits_hit, [("hdf5_max_objects", 3)]);
        assert!(!v.complete);

        let v = parse_with(
            &data,
            &Hdf5Limits {
                max_depth: 1,
                ..lim()
            },
        )
        .unwrap();
        assert!(v.limits_hit.contains(&("hdf5_max_depth", 1)));
        assert!(!v.complete);

        let v = parse_with(
            &data,
            &Hdf5Limits {
                max_work: 20,
                ..lim()
            },
        )
        .unwrap();
        assert_eq!(v.limits_hit, [("hdf5_max_work", 20)]);

        let v = parse_with(
            &data,
            &Hdf5Limits {
                max_attributes: 2,
                ..lim()
            },
        )
        .unwrap();
        assert_eq!(v.limits_hit, [("hdf5_max_attributes", 2)]);

        let v = parse_with(
            &data,
            &Hdf5Limits {
                max_attribute_bytes: 100,
                ..lim()
            },
        )
        .unwrap();
        assert_eq!(v.attr_str("/", "keras_version"), Some("2.13.1"));
        assert!(matches!(
            v.root().unwrap().attr("model_config"),
            Some(Hdf5Value::Other(_))
        ));
        assert_eq!(v.limits_hit, [("hdf5_max_attribute_bytes", 100)]);
        assert!(!v.complete);
    }

    #[test]
    fn kept_bytes_are_bounded_in_total() {
        let data = fixture("benign_keras2_model_superblock0.h5");
        let v = parse_with(
            &data,
            &Hdf5Limits {
                max_stored_bytes: 200,
                ..lim()
            },
        )
        .unwrap();
        assert_eq!(v.limits_hit, [("hdf5_max_stored_bytes", 200)]);
        assert!(!v.complete);
    }

    #[test]
    fn btree_depth_limit_applies_to_dense_storage() {
        // 44 attribute records overflow one 512-byte leaf: the name index
        // has an internal root (depth 1).
        let data = fixture("benign_dense_attributes_and_links.h5");
        let v = parse_with(
            &data,
            &Hdf5Limits {
                max_btree_depth: 0,
                ..lim()
            },
        )
        .unwrap();
        assert_eq!(v.limits_hit, [("hdf5_max_btree_depth", 0)]);
        assert!(!v.complete);
    }

    #[test]
    fn not_hdf5_and_bad_superblocks_are_errors() {
        assert_eq!(
            parse(b"PK\x03\x04", &Limits::default()),
            Err(Hdf5Error::NoSignature)
        );
        let mut d = fixture("benign_keras2_model_superblock0.h5");
        d[8] = 9;
        assert!(matches!(
            parse(&d, &Limits::default()),
            Err(Hdf5Error::UnsupportedVersion { version: 9, .. })
        ));
        let mut d = fixture("benign_keras2_model_superblock0.h5");
        d[13] = 3;
        assert!(matches!(
            parse(&d, &Limits::default()),
            Err(Hdf5Error::BadSizes { .. })
        ));
        assert!(matches!(
            parse(SIGNATURE, &Limits::default()),
            Err(Hdf5Error::TruncatedSuperblock { .. })
        ));
    }
}
