//! GGUF (llama.cpp's model format), versions 1 to 3: header, metadata
//! key-value pairs and tensor infos, with every tensor's data range checked
//! against the file. Tensor bytes are never read.
//!
//! Layout: `"GGUF" | u32 version | tensor count | KV count | KVs | tensor
//! infos | padding | data`. Version 1 writes counts and string and array
//! lengths as u32, versions 2 and 3 as u64. GGUF readers written in C have
//! had memory-safety bugs exactly where a hostile file lies about a length
//! (strings, arrays, dimensions, offsets), so every length is checked against
//! the bytes that remain before anything is read or allocated, and arrays
//! nest only to [`MAX_ARRAY_DEPTH`].
//!
//! What llama.cpp would reject or read differently becomes a [`GgufAnomaly`].
//! Where the structure becomes unreadable (a length past the end of the
//! file, an unknown value type), parsing stops with an anomaly and the view
//! keeps what was read before, so the metadata and chat templates that came
//! first can still be analysed. Only a file that is not GGUF at all is an
//! error.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::Limits;

/// Metadata key-value pairs read per file.
pub const MAX_KV_COUNT: u64 = 1_000_000;
/// Tensor infos read per file.
pub const MAX_TENSOR_COUNT: u64 = 1_000_000;
/// Nesting of arrays within arrays.
pub const MAX_ARRAY_DEPTH: u32 = 8;
/// Bytes of one string kept in the view; longer strings are skipped.
pub const MAX_STRING_BYTES: u64 = 64 << 20;
/// Bytes of metadata values kept in the view in total (strings count their
/// length plus an overhead, other array elements the overhead).
pub const MAX_STORED_BYTES: u64 = 512 << 20;
/// Bytes of one chat template copied into [`GgufView::templates`].
pub const MAX_TEMPLATE_BYTES: usize = 1 << 20;
/// Anomalies kept before the parser records a limit instead.
pub const MAX_ANOMALIES: usize = 10_000;
/// Numeric array elements are kept only for arrays this short.
const MAX_KEPT_NUMBERS: u64 = 64;
/// Dimensions kept per tensor (llama.cpp allows four).
const MAX_KEPT_DIMS: usize = 8;
/// ggml's maximum number of dimensions.
pub const GGML_MAX_DIMS: u32 = 4;
/// ggml's tensor name buffer; names must be shorter.
pub const GGML_MAX_NAME: usize = 64;
/// Alignment of the data section when `general.alignment` is absent.
pub const DEFAULT_ALIGNMENT: u64 = 32;

/// Why the buffer is not a GGUF file this parser reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GgufError {
    #[error("file of {len} bytes is too short for a GGUF header")]
    TooShort { len: u64 },
    #[error("magic {found:02x?} is not `GGUF`")]
    BadMagic { found: [u8; 4] },
    #[error("GGUF version {version} is not 1, 2 or 3")]
    UnsupportedVersion { version: u32 },
    #[error("big-endian GGUF (version {version} read byte-swapped) is not supported")]
    BigEndian { version: u32 },
}

/// The value types of GGUF metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GgufValueType {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    F32,
    Bool,
    String,
    Array,
    U64,
    I64,
    F64,
}

impl GgufValueType {
    pub fn from_id(id: u32) -> Option<Self> {
        Some(match id {
            0 => GgufValueType::U8,
            1 => GgufValueType::I8,
            2 => GgufValueType::U16,
            3 => GgufValueType::I16,
            4 => GgufValueType::U32,
            5 => GgufValueType::I32,
            6 => GgufValueType::F32,
            7 => GgufValueType::Bool,
            8 => GgufValueType::String,
            9 => GgufValueType::Array,
            10 => GgufValueType::U64,
            11 => GgufValueType::I64,
            12 => GgufValueType::F64,
            _ => return None,
        })
    }

    /// Encoded size of a fixed-size value.
    fn fixed_size(self) -> Option<u64> {
        Some(match self {
            GgufValueType::U8 | GgufValueType::I8 | GgufValueType::Bool => 1,
            GgufValueType::U16 | GgufValueType::I16 => 2,
            GgufValueType::U32 | GgufValueType::I32 | GgufValueType::F32 => 4,
            GgufValueType::U64 | GgufValueType::I64 | GgufValueType::F64 => 8,
            GgufValueType::String | GgufValueType::Array => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            GgufValueType::U8 => "uint8",
            GgufValueType::I8 => "int8",
            GgufValueType::U16 => "uint16",
            GgufValueType::I16 => "int16",
            GgufValueType::U32 => "uint32",
            GgufValueType::I32 => "int32",
            GgufValueType::F32 => "float32",
            GgufValueType::Bool => "bool",
            GgufValueType::String => "string",
            GgufValueType::Array => "array",
            GgufValueType::U64 => "uint64",
            GgufValueType::I64 => "int64",
            GgufValueType::F64 => "float64",
        }
    }
}

/// A metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum GgufValue {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    F32(f32),
    Bool(bool),
    Str(String),
    /// A STRING value that is not valid UTF-8, kept as bytes.
    Bytes(Vec<u8>),
    /// A STRING value longer than [`MAX_STRING_BYTES`], or read after the
    /// [`MAX_STORED_BYTES`] budget was spent: only its length is kept.
    Skipped {
        len: u64,
    },
    U64(u64),
    I64(i64),
    F64(f64),
    Array(GgufArray),
}

impl GgufValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            GgufValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The GGUF type name of the value (`string` for the byte and skipped
    /// forms).
    pub fn type_name(&self) -> &'static str {
        match self {
            GgufValue::U8(_) => "uint8",
            GgufValue::I8(_) => "int8",
            GgufValue::U16(_) => "uint16",
            GgufValue::I16(_) => "int16",
            GgufValue::U32(_) => "uint32",
            GgufValue::I32(_) => "int32",
            GgufValue::F32(_) => "float32",
            GgufValue::Bool(_) => "bool",
            GgufValue::Str(_) | GgufValue::Bytes(_) | GgufValue::Skipped { .. } => "string",
            GgufValue::U64(_) => "uint64",
            GgufValue::I64(_) => "int64",
            GgufValue::F64(_) => "float64",
            GgufValue::Array(_) => "array",
        }
    }

    /// Any unsigned or non-negative integer value.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            GgufValue::U8(v) => Some(u64::from(v)),
            GgufValue::U16(v) => Some(u64::from(v)),
            GgufValue::U32(v) => Some(u64::from(v)),
            GgufValue::U64(v) => Some(v),
            GgufValue::I8(v) => u64::try_from(v).ok(),
            GgufValue::I16(v) => u64::try_from(v).ok(),
            GgufValue::I32(v) => u64::try_from(v).ok(),
            GgufValue::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }
}

/// An array value. `items` holds every element when the elements are
/// strings or arrays, and numeric or boolean elements only when there are at
/// most 64 of them (tokenizer scores and token types are not kept). Once the
/// [`MAX_STORED_BYTES`] budget is spent, elements are read but not kept, and
/// the limit is recorded in [`GgufView::limits_hit`].
#[derive(Debug, Clone, PartialEq)]
pub struct GgufArray {
    pub element_type: GgufValueType,
    pub len: u64,
    pub items: Vec<GgufValue>,
}

