//! PaddlePaddle inference models: the program (`.pdmodel`, a protobuf
//! `ProgramDesc` from Paddle's `framework.proto`) and the combined
//! parameters (`.pdiparams`, a sequence of serialized LoDTensors).
//!
//! The program is read with a small schema-aware protobuf reader rather
//! than generated structs: it allocates only what the view keeps (operator
//! types, a bounded list of string attributes, counts), so a hostile file
//! of millions of empty messages costs counters, not memory. The subset of
//! `framework.proto` read:
//!
//! ```text
//! ProgramDesc { repeated BlockDesc blocks = 1; Version version = 4; OpVersionMap op_version_map = 5; }
//! BlockDesc   { int32 idx = 1; int32 parent_idx = 2; repeated VarDesc vars = 3; repeated OpDesc ops = 4; }
//! OpDesc      { repeated Var inputs = 1; repeated Var outputs = 2; string type = 3; repeated Attr attrs = 4; }
//! OpDesc.Attr { string name = 1; AttrType type = 2; int32 i = 3; string s = 5; repeated string strings = 8; int64 l = 13; }
//! VarDesc     { string name = 1; VarType type = 2; bool persistable = 3; }
//! Version     { int64 version = 1; }
//! OpVersionMap { repeated OpVersionPair pair = 1; }  OpVersionPair { string op_name = 1; OpVersion op_version = 2; }
//! ```
//!
//! A `.pdiparams` record is `u32 version` (0), `u64 lod_level`, per level
//! `u64 byte size` + offsets, then the tensor: `u32 version` (0), `i32`
//! size of a `TensorDesc { VarType.Type data_type = 1; repeated int64 dims = 2; }`,
//! the descriptor, and `numel × element size` bytes of data.

use std::collections::BTreeMap;

use crate::Limits;

/// Operators (all blocks) read from one program.
pub const MAX_OPS: u64 = 2_000_000;
/// Distinct operator types kept.
pub const MAX_OP_TYPES: usize = 10_000;
/// Operators whose string attributes are kept (file I/O, `py_func`, unknown).
pub const MAX_KEPT_OPS: usize = 4096;
/// String attributes kept per kept operator, and their length.
const MAX_ATTRS: usize = 16;
const MAX_ATTR_CHARS: usize = 1024;
/// Tensors read from one parameters file.
pub const MAX_TENSORS: u64 = 1_000_000;
/// LoD levels per tensor.
const MAX_LOD_LEVELS: u64 = 64;
/// Size of one `TensorDesc`.
const MAX_DESC_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaddleError {
    #[error("malformed protobuf at offset {offset:#x}: {reason}")]
    Malformed { offset: u64, reason: &'static str },
    #[error("not a Paddle ProgramDesc: {reason}")]
    NotAProgram { reason: &'static str },
}

/// A protobuf value as the reader sees it.
enum Wire<'a> {
    Varint(u64),
    Fixed,
    Bytes(&'a [u8]),
}

/// Iterates the fields of one message.
struct Fields<'a> {
    data: &'a [u8],
    at: usize,
    /// File offset of `data[0]`.
    base: u64,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8], base: u64) -> Self {
        Fields { data, at: 0, base }
    }

    fn err(&self, reason: &'static str) -> PaddleError {
        PaddleError::Malformed {
            offset: self.base.saturating_add(self.at as u64),
            reason,
        }
    }

    fn varint(&mut self) -> Result<u64, PaddleError> {
        let mut v: u64 = 0;
        for i in 0..10u32 {
            let b = *self
                .data
                .get(self.at)
                .ok_or_else(|| self.err("truncated varint"))?;
            self.at = self.at.saturating_add(1);
            v |= u64::from(b & 0x7f)
                .checked_shl(i.saturating_mul(7))
                .unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.err("varint longer than 10 bytes"))
    }

    /// The next `(field number, value, offset of the value)`.
    fn next_field(&mut self) -> Option<Result<(u64, Wire<'a>, u64), PaddleError>> {
        if self.at >= self.data.len() {
            return None;
        }
        Some(self.read_field())
    }

    fn read_field(&mut self) -> Result<(u64, Wire<'a>, u64), PaddleError> {
        let key = self.varint()?;
        let number = key >> 3;
        if number == 0 {
            return Err(self.err("field number 0"));
        }
        let at = self.base.saturating_add(self.at as u64);
        let value = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Wire::Fixed
            }
            5 => {
                self.take(4)?;
                Wire::Fixed
            }
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len).map_err(|_| self.err("length too large"))?;
                Wire::Bytes(self.take(len)?)
            }
            _ => return Err(self.err("unsupported wire type (groups are not used)")),
        };
        Ok((number, value, at))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], PaddleError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(|| self.err("length runs past the end of its message"))?;
        let out = self
            .data
            .get(self.at..end)
            .ok_or_else(|| self.err("bad slice"))?;
        self.at = end;
        Ok(out)
    }
}

