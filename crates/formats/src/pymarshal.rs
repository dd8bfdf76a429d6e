//! A bounded reader of CPython `marshal` data, for the code objects Keras
//! stores in Lambda layers (`marshal.dumps(func.__code__)`).
//!
//! It never executes, imports or evaluates anything: it only walks the
//! serialised objects and collects what a reviewer needs to judge the code
//! (the global and attribute names it uses, its string and bytes constants,
//! nested functions, its name and file). Marshal data carries no Python
//! version, and the code-object layout changed in 3.8 and again in 3.11, so
//! the reader tries each known layout and accepts one only when every field
//! of every code object has the type that layout requires and the data ends
//! exactly where the object does. Data that fits no layout is reported as
//! undecodable, never guessed at.

use std::collections::BTreeSet;

use thiserror::Error;

/// Objects per marshal stream (a Lambda has a few dozen).
const MAX_OBJECTS: usize = 1 << 20;
/// Nesting of containers and code objects.
const MAX_DEPTH: u32 = 200;
/// Bytes kept per bytes constant (the length is always exact).
const MAX_BYTES_CONST: usize = 1 << 16;

/// The code-object layout a stream was decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeLayout {
    /// CPython 3.6 and 3.7 (no positional-only argument count).
    Py36,
    /// CPython 3.8 to 3.10.
    Py38,
    /// CPython 3.11 to 3.13 (`co_qualname`, locals-plus, exception table).
    Py311,
}

impl CodeLayout {
    /// The CPython versions that write this layout.
    pub fn versions(self) -> &'static str {
        match self {
            CodeLayout::Py36 => "3.6–3.7",
            CodeLayout::Py38 => "3.8–3.10",
            CodeLayout::Py311 => "3.11–3.13",
        }
    }
}

/// A decoded code object: what it references, never how it runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeObject {
    /// `co_name` (`<lambda>`).
    pub name: String,
    /// `co_qualname` (3.11+).
    pub qualname: Option<String>,
    /// `co_filename`: where the function was defined.
    pub filename: String,
    pub first_lineno: i64,
    pub argcount: i64,
    pub flags: i64,
    /// Length of the bytecode.
    pub bytecode_len: usize,
    /// `co_names`: globals, attributes and imported modules the code uses.
    pub names: Vec<String>,
    /// Local variable names (arguments included).
    pub varnames: Vec<String>,
    /// String constants, nested tuples included.
    pub string_consts: Vec<String>,
    /// Bytes constants (each cut at 64 KiB; `bytes_const_lens` has the real lengths).
    pub bytes_consts: Vec<Vec<u8>>,
    pub bytes_const_lens: Vec<usize>,
    /// Code objects among the constants (nested functions, lambdas, comprehensions).
    pub children: Vec<CodeObject>,
}

impl CodeObject {
    /// Every `co_names` entry of this code object and its children, sorted.
    pub fn all_names(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        self.visit(&mut |c| out.extend(c.names.iter().map(String::as_str)));
        out
    }

    /// Every string constant of this code object and its children, sorted.
    pub fn all_strings(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        self.visit(&mut |c| out.extend(c.string_consts.iter().map(String::as_str)));
        out
    }

    /// Calls `f` on this code object and every nested one, depth first.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a CodeObject)) {
        f(self);
        for c in &self.children {
            c.visit(f);
        }
    }
}

/// A marshal stream decoded as a code object.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedCode {
    pub layout: CodeLayout,
    pub code: CodeObject,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MarshalError {
    #[error("marshal data ends early at offset {offset}")]
    Truncated { offset: usize },
    #[error("unknown marshal type {byte:#04x} at offset {offset}")]
    UnknownType { byte: u8, offset: usize },
    #[error("invalid back-reference {index} at offset {offset}")]
    BadReference { index: i64, offset: usize },
    #[error("invalid length {len} at offset {offset}")]
    BadLength { len: i64, offset: usize },
    #[error("objects nested deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("more than {MAX_OBJECTS} objects")]
    TooManyObjects,
    #[error("the data is not a marshalled code object (type {byte:#04x})")]
    NotCode { byte: u8 },
    #[error("empty marshal data")]
    Empty,
    #[error(
        "the code object matches no supported CPython layout (3.6–3.13); the writer's version is unknown"
    )]
    UnknownLayout,
}

