//! TensorFlow Lite models: a bounded reader for the part of the TFLite
//! flatbuffer schema (`schema.fbs`, file identifier `TFL3`) that the scan
//! needs — operator codes (custom and Flex ops), subgraphs (counts, operator
//! and tensor indices), buffers (inline, or stored after the flatbuffer by
//! offset and size), metadata and signature keys — and the TFLite Support
//! metadata flatbuffer (`TFLITE_METADATA`, identifier `M001`).
//!
//! Written by hand rather than on the `flatbuffers` crate: its table
//! accessors trust offsets unless a `Verifier` ran first, and the verifier
//! needs generated code for the whole schema (200 option tables) that we
//! would have to vendor. Here every read goes through [`Fb`], which checks
//! each offset, vtable and vector against the buffer with checked
//! arithmetic. Flatbuffers may share one vector or string among many tables,
//! so counts alone do not bound the work: a budget of elements visited and of
//! string bytes copied does ([`MAX_ELEMENTS`], [`MAX_STRING_BYTES`]). The
//! schema subset has no recursion (subgraphs refer to each other by index),
//! so nesting is at most model → subgraph → operator → vector.
//!
//! What the runtime would reject or read out of bounds becomes a
//! [`TfLiteAnomaly`]; only a file whose root table cannot be read is an
//! error. Nothing is executed or interpreted.

use std::collections::BTreeMap;
use std::fmt;

pub use crate::flatbuf::FbError;
use crate::flatbuf::{Fb, FbResult, Table};

/// File identifier of a TFLite model, at bytes 4..8.
pub const IDENTIFIER: &[u8; 4] = b"TFL3";
/// File identifier of the TFLite Support metadata flatbuffer.
pub const METADATA_IDENTIFIER: &[u8; 4] = b"M001";
/// Name of the metadata entry holding the TFLite Support metadata.
pub const SUPPORT_METADATA_NAME: &str = "TFLITE_METADATA";

/// Operator codes kept per model.
pub const MAX_OPERATOR_CODES: u64 = 100_000;
/// Subgraphs kept per model.
pub const MAX_SUBGRAPHS: u64 = 10_000;
/// Buffers kept per model.
pub const MAX_BUFFERS: u64 = 1_000_000;
/// Metadata entries and signatures kept per model (each).
pub const MAX_METADATA: u64 = 10_000;
/// Tables and vector elements visited per file.
pub const MAX_ELEMENTS: u64 = 64_000_000;
/// String and metadata bytes copied into the view per file.
pub const MAX_STRING_BYTES: u64 = 64 << 20;
/// Bytes of one metadata buffer copied into the view.
pub const MAX_METADATA_BYTES: u64 = 16 << 20;
/// Budgets (and the limit names reported when they run out) of a TFLite read.
const TFLITE_BUDGETS: crate::flatbuf::Budgets = crate::flatbuf::Budgets {
    max_elements: MAX_ELEMENTS,
    elements_limit: "max_tflite_elements",
    max_string_bytes: MAX_STRING_BYTES,
    string_bytes_limit: "max_tflite_string_bytes",
};
/// Anomalies kept before the parser records a limit instead.
pub const MAX_ANOMALIES: usize = 10_000;

/// The `CUSTOM` builtin code.
pub const BUILTIN_CUSTOM: i32 = 32;

/// Why the model could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TfLiteError {
    #[error("file of {len} bytes is too short for a flatbuffer root and identifier")]
    TooShort { len: u64 },
    #[error("file identifier is {found:?}, not \"TFL3\"")]
    BadIdentifier { found: String },
    #[error("root table cannot be read: {0}")]
    Root(FbError),
}

/// Something the runtime would reject or read out of bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TfLiteAnomaly {
    /// A table, vector or string at `path` cannot be read; it was skipped.
    Malformed { path: String, error: FbError },
    /// An operator code says `CUSTOM` without naming the op.
    CustomWithoutName { index: usize, offset: u64 },
    /// A buffer's external `offset..offset+size` lies outside the file.
    BufferOutOfBounds {
        what: String,
        offset: u64,
        size: u64,
        file_len: u64,
    },
    /// External data starts inside the flatbuffer's structures.
    BufferOverlapsFlatbuffer {
        what: String,
        offset: u64,
        size: u64,
        flatbuffer_end: u64,
    },
    /// Two external ranges share bytes.
    BufferOverlap {
        first: String,
        second: String,
        offset: u64,
    },
    /// An index (operator code, tensor, buffer, subgraph) past its vector.
    IndexOutOfRange {
        what: String,
        index: i64,
        count: u64,
        offset: u64,
    },
}

impl TfLiteAnomaly {
    /// File offset the anomaly points at.
    pub fn offset(&self) -> u64 {
        match self {
            TfLiteAnomaly::Malformed { error, .. } => error.offset(),
            TfLiteAnomaly::CustomWithoutName { offset, .. }
            | TfLiteAnomaly::BufferOutOfBounds { offset, .. }
            | TfLiteAnomaly::BufferOverlapsFlatbuffer { offset, .. }
            | TfLiteAnomaly::BufferOverlap { offset, .. }
            | TfLiteAnomaly::IndexOutOfRange { offset, .. } => *offset,
        }
    }

    /// A stable name for the kind of anomaly.
    pub fn kind(&self) -> &'static str {
        match self {
            TfLiteAnomaly::Malformed { .. } => "malformed",
            TfLiteAnomaly::CustomWithoutName { .. } => "custom_without_name",
            TfLiteAnomaly::BufferOutOfBounds { .. } => "buffer_out_of_bounds",
            TfLiteAnomaly::BufferOverlapsFlatbuffer { .. } => "buffer_overlaps_flatbuffer",
            TfLiteAnomaly::BufferOverlap { .. } => "buffer_overlap",
            TfLiteAnomaly::IndexOutOfRange { .. } => "index_out_of_range",
        }
    }
}

impl fmt::Display for TfLiteAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TfLiteAnomaly::Malformed { path, error } => write!(f, "{path} cannot be read: {error}"),
            TfLiteAnomaly::CustomWithoutName { index, .. } => {
                write!(f, "operator code {index} is CUSTOM but names no custom op")
            }
            TfLiteAnomaly::BufferOutOfBounds {
                what,
                offset,
                size,
                file_len,
            } => match offset.checked_add(*size) {
                Some(end) => write!(
                    f,
                    "{what} data {offset:#x}..{end:#x} lies outside the {file_len}-byte file"
                ),
                None => write!(
                    f,
                    "{what} data at {offset:#x} of {size} bytes overflows the file offset range"
                ),
            },
            TfLiteAnomaly::BufferOverlapsFlatbuffer {
                what,
                offset,
                flatbuffer_end,
                ..
            } => write!(
                f,
                "{what} data at {offset:#x} overlaps the flatbuffer structures (which end at {flatbuffer_end:#x})"
            ),
            TfLiteAnomaly::BufferOverlap {
                first,
                second,
                offset,
            } => write!(f, "{first} and {second} data overlap at {offset:#x}"),
            TfLiteAnomaly::IndexOutOfRange {
                what, index, count, ..
            } => write!(f, "{what} index {index} is outside 0..{count}"),
        }
    }
}