/// One metadata key-value pair.
#[derive(Debug, Clone, PartialEq)]
pub struct GgufKv {
    pub key: String,
    pub value: GgufValue,
    /// File offset of the key.
    pub offset: u64,
}

/// A ggml tensor type: elements per block and bytes per block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GgmlType {
    pub id: u32,
    pub name: &'static str,
    pub block_size: u64,
    pub type_size: u64,
}

const QK_K: u64 = 256;

/// ggml's type table (`ggml_type` ids; removed ids are absent).
static GGML_TYPES: &[GgmlType] = &[
    ggml(0, "F32", 1, 4),
    ggml(1, "F16", 1, 2),
    ggml(2, "Q4_0", 32, 18),
    ggml(3, "Q4_1", 32, 20),
    ggml(6, "Q5_0", 32, 22),
    ggml(7, "Q5_1", 32, 24),
    ggml(8, "Q8_0", 32, 34),
    ggml(9, "Q8_1", 32, 36),
    ggml(10, "Q2_K", QK_K, 84),
    ggml(11, "Q3_K", QK_K, 110),
    ggml(12, "Q4_K", QK_K, 144),
    ggml(13, "Q5_K", QK_K, 176),
    ggml(14, "Q6_K", QK_K, 210),
    ggml(15, "Q8_K", QK_K, 292),
    ggml(16, "IQ2_XXS", QK_K, 66),
    ggml(17, "IQ2_XS", QK_K, 74),
    ggml(18, "IQ3_XXS", QK_K, 98),
    ggml(19, "IQ1_S", QK_K, 50),
    ggml(20, "IQ4_NL", 32, 18),
    ggml(21, "IQ3_S", QK_K, 110),
    ggml(22, "IQ2_S", QK_K, 82),
    ggml(23, "IQ4_XS", QK_K, 136),
    ggml(24, "I8", 1, 1),
    ggml(25, "I16", 1, 2),
    ggml(26, "I32", 1, 4),
    ggml(27, "I64", 1, 8),
    ggml(28, "F64", 1, 8),
    ggml(29, "IQ1_M", QK_K, 56),
    ggml(30, "BF16", 1, 2),
    ggml(34, "TQ1_0", QK_K, 54),
    ggml(35, "TQ2_0", QK_K, 66),
    ggml(39, "MXFP4", 32, 17),
    ggml(40, "NVFP4", 64, 36),
    ggml(41, "Q1_0", 128, 18),
];

const fn ggml(id: u32, name: &'static str, block_size: u64, type_size: u64) -> GgmlType {
    GgmlType {
        id,
        name,
        block_size,
        type_size,
    }
}

/// The ggml type with this id, if ggml defines it (removed ids are `None`).
pub fn ggml_type(id: u32) -> Option<GgmlType> {
    GGML_TYPES.iter().copied().find(|t| t.id == id)
}

/// Name of a `general.file_type` (llama.cpp's `llama_ftype`).
pub fn file_type_name(file_type: u64) -> Option<&'static str> {
    Some(match file_type {
        0 => "ALL_F32",
        1 => "MOSTLY_F16",
        2 => "MOSTLY_Q4_0",
        3 => "MOSTLY_Q4_1",
        7 => "MOSTLY_Q8_0",
        8 => "MOSTLY_Q5_0",
        9 => "MOSTLY_Q5_1",
        10 => "MOSTLY_Q2_K",
        11 => "MOSTLY_Q3_K_S",
        12 => "MOSTLY_Q3_K_M",
        13 => "MOSTLY_Q3_K_L",
        14 => "MOSTLY_Q4_K_S",
        15 => "MOSTLY_Q4_K_M",
        16 => "MOSTLY_Q5_K_S",
        17 => "MOSTLY_Q5_K_M",
        18 => "MOSTLY_Q6_K",
        19 => "MOSTLY_IQ2_XXS",
        20 => "MOSTLY_IQ2_XS",
        21 => "MOSTLY_Q2_K_S",
        22 => "MOSTLY_IQ3_XS",
        23 => "MOSTLY_IQ3_XXS",
        24 => "MOSTLY_IQ1_S",
        25 => "MOSTLY_IQ4_NL",
        26 => "MOSTLY_IQ3_S",
        27 => "MOSTLY_IQ3_M",
        28 => "MOSTLY_IQ2_S",
        29 => "MOSTLY_IQ2_M",
        30 => "MOSTLY_IQ4_XS",
        31 => "MOSTLY_IQ1_M",
        32 => "MOSTLY_BF16",
        36 => "MOSTLY_TQ1_0",
        37 => "MOSTLY_TQ2_0",
        38 => "MOSTLY_MXFP4_MOE",
        _ => return None,
    })
}

/// One tensor info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GgufTensorInfo {
    pub name: String,
    /// Declared number of dimensions.
    pub n_dims: u32,
    /// Dimensions, innermost first (at most eight are kept).
    pub dims: Vec<u64>,
    /// Raw ggml type id; see [`ggml_type`].
    pub ggml_type: u32,
    /// Offset of the data relative to the start of the data section.
    pub offset: u64,
    /// Bytes of data, when the type is known and the shape valid.
    pub nbytes: Option<u64>,
    /// File offset of the tensor info.
    pub info_offset: u64,
}

/// Something llama.cpp rejects or a reader could mis-handle. Offsets are
/// file offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GgufAnomaly {
    /// A declared count cannot fit in the rest of the file.
    CountOutOfBounds {
        what: &'static str,
        declared: u64,
        max_possible: u64,
        offset: u64,
    },
    /// A string, array or dimension list is longer than the rest of the
    /// file (or its byte size overflows). Parsing stops here.
    LengthOutOfBounds {
        what: &'static str,
        key: String,
        declared: u64,
        available: u64,
        offset: u64,
    },
    /// The file ends inside a structure. Parsing stops here.
    Truncated {
        what: &'static str,
        key: String,
        offset: u64,
    },
    /// A value type id outside 0..=12. Parsing stops here.
    UnknownValueType {
        key: String,
        type_id: u32,
        offset: u64,
    },
    /// Arrays nested deeper than [`MAX_ARRAY_DEPTH`]. Parsing stops here.
    ArrayTooDeep {
        key: String,
        depth: u32,
        offset: u64,
    },
    /// A bool byte other than 0 or 1.
    InvalidBool {
        key: String,
        value: u8,
        offset: u64,
    },
    /// A key that is not valid UTF-8 or is empty.
    InvalidKey {
        key: String,
        offset: u64,
    },
    DuplicateKey {
        key: String,
        offset: u64,
    },
    /// `general.alignment` not a non-zero power-of-two u32.
    BadAlignment {
        value: String,
        offset: u64,
    },
    TensorNameInvalid {
        tensor: String,
        offset: u64,
    },
    TensorNameTooLong {
        tensor: String,
        len: u64,
        offset: u64,
    },
    DuplicateTensorName {
        tensor: String,
        offset: u64,
    },
    TooManyDims {
        tensor: String,
        n_dims: u32,
        offset: u64,
    },
    /// A dimension above `i64::MAX`, or an element count that overflows.
    BadDimensions {
        tensor: String,
        offset: u64,
    },
    UnknownGgmlType {
        tensor: String,
        type_id: u32,
        offset: u64,
    },
    /// The row length is not a multiple of the type's block size.
    RowNotBlockMultiple {
        tensor: String,
        row: u64,
        block_size: u64,
        offset: u64,
    },
    /// The data offset is not a multiple of the alignment.
    MisalignedData {
        tensor: String,
        data_offset: u64,
        alignment: u64,
        offset: u64,
    },
    /// The tensor's bytes run past the end of the file; `end` is `None`
    /// when it overflows.
    DataOutOfBounds {
        tensor: String,
        start: u64,
        end: Option<u64>,
        file_len: u64,
    },
    /// Two tensors share bytes `[start, end)`.
    DataOverlap {
        first: String,
        second: String,
        start: u64,
        end: u64,
    },
    /// Bytes `[start, end)` of the data section belong to no tensor and are
    /// more than alignment padding.
    DataGap {
        after: Option<String>,
        start: u64,
        end: u64,
    },
    /// Bytes after the (padded) last tensor.
    TrailingData {
        start: u64,
        len: u64,
    },
}

