//! R serialisation: `saveRDS` files (`.rds`) and `save` workspaces
//! (`.rda`, `.RData`), read by a bounded walker over R's `unserialize`
//! stream (`src/main/serialize.c`), in the XDR (`X\n`), ASCII (`A\n`) and
//! native little-endian (`B\n`) encodings, versions 2 and 3.
//!
//! Nothing is evaluated. The walk records what loading would leave behind
//! for R to run later: unforced promises (`PROMSXP`, the CVE-2024-27322
//! technique: a promise is evaluated when the loaded value is first used),
//! the calls inside closures and byte code, and ALTREP classes (whose
//! unserialisation calls the class's package). Compressed streams (gzip,
//! bzip2, xz: R's defaults) are inflated by the engine before this parser
//! sees them.
//!
//! Bounds: every length is checked against the bytes left before anything
//! is read; recursion is limited to [`MAX_DEPTH`] (pairlists are walked
//! iteratively along their `CDR`), the reference table to [`MAX_REFS`]
//! entries and the walk to [`MAX_NODES`] items. A stream that ends early or
//! breaks a rule yields a view with `error` set and what was seen so far.

use crate::Limits;

/// Nesting depth of items (not counting pairlist tails).
pub const MAX_DEPTH: u32 = 96;
/// Items read per stream.
pub const MAX_NODES: u64 = 50_000_000;
/// Entries of the reference table (symbols, environments, external pointers).
pub const MAX_REFS: usize = 4_000_000;
/// Code objects (promises, closures, byte code) kept in the view.
pub const MAX_CODE: usize = 10_000;
/// Calls and strings kept per code object.
pub const MAX_PER_CODE: usize = 64;
/// Characters kept per string or name.
const MAX_TEXT: usize = 256;
/// ALTREP objects, variables and class names kept (each).
pub const MAX_KEPT: usize = 256;

// SEXP types and serialisation pseudo-types (Rinternals.h, serialize.c).
const NILSXP: u8 = 0;
const SYMSXP: u8 = 1;
const LISTSXP: u8 = 2;
const CLOSXP: u8 = 3;
const ENVSXP: u8 = 4;
const PROMSXP: u8 = 5;
const LANGSXP: u8 = 6;
const SPECIALSXP: u8 = 7;
const BUILTINSXP: u8 = 8;
const CHARSXP: u8 = 9;
const LGLSXP: u8 = 10;
const INTSXP: u8 = 13;
const REALSXP: u8 = 14;
const CPLXSXP: u8 = 15;
const STRSXP: u8 = 16;
const DOTSXP: u8 = 17;
const VECSXP: u8 = 19;
const EXPRSXP: u8 = 20;
const BCODESXP: u8 = 21;
const EXTPTRSXP: u8 = 22;
const WEAKREFSXP: u8 = 23;
const RAWSXP: u8 = 24;
const S4SXP: u8 = 25;
const ALTREP_SXP: u8 = 238;
const ATTRLISTSXP: u8 = 239;
const ATTRLANGSXP: u8 = 240;
const BASEENV_SXP: u8 = 241;
const EMPTYENV_SXP: u8 = 242;
const BCREPREF: u8 = 243;
const BCREPDEF: u8 = 244;
const GENERICREFSXP: u8 = 245;
const CLASSREFSXP: u8 = 246;
const PERSISTSXP: u8 = 247;
const PACKAGESXP: u8 = 248;
const NAMESPACESXP: u8 = 249;
const BASENAMESPACE_SXP: u8 = 250;
const MISSINGARG_SXP: u8 = 251;
const UNBOUNDVALUE_SXP: u8 = 252;
const GLOBALENV_SXP: u8 = 253;
const NILVALUE_SXP: u8 = 254;
const REFSXP: u8 = 255;

/// Errors that stop the walk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RdsError {
    #[error("not an R serialisation stream")]
    NotR,
    #[error("stream ends early at offset {offset:#x} (reading {what})")]
    Truncated { offset: u64, what: &'static str },
    #[error("invalid {what} at offset {offset:#x}")]
    Invalid { offset: u64, what: String },
    #[error("unsupported serialisation version {0}")]
    Version(i64),
    #[error("limit `{limit}` ({value}) reached at offset {offset:#x}")]
    Limit {
        limit: &'static str,
        value: u64,
        offset: u64,
    },
}

/// Which file the stream came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RContainer {
    /// `saveRDS`: one serialised value.
    Rds,
    /// `save`: `RDX2`/`RDX3` (or `RDA`/`RDB`) then a pairlist of variables.
    RData,
}

/// The encoding of the serialisation stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum REncoding {
    Xdr,
    Ascii,
    Native,
}

impl REncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            REncoding::Xdr => "xdr",
            REncoding::Ascii => "ascii",
            REncoding::Native => "native",
        }
    }
}