/// Decodes `data` as one marshalled code object, trying each known layout.
pub fn decode_code(data: &[u8]) -> Result<DecodedCode, MarshalError> {
    let first = *data.first().ok_or(MarshalError::Empty)?;
    if first & !FLAG_REF != b'c' {
        return Err(MarshalError::NotCode { byte: first });
    }
    let mut mismatch = false;
    let mut structural = None;
    for layout in [CodeLayout::Py311, CodeLayout::Py38, CodeLayout::Py36] {
        let mut r = Reader::new(data, layout);
        match r.read_top() {
            Ok(top) => match r.build(top) {
                Some(code) => return Ok(DecodedCode { layout, code }),
                None => mismatch = true,
            },
            Err(Fail::Layout) => mismatch = true,
            Err(Fail::Hard(e)) => {
                // Limits are the same under every layout.
                if matches!(e, MarshalError::TooDeep | MarshalError::TooManyObjects) {
                    return Err(e);
                }
                structural.get_or_insert(e);
            }
        }
    }
    // A stream that is broken under every layout is reported as broken; one
    // that is well formed under none is from a version we do not know.
    match structural {
        Some(e) if !mismatch => Err(e),
        _ => Err(MarshalError::UnknownLayout),
    }
}

const FLAG_REF: u8 = 0x80;

/// One decoded object; containers hold indices into the arena.
#[derive(Debug)]
enum Obj {
    Null,
    Scalar,
    Str(String),
    Bytes { head: Vec<u8>, len: usize },
    Seq(Vec<usize>),
    Code(Box<RawCode>),
}

#[derive(Debug)]
struct RawCode {
    argcount: i32,
    flags: i32,
    first_lineno: i32,
    code: usize,
    consts: usize,
    names: usize,
    varnames: usize,
    filename: usize,
    name: usize,
    qualname: Option<usize>,
}

enum Fail {
    /// A field has the wrong type for the layout being tried.
    Layout,
    Hard(MarshalError),
}

impl From<MarshalError> for Fail {
    fn from(e: MarshalError) -> Self {
        Fail::Hard(e)
    }
}