/// One operator code: a builtin op, or a custom op by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorCode {
    /// `max(deprecated_builtin_code, builtin_code)`, as the runtime reads it.
    pub builtin: i32,
    /// The custom op name (`custom_code`), for `CUSTOM` ops.
    pub custom: Option<String>,
    pub version: i32,
    /// Operators in all subgraphs that use this code.
    pub uses: u64,
    /// File offset of the operator code table.
    pub offset: u64,
}

impl OperatorCode {
    /// The custom op name when the op is `CUSTOM`.
    pub fn custom_name(&self) -> Option<&str> {
        (self.builtin == BUILTIN_CUSTOM)
            .then_some(self.custom.as_deref())
            .flatten()
    }

    /// The op's name: the custom name, the builtin name, or `BUILTIN_<n>`.
    pub fn name(&self) -> String {
        match self.custom_name() {
            Some(c) => c.to_string(),
            None => builtin_name(self.builtin)
                .map(str::to_string)
                .unwrap_or_else(|| format!("BUILTIN_{}", self.builtin)),
        }
    }
}

/// An operator whose code is a Flex op (`Flex…` custom code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlexOperator {
    /// Index into [`TfLiteView::operator_codes`].
    pub code: usize,
    /// `subgraphs[i].operators[j]`.
    pub path: String,
    /// Length-prefixed identifiers in the custom options (the flexbuffer's
    /// op name and the serialized NodeDef's `op`), deduplicated.
    pub embedded_ops: Vec<String>,
    /// File offset of the custom options.
    pub offset: u64,
}

/// Flex operators kept per model.
pub const MAX_FLEX_OPERATORS: usize = 10_000;
/// Identifiers kept per Flex operator.
const MAX_EMBEDDED_OPS: usize = 16;

/// A subgraph, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubGraph {
    pub name: Option<String>,
    pub tensors: u64,
    pub operators: u64,
    pub offset: u64,
}

/// Where a buffer's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferData {
    None,
    /// Inside the flatbuffer (`data` vector): file range.
    Inline {
        start: u64,
        len: u64,
    },
    /// After the flatbuffer (`offset`, `size`), as the converter writes
    /// models over 2 GB; checked against the file.
    External {
        offset: u64,
        size: u64,
    },
}

/// One metadata entry with its buffer's bytes (capped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataEntry {
    pub name: String,
    pub buffer: u32,
    /// The buffer's bytes, up to [`MAX_METADATA_BYTES`].
    pub data: Vec<u8>,
    /// File offset of the buffer's bytes (of the metadata table when none).
    pub offset: u64,
    /// Bytes the buffer really holds.
    pub len: u64,
}

/// Strings of the TFLite Support metadata (`TFLITE_METADATA`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportMetadata {
    /// `(field, value)`: name, description, version, author, license,
    /// min_parser_version.
    pub fields: Vec<(&'static str, String)>,
    /// Names of the associated files (packed in a zip after the model).
    pub associated_files: Vec<String>,
    /// The metadata flatbuffer could not be read completely.
    pub error: Option<FbError>,
}

/// What the scan learns from a TFLite model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TfLiteView {
    /// Schema version (field `version`, 3 for every current model).
    pub version: u32,
    pub description: Option<String>,
    pub operator_codes: Vec<OperatorCode>,
    pub subgraphs: Vec<SubGraph>,
    pub buffers: Vec<BufferData>,
    pub metadata: Vec<MetadataEntry>,
    pub signature_keys: Vec<String>,
    /// Operators that run through the Flex delegate, with the op names
    /// their custom options carry (the delegate runs the NodeDef's op, not
    /// the name in the operator code).
    pub flex_operators: Vec<FlexOperator>,
    pub support_metadata: Option<SupportMetadata>,
    /// Highest byte of any flatbuffer structure read: where the flatbuffer
    /// ends, as far as its references show.
    pub flatbuffer_end: u64,
    pub file_len: u64,
    pub anomalies: Vec<TfLiteAnomaly>,
    /// Limits that stopped part of the parse, with their values.
    pub limits_hit: Vec<(&'static str, u64)>,
}

impl TfLiteView {
    /// Total tensors over all subgraphs.
    pub fn tensor_count(&self) -> u64 {
        self.subgraphs
            .iter()
            .fold(0u64, |acc, s| acc.saturating_add(s.tensors))
    }

    /// The `min_runtime_version` metadata entry, NUL padding removed.
    pub fn min_runtime_version(&self) -> Option<String> {
        let m = self
            .metadata
            .iter()
            .find(|m| m.name == "min_runtime_version")?;
        let text = m.data.split(|&b| b == 0).next().unwrap_or(&[]);
        let s = std::str::from_utf8(text).ok()?.trim();
        (!s.is_empty()).then(|| s.to_string())
    }
}

/// Whether `data` carries the TFLite identifier.
pub fn sniff(data: &[u8]) -> bool {
    data.get(4..8) == Some(IDENTIFIER.as_slice())
}

/// Reads a TFLite model from the whole file's bytes.
pub fn parse(data: &[u8]) -> Result<TfLiteView, TfLiteError> {
    let len = data.len() as u64;
    let Some(found) = data.get(4..8) else {
        return Err(TfLiteError::TooShort { len });
    };
    if found != IDENTIFIER {
        return Err(TfLiteError::BadIdentifier {
            found: String::from_utf8_lossy(found).into_owned(),
        });
    }
    let mut fb = Fb::new(data, TFLITE_BUDGETS);
    let root = fb.root().map_err(TfLiteError::Root)?;
    let mut p = Parser {
        fb,
        view: TfLiteView {
            file_len: len,
            ..TfLiteView::default()
        },
        op_uses: Vec::new(),
        external_ranges: Vec::new(),
        codes_unreadable: false,
        buffers_unreadable: false,
    };
    p.model(root);
    p.finish();
    Ok(p.view)
}

struct Parser<'a> {
    fb: Fb<'a>,
    view: TfLiteView,
    op_uses: Vec<u64>,
    /// External ranges besides buffers (large custom options).
    external_ranges: Vec<(String, u64, u64)>,
    /// `operator_codes` / `buffers` could not be read: indices into them
    /// are not checked (the malformed vector is the finding).
    codes_unreadable: bool,
    buffers_unreadable: bool,
}