/// One operator kept with its string attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptOp {
    pub op_type: String,
    pub block: u64,
    pub index: u64,
    /// `(name, value)`: string attributes, and integer ones as decimal text.
    pub attrs: Vec<(String, String)>,
    pub offset: u64,
}

impl KeptOp {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The program's structure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaddleProgram {
    pub version: Option<i64>,
    pub blocks: u64,
    pub vars: u64,
    pub persistable_vars: u64,
    pub ops: u64,
    /// Operator type → uses.
    pub op_types: BTreeMap<String, u64>,
    /// Operators `keep` asked for, with their attributes.
    pub kept: Vec<KeptOp>,
    /// `op_version_map` entries.
    pub op_versions: Vec<(String, i64)>,
    pub limits_hit: Vec<(&'static str, u64)>,
}

/// True when `data` starts like a `ProgramDesc`: field 1 (a block) whose
/// first fields are `idx` = 0 and `parent_idx` = -1, as Paddle writes them.
pub fn sniff_program(data: &[u8]) -> bool {
    // Read the first block's head even when the file is cut short.
    if data.first() != Some(&0x0a) {
        return false;
    }
    let mut f = Fields::new(data, 0);
    f.at = 1;
    let Ok(len) = f.varint() else {
        return false;
    };
    let end = usize::try_from(len)
        .ok()
        .and_then(|l| f.at.checked_add(l))
        .map_or(data.len(), |e| e.min(data.len()));
    let block = data.get(f.at..end).unwrap_or(&[]);
    let mut b = Fields::new(block, 0);
    matches!(b.next_field(), Some(Ok((1, Wire::Varint(0), _))))
        && matches!(b.next_field(), Some(Ok((2, Wire::Varint(v), _))) if v == u64::MAX)
}

/// Parses a program; `keep` says which operator types to keep with their
/// attributes (at most [`MAX_KEPT_OPS`]).
pub fn parse_program(
    data: &[u8],
    limits: &Limits,
    keep: &dyn Fn(&str) -> bool,
) -> Result<PaddleProgram, PaddleError> {
    let mut p = PaddleProgram::default();
    let mut f = Fields::new(data, 0);
    while let Some(field) = f.next_field() {
        let (number, value, at) = field?;
        match (number, value) {
            (1, Wire::Bytes(block)) => {
                if limits.out_of_time() {
                    p.limits_hit.push(("time_budget", 0));
                    break;
                }
                read_block(block, at, p.blocks, &mut p, keep)?;
                p.blocks = p.blocks.saturating_add(1);
                if p.ops >= MAX_OPS {
                    p.limits_hit.push(("paddle_max_ops", MAX_OPS));
                    break;
                }
            }
            (4, Wire::Bytes(v)) => {
                let mut vf = Fields::new(v, at);
                while let Some(x) = vf.next_field() {
                    if let (1, Wire::Varint(n), _) = x? {
                        p.version = Some(n as i64);
                    }
                }
            }
            (5, Wire::Bytes(map)) => read_op_versions(map, at, &mut p)?,
            (1 | 4 | 5, _) => return Err(f.err("ProgramDesc field with the wrong wire type")),
            _ => {}
        }
    }
    if p.blocks == 0 {
        return Err(PaddleError::NotAProgram {
            reason: "no blocks",
        });
    }
    Ok(p)
}

fn read_op_versions(map: &[u8], base: u64, p: &mut PaddleProgram) -> Result<(), PaddleError> {
    let mut f = Fields::new(map, base);
    while let Some(x) = f.next_field() {
        let (n, v, at) = x?;
        let (1, Wire::Bytes(pair)) = (n, v) else {
            continue;
        };
        let mut pf = Fields::new(pair, at);
        let (mut name, mut version) = (String::new(), 0i64);
        while let Some(y) = pf.next_field() {
            match y? {
                (1, Wire::Bytes(s), _) => name = String::from_utf8_lossy(s).into_owned(),
                (2, Wire::Bytes(ov), vat) => {
                    let mut of = Fields::new(ov, vat);
                    while let Some(z) = of.next_field() {
                        if let (1, Wire::Varint(n), _) = z? {
                            version = n as i64;
                        }
                    }
                }
                _ => {}
            }
        }
        if p.op_versions.len() < MAX_OP_TYPES {
            p.op_versions.push((name, version));
        }
    }
    Ok(())
}

fn read_block(
    block: &[u8],
    base: u64,
    index: u64,
    p: &mut PaddleProgram,
    keep: &dyn Fn(&str) -> bool,
) -> Result<(), PaddleError> {
    let mut f = Fields::new(block, base);
    let mut op_index: u64 = 0;
    while let Some(field) = f.next_field() {
        let (number, value, at) = field?;
        match (number, value) {
            (3, Wire::Bytes(var)) => {
                p.vars = p.vars.saturating_add(1);
                let mut vf = Fields::new(var, at);
                while let Some(x) = vf.next_field() {
                    if let (3, Wire::Varint(1), _) = x? {
                        p.persistable_vars = p.persistable_vars.saturating_add(1);
                    }
                }
            }
            (4, Wire::Bytes(op)) => {
                if p.ops >= MAX_OPS {
                    return Ok(());
                }
                p.ops = p.ops.saturating_add(1);
                read_op(op, at, index, op_index, p, keep)?;
                op_index = op_index.saturating_add(1);
            }
            (3 | 4, _) => return Err(f.err("BlockDesc field with the wrong wire type")),
            _ => {}
        }
    }
    Ok(())
}

fn read_op(
    op: &[u8],
    base: u64,
    block: u64,
    index: u64,
    p: &mut PaddleProgram,
    keep: &dyn Fn(&str) -> bool,
) -> Result<(), PaddleError> {
    let mut op_type = None;
    let mut f = Fields::new(op, base);
    while let Some(field) = f.next_field() {
        if let (3, Wire::Bytes(t), _) = field? {
            op_type = Some(String::from_utf8_lossy(t).into_owned());
        }
    }
    let op_type = op_type.unwrap_or_default();
    if p.op_types.len() < MAX_OP_TYPES || p.op_types.contains_key(&op_type) {
        let n = p.op_types.entry(op_type.clone()).or_insert(0);
        *n = n.saturating_add(1);
    }
    if p.kept.len() >= MAX_KEPT_OPS || !keep(&op_type) {
        return Ok(());
    }
    let mut attrs = Vec::new();
    let mut f = Fields::new(op, base);
    while let Some(field) = f.next_field() {
        let (4, Wire::Bytes(attr), at) = field? else {
            continue;
        };
        if attrs.len() >= MAX_ATTRS {
            break;
        }
        let mut af = Fields::new(attr, at);
        let mut name = String::new();
        let mut value: Option<String> = None;
        while let Some(x) = af.next_field() {
            match x? {
                (1, Wire::Bytes(n), _) => name = String::from_utf8_lossy(n).into_owned(),
                (5, Wire::Bytes(s), _) => value = Some(clip(s)),
                (8, Wire::Bytes(s), _) => {
                    let s = clip(s);
                    value = Some(match value {
                        Some(v) if v.len() < MAX_ATTR_CHARS => format!("{v},{s}"),
                        Some(v) => v,
                        None => s,
                    });
                }
                (3 | 13, Wire::Varint(n), _) => value = Some((n as i64).to_string()),
                _ => {}
            }
        }
        if let Some(v) = value {
            attrs.push((name, v));
        }
    }
    p.kept.push(KeptOp {
        op_type,
        block,
        index,
        attrs,
        offset: base,
    });
    Ok(())
}

fn clip(s: &[u8]) -> String {
    let s = String::from_utf8_lossy(s.get(..s.len().min(MAX_ATTR_CHARS)).unwrap_or(s));
    s.into_owned()
}

/// One tensor of a parameters file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamTensor {
    pub offset: u64,
    pub dtype: u64,
    pub dims: Vec<i64>,
    pub data_bytes: u64,
}