/// What kind of code object a [`RCode`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// A promise not yet forced: R evaluates its expression on first use.
    Promise,
    /// A promise that was forced before saving (its value is kept; the
    /// expression is never evaluated again).
    ForcedPromise,
    /// A function (its body runs only when it is called).
    Closure,
    /// Byte code (the compiled body of a closure).
    Bytecode,
}

/// A promise, closure or byte-code object and what its code calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RCode {
    pub kind: CodeKind,
    pub offset: u64,
    /// For promises: the expression is a call (rather than a symbol or constant).
    pub expr_is_call: bool,
    /// Read inside an environment's frame: a function's lazy argument or
    /// binding, forced only when code reads that variable (R itself saves
    /// these). Outside environments a promise is a value the user touches.
    pub in_environment: bool,
    /// Functions called anywhere in the code, in order, deduplicated
    /// (`system`, `base::system`).
    pub calls: Vec<String>,
    /// String constants in the code, in order.
    pub strings: Vec<String>,
}

/// An ALTREP object: a class implemented by a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RAltrep {
    pub offset: u64,
    pub class: String,
    pub package: String,
}

/// The walk's result.
#[derive(Debug, Clone, PartialEq)]
pub struct RdsView {
    pub container: RContainer,
    pub encoding: REncoding,
    /// Serialisation version (2 or 3).
    pub version: u32,
    /// R version that wrote the stream (`4.2.2`).
    pub writer_version: String,
    /// Oldest R version that can read it.
    pub min_reader_version: String,
    /// Native encoding recorded by version 3 (`UTF-8`).
    pub native_encoding: Option<String>,
    pub code: Vec<RCode>,
    /// Code objects beyond [`MAX_CODE`] (counted, not kept).
    pub code_dropped: u64,
    pub altrep: Vec<RAltrep>,
    /// Variables of a workspace (`save`), in order.
    pub variables: Vec<String>,
    /// Values of `class` attributes seen (`data.frame`, `lm`).
    pub classes: Vec<String>,
    /// External pointers and weak references (addresses are not saved; R
    /// restores them as null pointers).
    pub external_pointers: u64,
    /// Environments serialised in the stream (not the global or base ones).
    pub environments: u64,
    pub nodes: u64,
    /// Bytes after the end of the serialised value.
    pub trailing: u64,
    /// Why the walk stopped early, if it did.
    pub error: Option<RdsError>,
}

/// True when `data` starts like an R serialisation stream (`saveRDS`).
pub fn sniff_rds(data: &[u8]) -> bool {
    header_ok(data)
}

/// True when `data` starts like an R workspace (`save`).
pub fn sniff_rdata(data: &[u8]) -> bool {
    workspace_magic(data).is_some_and(|n| data.get(n..).is_some_and(header_ok))
}

fn workspace_magic(data: &[u8]) -> Option<usize> {
    const MAGICS: [&[u8]; 6] = [
        b"RDX2\n", b"RDX3\n", b"RDA2\n", b"RDA3\n", b"RDB2\n", b"RDB3\n",
    ];
    MAGICS.iter().find(|m| data.starts_with(m)).map(|m| m.len())
}

fn header_ok(data: &[u8]) -> bool {
    match data.get(..2) {
        Some(b"X\n") => matches!(data.get(2..6), Some([0, 0, 0, 2 | 3])),
        Some(b"B\n") => matches!(data.get(2..6), Some([2 | 3, 0, 0, 0])),
        Some(b"A\n") => matches!(data.get(2..4), Some(b"2\n" | b"3\n")),
        _ => false,
    }
}

/// Walks an R serialisation stream (`saveRDS`) or workspace (`save`).
pub fn parse(data: &[u8], limits: &Limits) -> Result<RdsView, RdsError> {
    let (container, start) = match workspace_magic(data) {
        Some(n) => (RContainer::RData, n),
        None => (RContainer::Rds, 0),
    };
    let body = data.get(start..).ok_or(RdsError::NotR)?;
    if !header_ok(body) {
        return Err(RdsError::NotR);
    }
    let encoding = match body.first() {
        Some(b'X') => REncoding::Xdr,
        Some(b'A') => REncoding::Ascii,
        _ => REncoding::Native,
    };
    let mut w = Walker {
        data,
        pos: start.saturating_add(2),
        encoding,
        limits,
        refs: Vec::new(),
        frames: Vec::new(),
        in_class: false,
        env_depth: 0,
        view: RdsView {
            container,
            encoding,
            version: 0,
            writer_version: String::new(),
            min_reader_version: String::new(),
            native_encoding: None,
            code: Vec::new(),
            code_dropped: 0,
            altrep: Vec::new(),
            variables: Vec::new(),
            classes: Vec::new(),
            external_pointers: 0,
            environments: 0,
            nodes: 0,
            trailing: 0,
            error: None,
        },
    };
    let version = w.int("version")?;
    if !(2..=3).contains(&version) {
        return Err(RdsError::Version(i64::from(version)));
    }
    w.view.version = u32::try_from(version).unwrap_or(0);
    let writer = w.int("writer version")?;
    let reader = w.int("reader version")?;
    w.view.writer_version = r_version(writer);
    w.view.min_reader_version = r_version(reader);
    if version == 3 {
        let n = w.int("encoding length")?;
        let n = usize::try_from(n)
            .ok()
            .filter(|n| *n <= 64)
            .ok_or_else(|| w.invalid("native encoding length"))?;
        let enc = w.chars(n)?;
        w.view.native_encoding = Some(String::from_utf8_lossy(&enc).into_owned());
    }
    let root = w.item(0, true);
    match root {
        Ok(_) => {
            let rest = data.len().saturating_sub(w.pos);
            let rest = if encoding == REncoding::Ascii {
                data.get(w.pos..)
                    .map_or(0, |r| r.iter().filter(|c| !c.is_ascii_whitespace()).count())
            } else {
                rest
            };
            w.view.trailing = rest as u64;
        }
        Err(e) => w.view.error = Some(e),
    }
    Ok(w.view)
}