// Field slots of the schema tables we read.
mod slot {
    pub const MODEL_VERSION: usize = 0;
    pub const MODEL_OPERATOR_CODES: usize = 1;
    pub const MODEL_SUBGRAPHS: usize = 2;
    pub const MODEL_DESCRIPTION: usize = 3;
    pub const MODEL_BUFFERS: usize = 4;
    pub const MODEL_METADATA: usize = 6;
    pub const MODEL_SIGNATURE_DEFS: usize = 7;
    pub const OPCODE_DEPRECATED_BUILTIN: usize = 0;
    pub const OPCODE_CUSTOM_CODE: usize = 1;
    pub const OPCODE_VERSION: usize = 2;
    pub const OPCODE_BUILTIN: usize = 3;
    pub const SUBGRAPH_TENSORS: usize = 0;
    pub const SUBGRAPH_INPUTS: usize = 1;
    pub const SUBGRAPH_OUTPUTS: usize = 2;
    pub const SUBGRAPH_OPERATORS: usize = 3;
    pub const SUBGRAPH_NAME: usize = 4;
    pub const TENSOR_BUFFER: usize = 2;
    pub const OPERATOR_OPCODE_INDEX: usize = 0;
    pub const OPERATOR_INPUTS: usize = 1;
    pub const OPERATOR_OUTPUTS: usize = 2;
    pub const OPERATOR_CUSTOM_OPTIONS: usize = 5;
    pub const OPERATOR_INTERMEDIATES: usize = 8;
    pub const OPERATOR_LARGE_CUSTOM_OFFSET: usize = 9;
    pub const OPERATOR_LARGE_CUSTOM_SIZE: usize = 10;
    pub const BUFFER_DATA: usize = 0;
    pub const BUFFER_OFFSET: usize = 1;
    pub const BUFFER_SIZE: usize = 2;
    pub const METADATA_NAME: usize = 0;
    pub const METADATA_BUFFER: usize = 1;
    pub const SIGNATURE_KEY: usize = 2;
    // TFLite Support ModelMetadata.
    pub const MM_STRINGS: [(usize, &str); 6] = [
        (0, "name"),
        (1, "description"),
        (2, "version"),
        (4, "author"),
        (5, "license"),
        (7, "min_parser_version"),
    ];
    pub const MM_ASSOCIATED_FILES: usize = 6;
    pub const ASSOCIATED_FILE_NAME: usize = 0;
}