/// A reference slot reserved for an object still being read.
const RESERVED: usize = usize::MAX;

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    layout: CodeLayout,
    arena: Vec<Obj>,
    refs: Vec<usize>,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], layout: CodeLayout) -> Self {
        Reader {
            data,
            pos: 0,
            layout,
            arena: Vec::new(),
            refs: Vec::new(),
        }
    }

    fn read_top(&mut self) -> Result<usize, Fail> {
        let top = self.object(0)?;
        if self.pos != self.data.len() {
            return Err(Fail::Layout);
        }
        Ok(top)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], MarshalError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(MarshalError::Truncated { offset: self.pos })?;
        let s = self
            .data
            .get(self.pos..end)
            .ok_or(MarshalError::Truncated { offset: self.pos })?;
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, MarshalError> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }

    fn i32(&mut self) -> Result<i32, MarshalError> {
        let b = self.take(4)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(i32::from_le_bytes(a))
    }

    /// A length: non-negative and no larger than the bytes left divided by
    /// the smallest size of one element, so nothing is allocated on trust.
    fn len(&mut self, min_elem: usize) -> Result<usize, MarshalError> {
        let offset = self.pos;
        let n = self.i32()?;
        let len = usize::try_from(n).map_err(|_| MarshalError::BadLength {
            len: i64::from(n),
            offset,
        })?;
        let left = self.data.len().saturating_sub(self.pos);
        if len.saturating_mul(min_elem) > left {
            return Err(MarshalError::Truncated { offset });
        }
        Ok(len)
    }

    fn push(&mut self, o: Obj) -> Result<usize, MarshalError> {
        if self.arena.len() >= MAX_OBJECTS {
            return Err(MarshalError::TooManyObjects);
        }
        self.arena.push(o);
        Ok(self.arena.len().saturating_sub(1))
    }

    fn object(&mut self, depth: u32) -> Result<usize, Fail> {
        if depth > MAX_DEPTH {
            return Err(MarshalError::TooDeep.into());
        }
        let offset = self.pos;
        let code = self.u8()?;
        let flag = code & FLAG_REF != 0;
        let ty = code & !FLAG_REF;
        // Types that register a back-reference do so before their children.
        let registers = matches!(
            ty,
            b'i' | b'l'
                | b'f'
                | b'g'
                | b'x'
                | b'y'
                | b's'
                | b'u'
                | b't'
                | b'a'
                | b'A'
                | b'z'
                | b'Z'
                | b'('
                | b')'
                | b'['
                | b'{'
                | b'<'
                | b'>'
                | b'c'
        );
        let slot = if flag && registers {
            if self.refs.len() >= MAX_OBJECTS {
                return Err(MarshalError::TooManyObjects.into());
            }
            self.refs.push(RESERVED);
            Some(self.refs.len().saturating_sub(1))
        } else {
            None
        };
        let idx = match ty {
            b'0' => self.push(Obj::Null)?,
            b'N' | b'F' | b'T' | b'S' | b'.' => self.push(Obj::Scalar)?,
            b'i' => {
                self.take(4)?;
                self.push(Obj::Scalar)?
            }
            b'l' => {
                let at = self.pos;
                let n = self.i32()?;
                let digits =
                    usize::try_from(n.unsigned_abs()).map_err(|_| MarshalError::BadLength {
                        len: i64::from(n),
                        offset: at,
                    })?;
                let bytes = digits
                    .checked_mul(2)
                    .ok_or(MarshalError::Truncated { offset: at })?;
                for d in self.take(bytes)?.chunks_exact(2) {
                    let v = u16::from_le_bytes([
                        d.first().copied().unwrap_or(0),
                        d.get(1).copied().unwrap_or(0),
                    ]);
                    if v >= 1 << 15 {
                        return Err(MarshalError::BadLength {
                            len: i64::from(v),
                            offset: at,
                        }
                        .into());
                    }
                }
                self.push(Obj::Scalar)?
            }
            b'f' => {
                let n = usize::from(self.u8()?);
                self.take(n)?;
                self.push(Obj::Scalar)?
            }
            b'x' => {
                for _ in 0..2 {
                    let n = usize::from(self.u8()?);
                    self.take(n)?;
                }
                self.push(Obj::Scalar)?
            }
            b'g' => {
                self.take(8)?;
                self.push(Obj::Scalar)?
            }
            b'y' => {
                self.take(16)?;
                self.push(Obj::Scalar)?
            }
            b's' => {
                let n = self.len(1)?;
                let b = self.take(n)?;
                let head = b.get(..n.min(MAX_BYTES_CONST)).unwrap_or(b).to_vec();
                self.push(Obj::Bytes { head, len: n })?
            }
            b'u' | b't' | b'a' | b'A' => {
                let n = self.len(1)?;
                let b = self.take(n)?;
                self.push(Obj::Str(String::from_utf8_lossy(b).into_owned()))?
            }
            b'z' | b'Z' => {
                let n = usize::from(self.u8()?);
                let b = self.take(n)?;
                self.push(Obj::Str(String::from_utf8_lossy(b).into_owned()))?
            }
            b'(' | b')' | b'[' | b'<' | b'>' => {
                let n = if ty == b')' {
                    usize::from(self.u8()?)
                } else {
                    self.len(1)?
                };
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    let item = self.object(depth.saturating_add(1))?;
                    if matches!(self.arena.get(item), Some(Obj::Null)) {
                        return Err(MarshalError::UnknownType {
                            byte: b'0',
                            offset: self.pos,
                        }
                        .into());
                    }
                    items.push(item);
                }
                self.push(Obj::Seq(items))?
            }
            b'{' => {
                let mut items = Vec::new();
                loop {
                    let k = self.object(depth.saturating_add(1))?;
                    if matches!(self.arena.get(k), Some(Obj::Null)) {
                        break;
                    }
                    let v = self.object(depth.saturating_add(1))?;
                    items.push(k);
                    items.push(v);
                }
                self.push(Obj::Seq(items))?
            }
            b'r' => {
                let at = self.pos;
                let n = self.i32()?;
                let target = usize::try_from(n)
                    .ok()
                    .and_then(|i| self.refs.get(i).copied())
                    .filter(|&t| t != RESERVED)
                    .ok_or(MarshalError::BadReference {
                        index: i64::from(n),
                        offset: at,
                    })?;
                return Ok(target);
            }
            b'c' => self.code(depth)?,
            byte => return Err(MarshalError::UnknownType { byte, offset }.into()),
        };
        if let Some(s) = slot
            && let Some(r) = self.refs.get_mut(s)
        {
            *r = idx;
        }
        Ok(idx)
    }

    /// A field that must be a string, a bytes object, or a tuple of strings.
    fn field(&mut self, depth: u32, want: Want) -> Result<usize, Fail> {
        let idx = self.object(depth.saturating_add(1))?;
        let ok = match (self.arena.get(idx), want) {
            (Some(Obj::Str(_)), Want::Str) => true,
            (Some(Obj::Bytes { .. }), Want::Bytes) => true,
            (Some(Obj::Seq(items)), Want::Strs) => items
                .iter()
                .all(|i| matches!(self.arena.get(*i), Some(Obj::Str(_)))),
            (Some(Obj::Seq(_)), Want::Tuple) => true,
            _ => false,
        };
        if ok { Ok(idx) } else { Err(Fail::Layout) }
    }

    fn code(&mut self, depth: u32) -> Result<usize, Fail> {
        let layout = self.layout;
        let argcount = self.i32()?;
        if layout != CodeLayout::Py36 {
            self.i32()?; // posonlyargcount
        }
        self.i32()?; // kwonlyargcount
        if layout != CodeLayout::Py311 {
            self.i32()?; // nlocals
        }
        self.i32()?; // stacksize
        let flags = self.i32()?;
        let code = self.field(depth, Want::Bytes)?;
        let consts = self.field(depth, Want::Tuple)?;
        let names = self.field(depth, Want::Strs)?;
        let varnames = self.field(depth, Want::Strs)?;
        if layout == CodeLayout::Py311 {
            self.field(depth, Want::Bytes)?; // localspluskinds
        } else {
            self.field(depth, Want::Strs)?; // freevars
            self.field(depth, Want::Strs)?; // cellvars
        }
        let filename = self.field(depth, Want::Str)?;
        let name = self.field(depth, Want::Str)?;
        let qualname = if layout == CodeLayout::Py311 {
            Some(self.field(depth, Want::Str)?)
        } else {
            None
        };
        let first_lineno = self.i32()?;
        self.field(depth, Want::Bytes)?; // lnotab / linetable
        if layout == CodeLayout::Py311 {
            self.field(depth, Want::Bytes)?; // exceptiontable
        }
        Ok(self.push(Obj::Code(Box::new(RawCode {
            argcount,
            flags,
            first_lineno,
            code,
            consts,
            names,
            varnames,
            filename,
            name,
            qualname,
        })))?)
    }

    fn str_at(&self, idx: usize) -> String {
        match self.arena.get(idx) {
            Some(Obj::Str(s)) => s.clone(),
            _ => String::new(),
        }
    }

    fn strs_at(&self, idx: usize) -> Vec<String> {
        match self.arena.get(idx) {
            Some(Obj::Seq(items)) => items.iter().map(|i| self.str_at(*i)).collect(),
            _ => Vec::new(),
        }
    }

    /// The code object at `top`, with its nested constants resolved. Each
    /// arena object is visited once, so shared references cannot blow up.
    fn build(&self, top: usize) -> Option<CodeObject> {
        let mut seen = vec![false; self.arena.len()];
        self.build_code(top, &mut seen)
    }

    fn build_code(&self, idx: usize, seen: &mut [bool]) -> Option<CodeObject> {
        let Some(Obj::Code(raw)) = self.arena.get(idx) else {
            return None;
        };
        if let Some(s) = seen.get_mut(idx) {
            *s = true;
        }
        let bytecode_len = match self.arena.get(raw.code) {
            Some(Obj::Bytes { len, .. }) => *len,
            _ => 0,
        };
        let mut out = CodeObject {
            name: self.str_at(raw.name),
            qualname: raw.qualname.map(|q| self.str_at(q)),
            filename: self.str_at(raw.filename),
            first_lineno: i64::from(raw.first_lineno),
            argcount: i64::from(raw.argcount),
            flags: i64::from(raw.flags),
            bytecode_len,
            names: self.strs_at(raw.names),
            varnames: self.strs_at(raw.varnames),
            ..CodeObject::default()
        };
        // Constants, nested containers included, iteratively.
        let mut stack = vec![raw.consts];
        while let Some(i) = stack.pop() {
            if seen.get(i).copied().unwrap_or(true) {
                continue;
            }
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
            match self.arena.get(i) {
                Some(Obj::Str(s)) => out.string_consts.push(s.clone()),
                Some(Obj::Bytes { head, len }) => {
                    out.bytes_consts.push(head.clone());
                    out.bytes_const_lens.push(*len);
                }
                Some(Obj::Seq(items)) => stack.extend(items.iter().rev()),
                Some(Obj::Code(_)) => {
                    if let Some(s) = seen.get_mut(i) {
                        *s = false;
                    }
                    if let Some(c) = self.build_code(i, seen) {
                        out.children.push(c);
                    }
                }
                _ => {}
            }
        }
        Some(out)
    }
}