impl GgufAnomaly {
    /// A stable snake_case name for the kind of anomaly.
    pub fn kind(&self) -> &'static str {
        match self {
            GgufAnomaly::CountOutOfBounds { .. } => "count_out_of_bounds",
            GgufAnomaly::LengthOutOfBounds { .. } => "length_out_of_bounds",
            GgufAnomaly::Truncated { .. } => "truncated",
            GgufAnomaly::UnknownValueType { .. } => "unknown_value_type",
            GgufAnomaly::ArrayTooDeep { .. } => "array_too_deep",
            GgufAnomaly::InvalidBool { .. } => "invalid_bool",
            GgufAnomaly::InvalidKey { .. } => "invalid_key",
            GgufAnomaly::DuplicateKey { .. } => "duplicate_key",
            GgufAnomaly::BadAlignment { .. } => "bad_alignment",
            GgufAnomaly::TensorNameInvalid { .. } => "tensor_name_invalid",
            GgufAnomaly::TensorNameTooLong { .. } => "tensor_name_too_long",
            GgufAnomaly::DuplicateTensorName { .. } => "duplicate_tensor_name",
            GgufAnomaly::TooManyDims { .. } => "too_many_dims",
            GgufAnomaly::BadDimensions { .. } => "bad_dimensions",
            GgufAnomaly::UnknownGgmlType { .. } => "unknown_ggml_type",
            GgufAnomaly::RowNotBlockMultiple { .. } => "row_not_block_multiple",
            GgufAnomaly::MisalignedData { .. } => "misaligned_data",
            GgufAnomaly::DataOutOfBounds { .. } => "data_out_of_bounds",
            GgufAnomaly::DataOverlap { .. } => "data_overlap",
            GgufAnomaly::DataGap { .. } => "data_gap",
            GgufAnomaly::TrailingData { .. } => "trailing_data",
        }
    }

    /// The file offset the anomaly is about.
    pub fn offset(&self) -> u64 {
        match self {
            GgufAnomaly::CountOutOfBounds { offset, .. }
            | GgufAnomaly::LengthOutOfBounds { offset, .. }
            | GgufAnomaly::Truncated { offset, .. }
            | GgufAnomaly::UnknownValueType { offset, .. }
            | GgufAnomaly::ArrayTooDeep { offset, .. }
            | GgufAnomaly::InvalidBool { offset, .. }
            | GgufAnomaly::InvalidKey { offset, .. }
            | GgufAnomaly::DuplicateKey { offset, .. }
            | GgufAnomaly::BadAlignment { offset, .. }
            | GgufAnomaly::TensorNameInvalid { offset, .. }
            | GgufAnomaly::TensorNameTooLong { offset, .. }
            | GgufAnomaly::DuplicateTensorName { offset, .. }
            | GgufAnomaly::TooManyDims { offset, .. }
            | GgufAnomaly::BadDimensions { offset, .. }
            | GgufAnomaly::UnknownGgmlType { offset, .. }
            | GgufAnomaly::RowNotBlockMultiple { offset, .. }
            | GgufAnomaly::MisalignedData { offset, .. } => *offset,
            GgufAnomaly::DataOutOfBounds { start, .. }
            | GgufAnomaly::DataOverlap { start, .. }
            | GgufAnomaly::DataGap { start, .. }
            | GgufAnomaly::TrailingData { start, .. } => *start,
        }
    }
}

fn of_key(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!(" of `{key}`")
    }
}

impl fmt::Display for GgufAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GgufAnomaly::CountOutOfBounds {
                what,
                declared,
                max_possible,
                ..
            } => write!(
                f,
                "header declares {declared} {what}, but the file has room for at most {max_possible}"
            ),
            GgufAnomaly::LengthOutOfBounds {
                what,
                key,
                declared,
                available,
                ..
            } => write!(
                f,
                "{what}{} declares length {declared}, but only {available} bytes remain",
                of_key(key)
            ),
            GgufAnomaly::Truncated { what, key, .. } => {
                write!(f, "file ends inside {what}{}", of_key(key))
            }
            GgufAnomaly::UnknownValueType { key, type_id, .. } => {
                write!(f, "value{} has unknown type id {type_id}", of_key(key))
            }
            GgufAnomaly::ArrayTooDeep { key, depth, .. } => {
                write!(f, "array{} nests deeper than {depth} levels", of_key(key))
            }
            GgufAnomaly::InvalidBool { key, value, .. } => {
                write!(f, "bool{} holds {value}, not 0 or 1", of_key(key))
            }
            GgufAnomaly::InvalidKey { key, .. } => {
                write!(f, "key `{key}` is empty or not valid UTF-8")
            }
            GgufAnomaly::DuplicateKey { key, .. } => {
                write!(f, "key `{key}` appears more than once")
            }
            GgufAnomaly::BadAlignment { value, .. } => write!(
                f,
                "general.alignment is {value}, not a non-zero power-of-two uint32"
            ),
            GgufAnomaly::TensorNameInvalid { tensor, .. } => {
                write!(f, "tensor name `{tensor}` is empty or not valid UTF-8")
            }
            GgufAnomaly::TensorNameTooLong { tensor, len, .. } => write!(
                f,
                "tensor name `{tensor}` is {len} bytes, longer than ggml's {} ",
                GGML_MAX_NAME.saturating_sub(1)
            ),
            GgufAnomaly::DuplicateTensorName { tensor, .. } => {
                write!(f, "tensor `{tensor}` is declared more than once")
            }
            GgufAnomaly::TooManyDims { tensor, n_dims, .. } => write!(
                f,
                "tensor `{tensor}` declares {n_dims} dimensions (ggml allows {GGML_MAX_DIMS})"
            ),
            GgufAnomaly::BadDimensions { tensor, .. } => write!(
                f,
                "tensor `{tensor}` has a dimension or element count out of range"
            ),
            GgufAnomaly::UnknownGgmlType {
                tensor, type_id, ..
            } => write!(f, "tensor `{tensor}` has unknown ggml type id {type_id}"),
            GgufAnomaly::RowNotBlockMultiple {
                tensor,
                row,
                block_size,
                ..
            } => write!(
                f,
                "tensor `{tensor}` has rows of {row} elements, not a multiple of its block size {block_size}"
            ),
            GgufAnomaly::MisalignedData {
                tensor,
                data_offset,
                alignment,
                ..
            } => write!(
                f,
                "tensor `{tensor}` data offset {data_offset} is not a multiple of the alignment {alignment}"
            ),
            GgufAnomaly::DataOutOfBounds {
                tensor,
                start,
                end,
                file_len,
            } => match end {
                Some(e) => write!(
                    f,
                    "tensor `{tensor}` data {start:#x}..{e:#x} runs past the end of the {file_len}-byte file"
                ),
                None => write!(
                    f,
                    "tensor `{tensor}` data at {start:#x} has a size that overflows"
                ),
            },
            GgufAnomaly::DataOverlap {
                first,
                second,
                start,
                end,
            } => write!(
                f,
                "tensors `{first}` and `{second}` share bytes {start:#x}..{end:#x}"
            ),
            GgufAnomaly::DataGap { after, start, end } => match after {
                Some(t) => write!(
                    f,
                    "bytes {start:#x}..{end:#x} after tensor `{t}` belong to no tensor"
                ),
                None => write!(
                    f,
                    "bytes {start:#x}..{end:#x} at the start of the data section belong to no tensor"
                ),
            },
            GgufAnomaly::TrailingData { start, len } => {
                write!(f, "{len} bytes at {start:#x} follow the last tensor")
            }
        }
    }
}