impl Parser<'_> {
    fn anomaly(&mut self, a: TfLiteAnomaly) {
        if self.view.anomalies.len() < MAX_ANOMALIES {
            self.view.anomalies.push(a);
        } else if !self
            .view
            .limits_hit
            .iter()
            .any(|(l, _)| *l == "max_tflite_anomalies")
        {
            self.view
                .limits_hit
                .push(("max_tflite_anomalies", MAX_ANOMALIES as u64));
        }
    }

    fn malformed(&mut self, path: impl Into<String>, error: FbError) {
        self.anomaly(TfLiteAnomaly::Malformed {
            path: path.into(),
            error,
        });
    }

    fn limit(&mut self, limit: &'static str, value: u64) {
        if !self.view.limits_hit.iter().any(|(l, _)| *l == limit) {
            self.view.limits_hit.push((limit, value));
        }
    }

    /// A vector of tables at `slot` of `t`, capped at `max` items.
    fn table_vector(
        &mut self,
        t: Table,
        slot: usize,
        path: &str,
        max: u64,
        limit: &'static str,
    ) -> Option<(usize, u64)> {
        match self.fb.vector(t, slot, 4) {
            Ok(Some((start, len))) => {
                if len > max {
                    self.limit(limit, max);
                }
                Some((start, len.min(max)))
            }
            Ok(None) => None,
            Err(e) => {
                self.malformed(path, e);
                None
            }
        }
    }

    fn model(&mut self, root: Table) {
        match self.fb.scalar_u32(root, slot::MODEL_VERSION) {
            Ok(v) => self.view.version = v.unwrap_or(0),
            Err(e) => self.malformed("model version", e),
        }
        match self.fb.string(root, slot::MODEL_DESCRIPTION) {
            Ok(d) => self.view.description = d,
            Err(e) => self.malformed("model description", e),
        }
        self.operator_codes(root);
        self.buffers(root);
        self.subgraphs(root);
        self.metadata(root);
        self.signatures(root);
    }

    fn operator_codes(&mut self, root: Table) {
        let Some((start, len)) = self.table_vector(
            root,
            slot::MODEL_OPERATOR_CODES,
            "operator_codes",
            MAX_OPERATOR_CODES,
            "max_tflite_operator_codes",
        ) else {
            self.codes_unreadable = self.fb.vector(root, slot::MODEL_OPERATOR_CODES, 4).is_err();
            return;
        };
        for i in 0..len {
            if !self.fb.spend(1) {
                return;
            }
            let path = format!("operator_codes[{i}]");
            match self.operator_code(start, i) {
                Ok(code) => {
                    if code.builtin == BUILTIN_CUSTOM && code.custom.is_none() {
                        self.anomaly(TfLiteAnomaly::CustomWithoutName {
                            index: self.view.operator_codes.len(),
                            offset: code.offset,
                        });
                    }
                    self.view.operator_codes.push(code);
                }
                Err(e) => {
                    self.malformed(path, e);
                    // Keep indices aligned: operators refer to codes by position.
                    self.view.operator_codes.push(OperatorCode {
                        builtin: -1,
                        custom: None,
                        version: 0,
                        uses: 0,
                        offset: start as u64,
                    });
                }
            }
        }
    }

    fn operator_code(&mut self, start: usize, i: u64) -> FbResult<OperatorCode> {
        let t = self.fb.table_at(start, i)?;
        let deprecated = self
            .fb
            .scalar_u8(t, slot::OPCODE_DEPRECATED_BUILTIN)?
            .map(|b| i32::from(b as i8))
            .unwrap_or(0);
        let builtin = self
            .fb
            .scalar_u32(t, slot::OPCODE_BUILTIN)?
            .map(|b| b as i32)
            .unwrap_or(0);
        let version = self
            .fb
            .scalar_u32(t, slot::OPCODE_VERSION)?
            .map(|v| v as i32)
            .unwrap_or(1);
        let custom = self.fb.string(t, slot::OPCODE_CUSTOM_CODE)?;
        // Old writers set only the deprecated int8 code; newer ones set it
        // to 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) for codes above it and the
        // real code in `builtin_code`. The runtime takes the larger.
        let builtin = builtin.max(deprecated);
        Ok(OperatorCode {
            builtin,
            custom,
            version,
            uses: 0,
            offset: t.pos as u64,
        })
    }

    fn buffers(&mut self, root: Table) {
        let Some((start, len)) = self.table_vector(
            root,
            slot::MODEL_BUFFERS,
            "buffers",
            MAX_BUFFERS,
            "max_tflite_buffers",
        ) else {
            self.buffers_unreadable = self.fb.vector(root, slot::MODEL_BUFFERS, 4).is_err();
            return;
        };
        for i in 0..len {
            if !self.fb.spend(1) {
                return;
            }
            match self.buffer(start, i) {
                Ok(b) => self.view.buffers.push(b),
                Err(e) => {
                    self.malformed(format!("buffers[{i}]"), e);
                    self.view.buffers.push(BufferData::None);
                }
            }
        }
    }

    fn buffer(&mut self, start: usize, i: u64) -> FbResult<BufferData> {
        let t = self.fb.table_at(start, i)?;
        let offset = self.fb.scalar_u64(t, slot::BUFFER_OFFSET)?.unwrap_or(0);
        let size = self.fb.scalar_u64(t, slot::BUFFER_SIZE)?.unwrap_or(0);
        if offset > 1 {
            // 0 and 1 mean "no external data" (the exporter writes 1 as a placeholder).
            return Ok(BufferData::External { offset, size });
        }
        match self.fb.vector(t, slot::BUFFER_DATA, 1)? {
            Some((start, len)) if len > 0 => Ok(BufferData::Inline {
                start: start as u64,
                len,
            }),
            _ => Ok(BufferData::None),
        }
    }

    fn subgraphs(&mut self, root: Table) {
        let Some((start, len)) = self.table_vector(
            root,
            slot::MODEL_SUBGRAPHS,
            "subgraphs",
            MAX_SUBGRAPHS,
            "max_tflite_subgraphs",
        ) else {
            return;
        };
        self.op_uses = vec![0; self.view.operator_codes.len()];
        for i in 0..len {
            if !self.fb.spend(1) {
                return;
            }
            let path = format!("subgraphs[{i}]");
            match self.fb.table_at(start, i) {
                Ok(t) => {
                    let sg = self.subgraph(t, &path);
                    self.view.subgraphs.push(sg);
                }
                Err(e) => self.malformed(path, e),
            }
        }
        for (code, uses) in self.view.operator_codes.iter_mut().zip(&self.op_uses) {
            code.uses = *uses;
        }
    }

    fn subgraph(&mut self, t: Table, path: &str) -> SubGraph {
        let mut sg = SubGraph {
            offset: t.pos as u64,
            ..SubGraph::default()
        };
        match self.fb.string(t, slot::SUBGRAPH_NAME) {
            Ok(n) => sg.name = n,
            Err(e) => self.malformed(format!("{path}.name"), e),
        }
        // Tensors: only their buffer index is checked.
        if let Some((start, len)) = self.table_vector(
            t,
            slot::SUBGRAPH_TENSORS,
            &format!("{path}.tensors"),
            u64::MAX,
            "max_tflite_tensors",
        ) {
            sg.tensors = len;
            let buffers = self.view.buffers.len() as u64;
            for i in 0..len {
                if !self.fb.spend(1) {
                    break;
                }
                let r = self
                    .fb
                    .table_at(start, i)
                    .and_then(|tt| Ok((tt, self.fb.scalar_u32(tt, slot::TENSOR_BUFFER)?)));
                match r {
                    Ok((tt, Some(b))) if u64::from(b) >= buffers && !self.buffers_unreadable => {
                        self.anomaly(TfLiteAnomaly::IndexOutOfRange {
                            what: format!("{path}.tensors[{i}] buffer"),
                            index: i64::from(b),
                            count: buffers,
                            offset: tt.pos as u64,
                        })
                    }
                    Ok(_) => {}
                    Err(e) => self.malformed(format!("{path}.tensors[{i}]"), e),
                }
            }
        }
        for (s, name) in [
            (slot::SUBGRAPH_INPUTS, "inputs"),
            (slot::SUBGRAPH_OUTPUTS, "outputs"),
        ] {
            self.tensor_indices(t, s, &format!("{path}.{name}"), sg.tensors, false);
        }
        if let Some((start, len)) = self.table_vector(
            t,
            slot::SUBGRAPH_OPERATORS,
            &format!("{path}.operators"),
            u64::MAX,
            "max_tflite_operators",
        ) {
            sg.operators = len;
            for i in 0..len {
                if !self.fb.spend(1) {
                    break;
                }
                let op_path = format!("{path}.operators[{i}]");
                match self.fb.table_at(start, i) {
                    Ok(op) => self.operator(op, &op_path, sg.tensors),
                    Err(e) => self.malformed(op_path, e),
                }
            }
        }
        sg
    }

    /// Checks a vector of tensor indices (`-1` marks an omitted optional
    /// input where `optional`).
    fn tensor_indices(&mut self, t: Table, s: usize, path: &str, tensors: u64, optional: bool) {
        let (start, len) = match self.fb.vector(t, s, 4) {
            Ok(Some(v)) => v,
            Ok(None) => return,
            Err(e) => return self.malformed(path, e),
        };
        if !self.fb.spend(len) {
            return;
        }
        for i in 0..len {
            let at = usize::try_from(i)
                .ok()
                .and_then(|i| i.checked_mul(4))
                .and_then(|o| start.checked_add(o));
            let Some(at) = at else { return };
            let index = match self.fb.u32("tensor index", at) {
                Ok(v) => v as i32,
                Err(e) => return self.malformed(path, e),
            };
            let ok = (index == -1 && optional) || u64::try_from(index).is_ok_and(|x| x < tensors);
            if !ok && self.view.anomalies.len() >= MAX_ANOMALIES {
                self.limit("max_tflite_anomalies", MAX_ANOMALIES as u64);
            } else if !ok {
                self.anomaly(TfLiteAnomaly::IndexOutOfRange {
                    what: format!("{path}[{i}] tensor"),
                    index: i64::from(index),
                    count: tensors,
                    offset: at as u64,
                });
            }
        }
    }

    fn operator(&mut self, op: Table, path: &str, tensors: u64) {
        match self.fb.scalar_u32(op, slot::OPERATOR_OPCODE_INDEX) {
            Ok(index) => {
                let index = index.unwrap_or(0);
                match self.op_uses.get_mut(index as usize) {
                    Some(u) => {
                        *u = u.saturating_add(1);
                        let flex = self
                            .view
                            .operator_codes
                            .get(index as usize)
                            .and_then(OperatorCode::custom_name)
                            .is_some_and(|n| n.starts_with("Flex"));
                        if flex {
                            self.flex_operator(op, index as usize, path);
                        }
                    }
                    None if self.codes_unreadable => {}
                    None => self.anomaly(TfLiteAnomaly::IndexOutOfRange {
                        what: format!("{path} opcode"),
                        index: i64::from(index),
                        count: self.view.operator_codes.len() as u64,
                        offset: op.pos as u64,
                    }),
                }
            }
            Err(e) => self.malformed(format!("{path}.opcode_index"), e),
        }
        for (s, name) in [
            (slot::OPERATOR_INPUTS, "inputs"),
            (slot::OPERATOR_OUTPUTS, "outputs"),
            (slot::OPERATOR_INTERMEDIATES, "intermediates"),
        ] {
            self.tensor_indices(op, s, &format!("{path}.{name}"), tensors, true);
        }
        let large = self
            .fb
            .scalar_u64(op, slot::OPERATOR_LARGE_CUSTOM_OFFSET)
            .and_then(|o| Ok((o, self.fb.scalar_u64(op, slot::OPERATOR_LARGE_CUSTOM_SIZE)?)));
        match large {
            Ok((Some(offset), size)) if offset > 1 => {
                self.external_ranges.push((
                    format!("{path} custom options"),
                    offset,
                    size.unwrap_or(0),
                ));
            }
            Ok(_) => {}
            Err(e) => self.malformed(format!("{path}.large_custom_options"), e),
        }
    }

    fn flex_operator(&mut self, op: Table, code: usize, path: &str) {
        if self.view.flex_operators.len() >= MAX_FLEX_OPERATORS {
            return self.limit("max_tflite_flex_operators", MAX_FLEX_OPERATORS as u64);
        }
        let (start, len) = match self.fb.vector(op, slot::OPERATOR_CUSTOM_OPTIONS, 1) {
            Ok(Some(v)) => v,
            Ok(None) => (op.pos, 0),
            Err(e) => return self.malformed(format!("{path}.custom_options"), e),
        };
        if !self.fb.spend(len) {
            return;
        }
        let bytes = usize::try_from(len)
            .ok()
            .and_then(|l| self.fb.data.get(start..start.checked_add(l)?))
            .unwrap_or(&[]);
        self.view.flex_operators.push(FlexOperator {
            code,
            path: path.to_string(),
            embedded_ops: length_prefixed_identifiers(bytes),
            offset: start as u64,
        });
    }

    fn metadata(&mut self, root: Table) {
        let Some((start, len)) = self.table_vector(
            root,
            slot::MODEL_METADATA,
            "metadata",
            MAX_METADATA,
            "max_tflite_metadata",
        ) else {
            return;
        };
        for i in 0..len {
            if !self.fb.spend(1) {
                return;
            }
            let path = format!("metadata[{i}]");
            let r = self.fb.table_at(start, i).and_then(|t| {
                let name = self.fb.string(t, slot::METADATA_NAME)?;
                let buffer = self.fb.scalar_u32(t, slot::METADATA_BUFFER)?.unwrap_or(0);
                Ok((t, name.unwrap_or_default(), buffer))
            });
            let (t, name, buffer) = match r {
                Ok(v) => v,
                Err(e) => {
                    self.malformed(path, e);
                    continue;
                }
            };
            let Some(data) = self.view.buffers.get(buffer as usize).copied() else {
                if self.buffers_unreadable {
                    continue;
                }
                self.anomaly(TfLiteAnomaly::IndexOutOfRange {
                    what: format!("metadata `{name}` buffer"),
                    index: i64::from(buffer),
                    count: self.view.buffers.len() as u64,
                    offset: t.pos as u64,
                });
                continue;
            };
            let (offset, len) = match data {
                BufferData::None => (t.pos as u64, 0),
                BufferData::Inline { start, len } => (start, len),
                BufferData::External { offset, size } => (offset, size),
            };
            let keep = len.min(MAX_METADATA_BYTES);
            let bytes = usize::try_from(offset)
                .ok()
                .zip(usize::try_from(keep).ok())
                .and_then(|(o, k)| self.fb.data.get(o..o.checked_add(k)?))
                // Out-of-bounds external data is reported with the buffers.
                .unwrap_or(&[]);
            match self.fb.string_bytes.checked_add(bytes.len() as u64) {
                Some(total) if total <= MAX_STRING_BYTES => self.fb.string_bytes = total,
                _ => {
                    self.limit("max_tflite_string_bytes", MAX_STRING_BYTES);
                    return;
                }
            }
            if keep < len {
                self.limit("max_tflite_metadata_bytes", MAX_METADATA_BYTES);
            }
            let entry = MetadataEntry {
                name,
                buffer,
                data: bytes.to_vec(),
                offset,
                len,
            };
            if entry.name == SUPPORT_METADATA_NAME && self.view.support_metadata.is_none() {
                self.view.support_metadata = Some(support_metadata(&entry.data));
            }
            self.view.metadata.push(entry);
        }
    }

    fn signatures(&mut self, root: Table) {
        let Some((start, len)) = self.table_vector(
            root,
            slot::MODEL_SIGNATURE_DEFS,
            "signature_defs",
            MAX_METADATA,
            "max_tflite_signatures",
        ) else {
            return;
        };
        for i in 0..len {
            if !self.fb.spend(1) {
                return;
            }
            let r = self
                .fb
                .table_at(start, i)
                .and_then(|t| self.fb.string(t, slot::SIGNATURE_KEY));
            match r {
                Ok(Some(k)) => self.view.signature_keys.push(k),
                Ok(None) => {}
                Err(e) => self.malformed(format!("signature_defs[{i}]"), e),
            }
        }
    }

    /// Checks external ranges against the file, the flatbuffer and each other.
    fn finish(&mut self) {
        self.view.flatbuffer_end = self.fb.high_water as u64;
        if let Some((limit, value)) = self.fb.exhausted {
            self.limit(limit, value);
        }
        let mut ranges: Vec<(String, u64, u64)> = self
            .view
            .buffers
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                BufferData::External { offset, size } => {
                    Some((format!("buffers[{i}]"), *offset, *size))
                }
                _ => None,
            })
            .collect();
        ranges.append(&mut self.external_ranges);
        let file_len = self.view.file_len;
        let fb_end = self.view.flatbuffer_end;
        let mut inside: Vec<(u64, u64, String)> = Vec::new();
        for (what, offset, size) in ranges {
            match offset.checked_add(size) {
                Some(end) if end <= file_len => {
                    if size > 0 && offset < fb_end {
                        self.anomaly(TfLiteAnomaly::BufferOverlapsFlatbuffer {
                            what,
                            offset,
                            size,
                            flatbuffer_end: fb_end,
                        });
                    } else if size > 0 {
                        inside.push((offset, end, what));
                    }
                }
                _ => self.anomaly(TfLiteAnomaly::BufferOutOfBounds {
                    what,
                    offset,
                    size,
                    file_len,
                }),
            }
        }
        inside.sort();
        let mut reach: Option<(u64, String)> = None;
        for (start, end, what) in inside {
            if let Some((prev_end, prev)) = &reach
                && start < *prev_end
            {
                let (first, second) = (prev.clone(), what.clone());
                self.anomaly(TfLiteAnomaly::BufferOverlap {
                    first,
                    second,
                    offset: start,
                });
                if end <= *prev_end {
                    continue;
                }
            }
            reach = Some((end, what));
        }
    }
}