#[derive(Clone, Copy)]
enum Want {
    Str,
    Bytes,
    Strs,
    Tuple,
}

#[cfg(test)]
mod tests {
    use super::*;

    // `marshal.dumps(compile("lambda x: os.system('echo hi')", "<s>", "eval").co_consts[0])`
    // is produced by the fixture generator; these tests build streams by hand.

    fn w_i32(out: &mut Vec<u8>, v: i32) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn w_str(out: &mut Vec<u8>, s: &str) {
        out.push(b'z');
        out.push(s.len() as u8);
        out.extend_from_slice(s.as_bytes());
    }
    fn w_bytes(out: &mut Vec<u8>, b: &[u8]) {
        out.push(b's');
        w_i32(out, b.len() as i32);
        out.extend_from_slice(b);
    }
    fn w_strs(out: &mut Vec<u8>, items: &[&str]) {
        out.push(b')');
        out.push(items.len() as u8);
        for s in items {
            w_str(out, s);
        }
    }

    /// A CPython 3.8-layout code object for `lambda x: os.system('echo hi')`.
    fn py38_code(names: &[&str], consts: &mut dyn FnMut(&mut Vec<u8>)) -> Vec<u8> {
        let mut o = vec![b'c' | FLAG_REF];
        for v in [1, 0, 0, 1, 3, 0x43] {
            w_i32(&mut o, v);
        }
        w_bytes(&mut o, &[0x74, 0, 0xa0, 1, 0x64, 1, 0xa1, 1, 0x53, 0]);
        consts(&mut o);
        w_strs(&mut o, names);
        w_strs(&mut o, &["x"]);
        w_strs(&mut o, &[]);
        w_strs(&mut o, &[]);
        w_str(&mut o, "<s>");
        w_str(&mut o, "<lambda>");
        w_i32(&mut o, 1);
        w_bytes(&mut o, &[]);
        o
    }