/// The parsed header, metadata and tensor infos.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GgufView {
    pub version: u32,
    /// Declared counts.
    pub tensor_count: u64,
    pub kv_count: u64,
    /// Every key-value pair read, in file order.
    pub metadata: Vec<GgufKv>,
    /// The `general.*` pairs (architecture, name, license, file_type, …),
    /// sorted by key; the last one wins if a key is duplicated.
    pub general: BTreeMap<String, GgufValue>,
    /// Every string value whose key contains `chat_template`
    /// (`tokenizer.chat_template`, `tokenizer.chat_template.<name>`), as
    /// `(key, text)`, cut at [`MAX_TEMPLATE_BYTES`] (recorded in `limits_hit`).
    pub templates: Vec<(String, String)>,
    pub tensors: Vec<GgufTensorInfo>,
    /// Alignment of the data section.
    pub alignment: u64,
    /// File offset of the data section, when every tensor info was read.
    pub data_start: Option<u64>,
    pub file_len: u64,
    pub anomalies: Vec<GgufAnomaly>,
    /// Limits that stopped part of the analysis: `(limit, value)`.
    pub limits_hit: Vec<(&'static str, u64)>,
    /// False when parsing stopped before the end of the tensor infos.
    pub complete: bool,
}

impl GgufView {
    /// A metadata value by key (the last one if duplicated).
    pub fn get(&self, key: &str) -> Option<&GgufValue> {
        self.metadata
            .iter()
            .rev()
            .find(|kv| kv.key == key)
            .map(|kv| &kv.value)
    }

    pub fn architecture(&self) -> Option<&str> {
        self.general.get("general.architecture")?.as_str()
    }

    pub fn name(&self) -> Option<&str> {
        self.general.get("general.name")?.as_str()
    }

    pub fn license(&self) -> Option<&str> {
        self.general.get("general.license")?.as_str()
    }

    /// `general.file_type` (the quantization of most tensors).
    pub fn file_type(&self) -> Option<u64> {
        self.general.get("general.file_type")?.as_u64()
    }

    pub fn quantization_version(&self) -> Option<u64> {
        self.general.get("general.quantization_version")?.as_u64()
    }

    fn push(&mut self, a: GgufAnomaly) {
        if self.anomalies.len() < MAX_ANOMALIES {
            self.anomalies.push(a);
        } else {
            self.limit("max_anomalies", MAX_ANOMALIES as u64);
        }
    }

    fn limit(&mut self, limit: &'static str, value: u64) {
        if !self.limits_hit.iter().any(|(l, _)| *l == limit) {
            self.limits_hit.push((limit, value));
        }
    }
}

/// True when the buffer starts with the GGUF magic.
pub fn sniff(data: &[u8]) -> bool {
    data.starts_with(b"GGUF")
}

/// Reads a GGUF file's header, metadata and tensor infos, and checks every
/// tensor's data range against `data.len()`.
pub fn parse(data: &[u8], _limits: &Limits) -> Result<GgufView, GgufError> {
    let len = data.len() as u64;
    let magic = data.get(..4).ok_or(GgufError::TooShort { len })?;
    if magic != b"GGUF" {
        let mut found = [0u8; 4];
        found.copy_from_slice(magic);
        return Err(GgufError::BadMagic { found });
    }
    let mut r = Reader {
        data,
        pos: 4,
        wide: true,
    };
    let version = r.u32().ok_or(GgufError::TooShort { len })?;
    if !(1..=3).contains(&version) {
        let swapped = version.swap_bytes();
        return Err(if (1..=3).contains(&swapped) {
            GgufError::BigEndian { version: swapped }
        } else {
            GgufError::UnsupportedVersion { version }
        });
    }
    r.wide = version >= 2;
    let tensor_count = r.count().ok_or(GgufError::TooShort { len })?;
    let kv_count = r.count().ok_or(GgufError::TooShort { len })?;
    let mut p = Parser {
        r,
        view: GgufView {
            version,
            tensor_count,
            kv_count,
            alignment: DEFAULT_ALIGNMENT,
            file_len: len,
            ..GgufView::default()
        },
        seen: HashSet::new(),
        stored: 0,
    };
    if p.run().is_ok() {
        p.view.complete = true;
        p.check_data();
    }
    Ok(p.view)
}

/// Parsing stopped; the reason is already recorded in the view.
struct Stop;

struct Reader<'a> {
    data: &'a [u8],
    pos: u64,
    /// Versions 2 and 3: u64 counts and lengths.
    wide: bool,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> u64 {
        (self.data.len() as u64).saturating_sub(self.pos)
    }

    fn bytes(&mut self, n: u64) -> Option<&'a [u8]> {
        let start = usize::try_from(self.pos).ok()?;
        let len = usize::try_from(n).ok()?;
        let b = self.data.get(start..start.checked_add(len)?)?;
        self.pos = self.pos.saturating_add(n);
        Some(b)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.bytes(N as u64)?);
        Some(a)
    }

    fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[b]| b)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    /// A count or length: u32 in version 1, u64 later.
    fn count(&mut self) -> Option<u64> {
        if self.wide {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    fn count_size(&self) -> u64 {
        if self.wide { 8 } else { 4 }
    }
}

struct Parser<'a> {
    r: Reader<'a>,
    view: GgufView,
    seen: HashSet<String>,
    /// Bytes of strings kept so far (with overhead).
    stored: u64,
}

/// Bytes charged per kept value besides a string's text.
const ITEM_OVERHEAD: u64 = 32;