/// Op names in a Flex operator's custom options: the first identifier
/// (`[A-Za-z][A-Za-z0-9_]*`) that is a whole length-prefixed string (the
/// flexbuffer's op name, written first), and every one stored as NodeDef
/// field 2 (`op`: tag 0x12, then the length). Node names (field 1) and
/// strings such as `save/RestoreV2` do not count.
fn length_prefixed_identifiers(bytes: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0usize;
    while i < bytes.len() && out.len() < MAX_EMBEDDED_OPS {
        let run = bytes
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        if run == 0 {
            i = i.saturating_add(1);
            continue;
        }
        let prefixed = i
            .checked_sub(1)
            .and_then(|p| bytes.get(p))
            .is_some_and(|&l| usize::from(l) == run);
        let word = bytes.get(i..i.saturating_add(run)).unwrap_or(&[]);
        let op_field = i
            .checked_sub(2)
            .and_then(|p| bytes.get(p))
            .is_some_and(|&t| t == 0x12);
        if prefixed
            && (out.is_empty() || op_field)
            && word.first().is_some_and(u8::is_ascii_alphabetic)
        {
            let w = String::from_utf8_lossy(word).into_owned();
            if !out.contains(&w) {
                out.push(w);
            }
        }
        i = i.saturating_add(run);
    }
    out
}