    fn py38_lambda() -> Vec<u8> {
        py38_code(&["os", "system"], &mut |o| {
            o.push(b')');
            o.push(2);
            o.push(b'N');
            w_str(o, "echo hi");
        })
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// CPython 3.11: `marshal.dumps((lambda x: os.system('echo hi')).__code__)`.
    const PY311_LAMBDA: &str = "e30100000000000000000000000300000003000000f32a00000097007401000000000000000000006a0100000000000000006401a6010000ab010000000000000000530029024efa076563686f2068692902da026f73da0673797374656d2901da0178730100000020fa083c737472696e673efa083c6c616d6264613e720700000003000000731000000080008d428c499069d10c20d40c208000f300000000";

    /// CPython 3.11: a function with an import, a nested lambda and a comprehension:
    /// `def outer(x): import subprocess; g = lambda y: subprocess.run(['echo', y]); return [i for i in range(3)]`.
    const PY311_NESTED: &str = "e30100000000000000000000000400000003000000f34800000087029700640164006c008a0288026601640284087d01640384007403000000000000000000006404a6010000ab0100000000000000004400a6000000ab000000000000000000530029054ee900000000630100000000000000000000000400000013000000f332000000950197008901a000000000000000000000000000000000000000000064017c006702a6010000ab010000000000000000530029024eda046563686f2901da0372756e2902da0179da0a73756270726f6365737373020000002080fa083c737472696e673efa083c6c616d6264613e7a176f757465722e3c6c6f63616c733e2e3c6c616d6264613e070000007317000000f88000902a972e922ea026a821a01bd1122dd4122d8000f300000000630100000000000000000000000300000013000000f312000000970067007c005d047d017c0191028c055300a900720c0000002902da022e30da0169730200000020207208000000fa0a3c6c697374636f6d703e7a196f757465722e3c6c6f63616c733e2e3c6c697374636f6d703e0800000073180000008000d00b20d00b20d00b2090218841d00b20d00b20d00b20720a000000e90300000029027207000000da0572616e67652903da0178da0167720700000073030000002020407208000000da056f757465727214000000050000007337000000f88000d80415d00415d00415d00415d8082dd0082dd0082dd0082d8041d80b20d00b209575985191789478d00b20d10b20d40b20d00420720a000000";

    #[test]
    fn real_py311_lambda() {
        let d = decode_code(&unhex(PY311_LAMBDA)).unwrap();
        assert_eq!(d.layout, CodeLayout::Py311);
        assert_eq!(d.code.name, "<lambda>");
        assert_eq!(d.code.qualname.as_deref(), Some("<lambda>"));
        assert_eq!(d.code.filename, "<string>");
        assert_eq!(d.code.names, ["os", "system"]);
        assert_eq!(d.code.string_consts, ["echo hi"]);
    }

    #[test]
    fn real_py311_nested_functions() {
        let d = decode_code(&unhex(PY311_NESTED)).unwrap();
        assert_eq!(d.layout, CodeLayout::Py311);
        assert_eq!(d.code.name, "outer");
        assert_eq!(d.code.children.len(), 2);
        let names = d.code.all_names();
        for n in ["subprocess", "run", "range"] {
            assert!(names.contains(n), "{names:?}");
        }
        assert!(d.code.all_strings().contains("echo"));
        let lambda = &d.code.children[0];
        assert_eq!(lambda.qualname.as_deref(), Some("outer.<locals>.<lambda>"));
    }

    #[test]
    fn hand_built_py38_layout() {
        let d = decode_code(&py38_lambda()).unwrap();
        assert_eq!(d.layout, CodeLayout::Py38);
        assert_eq!(d.code.name, "<lambda>");
        assert_eq!(d.code.names, ["os", "system"]);
        assert_eq!(d.code.string_consts, ["echo hi"]);
        assert_eq!(d.code.varnames, ["x"]);
        assert_eq!(d.code.qualname, None);
        assert_eq!(d.code.bytecode_len, 10);
    }

    #[test]
    fn hand_built_py36_layout() {
        // 3.6: five leading ints (no positional-only count).
        let mut o = vec![b'c'];
        for v in [1, 0, 1, 2, 0x43] {
            w_i32(&mut o, v);
        }
        w_bytes(&mut o, &[0x64, 0, 0x53, 0]);
        o.push(b')');
        o.push(1);
        w_str(&mut o, "sh");
        w_strs(&mut o, &["subprocess"]);
        w_strs(&mut o, &["x"]);
        w_strs(&mut o, &[]);
        w_strs(&mut o, &[]);
        w_str(&mut o, "f.py");
        w_str(&mut o, "<lambda>");
        w_i32(&mut o, 3);
        w_bytes(&mut o, &[]);
        let d = decode_code(&o).unwrap();
        assert_eq!(d.layout, CodeLayout::Py36);
        assert_eq!(d.code.names, ["subprocess"]);
        assert_eq!(d.code.first_lineno, 3);
    }

    #[test]
    fn references_resolve_to_earlier_objects_and_nested_code_is_walked() {
        // The outer function's names tuple refers back to a string interned
        // inside the nested code object.
        let inner = {
            let mut o = vec![b'c'];
            for v in [0, 0, 0, 0, 1, 0] {
                w_i32(&mut o, v);
            }
            w_bytes(&mut o, &[]);
            o.push(b')');
            o.push(0);
            o.push(b')');
            o.push(1);
            o.push(b'Z' | FLAG_REF); // ref 0 is the outer code object; this is ref 1
            o.push(4);
            o.extend_from_slice(b"eval");
            w_strs(&mut o, &[]);
            w_strs(&mut o, &[]);
            w_strs(&mut o, &[]);
            w_str(&mut o, "f");
            w_str(&mut o, "inner");
            w_i32(&mut o, 1);
            w_bytes(&mut o, &[]);
            o
        };
        let data = py38_code(&[], &mut |o| {
            o.push(b')');
            o.push(1);
            o.extend_from_slice(&inner);
        });
        // Replace the outer (empty) names tuple with (ref 1,).
        let needle = [b')', 0, b')', 1, b'z', 1, b'x'];
        let at = data
            .windows(needle.len())
            .rposition(|w| w == needle)
            .unwrap();
        let mut patched = data[..at].to_vec();
        patched.extend_from_slice(&[b')', 1, b'r', 1, 0, 0, 0]);
        patched.extend_from_slice(&data[at + 2..]);
        let d = decode_code(&patched).unwrap();
        assert_eq!(d.code.names, ["eval"]);
        assert_eq!(d.code.children.len(), 1);
        assert_eq!(d.code.children[0].name, "inner");
        assert!(d.code.all_names().contains("eval"));
    }

    #[test]
    fn references_to_unfinished_or_missing_objects_fail() {
        // A tuple that contains a reference to itself.
        let mut o = vec![b'c'];
        for v in [0, 0, 0, 0, 1, 0] {
            w_i32(&mut o, v);
        }
        o.extend_from_slice(&[b'r', 0, 0, 0, 0]);
        assert!(decode_code(&o).is_err());
        let mut o = vec![b'c'];
        for v in [0, 0, 0, 0, 1, 0] {
            w_i32(&mut o, v);
        }
        o.extend_from_slice(&[b'r', 9, 0, 0, 0]);
        assert!(decode_code(&o).is_err());
    }

    #[test]
    fn unknown_layouts_and_non_code_are_errors() {
        assert_eq!(decode_code(b""), Err(MarshalError::Empty));
        assert_eq!(decode_code(b"N"), Err(MarshalError::NotCode { byte: b'N' }));
        // Trailing bytes after a valid object: no layout accepts it.
        let mut data = py38_lambda();
        data.push(b'N');
        assert!(decode_code(&data).is_err());
        // A 3.8 stream whose name field is an int instead of a string.
        let mut o = vec![b'c'];
        for v in [1, 0, 0, 1, 3, 0x43] {
            w_i32(&mut o, v);
        }
        w_bytes(&mut o, &[]);
        o.extend_from_slice(&[b')', 0]);
        w_strs(&mut o, &[]);
        w_strs(&mut o, &[]);
        w_strs(&mut o, &[]);
        w_strs(&mut o, &[]);
        w_str(&mut o, "f");
        o.extend_from_slice(&[b'i', 1, 0, 0, 0]);
        w_i32(&mut o, 1);
        w_bytes(&mut o, &[]);
        assert!(decode_code(&o).is_err());
    }

    #[test]
    fn truncation_at_every_offset_never_panics() {
        let data = py38_lambda();
        for n in 0..data.len() {
            assert!(decode_code(&data[..n]).is_err(), "{n}");
        }
        for i in 0..data.len() {
            for b in [0x00, 0x7f, 0x80, 0xff] {
                let mut d = data.clone();
                d[i] = b;
                let _ = decode_code(&d);
            }
        }
    }

    #[test]
    fn depth_and_lengths_are_bounded() {
        // 10,000 nested tuples: stops at the depth limit, no stack overflow.
        let mut o = vec![b'c'];
        for v in [0, 0, 0, 0, 1, 0] {
            w_i32(&mut o, v);
        }
        w_bytes(&mut o, &[]);
        for _ in 0..10_000 {
            o.extend_from_slice(&[b')', 1]);
        }
        assert_eq!(decode_code(&o), Err(MarshalError::TooDeep));
        // A length far beyond the data allocates nothing.
        let mut o = vec![b'c'];
        for v in [0, 0, 0, 0, 1, 0] {
            w_i32(&mut o, v);
        }
        o.push(b'(');
        w_i32(&mut o, i32::MAX);
        assert!(decode_code(&o).is_err());
        o.truncate(o.len() - 4);
        w_i32(&mut o, -1);
        assert!(decode_code(&o).is_err());
    }
}