/// What is wrong in a parameters file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamsProblem {
    pub offset: u64,
    pub reason: String,
}

/// The record structure of a `.pdiparams` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaddleParams {
    pub tensors: Vec<ParamTensor>,
    pub tensor_count: u64,
    /// Where the records stopped making sense (the rest is unexplained).
    pub problem: Option<ParamsProblem>,
    /// Bytes after the last complete record.
    pub trailing: Option<(u64, u64)>,
    pub limit_hit: Option<(&'static str, u64)>,
}

/// Element size of a `VarType.Type` that tensors can hold.
pub fn dtype_size(t: u64) -> Option<u64> {
    Some(match t {
        0 => 1,       // BOOL
        1 => 2,       // INT16
        2 => 4,       // INT32
        3 => 8,       // INT64
        4 => 2,       // FP16
        5 => 4,       // FP32
        6 => 8,       // FP64
        19 => 8,      // SIZE_T
        20 | 21 => 1, // UINT8, INT8
        22 => 2,      // BF16
        23 => 8,      // COMPLEX64
        24 => 16,     // COMPLEX128
        32 | 33 => 1, // FP8_E4M3FN, FP8_E5M2
        _ => return None,
    })
}

/// Paddle's name of a data type.
pub fn dtype_name(t: u64) -> &'static str {
    match t {
        0 => "bool",
        1 => "int16",
        2 => "int32",
        3 => "int64",
        4 => "float16",
        5 => "float32",
        6 => "float64",
        19 => "size_t",
        20 => "uint8",
        21 => "int8",
        22 => "bfloat16",
        23 => "complex64",
        24 => "complex128",
        32 => "float8_e4m3fn",
        33 => "float8_e5m2",
        _ => "unknown",
    }
}