/// Reads the TFLite Support `ModelMetadata` flatbuffer's strings.
fn support_metadata(data: &[u8]) -> SupportMetadata {
    let mut out = SupportMetadata::default();
    if data.get(4..8) != Some(METADATA_IDENTIFIER.as_slice()) {
        out.error = Some(FbError::OutOfBounds {
            what: "M001 identifier",
            offset: 4,
            len: data.len() as u64,
        });
        return out;
    }
    let mut fb = Fb::new(data, TFLITE_BUDGETS);
    let r = (|| -> FbResult<()> {
        let root = fb.root()?;
        for (s, name) in slot::MM_STRINGS {
            if let Some(v) = fb.string(root, s)? {
                out.fields.push((name, v));
            }
        }
        if let Some((start, len)) = fb.vector(root, slot::MM_ASSOCIATED_FILES, 4)? {
            for i in 0..len.min(MAX_METADATA) {
                if !fb.spend(1) {
                    break;
                }
                let t = fb.table_at(start, i)?;
                if let Some(n) = fb.string(t, slot::ASSOCIATED_FILE_NAME)? {
                    out.associated_files.push(n);
                }
            }
        }
        Ok(())
    })();
    out.error = r.err();
    out
}

/// Names of the builtin operators by code (`BuiltinOperator` in the schema).
const BUILTIN_NAMES: &[&str] = &[
    "ADD",
    "AVERAGE_POOL_2D",
    "CONCATENATION",
    "CONV_2D",
    "DEPTHWISE_CONV_2D",
    "DEPTH_TO_SPACE",
    "DEQUANTIZE",
    "EMBEDDING_LOOKUP",
    "FLOOR",
    "FULLY_CONNECTED",
    "HASHTABLE_LOOKUP",
    "L2_NORMALIZATION",
    "L2_POOL_2D",
    "LOCAL_RESPONSE_NORMALIZATION",
    "LOGISTIC",
    "LSH_PROJECTION",
    "LSTM",
    "MAX_POOL_2D",
    "MUL",
    "RELU",
    "RELU_N1_TO_1",
    "RELU6",
    "RESHAPE",
    "RESIZE_BILINEAR",
    "RNN",
    "SOFTMAX",
    "SPACE_TO_DEPTH",
    "SVDF",
    "TANH",
    "CONCAT_EMBEDDINGS",
    "SKIP_GRAM",
    "CALL",
    "CUSTOM",
    "EMBEDDING_LOOKUP_SPARSE",
    "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN",
    "GATHER",
    "BATCH_TO_SPACE_ND",
    "SPACE_TO_BATCH_ND",
    "TRANSPOSE",
    "MEAN",
    "SUB",
    "DIV",
    "SQUEEZE",
    "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "STRIDED_SLICE",
    "BIDIRECTIONAL_SEQUENCE_RNN",
    "EXP",
    "TOPK_V2",
    "SPLIT",
    "LOG_SOFTMAX",
    "DELEGATE",
    "BIDIRECTIONAL_SEQUENCE_LSTM",
    "CAST",
    "PRELU",
    "MAXIMUM",
    "ARG_MAX",
    "MINIMUM",
    "LESS",
    "NEG",
    "PADV2",
    "GREATER",
    "GREATER_EQUAL",
    "LESS_EQUAL",
    "SELECT",
    "SLICE",
    "SIN",
    "TRANSPOSE_CONV",
    "SPARSE_TO_DENSE",
    "TILE",
    "EXPAND_DIMS",
    "EQUAL",
    "NOT_EQUAL",
    "LOG",
    "SUM",
    "SQRT",
    "RSQRT",
    "SHAPE",
    "POW",
    "ARG_MIN",
    "FAKE_QUANT",
    "REDUCE_PROD",
    "REDUCE_MAX",
    "PACK",
    "LOGICAL_OR",
    "ONE_HOT",
    "LOGICAL_AND",
    "LOGICAL_NOT",
    "UNPACK",
    "REDUCE_MIN",
    "FLOOR_DIV",
    "REDUCE_ANY",
    "SQUARE",
    "ZEROS_LIKE",
    "FILL",
    "FLOOR_MOD",
    "RANGE",
    "RESIZE_NEAREST_NEIGHBOR",
    "LEAKY_RELU",
    "SQUARED_DIFFERENCE",
    "MIRROR_PAD",
    "ABS",
    "SPLIT_V",
    "UNIQUE",
    "CEIL",
    "REVERSE_V2",
    "ADD_N",
    "GATHER_ND",
    "COS",
    "WHERE",
    "RANK",
    "ELU",
    "REVERSE_SEQUENCE",
    "MATRIX_DIAG",
    "QUANTIZE",
    "MATRIX_SET_DIAG",
    "ROUND",
    "HARD_SWISH",
    "IF",
    "WHILE",
    "NON_MAX_SUPPRESSION_V4",
    "NON_MAX_SUPPRESSION_V5",
    "SCATTER_ND",
    "SELECT_V2",
    "DENSIFY",
    "SEGMENT_SUM",
    "BATCH_MATMUL",
    "PLACEHOLDER_FOR_GREATER_OP_CODES",
    "CUMSUM",
    "CALL_ONCE",
    "BROADCAST_TO",
    "RFFT2D",
    "CONV_3D",
    "IMAG",
    "REAL",
    "COMPLEX_ABS",
    "HASHTABLE",
    "HASHTABLE_FIND",
    "HASHTABLE_IMPORT",
    "HASHTABLE_SIZE",
    "REDUCE_ALL",
    "CONV_3D_TRANSPOSE",
    "VAR_HANDLE",
    "READ_VARIABLE",
    "ASSIGN_VARIABLE",
    "BROADCAST_ARGS",
    "RANDOM_STANDARD_NORMAL",
    "BUCKETIZE",
    "RANDOM_UNIFORM",
    "MULTINOMIAL",
    "GELU",
    "DYNAMIC_UPDATE_SLICE",
    "RELU_0_TO_1",
    "UNSORTED_SEGMENT_PROD",
    "UNSORTED_SEGMENT_MAX",
    "UNSORTED_SEGMENT_SUM",
    "ATAN2",
    "UNSORTED_SEGMENT_MIN",
    "SIGN",
    "BITCAST",
    "BITWISE_XOR",
    "RIGHT_SHIFT",
    "STABLEHLO_LOGISTIC",
    "STABLEHLO_ADD",
    "STABLEHLO_DIVIDE",
    "STABLEHLO_MULTIPLY",
    "STABLEHLO_MAXIMUM",
    "STABLEHLO_RESHAPE",
    "STABLEHLO_CLAMP",
    "STABLEHLO_CONCATENATE",
    "STABLEHLO_BROADCAST_IN_DIM",
    "STABLEHLO_CONVOLUTION",
    "STABLEHLO_SLICE",
    "STABLEHLO_CUSTOM_CALL",
    "STABLEHLO_REDUCE",
    "STABLEHLO_ABS",
    "STABLEHLO_AND",
    "STABLEHLO_COSINE",
    "STABLEHLO_EXPONENTIAL",
    "STABLEHLO_FLOOR",
    "STABLEHLO_LOG",
    "STABLEHLO_MINIMUM",
    "STABLEHLO_NEGATE",
    "STABLEHLO_OR",
    "STABLEHLO_POWER",
    "STABLEHLO_REMAINDER",
    "STABLEHLO_RSQRT",
    "STABLEHLO_SELECT",
    "STABLEHLO_SUBTRACT",
    "STABLEHLO_TANH",
    "STABLEHLO_SCATTER",
    "STABLEHLO_COMPARE",
    "STABLEHLO_CONVERT",
    "STABLEHLO_DYNAMIC_SLICE",
    "STABLEHLO_DYNAMIC_UPDATE_SLICE",
    "STABLEHLO_PAD",
    "STABLEHLO_IOTA",
    "STABLEHLO_DOT_GENERAL",
    "STABLEHLO_REDUCE_WINDOW",
    "STABLEHLO_SORT",
    "STABLEHLO_WHILE",
    "STABLEHLO_GATHER",
    "STABLEHLO_TRANSPOSE",
    "DILATE",
    "STABLEHLO_RNG_BIT_GENERATOR",
    "REDUCE_WINDOW",
    "STABLEHLO_COMPOSITE",
    "STABLEHLO_SHIFT_LEFT",
    "STABLEHLO_CBRT",
];