impl Parser<'_> {
    /// Charges `bytes` to the budget of kept values; false (and the limit
    /// recorded) once it is spent.
    fn keep(&mut self, bytes: u64) -> bool {
        let total = self.stored.saturating_add(bytes);
        if total > MAX_STORED_BYTES {
            self.view.limit("max_gguf_stored_bytes", MAX_STORED_BYTES);
            false
        } else {
            self.stored = total;
            true
        }
    }

    fn stop(&mut self, a: GgufAnomaly) -> Stop {
        self.view.push(a);
        Stop
    }

    fn truncated(&mut self, what: &'static str, key: &str) -> Stop {
        let offset = self.r.pos;
        self.stop(GgufAnomaly::Truncated {
            what,
            key: key.to_string(),
            offset,
        })
    }

    fn run(&mut self) -> Result<(), Stop> {
        let cs = self.r.count_size();
        // Smallest encodings: a KV is a key length, an empty key, a type
        // and a one-byte value; a tensor info a name length, n_dims, type
        // and offset.
        let min_kv = cs.saturating_add(5);
        let min_tensor = cs.saturating_add(16);
        let remaining = self.r.remaining();
        for (what, declared, min) in [
            ("metadata pairs", self.view.kv_count, min_kv),
            ("tensors", self.view.tensor_count, min_tensor),
        ] {
            let max_possible = remaining.checked_div(min).unwrap_or(0);
            if declared > max_possible {
                let offset = if what == "tensors" {
                    8
                } else {
                    8u64.saturating_add(cs)
                };
                return Err(self.stop(GgufAnomaly::CountOutOfBounds {
                    what,
                    declared,
                    max_possible,
                    offset,
                }));
            }
        }
        let kv_count = self.view.kv_count;
        if kv_count > MAX_KV_COUNT {
            self.view.limit("max_gguf_kv_count", MAX_KV_COUNT);
            return Err(Stop);
        }
        for _ in 0..kv_count {
            self.kv()?;
        }
        let tensor_count = self.view.tensor_count;
        if tensor_count > MAX_TENSOR_COUNT {
            self.view.limit("max_gguf_tensor_count", MAX_TENSOR_COUNT);
            return Err(Stop);
        }
        let mut names = HashSet::new();
        for _ in 0..tensor_count {
            self.tensor_info(&mut names)?;
        }
        Ok(())
    }

    /// A length-prefixed string: `Ok(Err(bytes))` when it is not UTF-8,
    /// `Ok(Ok(None))` when it is too long to keep (skipped).
    fn string(&mut self, what: &'static str, key: &str) -> Result<RawString, Stop> {
        let offset = self.r.pos;
        let Some(len) = self.r.count() else {
            return Err(self.truncated(what, key));
        };
        let available = self.r.remaining();
        if len > available {
            return Err(self.stop(GgufAnomaly::LengthOutOfBounds {
                what,
                key: key.to_string(),
                declared: len,
                available,
                offset,
            }));
        }
        let Some(bytes) = self.r.bytes(len) else {
            return Err(self.truncated(what, key));
        };
        if len > MAX_STRING_BYTES {
            self.view.limit("max_gguf_string_bytes", MAX_STRING_BYTES);
            return Ok(RawString::Skipped(len));
        }
        if !self.keep(len.saturating_add(ITEM_OVERHEAD)) {
            return Ok(RawString::Skipped(len));
        }
        Ok(match std::str::from_utf8(bytes) {
            Ok(s) => RawString::Text(s.to_string()),
            Err(_) => RawString::Bytes(bytes.to_vec()),
        })
    }

    fn kv(&mut self) -> Result<(), Stop> {
        let offset = self.r.pos;
        let key = match self.string("key", "")? {
            RawString::Text(k) if !k.is_empty() => k,
            other => {
                let key = other.lossy();
                self.view.push(GgufAnomaly::InvalidKey {
                    key: key.clone(),
                    offset,
                });
                key
            }
        };
        let Some(type_id) = self.r.u32() else {
            return Err(self.truncated("value type", &key));
        };
        let value = self.value(type_id, &key, 0)?;
        if !self.seen.insert(key.clone()) {
            self.view.push(GgufAnomaly::DuplicateKey {
                key: key.clone(),
                offset,
            });
        }
        if key == "general.alignment" {
            match value {
                GgufValue::U32(a) if a > 0 && a.is_power_of_two() => {
                    self.view.alignment = u64::from(a);
                }
                ref other => {
                    let shown = match other {
                        GgufValue::U32(a) => a.to_string(),
                        v => format!("a value of type {}", v.type_name()),
                    };
                    self.view.push(GgufAnomaly::BadAlignment {
                        value: shown,
                        offset,
                    });
                }
            }
        }
        if key.contains("chat_template") {
            let text = match &value {
                GgufValue::Str(s) => Some(s.clone()),
                GgufValue::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
                _ => None,
            };
            if let Some(mut text) = text {
                if text.len() > MAX_TEMPLATE_BYTES {
                    let mut cut = MAX_TEMPLATE_BYTES;
                    while !text.is_char_boundary(cut) {
                        cut = cut.saturating_sub(1);
                    }
                    text.truncate(cut);
                    self.view
                        .limit("max_template_bytes", MAX_TEMPLATE_BYTES as u64);
                }
                self.view.templates.push((key.clone(), text));
            }
        }
        if key.starts_with("general.") {
            self.view.general.insert(key.clone(), value.clone());
        }
        self.view.metadata.push(GgufKv { key, value, offset });
        Ok(())
    }

    fn value(&mut self, type_id: u32, key: &str, depth: u32) -> Result<GgufValue, Stop> {
        let offset = self.r.pos;
        let Some(ty) = GgufValueType::from_id(type_id) else {
            return Err(self.stop(GgufAnomaly::UnknownValueType {
                key: key.to_string(),
                type_id,
                offset: offset.saturating_sub(4),
            }));
        };
        match ty {
            GgufValueType::String => Ok(match self.string("string", key)? {
                RawString::Text(s) => GgufValue::Str(s),
                RawString::Bytes(b) => GgufValue::Bytes(b),
                RawString::Skipped(len) => GgufValue::Skipped { len },
            }),
            GgufValueType::Array => self.array(key, depth),
            scalar => match self.scalar(scalar) {
                Some(GgufValue::U8(b)) if scalar == GgufValueType::Bool => {
                    if b > 1 {
                        self.view.push(GgufAnomaly::InvalidBool {
                            key: key.to_string(),
                            value: b,
                            offset,
                        });
                    }
                    Ok(GgufValue::Bool(b != 0))
                }
                Some(v) => Ok(v),
                None => Err(self.truncated(scalar.name(), key)),
            },
        }
    }

    /// A fixed-size value; bools come back as `U8` for the caller to check.
    fn scalar(&mut self, ty: GgufValueType) -> Option<GgufValue> {
        let r = &mut self.r;
        Some(match ty {
            GgufValueType::U8 | GgufValueType::Bool => GgufValue::U8(r.u8()?),
            GgufValueType::I8 => GgufValue::I8(i8::from_le_bytes(r.array()?)),
            GgufValueType::U16 => GgufValue::U16(u16::from_le_bytes(r.array()?)),
            GgufValueType::I16 => GgufValue::I16(i16::from_le_bytes(r.array()?)),
            GgufValueType::U32 => GgufValue::U32(r.u32()?),
            GgufValueType::I32 => GgufValue::I32(i32::from_le_bytes(r.array()?)),
            GgufValueType::F32 => GgufValue::F32(f32::from_le_bytes(r.array()?)),
            GgufValueType::U64 => GgufValue::U64(r.u64()?),
            GgufValueType::I64 => GgufValue::I64(i64::from_le_bytes(r.array()?)),
            GgufValueType::F64 => GgufValue::F64(f64::from_le_bytes(r.array()?)),
            GgufValueType::String | GgufValueType::Array => return None,
        })
    }

    fn array(&mut self, key: &str, depth: u32) -> Result<GgufValue, Stop> {
        let offset = self.r.pos;
        let depth = depth.saturating_add(1);
        if depth > MAX_ARRAY_DEPTH {
            return Err(self.stop(GgufAnomaly::ArrayTooDeep {
                key: key.to_string(),
                depth: MAX_ARRAY_DEPTH,
                offset,
            }));
        }
        let Some(elem_id) = self.r.u32() else {
            return Err(self.truncated("array", key));
        };
        let Some(len) = self.r.count() else {
            return Err(self.truncated("array", key));
        };
        let Some(element_type) = GgufValueType::from_id(elem_id) else {
            return Err(self.stop(GgufAnomaly::UnknownValueType {
                key: key.to_string(),
                type_id: elem_id,
                offset,
            }));
        };
        // Each element needs at least this many bytes: a string its length,
        // an array its type and count.
        let min = element_type.fixed_size().unwrap_or(match element_type {
            GgufValueType::Array => self.r.count_size().saturating_add(4),
            _ => self.r.count_size(),
        });
        let available = self.r.remaining();
        if len.checked_mul(min).is_none_or(|need| need > available) {
            return Err(self.stop(GgufAnomaly::LengthOutOfBounds {
                what: "array",
                key: key.to_string(),
                declared: len,
                available,
                offset,
            }));
        }
        let mut items = Vec::new();
        match element_type.fixed_size() {
            Some(size) if len > MAX_KEPT_NUMBERS => {
                // Checked above: len × size fits in the rest of the file.
                if self.r.bytes(len.saturating_mul(size)).is_none() {
                    return Err(self.truncated("array", key));
                }
            }
            Some(_) => {
                for _ in 0..len {
                    let v = match self.scalar(element_type) {
                        Some(GgufValue::U8(b)) if element_type == GgufValueType::Bool => {
                            GgufValue::Bool(b != 0)
                        }
                        Some(v) => v,
                        None => return Err(self.truncated("array", key)),
                    };
                    if self.keep(ITEM_OVERHEAD) {
                        items.push(v);
                    }
                }
            }
            None => {
                for _ in 0..len {
                    let v = self.value(elem_id, key, depth)?;
                    // Past the budget, elements are still read (to find the
                    // end of the array) but no longer kept.
                    if self.keep(ITEM_OVERHEAD) {
                        items.push(v);
                    }
                }
            }
        }
        Ok(GgufValue::Array(GgufArray {
            element_type,
            len,
            items,
        }))
    }

    fn tensor_info(&mut self, names: &mut HashSet<String>) -> Result<(), Stop> {
        let info_offset = self.r.pos;
        let raw = self.string("tensor name", "")?;
        let name = raw.lossy();
        match &raw {
            RawString::Text(s) if !s.is_empty() => {}
            _ => self.view.push(GgufAnomaly::TensorNameInvalid {
                tensor: name.clone(),
                offset: info_offset,
            }),
        }
        let name_len = raw.len();
        if name_len >= GGML_MAX_NAME as u64 {
            self.view.push(GgufAnomaly::TensorNameTooLong {
                tensor: name.clone(),
                len: name_len,
                offset: info_offset,
            });
        }
        if !names.insert(name.clone()) {
            self.view.push(GgufAnomaly::DuplicateTensorName {
                tensor: name.clone(),
                offset: info_offset,
            });
        }
        let Some(n_dims) = self.r.u32() else {
            return Err(self.truncated("tensor info", &name));
        };
        let dim_size = self.r.count_size();
        let available = self.r.remaining();
        if u64::from(n_dims)
            .checked_mul(dim_size)
            .is_none_or(|need| need > available)
        {
            return Err(self.stop(GgufAnomaly::LengthOutOfBounds {
                what: "tensor dimensions",
                key: name,
                declared: u64::from(n_dims),
                available,
                offset: info_offset,
            }));
        }
        if n_dims > GGML_MAX_DIMS {
            self.view.push(GgufAnomaly::TooManyDims {
                tensor: name.clone(),
                n_dims,
                offset: info_offset,
            });
        }
        let mut dims = Vec::new();
        let mut elements: Option<u64> = Some(1);
        for _ in 0..n_dims {
            let Some(d) = self.r.count() else {
                return Err(self.truncated("tensor info", &name));
            };
            if dims.len() < MAX_KEPT_DIMS {
                dims.push(d);
            }
            // llama.cpp reads dimensions as int64 and bounds the product.
            elements = elements
                .and_then(|e| e.checked_mul(d))
                .filter(|e| i64::try_from(*e).is_ok() && i64::try_from(d).is_ok());
        }
        let (Some(type_id), Some(offset)) = (self.r.u32(), self.r.u64()) else {
            return Err(self.truncated("tensor info", &name));
        };
        if elements.is_none() {
            self.view.push(GgufAnomaly::BadDimensions {
                tensor: name.clone(),
                offset: info_offset,
            });
        }
        let nbytes = match ggml_type(type_id) {
            None => {
                self.view.push(GgufAnomaly::UnknownGgmlType {
                    tensor: name.clone(),
                    type_id,
                    offset: info_offset,
                });
                None
            }
            Some(t) => {
                let row = dims.first().copied().unwrap_or(1);
                if !row.is_multiple_of(t.block_size) {
                    self.view.push(GgufAnomaly::RowNotBlockMultiple {
                        tensor: name.clone(),
                        row,
                        block_size: t.block_size,
                        offset: info_offset,
                    });
                    None
                } else {
                    elements
                        .and_then(|e| e.checked_div(t.block_size))
                        .and_then(|blocks| blocks.checked_mul(t.type_size))
                }
            }
        };
        self.view.tensors.push(GgufTensorInfo {
            name,
            n_dims,
            dims,
            ggml_type: type_id,
            offset,
            nbytes,
            info_offset,
        });
        Ok(())
    }

    /// Checks every tensor's data range: aligned, inside the file, no
    /// overlap, no hole larger than padding, nothing after the last tensor.
    fn check_data(&mut self) {
        let alignment = self.view.alignment;
        let file_len = self.view.file_len;
        let Some(data_start) = align_up(self.r.pos, alignment) else {
            return;
        };
        self.view.data_start = Some(data_start);
        let data_len = file_len.saturating_sub(data_start);
        let mut found = Vec::new();
        let mut ranges = Vec::new();
        for (i, t) in self.view.tensors.iter().enumerate() {
            if !t.offset.is_multiple_of(alignment) {
                found.push(GgufAnomaly::MisalignedData {
                    tensor: t.name.clone(),
                    data_offset: t.offset,
                    alignment,
                    offset: t.info_offset,
                });
            }
            let Some(nbytes) = t.nbytes else { continue };
            let start = data_start.saturating_add(t.offset);
            let end = t.offset.checked_add(nbytes);
            match end {
                Some(e) if e <= data_len => {}
                _ => found.push(GgufAnomaly::DataOutOfBounds {
                    tensor: t.name.clone(),
                    start,
                    end: end.and_then(|e| data_start.checked_add(e)),
                    file_len,
                }),
            }
            let end = end.unwrap_or(u64::MAX).min(data_len);
            if nbytes > 0 && t.offset < end {
                ranges.push((t.offset, end, i));
            }
        }
        ranges.sort_unstable();
        let name = |i: usize| self.view.tensors.get(i).map(|t| t.name.clone());
        let mut cursor = 0u64;
        let mut owner: Option<usize> = None;
        for (begin, end, i) in ranges {
            if begin < cursor {
                found.push(GgufAnomaly::DataOverlap {
                    first: owner.and_then(name).unwrap_or_default(),
                    second: name(i).unwrap_or_default(),
                    start: data_start.saturating_add(begin),
                    end: data_start.saturating_add(end.min(cursor)),
                });
            } else if begin > align_up(cursor, alignment).unwrap_or(u64::MAX) {
                found.push(GgufAnomaly::DataGap {
                    after: owner.and_then(name),
                    start: data_start.saturating_add(cursor),
                    end: data_start.saturating_add(begin),
                });
            }
            if end > cursor {
                cursor = end;
                owner = Some(i);
            }
        }
        // Writers pad the last tensor to the alignment, or not at all.
        let padded_end = align_up(cursor, alignment).unwrap_or(u64::MAX);
        if data_len > padded_end {
            found.push(GgufAnomaly::TrailingData {
                start: data_start.saturating_add(padded_end),
                len: data_len.saturating_sub(padded_end),
            });
        }
        for a in found {
            self.view.push(a);
        }
    }
}