/// `R_Version(x, y, z)` packed as `x * 65536 + y * 256 + z`.
fn r_version(v: i32) -> String {
    let v = v.max(0);
    format!("{}.{}.{}", v / 65536, (v / 256) % 256, v % 256)
}

/// A summary of an item, enough to name functions and symbols.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Nil,
    Unbound,
    Sym(String),
    Char(String),
    /// A `pkg::fun` or `pkg:::fun` expression: names a function.
    Qualified(String),
    /// A call: its function's name (or empty).
    Call(String),
    /// The first few elements of a pairlist.
    List(Vec<Node>),
    Other,
}

struct Walker<'a, 'l> {
    data: &'a [u8],
    pos: usize,
    encoding: REncoding,
    limits: &'l Limits,
    refs: Vec<Node>,
    /// Indices (in `view.code`) of the code objects being read, innermost last;
    /// `None` for one beyond [`MAX_CODE`].
    frames: Vec<Option<usize>>,
    /// Reading the value of a `class` attribute.
    in_class: bool,
    /// Environment frames being read.
    env_depth: u32,
    view: RdsView,
}

impl<'a> Walker<'a, '_> {
    fn offset(&self) -> u64 {
        self.pos as u64
    }

    fn invalid(&self, what: impl Into<String>) -> RdsError {
        RdsError::Invalid {
            offset: self.offset(),
            what: what.into(),
        }
    }

    fn truncated(&self, what: &'static str) -> RdsError {
        RdsError::Truncated {
            offset: self.offset(),
            what,
        }
    }

    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], RdsError> {
        crate::cursor::take(self.data, &mut self.pos, n).ok_or_else(|| self.truncated(what))
    }

    /// The next whitespace-delimited word of an ASCII stream.
    fn word(&mut self, what: &'static str) -> Result<&'a str, RdsError> {
        let w = match crate::cursor::ascii_word(self.data, &mut self.pos, 64) {
            Ok(w) => w,
            Err(crate::cursor::WordError::TooLong) => {
                return Err(self.invalid(format!("{what} (word too long)")));
            }
            Err(crate::cursor::WordError::Missing) => return Err(self.truncated(what)),
        };
        std::str::from_utf8(w).map_err(|_| self.invalid(what))
    }

    fn int(&mut self, what: &'static str) -> Result<i32, RdsError> {
        match self.encoding {
            REncoding::Xdr => {
                let b = self.take(4, what)?;
                Ok(i32::from_be_bytes(b.try_into().unwrap_or([0; 4])))
            }
            REncoding::Native => {
                let b = self.take(4, what)?;
                Ok(i32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
            }
            REncoding::Ascii => {
                let w = self.word(what)?;
                if w == "NA" {
                    return Ok(i32::MIN);
                }
                w.parse::<i32>().map_err(|_| self.invalid(what))
            }
        }
    }

    /// Skips `n` values of `size` bytes each (ASCII: `n` words).
    fn skip(&mut self, n: u64, size: usize, what: &'static str) -> Result<(), RdsError> {
        match self.encoding {
            REncoding::Ascii => {
                // Each word takes at least two bytes (value and separator).
                if n > (self.remaining() as u64)
                    .saturating_div(2)
                    .saturating_add(1)
                {
                    return Err(self.truncated(what));
                }
                for i in 0..n {
                    if i.is_multiple_of(65_536) && self.limits.out_of_time() {
                        return Err(RdsError::Limit {
                            limit: "time_budget",
                            value: 0,
                            offset: self.offset(),
                        });
                    }
                    self.word(what)?;
                }
                Ok(())
            }
            _ => {
                let bytes = usize::try_from(n)
                    .ok()
                    .and_then(|n| n.checked_mul(size))
                    .ok_or_else(|| self.truncated(what))?;
                self.take(bytes, what).map(|_| ())
            }
        }
    }

    /// `n` characters of a string (ASCII streams escape them).
    fn chars(&mut self, n: usize) -> Result<Vec<u8>, RdsError> {
        if self.encoding != REncoding::Ascii {
            return self.take(n, "string").map(<[u8]>::to_vec);
        }
        if n > self.remaining() {
            return Err(self.truncated("string"));
        }
        while self
            .data
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.pos = self.pos.saturating_add(1);
        }
        let mut out = Vec::with_capacity(n.min(MAX_TEXT));
        for _ in 0..n {
            let c = self.byte()?;
            let v = if c == b'\\' {
                match self.byte()? {
                    b'n' => b'\n',
                    b't' => b'\t',
                    b'v' => 0x0b,
                    b'b' => 0x08,
                    b'r' => b'\r',
                    b'f' => 0x0c,
                    b'a' => 0x07,
                    b'\\' => b'\\',
                    b'?' => b'?',
                    b'\'' => b'\'',
                    b'"' => b'"',
                    d @ b'0'..=b'7' => {
                        let mut v = u32::from(d.saturating_sub(b'0'));
                        for _ in 0..2 {
                            match self.data.get(self.pos) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v
                                        .saturating_mul(8)
                                        .saturating_add(u32::from(d.saturating_sub(b'0')));
                                    self.pos = self.pos.saturating_add(1);
                                }
                                _ => break,
                            }
                        }
                        u8::try_from(v & 0xff).unwrap_or(0)
                    }
                    other => other,
                }
            } else {
                c
            };
            out.push(v);
        }
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8, RdsError> {
        let c = *self
            .data
            .get(self.pos)
            .ok_or_else(|| self.truncated("string"))?;
        self.pos = self.pos.saturating_add(1);
        Ok(c)
    }

    /// A vector length (`-1` announces a 64-bit length in two words).
    fn length(&mut self) -> Result<u64, RdsError> {
        let n = self.int("length")?;
        if n == -1 {
            let hi = u64::from(self.int("long length")?.unsigned_abs());
            let lo = u64::from(self.int("long length")?.unsigned_abs());
            return Ok((hi << 32) | lo);
        }
        u64::try_from(n).map_err(|_| self.invalid("negative length"))
    }

    fn add_ref(&mut self, node: Node) -> Result<(), RdsError> {
        if self.refs.len() >= MAX_REFS {
            return Err(RdsError::Limit {
                limit: "r_reference_table",
                value: MAX_REFS as u64,
                offset: self.offset(),
            });
        }
        self.refs.push(node);
        Ok(())
    }

    fn open_code(&mut self, kind: CodeKind, offset: u64) {
        if self.view.code.len() >= MAX_CODE {
            self.view.code_dropped = self.view.code_dropped.saturating_add(1);
            self.frames.push(None);
            return;
        }
        self.view.code.push(RCode {
            kind,
            offset,
            expr_is_call: false,
            in_environment: self.env_depth > 0,
            calls: Vec::new(),
            strings: Vec::new(),
        });
        self.frames
            .push(Some(self.view.code.len().saturating_sub(1)));
    }

    fn frame(&mut self) -> Option<&mut RCode> {
        let i = (*self.frames.last()?)?;
        self.view.code.get_mut(i)
    }

    fn record_call(&mut self, name: &str) {
        if name.is_empty() {
            return;
        }
        if let Some(f) = self.frame()
            && f.calls.len() < MAX_PER_CODE
            && !f.calls.iter().any(|c| c == name)
        {
            f.calls.push(name.to_string());
        }
    }

    fn record_string(&mut self, s: &str) {
        if self.in_class
            && self.view.classes.len() < MAX_KEPT
            && !self.view.classes.iter().any(|c| c == s)
        {
            self.view.classes.push(s.to_string());
        }
        if let Some(f) = self.frame()
            && f.strings.len() < MAX_PER_CODE
        {
            f.strings.push(s.to_string());
        }
    }

    /// Reads one item. `root` marks the top-level value (a workspace's
    /// variables are the tags of its root pairlist).
    fn item(&mut self, depth: u32, root: bool) -> Result<Node, RdsError> {
        if depth > MAX_DEPTH {
            return Err(RdsError::Limit {
                limit: "r_nesting_depth",
                value: u64::from(MAX_DEPTH),
                offset: self.offset(),
            });
        }
        self.count()?;
        let at = self.offset();
        let flags = self.int("item flags")?;
        let flags = flags.cast_unsigned();
        let ty = (flags & 0xff) as u8;
        let has_attr = flags & (1 << 9) != 0;
        let has_tag = flags & (1 << 10) != 0;
        let d = depth.saturating_add(1);
        let node = match ty {
            NILVALUE_SXP => return Ok(Node::Nil),
            UNBOUNDVALUE_SXP => return Ok(Node::Unbound),
            EMPTYENV_SXP | BASEENV_SXP | GLOBALENV_SXP | MISSINGARG_SXP | BASENAMESPACE_SXP => {
                return Ok(Node::Other);
            }
            REFSXP => {
                let packed = flags >> 8;
                let index = if packed == 0 {
                    u32::try_from(self.int("reference index")?).unwrap_or(0)
                } else {
                    packed
                };
                let i = usize::try_from(index)
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .ok_or_else(|| self.invalid("reference index 0"))?;
                return self
                    .refs
                    .get(i)
                    .cloned()
                    .ok_or_else(|| self.invalid(format!("reference {index} to an unread item")));
            }
            PERSISTSXP | PACKAGESXP | NAMESPACESXP => {
                // A persistent name or a namespace/package spec: a string vector.
                let zero = self.int("string vector")?;
                if zero != 0 {
                    return Err(self.invalid("persistent string vector"));
                }
                let n = self.length()?;
                let mut first = None;
                for _ in 0..n {
                    let s = self.item(d, false)?;
                    if first.is_none() {
                        first = Some(s);
                    }
                }
                let node = match (ty, first) {
                    (NAMESPACESXP, Some(Node::Char(ns))) => Node::Sym(ns),
                    _ => Node::Other,
                };
                self.add_ref(node.clone())?;
                return Ok(node);
            }
            SYMSXP => {
                let name = match self.item(d, false)? {
                    Node::Char(s) => s,
                    _ => String::new(),
                };
                let node = Node::Sym(name);
                self.add_ref(node.clone())?;
                return Ok(node);
            }
            ENVSXP => {
                self.view.environments = self.view.environments.saturating_add(1);
                self.add_ref(Node::Other)?;
                let _locked = self.int("environment lock")?;
                self.item(d, false)?; // enclosure
                self.env_depth = self.env_depth.saturating_add(1);
                let frame = self.item(d, false).and_then(|_| self.item(d, false));
                self.env_depth = self.env_depth.saturating_sub(1);
                frame?; // frame and hash table
                self.item(d, false)?; // attributes
                return Ok(Node::Other);
            }
            LISTSXP | LANGSXP | CLOSXP | PROMSXP | DOTSXP | ATTRLISTSXP | ATTRLANGSXP => {
                return self.pairlist(ty, has_attr, has_tag, at, depth, root);
            }
            EXTPTRSXP => {
                self.view.external_pointers = self.view.external_pointers.saturating_add(1);
                self.add_ref(Node::Other)?;
                self.item(d, false)?; // protected value
                self.item(d, false)?; // tag
                Node::Other
            }
            WEAKREFSXP => {
                self.view.external_pointers = self.view.external_pointers.saturating_add(1);
                self.add_ref(Node::Other)?;
                Node::Other
            }
            SPECIALSXP | BUILTINSXP => {
                let n = self.int("primitive name length")?;
                let n = usize::try_from(n).map_err(|_| self.invalid("primitive name length"))?;
                let name = self.chars(n)?;
                Node::Sym(String::from_utf8_lossy(&name).into_owned())
            }
            CHARSXP => {
                let n = self.int("string length")?;
                if n == -1 {
                    Node::Other // NA_STRING
                } else {
                    let n = usize::try_from(n).map_err(|_| self.invalid("string length"))?;
                    let s = self.chars(n)?;
                    let text: String = String::from_utf8_lossy(&s).chars().take(MAX_TEXT).collect();
                    Node::Char(text)
                }
            }
            LGLSXP | INTSXP => {
                let n = self.length()?;
                self.skip(n, 4, "integer vector")?;
                Node::Other
            }
            REALSXP => {
                let n = self.length()?;
                self.skip(n, 8, "double vector")?;
                Node::Other
            }
            CPLXSXP => {
                let n = self.length()?;
                self.skip(n.saturating_mul(2), 8, "complex vector")?;
                Node::Other
            }
            RAWSXP => {
                let n = self.length()?;
                self.skip(n, 1, "raw vector")?;
                Node::Other
            }
            STRSXP => {
                let n = self.length()?;
                self.check_count(n, "string vector")?;
                for _ in 0..n {
                    if let Node::Char(s) = self.item(d, false)? {
                        self.record_string(&s);
                    }
                }
                Node::Other
            }
            VECSXP | EXPRSXP => {
                let n = self.length()?;
                self.check_count(n, "list")?;
                let class = std::mem::take(&mut self.in_class);
                for _ in 0..n {
                    self.item(d, false)?;
                }
                self.in_class = class;
                Node::Other
            }
            BCODESXP => {
                self.open_code(CodeKind::Bytecode, at);
                let r = self.bytecode(d);
                self.frames.pop();
                r?;
                Node::Other
            }
            S4SXP => Node::Other,
            ALTREP_SXP => {
                let info = self.item(d, false)?;
                if let Node::List(parts) = &info
                    && let [Node::Sym(class), Node::Sym(package), ..] = parts.as_slice()
                    && self.view.altrep.len() < MAX_KEPT
                {
                    self.view.altrep.push(RAltrep {
                        offset: at,
                        class: class.clone(),
                        package: package.clone(),
                    });
                }
                self.item(d, false)?; // state
                self.item(d, false)?; // attributes
                return Ok(Node::Other);
            }
            NILSXP => Node::Nil,
            CLASSREFSXP | GENERICREFSXP => {
                return Err(self.invalid(format!("item type {ty} (never written by R)")));
            }
            BCREPDEF | BCREPREF => {
                return Err(self.invalid("byte-code reference outside byte code"));
            }
            other => return Err(self.invalid(format!("item type {other}"))),
        };
        if has_attr {
            self.attributes(d)?;
        }
        Ok(node)
    }

    fn count(&mut self) -> Result<(), RdsError> {
        self.view.nodes = self.view.nodes.saturating_add(1);
        if self.view.nodes > MAX_NODES {
            return Err(RdsError::Limit {
                limit: "r_items",
                value: MAX_NODES,
                offset: self.offset(),
            });
        }
        if self.view.nodes.is_multiple_of(65_536) && self.limits.out_of_time() {
            return Err(RdsError::Limit {
                limit: "time_budget",
                value: 0,
                offset: self.offset(),
            });
        }
        Ok(())
    }

    /// Every element needs at least four bytes (or two ASCII characters).
    fn check_count(&self, n: u64, what: &'static str) -> Result<(), RdsError> {
        let min = if self.encoding == REncoding::Ascii {
            2
        } else {
            4
        };
        if n > (self.remaining() as u64).checked_div(min).unwrap_or(0) {
            return Err(self.truncated(what));
        }
        Ok(())
    }

    /// An attribute pairlist: notes `class` values.
    fn attributes(&mut self, depth: u32) -> Result<Node, RdsError> {
        self.item(depth, false)
    }

    /// A pairlist-shaped item, walked along its `CDR` without recursion.
    fn pairlist(
        &mut self,
        mut ty: u8,
        mut has_attr: bool,
        mut has_tag: bool,
        at: u64,
        depth: u32,
        root: bool,
    ) -> Result<Node, RdsError> {
        let d = depth.saturating_add(1);
        let mut head: Option<Node> = None;
        let mut first: Vec<Node> = Vec::new();
        let kind = ty;
        let mut item_at = at;
        let mut opened = false;
        let result = (|| -> Result<Node, RdsError> {
            loop {
                if has_attr {
                    self.attributes(d)?;
                }
                let mut tag = Node::Nil;
                if has_tag {
                    tag = self.item(d, false)?;
                }
                match ty {
                    CLOSXP => {
                        // tag = environment, car = formals, cdr = body
                        self.open_code(CodeKind::Closure, item_at);
                        opened = true;
                        self.item(d, false)?;
                        self.item(d, false)?;
                        return Ok(Node::Other);
                    }
                    PROMSXP => {
                        // tag = environment (absent once forced), car = value, cdr = code
                        let value = self.item(d, false)?;
                        let unforced = has_tag && value == Node::Unbound;
                        let kind = if unforced {
                            CodeKind::Promise
                        } else {
                            CodeKind::ForcedPromise
                        };
                        self.open_code(kind, item_at);
                        opened = true;
                        let code = self.item(d, false)?;
                        let is_call = matches!(code, Node::Call(_));
                        if let Some(f) = self.frame() {
                            f.expr_is_call = is_call;
                        }
                        return Ok(Node::Other);
                    }
                    _ => {}
                }
                let class_attr = matches!(&tag, Node::Sym(s) if s == "class");
                if root
                    && self.view.container == RContainer::RData
                    && let Node::Sym(name) = &tag
                    && self.view.variables.len() < MAX_KEPT
                {
                    self.view.variables.push(name.clone());
                }
                let outer = self.in_class;
                self.in_class = class_attr;
                let car = self.item(d, false);
                self.in_class = outer;
                let car = car?;
                if head.is_none() {
                    head = Some(car.clone());
                }
                if first.len() < 4 {
                    first.push(car);
                }
                // The CDR: another cell of the same list, or its end.
                self.count()?;
                let cdr_at = self.offset();
                let flags = self.int("item flags")?.cast_unsigned();
                let next = (flags & 0xff) as u8;
                match next {
                    LISTSXP | LANGSXP | DOTSXP | ATTRLISTSXP | ATTRLANGSXP => {
                        ty = next;
                        has_attr = flags & (1 << 9) != 0;
                        has_tag = flags & (1 << 10) != 0;
                        item_at = cdr_at;
                    }
                    _ => {
                        // Not a cell: rewind and read it as an item.
                        self.pos = usize::try_from(cdr_at).unwrap_or(self.pos);
                        self.view.nodes = self.view.nodes.saturating_sub(1);
                        self.item(d, false)?;
                        break;
                    }
                }
            }
            Ok(Node::Nil)
        })();
        if opened {
            self.frames.pop();
        }
        let done = result?;
        if done != Node::Nil {
            return Ok(done);
        }
        if matches!(kind, LANGSXP | ATTRLANGSXP) {
            let name = match (head.as_ref(), first.get(1), first.get(2)) {
                (Some(Node::Sym(op)), Some(Node::Sym(pkg)), Some(Node::Sym(fun)))
                    if op == "::" || op == ":::" =>
                {
                    return Ok(Node::Qualified(format!("{pkg}{op}{fun}")));
                }
                (Some(Node::Sym(s) | Node::Qualified(s)), _, _) => s.clone(),
                (Some(Node::Char(s)), _, _) => s.clone(),
                _ => String::new(),
            };
            self.record_call(&name);
            return Ok(Node::Call(name));
        }
        Ok(Node::List(first))
    }

    /// `BCODESXP`: a table size, then the code and its constants.
    fn bytecode(&mut self, depth: u32) -> Result<(), RdsError> {
        let n = self.int("byte-code reps")?;
        let n = usize::try_from(n).map_err(|_| self.invalid("byte-code reps"))?;
        if n > self.remaining() / 4 || n > MAX_REFS {
            return Err(self.truncated("byte-code reps"));
        }
        let mut reps: Vec<Node> = vec![Node::Nil; n];
        self.bc1(&mut reps, depth)
    }

    fn bc1(&mut self, reps: &mut [Node], depth: u32) -> Result<(), RdsError> {
        if depth > MAX_DEPTH {
            return Err(RdsError::Limit {
                limit: "r_nesting_depth",
                value: u64::from(MAX_DEPTH),
                offset: self.offset(),
            });
        }
        let d = depth.saturating_add(1);
        self.item(d, false)?; // the code (an integer vector)
        let n = self.int("byte-code constants")?;
        let n = u64::try_from(n).map_err(|_| self.invalid("byte-code constants"))?;
        self.check_count(n, "byte-code constants")?;
        for _ in 0..n {
            let ty = self.bc_type()?;
            match ty {
                BCODESXP => self.bc1(reps, d)?,
                LANGSXP | LISTSXP | BCREPDEF | BCREPREF | ATTRLANGSXP | ATTRLISTSXP => {
                    self.bc_lang(ty, reps, d)?;
                }
                _ => {
                    self.item(d, false)?;
                }
            }
        }
        Ok(())
    }

    /// A language object inside byte code; pairlist tails are followed in a loop.
    fn bc_lang(&mut self, ty: u8, reps: &mut [Node], depth: u32) -> Result<Node, RdsError> {
        if depth > MAX_DEPTH {
            return Err(RdsError::Limit {
                limit: "r_nesting_depth",
                value: u64::from(MAX_DEPTH),
                offset: self.offset(),
            });
        }
        let d = depth.saturating_add(1);
        let mut ty = ty;
        let mut first: Option<Node> = None;
        loop {
            self.count()?;
            match ty {
                BCREPREF => {
                    let i = self.int("byte-code reference")?;
                    let n = usize::try_from(i)
                        .ok()
                        .and_then(|i| reps.get(i))
                        .cloned()
                        .ok_or_else(|| self.invalid("byte-code reference"))?;
                    return Ok(first.unwrap_or(n));
                }
                BCREPDEF | LANGSXP | LISTSXP | ATTRLANGSXP | ATTRLISTSXP => {
                    let mut pos = None;
                    if ty == BCREPDEF {
                        let p = self.int("byte-code definition")?;
                        pos = Some(
                            usize::try_from(p)
                                .ok()
                                .filter(|p| *p < reps.len())
                                .ok_or_else(|| self.invalid("byte-code definition"))?,
                        );
                        ty = self.bc_type()?;
                    }
                    if matches!(ty, ATTRLANGSXP | ATTRLISTSXP) {
                        self.item(d, false)?;
                    }
                    self.item(d, false)?; // tag
                    let car_ty = self.bc_type()?;
                    let car = self.bc_lang(car_ty, reps, d)?;
                    let node = if matches!(ty, LANGSXP | ATTRLANGSXP) {
                        let name = match &car {
                            Node::Sym(s) | Node::Qualified(s) => s.clone(),
                            _ => String::new(),
                        };
                        self.record_call(&name);
                        Node::Call(name)
                    } else {
                        Node::Other
                    };
                    if let Some(p) = pos
                        && let Some(slot) = reps.get_mut(p)
                    {
                        *slot = node.clone();
                    }
                    if first.is_none() {
                        first = Some(node);
                    }
                    ty = self.bc_type()?;
                }
                _ => {
                    let n = self.item(d, false)?;
                    return Ok(first.unwrap_or(n));
                }
            }
        }
    }

    fn bc_type(&mut self) -> Result<u8, RdsError> {
        u8::try_from(self.int("byte-code type")?).map_err(|_| self.invalid("byte-code type"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// XDR stream writer for tests.
    struct W(Vec<u8>);
    impl W {
        fn new() -> Self {
            let mut w = W(b"X\n".to_vec());
            w.int(3);
            w.int(0x040202);
            w.int(0x030500);
            w.int(5);
            w.0.extend_from_slice(b"UTF-8");
            w
        }
        fn int(&mut self, v: i32) -> &mut Self {
            self.0.extend_from_slice(&v.to_be_bytes());
            self
        }
        fn chars(&mut self, s: &str) -> &mut Self {
            self.int(0x40009);
            self.int(s.len() as i32);
            self.0.extend_from_slice(s.as_bytes());
            self
        }
        fn sym(&mut self, s: &str) -> &mut Self {
            self.int(1);
            self.chars(s)
        }
    }

    fn call_system(w: &mut W) {
        // LANGSXP(system, "echo sentrascan-fixture")
        w.int(6);
        w.sym("system");
        w.int(2);
        w.int(16).int(1).chars("echo sentrascan-fixture");
        w.int(254);
    }

    #[test]
    fn unforced_promise_with_a_call() {
        let mut w = W::new();
        w.int(5 | (1 << 10)); // PROMSXP with tag
        w.int(253); // env = global
        w.int(252); // value = unbound
        call_system(&mut w);
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert!(v.error.is_none(), "{:?}", v.error);
        assert_eq!(v.code.len(), 1);
        assert_eq!(v.code[0].kind, CodeKind::Promise);
        assert!(v.code[0].expr_is_call);
        assert_eq!(v.code[0].calls, ["system"]);
        assert_eq!(v.code[0].strings, ["echo sentrascan-fixture"]);
        assert_eq!(v.trailing, 0);
        assert!(sniff_rds(&w.0));
    }

    #[test]
    fn qualified_call_and_symbol_reference() {
        let mut w = W::new();
        w.int(3 | (1 << 10)); // CLOSXP
        w.int(253);
        w.int(254); // formals
        w.int(6); // base::system("x")
        w.int(6);
        w.sym("::");
        w.int(2);
        w.sym("base");
        w.int(2);
        w.int(0x2ff); // REFSXP index 2 -> "base"? (refs: `::`=1, base=2)
        w.int(254);
        w.int(2);
        w.int(16).int(1).chars("x");
        w.int(254);
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert!(v.error.is_none(), "{:?}", v.error);
        assert_eq!(v.code[0].kind, CodeKind::Closure);
        assert_eq!(v.code[0].calls, ["base::base"]);
    }

    #[test]
    fn truncated_and_hostile_lengths() {
        let mut w = W::new();
        w.int(16).int(i32::MAX);
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert!(matches!(v.error, Some(RdsError::Truncated { .. })));
        let mut w = W::new();
        w.int(255 | (7 << 8));
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert!(matches!(v.error, Some(RdsError::Invalid { .. })));
        assert_eq!(
            parse(b"X\n\0\0\0\x09", &Limits::default()),
            Err(RdsError::NotR)
        );
    }

    #[test]
    fn deep_nesting_is_a_limit() {
        let mut w = W::new();
        for _ in 0..1000 {
            w.int(19).int(1);
        }
        w.int(254);
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert!(matches!(
            v.error,
            Some(RdsError::Limit {
                limit: "r_nesting_depth",
                ..
            })
        ));
    }

    #[test]
    fn ascii_stream() {
        let text = b"A\n3\n262658\n197888\n5\nUTF-8\n16\n1\n262153\n5\nh\\151 x\n";
        let v = parse(text, &Limits::default()).unwrap();
        assert!(v.error.is_none(), "{:?}", v.error);
        assert_eq!(v.encoding, REncoding::Ascii);
        assert_eq!(v.writer_version, "4.2.2");
        assert!(sniff_rds(text));
    }

    #[test]
    fn workspace_variables() {
        let mut w = W::new();
        w.int(2 | (1 << 10));
        w.sym("model");
        w.int(14).int(1);
        w.0.extend_from_slice(&1.5f64.to_be_bytes());
        w.int(254);
        let mut data = b"RDX3\n".to_vec();
        data.extend_from_slice(&w.0);
        let v = parse(&data, &Limits::default()).unwrap();
        assert!(v.error.is_none(), "{:?}", v.error);
        assert_eq!(v.container, RContainer::RData);
        assert_eq!(v.variables, ["model"]);
        assert!(sniff_rdata(&data));
        assert!(!sniff_rds(&data));
    }
}