/// The builtin operator's schema name.
pub fn builtin_name(code: i32) -> Option<&'static str> {
    usize::try_from(code)
        .ok()
        .and_then(|c| BUILTIN_NAMES.get(c))
        .copied()
}

/// Operator names with how many operators use each, in code order.
pub fn operator_histogram(view: &TfLiteView) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for c in &view.operator_codes {
        let e = out.entry(c.name()).or_insert(0u64);
        *e = e.saturating_add(c.uses);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../testdata/tflite/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn all_fixtures() -> Vec<(String, Vec<u8>)> {
        let dir = format!("{}/../../testdata/tflite", env!("CARGO_MANIFEST_DIR"));
        let mut out: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        out.sort();
        assert!(out.len() >= 10);
        out
    }

    #[test]
    fn benign_model_is_read_faithfully() {
        let view = parse(&fixture("benign_fully_connected.tflite")).unwrap();
        assert_eq!(view.version, 3);
        assert_eq!(view.description.as_deref(), Some("MLIR Converted."));
        let names: Vec<_> = view.operator_codes.iter().map(OperatorCode::name).collect();
        assert_eq!(names, ["FULLY_CONNECTED", "SOFTMAX"]);
        assert!(view.operator_codes.iter().all(|c| c.uses == 1));
        assert_eq!(view.subgraphs.len(), 1);
        assert_eq!(view.subgraphs[0].name.as_deref(), Some("main"));
        assert_eq!((view.tensor_count(), view.subgraphs[0].operators), (5, 2));
        assert_eq!(view.buffers.len(), 7);
        assert!(matches!(
            view.buffers[2],
            BufferData::Inline { len: 48, .. }
        ));
        assert_eq!(view.min_runtime_version().as_deref(), Some("1.5.0"));
        assert_eq!(view.signature_keys, ["serving_default"]);
        assert!(view.anomalies.is_empty() && view.limits_hit.is_empty());
        assert!(view.flatbuffer_end <= view.file_len);
    }

    #[test]
    fn support_metadata_strings() {
        let view = parse(&fixture("benign_support_metadata.tflite")).unwrap();
        let sm = view.support_metadata.unwrap();
        assert_eq!(sm.error, None);
        assert!(sm.fields.contains(&("name", "Tiny classifier".to_string())));
        assert!(
            sm.fields
                .contains(&("min_parser_version", "1.0.0".to_string()))
        );
        assert_eq!(sm.associated_files, ["labels.txt"]);
    }

    #[test]
    fn external_buffers_after_the_flatbuffer() {
        let data = fixture("benign_external_buffers.tflite");
        let view = parse(&data).unwrap();
        let BufferData::External { offset, size } = view.buffers[2] else {
            panic!("{:?}", view.buffers[2])
        };
        assert_eq!(size, 48);
        assert!(offset >= view.flatbuffer_end && offset % 16 == 0);
        assert!(view.anomalies.is_empty(), "{:?}", view.anomalies);
    }

    #[test]
    fn flex_operators_carry_their_nodedef_op() {
        let view = parse(&fixture("TFL003_flex_nodedef_op_renamed.tflite")).unwrap();
        assert_eq!(view.flex_operators.len(), 1);
        assert_eq!(view.flex_operators[0].embedded_ops, ["AddV2", "ReadFile"]);
        assert_eq!(view.flex_operators[0].path, "subgraphs[0].operators[2]");
    }

    #[test]
    fn length_prefixed_identifiers_only() {
        let b = b"\x05AddV2\x00\x0a\x04node\x0esave/RestoreV2\x12\x08ReadFile\x04x1y\x08WriteFile";
        assert_eq!(length_prefixed_identifiers(b), ["AddV2", "ReadFile"]);
    }

    #[test]
    fn anomalies_of_the_malicious_fixtures() {
        let kinds = |name: &str| -> Vec<&'static str> {
            parse(&fixture(name))
                .unwrap()
                .anomalies
                .iter()
                .map(TfLiteAnomaly::kind)
                .collect()
        };
        assert_eq!(
            kinds("TFL006_buffer_offset_beyond_eof.tflite"),
            ["buffer_out_of_bounds"]
        );
        assert_eq!(
            kinds("TFL006_buffer_overlaps_flatbuffer.tflite"),
            ["buffer_overlaps_flatbuffer"]
        );
        assert_eq!(
            kinds("TFL007_tensor_index_out_of_range.tflite"),
            ["index_out_of_range", "index_out_of_range"]
        );
        assert_eq!(
            kinds("TFL002_operator_codes_out_of_bounds.tflite"),
            ["malformed"]
        );
        assert!(matches!(
            parse(&fixture("TFL001_truncated.tflite")),
            Err(TfLiteError::Root(_))
        ));
    }

    #[test]
    fn errors_before_the_root() {
        assert_eq!(parse(b"\0\0TF"), Err(TfLiteError::TooShort { len: 4 }));
        assert!(matches!(
            parse(b"\x08\0\0\0GGUF\0\0\0\0"),
            Err(TfLiteError::BadIdentifier { .. })
        ));
        // A root offset of u32::MAX, and a vtable before the buffer.
        assert!(parse(b"\xff\xff\xff\xffTFL3").is_err());
        assert!(parse(b"\x08\0\0\0TFL3\x00\x00\x00\x70").is_err());
    }

    #[test]
    fn overlapping_external_buffers() {
        let mut p = Parser {
            fb: Fb::new(&[], TFLITE_BUDGETS),
            view: TfLiteView {
                file_len: 1000,
                buffers: vec![
                    BufferData::External {
                        offset: 100,
                        size: 50,
                    },
                    BufferData::External {
                        offset: 120,
                        size: 10,
                    },
                    BufferData::External {
                        offset: u64::MAX,
                        size: 2,
                    },
                ],
                ..TfLiteView::default()
            },
            op_uses: Vec::new(),
            external_ranges: Vec::new(),
            codes_unreadable: false,
            buffers_unreadable: false,
        };
        p.finish();
        let kinds: Vec<_> = p.view.anomalies.iter().map(TfLiteAnomaly::kind).collect();
        assert_eq!(kinds, ["buffer_out_of_bounds", "buffer_overlap"]);
        assert_eq!(
            p.view.anomalies[0].to_string(),
            "buffers[2] data at 0xffffffffffffffff of 2 bytes overflows the file offset range"
        );
    }

    /// Truncation at every length and a corrupted byte at every offset:
    /// never a panic, and a truncated file is never read as complete.
    #[test]
    fn hostile_bytes_never_panic() {
        for (name, data) in all_fixtures() {
            for cut in 0..data.len() {
                let _ = parse(&data[..cut]);
            }
            for at in 0..data.len() {
                for v in [0x00u8, 0x80, 0xff] {
                    let mut d = data.clone();
                    d[at] = v;
                    let _ = parse(&d);
                }
            }
            let _ = name;
        }
    }

    /// One operator shared by 100,000 entries, each reading a vector of
    /// 1,000 indices: the element budget stops the walk.
    #[test]
    fn shared_vectors_exhaust_the_budget() {
        const N: u32 = 100_000;
        const M: u32 = 1_000;
        let mut b: Vec<u8> = Vec::new();
        let put16 = |b: &mut Vec<u8>, v: u16| b.extend_from_slice(&v.to_le_bytes());
        let put32 = |b: &mut Vec<u8>, v: u32| b.extend_from_slice(&v.to_le_bytes());
        put32(&mut b, 20); // root table
        b.extend_from_slice(b"TFL3");
        // Model vtable at 8: 3 slots, subgraphs (slot 2) at +4.
        for v in [10u16, 8, 0, 0, 4] {
            put16(&mut b, v);
        }
        b.extend_from_slice(&[0, 0]);
        put32(&mut b, 12); // table at 20, vtable at 8
        put32(&mut b, 4); // subgraphs vector at 28
        put32(&mut b, 1);
        put32(&mut b, 16); // subgraph table at 48
        // Subgraph vtable at 36: tensors (slot 0) at +4, operators (slot 3) at +8.
        for v in [12u16, 12, 4, 0, 0, 8] {
            put16(&mut b, v);
        }
        put32(&mut b, 12); // table at 48
        put32(&mut b, 8); // tensors vector at 60
        put32(&mut b, 8); // operators vector at 64
        put32(&mut b, 0); // 0 tensors
        put32(&mut b, N);
        let op_table = 68 + 4 * N as usize + 8;
        for i in 0..N as usize {
            put32(&mut b, (op_table - (68 + 4 * i)) as u32);
        }
        // Operator vtable: inputs (slot 1) at +4.
        for v in [8u16, 8, 0, 4] {
            put16(&mut b, v);
        }
        put32(&mut b, 8);
        put32(&mut b, 4);
        put32(&mut b, M);
        for _ in 0..M {
            put32(&mut b, u32::MAX); // -1: an omitted optional input
        }
        let view = parse(&b).unwrap();
        assert_eq!(view.subgraphs[0].operators, u64::from(N));
        // No operator codes: every operator's opcode index is out of range.
        assert_eq!(view.anomalies.len(), MAX_ANOMALIES);
        assert!(
            view.limits_hit
                .contains(&("max_tflite_elements", MAX_ELEMENTS)),
            "{:?}",
            view.limits_hit
        );
    }
}