fn u32_at(d: &[u8], at: u64) -> Option<u32> {
    let s = usize::try_from(at).ok()?;
    let b: [u8; 4] = d.get(s..s.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn u64_at(d: &[u8], at: u64) -> Option<u64> {
    let s = usize::try_from(at).ok()?;
    let b: [u8; 8] = d.get(s..s.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// One record at `at`: `Ok((tensor, end))` or why it is not a record.
fn record(d: &[u8], at: u64) -> Result<(ParamTensor, u64), String> {
    let len = d.len() as u64;
    if u32_at(d, at) != Some(0) {
        return Err("LoDTensor version is not 0".into());
    }
    let levels = u64_at(d, at.saturating_add(4)).ok_or("truncated LoD level count")?;
    if levels > MAX_LOD_LEVELS {
        return Err(format!("{levels} LoD levels"));
    }
    let mut p = at.saturating_add(12);
    for _ in 0..levels {
        let size = u64_at(d, p).ok_or("truncated LoD level")?;
        if size % 8 != 0 {
            return Err("LoD level size is not a multiple of 8".into());
        }
        p = p
            .checked_add(8)
            .and_then(|x| x.checked_add(size))
            .filter(|x| *x <= len)
            .ok_or("LoD level runs past the end")?;
    }
    if u32_at(d, p) != Some(0) {
        return Err("tensor version is not 0".into());
    }
    let desc_len = u32_at(d, p.saturating_add(4)).ok_or("truncated TensorDesc size")?;
    let desc_len = u64::from(desc_len);
    if desc_len == 0 || desc_len > MAX_DESC_BYTES {
        return Err(format!("TensorDesc size {desc_len}"));
    }
    let desc_start = p.saturating_add(8);
    let desc_end = desc_start
        .checked_add(desc_len)
        .filter(|x| *x <= len)
        .ok_or("TensorDesc runs past the end")?;
    let desc = usize::try_from(desc_start)
        .ok()
        .zip(usize::try_from(desc_end).ok())
        .and_then(|(s, e)| d.get(s..e))
        .ok_or("TensorDesc out of range")?;
    let mut f = Fields::new(desc, desc_start);
    let mut dtype = None;
    let mut dims = Vec::new();
    while let Some(x) = f.next_field() {
        match x.map_err(|e| e.to_string())? {
            (1, Wire::Varint(t), _) => dtype = Some(t),
            (2, Wire::Varint(v), _) => dims.push(v as i64),
            (2, Wire::Bytes(packed), at) => {
                let mut pf = Fields::new(packed, at);
                while pf.at < packed.len() {
                    dims.push(pf.varint().map_err(|e| e.to_string())? as i64);
                }
            }
            _ => {}
        }
        if dims.len() > 64 {
            return Err("more than 64 dimensions".into());
        }
    }
    let dtype = dtype.ok_or("TensorDesc has no data type")?;
    let size = dtype_size(dtype).ok_or_else(|| format!("unknown data type {dtype}"))?;
    let mut numel: u64 = 1;
    for d in &dims {
        let d = u64::try_from(*d).map_err(|_| format!("negative dimension {d}"))?;
        numel = numel.checked_mul(d).ok_or("element count overflows")?;
    }
    let bytes = numel.checked_mul(size).ok_or("data size overflows")?;
    let end = desc_end
        .checked_add(bytes)
        .filter(|x| *x <= len)
        .ok_or_else(|| format!("tensor data ({bytes} bytes) runs past the end of the file"))?;
    Ok((
        ParamTensor {
            offset: at,
            dtype,
            dims,
            data_bytes: bytes,
        },
        end,
    ))
}

/// True when `data` starts with a valid LoDTensor record.
pub fn sniff_params(data: &[u8]) -> bool {
    data.len() >= 21 && record(data, 0).is_ok()
}

/// Reads every record; what follows the last one is reported, not guessed at.
pub fn parse_params(data: &[u8], limits: &Limits) -> PaddleParams {
    let mut out = PaddleParams::default();
    let len = data.len() as u64;
    let mut at: u64 = 0;
    while at < len {
        if out.tensor_count >= MAX_TENSORS {
            out.limit_hit = Some(("paddle_max_tensors", MAX_TENSORS));
            return out;
        }
        if limits.out_of_time() {
            out.limit_hit = Some(("time_budget", 0));
            return out;
        }
        match record(data, at) {
            Ok((t, end)) => {
                out.tensor_count = out.tensor_count.saturating_add(1);
                if out.tensors.len() < 4096 {
                    out.tensors.push(t);
                }
                at = end;
            }
            Err(reason) => {
                if out.tensor_count == 0 {
                    out.problem = Some(ParamsProblem { offset: at, reason });
                } else {
                    out.trailing = Some((at, len.saturating_sub(at)));
                    out.problem = Some(ParamsProblem { offset: at, reason });
                }
                return out;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn field_bytes(n: u64, b: &[u8], out: &mut Vec<u8>) {
        varint(n << 3 | 2, out);
        varint(b.len() as u64, out);
        out.extend_from_slice(b);
    }

    pub(crate) fn op(kind: &str, attrs: &[(&str, &str)]) -> Vec<u8> {
        let mut o = Vec::new();
        field_bytes(3, kind.as_bytes(), &mut o);
        for (k, v) in attrs {
            let mut a = Vec::new();
            field_bytes(1, k.as_bytes(), &mut a);
            a.extend_from_slice(&[0x10, 2]);
            field_bytes(5, v.as_bytes(), &mut a);
            field_bytes(4, &a, &mut o);
        }
        o
    }

    fn program(ops: &[Vec<u8>]) -> Vec<u8> {
        let mut block = vec![0x08, 0x00];
        block.push(0x10);
        varint(u64::MAX, &mut block);
        for o in ops {
            field_bytes(4, o, &mut block);
        }
        let mut p = Vec::new();
        field_bytes(1, &block, &mut p);
        field_bytes(4, &[0x08, 0x03], &mut p);
        p
    }

    #[test]
    fn reads_ops_and_keeps_attributes() {
        let data = program(&[
            op("feed", &[]),
            op("save", &[("file_path", "/tmp/x")]),
            op("relu", &[]),
        ]);
        assert!(sniff_program(&data));
        let p = parse_program(&data, &Limits::default(), &|t| t == "save").unwrap();
        assert_eq!(p.blocks, 1);
        assert_eq!(p.ops, 3);
        assert_eq!(p.version, Some(3));
        assert_eq!(p.kept.len(), 1);
        assert_eq!(p.kept[0].attr("file_path"), Some("/tmp/x"));
        assert_eq!(p.op_types.get("relu"), Some(&1));
        assert!(parse_program(&data[..data.len() - 3], &Limits::default(), &|_| true).is_err());
    }

    fn tensor(dims: &[u64], fill: u8) -> Vec<u8> {
        let mut r = vec![0, 0, 0, 0];
        r.extend_from_slice(&0u64.to_le_bytes());
        r.extend_from_slice(&0u32.to_le_bytes());
        let mut desc = vec![0x08, 0x05];
        for d in dims {
            desc.push(0x10);
            varint(*d, &mut desc);
        }
        r.extend_from_slice(&(desc.len() as u32).to_le_bytes());
        r.extend_from_slice(&desc);
        let n: u64 = dims.iter().product();
        r.extend(std::iter::repeat_n(fill, (n * 4) as usize));
        r
    }

    #[test]
    fn params_records_and_trailing_data() {
        let mut data = tensor(&[2], 1);
        data.extend(tensor(&[2, 3], 2));
        assert!(sniff_params(&data));
        let p = parse_params(&data, &Limits::default());
        assert_eq!(p.tensor_count, 2);
        assert_eq!(p.tensors[1].dims, [2, 3]);
        assert!(p.problem.is_none());
        data.extend_from_slice(b"\x80\x04N.");
        let p = parse_params(&data, &Limits::default());
        assert_eq!(p.trailing.map(|t| t.1), Some(4));
        let mut short = tensor(&[1000], 0);
        short.truncate(100);
        assert!(!sniff_params(&short));
    }
}