fn align_up(v: u64, alignment: u64) -> Option<u64> {
    let rem = v.checked_rem(alignment)?;
    if rem == 0 {
        Some(v)
    } else {
        v.checked_add(alignment.checked_sub(rem)?)
    }
}

enum RawString {
    Text(String),
    Bytes(Vec<u8>),
    Skipped(u64),
}

impl RawString {
    fn lossy(&self) -> String {
        match self {
            RawString::Text(s) => s.clone(),
            RawString::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            RawString::Skipped(len) => format!("<{len}-byte string>"),
        }
    }

    fn len(&self) -> u64 {
        match self {
            RawString::Text(s) => s.len() as u64,
            RawString::Bytes(b) => b.len() as u64,
            RawString::Skipped(len) => *len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-rolled GGUF writer for tests.
    struct W {
        version: u32,
        kvs: Vec<u8>,
        n_kv: u64,
        infos: Vec<u8>,
        n_tensors: u64,
        data: Vec<u8>,
    }

    impl W {
        fn new(version: u32) -> Self {
            W {
                version,
                kvs: Vec::new(),
                n_kv: 0,
                infos: Vec::new(),
                n_tensors: 0,
                data: Vec::new(),
            }
        }

        fn n(&self, v: u64) -> Vec<u8> {
            if self.version == 1 {
                (v as u32).to_le_bytes().to_vec()
            } else {
                v.to_le_bytes().to_vec()
            }
        }

        fn s(&self, s: &[u8]) -> Vec<u8> {
            let mut out = self.n(s.len() as u64);
            out.extend_from_slice(s);
            out
        }

        fn raw_kv(mut self, key: &str, type_id: u32, value: &[u8]) -> Self {
            let mut kv = self.s(key.as_bytes());
            kv.extend_from_slice(&type_id.to_le_bytes());
            kv.extend_from_slice(value);
            self.kvs.extend(kv);
            self.n_kv += 1;
            self
        }

        fn str_kv(self, key: &str, value: &str) -> Self {
            let v = self.s(value.as_bytes());
            self.raw_kv(key, 8, &v)
        }

        fn u32_kv(self, key: &str, value: u32) -> Self {
            self.raw_kv(key, 4, &value.to_le_bytes())
        }

        fn tensor(mut self, name: &str, dims: &[u64], ty: u32, offset: u64) -> Self {
            let mut info = self.s(name.as_bytes());
            info.extend_from_slice(&(dims.len() as u32).to_le_bytes());
            for d in dims {
                info.extend(self.n(*d));
            }
            info.extend_from_slice(&ty.to_le_bytes());
            info.extend_from_slice(&offset.to_le_bytes());
            self.infos.extend(info);
            self.n_tensors += 1;
            self
        }

        fn data(mut self, len: usize) -> Self {
            self.data = vec![0x5a; len];
            self
        }

        fn build(&self, alignment: usize) -> Vec<u8> {
            let mut out = b"GGUF".to_vec();
            out.extend_from_slice(&self.version.to_le_bytes());
            out.extend(self.n(self.n_tensors));
            out.extend(self.n(self.n_kv));
            out.extend_from_slice(&self.kvs);
            out.extend_from_slice(&self.infos);
            while !out.len().is_multiple_of(alignment) {
                out.push(0);
            }
            out.extend_from_slice(&self.data);
            out
        }
    }

    fn kinds(v: &GgufView) -> Vec<&'static str> {
        v.anomalies.iter().map(GgufAnomaly::kind).collect()
    }

    fn parse_ok(b: &[u8]) -> GgufView {
        parse(b, &Limits::default()).unwrap()
    }

    #[test]
    fn reads_every_version() {
        for version in 1..=3 {
            let f = W::new(version)
                .str_kv("general.architecture", "llama")
                .u32_kv("general.file_type", 7)
                .str_kv("tokenizer.chat_template", "{{ messages }}")
                .str_kv("tokenizer.chat_template.tool_use", "{{ tools }}")
                .tensor("a", &[32, 2], 8, 0)
                .tensor("b", &[8], 0, 96)
                .data(128)
                .build(32);
            let v = parse_ok(&f);
            assert_eq!(kinds(&v), Vec::<&str>::new(), "v{version}");
            assert!(v.complete);
            assert_eq!(v.version, version);
            assert_eq!(v.architecture(), Some("llama"));
            assert_eq!(v.file_type().and_then(file_type_name), Some("MOSTLY_Q8_0"));
            assert_eq!(
                v.templates,
                [
                    (
                        "tokenizer.chat_template".to_string(),
                        "{{ messages }}".to_string()
                    ),
                    (
                        "tokenizer.chat_template.tool_use".to_string(),
                        "{{ tools }}".to_string()
                    )
                ]
            );
            // Q8_0: 2 rows of one 34-byte block.
            assert_eq!(v.tensors[0].nbytes, Some(68));
            assert_eq!(v.tensors[1].nbytes, Some(32));
            assert_eq!(v.data_start, Some(f.len() as u64 - 128));
        }
    }

    #[test]
    fn header_errors() {
        let l = Limits::default();
        assert_eq!(parse(b"GGU", &l), Err(GgufError::TooShort { len: 3 }));
        assert_eq!(
            parse(b"GGML\x03\0\0\0", &l),
            Err(GgufError::BadMagic { found: *b"GGML" })
        );
        assert_eq!(
            parse(b"GGUF\0\0\0\x03", &l),
            Err(GgufError::BigEndian { version: 3 })
        );
        assert_eq!(
            parse(b"GGUF\x09\0\0\0", &l),
            Err(GgufError::UnsupportedVersion { version: 9 })
        );
        assert_eq!(
            parse(b"GGUF\x03\0\0\0\0\0\0\0", &l),
            Err(GgufError::TooShort { len: 12 })
        );
    }

    #[test]
    fn impossible_lengths_stop_parsing_but_keep_what_came_before() {
        let mut w = W::new(3).str_kv("general.name", "kept");
        let mut v = Vec::new();
        v.extend_from_slice(&u64::MAX.to_le_bytes());
        w = w.raw_kv("general.description", 8, &v);
        let view = parse_ok(&w.build(1));
        assert!(!view.complete);
        assert_eq!(view.name(), Some("kept"));
        assert!(matches!(
            &view.anomalies[..],
            [GgufAnomaly::LengthOutOfBounds {
                what: "string",
                declared: u64::MAX,
                ..
            }]
        ));
        // An array whose byte size overflows.
        let mut arr = 6u32.to_le_bytes().to_vec();
        arr.extend_from_slice(&(u64::MAX / 2).to_le_bytes());
        let view = parse_ok(&W::new(3).raw_kv("x", 9, &arr).build(1));
        assert_eq!(kinds(&view), ["length_out_of_bounds"]);
        // Counts that cannot fit.
        let mut f = W::new(3).build(1);
        f[8..16].copy_from_slice(&(1u64 << 40).to_le_bytes());
        assert_eq!(kinds(&parse_ok(&f)), ["count_out_of_bounds"]);
        // Truncated in a scalar, unknown types, too deep.
        let view = parse_ok(&W::new(3).raw_kv("x", 10, &[1, 2]).build(1));
        assert_eq!(kinds(&view), ["truncated"]);
        let view = parse_ok(&W::new(3).raw_kv("x", 13, &[0; 8]).build(1));
        assert_eq!(kinds(&view), ["unknown_value_type"]);
        let mut nested = Vec::new();
        for _ in 0..20 {
            nested.extend_from_slice(&9u32.to_le_bytes());
            nested.extend_from_slice(&1u64.to_le_bytes());
        }
        let view = parse_ok(&W::new(3).raw_kv("x", 9, &nested).build(1));
        assert_eq!(kinds(&view), ["array_too_deep"]);
    }

    #[test]
    fn values_arrays_and_metadata_checks() {
        let mut strings = 8u32.to_le_bytes().to_vec();
        strings.extend_from_slice(&2u64.to_le_bytes());
        for s in [&b"tok"[..], &b"\xff\xfe"[..]] {
            strings.extend_from_slice(&(s.len() as u64).to_le_bytes());
            strings.extend_from_slice(s);
        }
        let mut scores = 6u32.to_le_bytes().to_vec();
        scores.extend_from_slice(&100u64.to_le_bytes());
        scores.extend_from_slice(&[0u8; 400]);
        let mut short = 5u32.to_le_bytes().to_vec();
        short.extend_from_slice(&2u64.to_le_bytes());
        short.extend_from_slice(&(-1i32).to_le_bytes());
        short.extend_from_slice(&7i32.to_le_bytes());
        let f = W::new(3)
            .raw_kv("tokenizer.ggml.tokens", 9, &strings)
            .raw_kv("tokenizer.ggml.scores", 9, &scores)
            .raw_kv("ids", 9, &short)
            .raw_kv("flag", 7, &[2])
            .u32_kv("general.alignment", 3)
            .str_kv("general.name", "a")
            .str_kv("general.name", "b")
            .build(32);
        let v = parse_ok(&f);
        assert_eq!(
            kinds(&v),
            ["invalid_bool", "bad_alignment", "duplicate_key"]
        );
        assert_eq!(v.alignment, DEFAULT_ALIGNMENT);
        let Some(GgufValue::Array(tokens)) = v.get("tokenizer.ggml.tokens") else {
            panic!()
        };
        assert_eq!(
            tokens.items,
            [
                GgufValue::Str("tok".into()),
                GgufValue::Bytes(vec![0xff, 0xfe])
            ]
        );
        let Some(GgufValue::Array(scores)) = v.get("tokenizer.ggml.scores") else {
            panic!()
        };
        assert_eq!((scores.len, scores.items.len()), (100, 0));
        let Some(GgufValue::Array(ids)) = v.get("ids") else {
            panic!()
        };
        assert_eq!(ids.items, [GgufValue::I32(-1), GgufValue::I32(7)]);
        assert_eq!(v.name(), Some("b"));
        assert_eq!(v.get("flag"), Some(&GgufValue::Bool(true)));
    }

    #[test]
    fn custom_alignment_places_the_data_section() {
        let f = W::new(3)
            .u32_kv("general.alignment", 64)
            .tensor("a", &[16], 0, 0)
            .tensor("b", &[16], 0, 64)
            .data(128)
            .build(64);
        let v = parse_ok(&f);
        assert_eq!(kinds(&v), Vec::<&str>::new());
        assert_eq!(v.alignment, 64);
        assert_eq!(v.data_start.map(|d| d % 64), Some(0));
        let f = W::new(3)
            .u32_kv("general.alignment", 64)
            .tensor("a", &[16], 0, 32)
            .data(96)
            .build(64);
        assert_eq!(kinds(&parse_ok(&f)), ["misaligned_data", "data_gap"]);
    }

    #[test]
    fn tensor_info_checks() {
        let long = "x".repeat(GGML_MAX_NAME);
        let f = W::new(3)
            .tensor(&long, &[8], 0, 0)
            .tensor("dup", &[8], 0, 32)
            .tensor("dup", &[8], 0, 64)
            .tensor("q", &[33], 8, 96)
            .tensor("big", &[1 << 40, 1 << 40], 0, 128)
            .tensor("neg", &[u64::MAX], 0, 160)
            .tensor("removed", &[32], 4, 192)
            .data(96)
            .build(32);
        let v = parse_ok(&f);
        assert_eq!(
            kinds(&v),
            [
                "tensor_name_too_long",
                "duplicate_tensor_name",
                "row_not_block_multiple",
                "bad_dimensions",
                "bad_dimensions",
                "unknown_ggml_type"
            ]
        );
        assert_eq!(ggml_type(4), None);
        assert_eq!(
            ggml_type(12).map(|t| (t.block_size, t.type_size)),
            Some((256, 144))
        );
    }

    #[test]
    fn data_bounds_overlap_gap_and_trailing() {
        let f = W::new(3)
            .tensor("a", &[8], 0, 0)
            .tensor("b", &[16], 0, 0)
            .tensor("c", &[8], 0, 96)
            .tensor("far", &[8], 0, 1 << 40)
            .tensor("wrap", &[8], 0, u64::MAX - 31)
            .data(192)
            .build(32);
        let v = parse_ok(&f);
        assert_eq!(
            kinds(&v),
            [
                "data_out_of_bounds",
                "data_out_of_bounds",
                "data_overlap",
                "data_gap",
                "trailing_data"
            ]
        );
        let start = v.data_start.unwrap();
        assert!(v.anomalies.contains(&GgufAnomaly::TrailingData {
            start: start + 128,
            len: 64
        }));
        assert!(v.anomalies.contains(&GgufAnomaly::DataOutOfBounds {
            tensor: "wrap".into(),
            start: start.saturating_add(u64::MAX - 31),
            end: None,
            file_len: f.len() as u64
        }));
    }

    #[test]
    fn templates_are_capped() {
        let big = "x".repeat(MAX_TEMPLATE_BYTES + 10);
        let v = parse_ok(&W::new(3).str_kv("tokenizer.chat_template", &big).build(1));
        assert_eq!(v.templates[0].1.len(), MAX_TEMPLATE_BYTES);
        assert_eq!(
            v.limits_hit,
            [("max_template_bytes", MAX_TEMPLATE_BYTES as u64)]
        );
        // The full value stays in the metadata.
        assert_eq!(
            v.get("tokenizer.chat_template")
                .and_then(GgufValue::as_str)
                .map(str::len),
            Some(MAX_TEMPLATE_BYTES + 10)
        );
    }
}
