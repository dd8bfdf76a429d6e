//! Lua Torch7 files (`torch.save`, `.t7`): a bounded reader of
//! `File:readObject` (torch7 `File.lua`) in the binary (little-endian) and
//! ASCII encodings.
//!
//! Each object starts with a type tag: 0 nil, 1 number, 2 string, 3 table,
//! 4 torch object (`V <version>`, class name, then the object), 5 boolean,
//! 6 function, 7 and 8 functions saved with references. A function is Lua
//! byte code (`string.dump`) that `loadstring` compiles on load and that
//! runs whenever the object uses it; the reader records each one with the
//! printable strings of its byte code. Tables, torch objects and functions
//! are numbered, and a number seen before is a reference: the table of
//! indices is bounded ([`MAX_REFS`]). Tensors and storages have their own
//! layout (sizes, strides, offset; a storage's element count and raw data),
//! read with `long` as 8 bytes (4 is tried when 8 does not fit).

use std::collections::{BTreeMap, HashSet};

use crate::Limits;

/// Nesting depth of tables and objects.
pub const MAX_DEPTH: u32 = 96;
/// Objects read per file.
pub const MAX_OBJECTS: u64 = 50_000_000;
/// Distinct object indices remembered.
pub const MAX_REFS: usize = 4_000_000;
/// Functions kept in the view.
pub const MAX_FUNCTIONS: usize = 1_000;
/// Printable strings kept per function.
const MAX_STRINGS: usize = 32;
/// Class names kept.
const MAX_CLASSES: usize = 1_000;

const TYPE_NIL: i32 = 0;
const TYPE_NUMBER: i32 = 1;
const TYPE_STRING: i32 = 2;
const TYPE_TABLE: i32 = 3;
const TYPE_TORCH: i32 = 4;
const TYPE_BOOLEAN: i32 = 5;
const TYPE_FUNCTION: i32 = 6;
const TYPE_RECUR_FUNCTION: i32 = 7;
const TYPE_LEGACY_RECUR_FUNCTION: i32 = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum T7Error {
    #[error("not a Torch7 file")]
    NotTorch7,
    #[error("file ends early at offset {offset:#x} (reading {what})")]
    Truncated { offset: u64, what: &'static str },
    #[error("invalid {what} at offset {offset:#x}")]
    Invalid { offset: u64, what: String },
    #[error("limit `{limit}` ({value}) reached at offset {offset:#x}")]
    Limit {
        limit: &'static str,
        value: u64,
        offset: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T7Encoding {
    Binary,
    Ascii,
}

/// A serialised Lua function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct T7Function {
    pub offset: u64,
    /// Type tag: 6, 7 or 8.
    pub tag: i32,
    pub bytecode_len: u64,
    /// `Lua 5.1`, `LuaJIT`, `Lua 5.2`… from the byte-code header, or `unknown`.
    pub dialect: String,
    /// Printable runs in the byte code (constants, names), in order.
    pub strings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct T7View {
    pub encoding: T7Encoding,
    /// Bytes per `long` (8, or 4 for files written on 32-bit or Windows builds).
    pub long_size: u8,
    pub functions: Vec<T7Function>,
    pub functions_dropped: u64,
    /// Class name → objects of that class.
    pub classes: BTreeMap<String, u64>,
    pub objects: u64,
    pub tensors: u64,
    /// Bytes after the first object.
    pub trailing: u64,
    pub error: Option<T7Error>,
}

/// Whether `data` starts like a Torch7 object (binary or ASCII).
pub fn sniff(data: &[u8]) -> bool {
    sniff_binary(data) || sniff_ascii(data)
}

fn le(data: &[u8], at: usize) -> Option<i32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(i32::from_le_bytes(b.try_into().ok()?))
}

fn plausible_class(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_'))
        && name.contains(&b'.')
}

fn sniff_binary(data: &[u8]) -> bool {
    match (le(data, 0), le(data, 4)) {
        (Some(TYPE_TORCH), Some(1)) => {
            let Some(vlen) = le(data, 8).and_then(|n| usize::try_from(n).ok()) else {
                return false;
            };
            if data.get(12..15) != Some(b"V 1") || vlen != 3 {
                return false;
            }
            let Some(clen) = le(data, 15).and_then(|n| usize::try_from(n).ok()) else {
                return false;
            };
            data.get(19..19usize.saturating_add(clen))
                .is_some_and(plausible_class)
        }
        (Some(TYPE_TABLE), Some(1)) => {
            // A table of at most 2^24 entries whose first key is a string or number.
            let size = le(data, 8);
            let key = le(data, 12);
            match (size, key) {
                (Some(0), None) => true,
                (Some(s), Some(TYPE_STRING)) if (1..1 << 24).contains(&s) => le(data, 16)
                    .and_then(|n| usize::try_from(n).ok())
                    .is_some_and(|n| {
                        n <= 256
                            && data
                                .get(20..20usize.saturating_add(n))
                                .is_some_and(|k| k.iter().all(|c| c.is_ascii_graphic()))
                    }),
                (Some(s), Some(TYPE_NUMBER)) if (1..1 << 24).contains(&s) => {
                    data.len() >= 24 && le(data, 24).is_some_and(|t| (0..=8).contains(&t))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn sniff_ascii(data: &[u8]) -> bool {
    data.starts_with(b"4\n1\n3\nV 1\n")
        || data.starts_with(b"3\n1\n") && {
            let rest = data.get(4..).unwrap_or(&[]);
            let line = rest.split(|c| *c == b'\n').next().unwrap_or(&[]);
            !line.is_empty()
                && line.len() < 10
                && line.iter().all(u8::is_ascii_digit)
                && rest
                    .get(line.len().saturating_add(1)..)
                    .is_some_and(|r| r.starts_with(b"1\n") || r.starts_with(b"2\n"))
        }
}

/// Reads the first object of a Torch7 file.
pub fn parse(data: &[u8], limits: &Limits) -> Result<T7View, T7Error> {
    let encoding = if sniff_binary(data) {
        T7Encoding::Binary
    } else if sniff_ascii(data) {
        T7Encoding::Ascii
    } else {
        return Err(T7Error::NotTorch7);
    };
    let first = run(data, limits, encoding, 8);
    if encoding == T7Encoding::Binary && first.error.is_some() {
        let second = run(data, limits, encoding, 4);
        if second.error.is_none() {
            return Ok(second);
        }
    }
    Ok(first)
}

fn run(data: &[u8], limits: &Limits, encoding: T7Encoding, long_size: u8) -> T7View {
    let mut r = Reader {
        data,
        pos: 0,
        encoding,
        long_size,
        limits,
        seen: HashSet::new(),
        view: T7View {
            encoding,
            long_size,
            functions: Vec::new(),
            functions_dropped: 0,
            classes: BTreeMap::new(),
            objects: 0,
            tensors: 0,
            trailing: 0,
            error: None,
        },
    };
    match r.object(0) {
        Ok(()) => {
            let rest = data.get(r.pos..).unwrap_or(&[]);
            r.view.trailing = match encoding {
                T7Encoding::Ascii => rest.iter().filter(|c| !c.is_ascii_whitespace()).count(),
                T7Encoding::Binary => rest.len(),
            } as u64;
        }
        Err(e) => r.view.error = Some(e),
    }
    r.view
}

struct Reader<'a, 'l> {
    data: &'a [u8],
    pos: usize,
    encoding: T7Encoding,
    long_size: u8,
    limits: &'l Limits,
    seen: HashSet<i32>,
    view: T7View,
}

impl<'a> Reader<'a, '_> {
    fn offset(&self) -> u64 {
        self.pos as u64
    }

    fn truncated(&self, what: &'static str) -> T7Error {
        T7Error::Truncated {
            offset: self.offset(),
            what,
        }
    }

    fn invalid(&self, what: impl Into<String>) -> T7Error {
        T7Error::Invalid {
            offset: self.offset(),
            what: what.into(),
        }
    }

    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], T7Error> {
        crate::cursor::take(self.data, &mut self.pos, n).ok_or_else(|| self.truncated(what))
    }

    /// An ASCII scalar: a word, then an optional newline.
    fn word(&mut self, what: &'static str) -> Result<&'a str, T7Error> {
        let w = match crate::cursor::ascii_word(self.data, &mut self.pos, 64) {
            Ok(w) => w,
            Err(crate::cursor::WordError::TooLong) => {
                return Err(self.invalid(format!("{what} (word too long)")));
            }
            Err(crate::cursor::WordError::Missing) => return Err(self.truncated(what)),
        };
        std::str::from_utf8(w).map_err(|_| self.invalid(what))
    }

    fn int(&mut self, what: &'static str) -> Result<i32, T7Error> {
        match self.encoding {
            T7Encoding::Binary => {
                let b = self.take(4, what)?;
                Ok(i32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
            }
            T7Encoding::Ascii => {
                let w = self.word(what)?;
                w.parse().map_err(|_| self.invalid(what))
            }
        }
    }

    fn long(&mut self, what: &'static str) -> Result<i64, T7Error> {
        match self.encoding {
            T7Encoding::Binary if self.long_size == 4 => Ok(i64::from(self.int(what)?)),
            T7Encoding::Binary => {
                let b = self.take(8, what)?;
                Ok(i64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            }
            T7Encoding::Ascii => {
                let w = self.word(what)?;
                w.parse().map_err(|_| self.invalid(what))
            }
        }
    }

    fn double(&mut self) -> Result<(), T7Error> {
        match self.encoding {
            T7Encoding::Binary => self.take(8, "number").map(|_| ()),
            T7Encoding::Ascii => self.word("number").map(|_| ()),
        }
    }

    /// `n` raw characters (ASCII files write them raw too, then a newline).
    fn chars(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], T7Error> {
        if self.encoding == T7Encoding::Ascii {
            if self.data.get(self.pos) == Some(&b'\n') {
                self.pos = self.pos.saturating_add(1);
            }
            let s = self.take(n, what)?;
            if n > 0 && self.data.get(self.pos) == Some(&b'\n') {
                self.pos = self.pos.saturating_add(1);
            }
            return Ok(s);
        }
        self.take(n, what)
    }

    fn string(&mut self, what: &'static str) -> Result<&'a [u8], T7Error> {
        let n = self.int(what)?;
        let n = usize::try_from(n).map_err(|_| self.invalid(format!("{what} length {n}")))?;
        self.chars(n, what)
    }

    fn object(&mut self, depth: u32) -> Result<(), T7Error> {
        if depth > MAX_DEPTH {
            return Err(T7Error::Limit {
                limit: "torch7_nesting_depth",
                value: u64::from(MAX_DEPTH),
                offset: self.offset(),
            });
        }
        self.view.objects = self.view.objects.saturating_add(1);
        if self.view.objects > MAX_OBJECTS {
            return Err(T7Error::Limit {
                limit: "torch7_objects",
                value: MAX_OBJECTS,
                offset: self.offset(),
            });
        }
        if self.view.objects.is_multiple_of(65_536) && self.limits.out_of_time() {
            return Err(T7Error::Limit {
                limit: "time_budget",
                value: 0,
                offset: self.offset(),
            });
        }
        let at = self.offset();
        let d = depth.saturating_add(1);
        let tag = self.int("type tag")?;
        match tag {
            TYPE_NIL => Ok(()),
            TYPE_NUMBER => self.double(),
            TYPE_BOOLEAN => self.int("boolean").map(|_| ()),
            TYPE_STRING => self.string("string").map(|_| ()),
            TYPE_FUNCTION => self.function(tag, at, d),
            TYPE_TABLE | TYPE_TORCH | TYPE_RECUR_FUNCTION | TYPE_LEGACY_RECUR_FUNCTION => {
                let index = self.int("object index")?;
                if self.seen.contains(&index) {
                    return Ok(());
                }
                if self.seen.len() >= MAX_REFS {
                    return Err(T7Error::Limit {
                        limit: "torch7_references",
                        value: MAX_REFS as u64,
                        offset: self.offset(),
                    });
                }
                self.seen.insert(index);
                match tag {
                    TYPE_TABLE => self.table(d),
                    TYPE_TORCH => self.torch(d),
                    _ => self.function(tag, at, d),
                }
            }
            other => Err(self.invalid(format!("type tag {other}"))),
        }
    }

    fn table(&mut self, depth: u32) -> Result<(), T7Error> {
        let size = self.int("table size")?;
        let size = u64::try_from(size).map_err(|_| self.invalid("table size"))?;
        // Each key and value takes at least one tag.
        let min = if self.encoding == T7Encoding::Binary {
            8
        } else {
            4
        };
        if size > (self.remaining() as u64).checked_div(min).unwrap_or(0) {
            return Err(self.truncated("table"));
        }
        for _ in 0..size {
            self.object(depth)?;
            self.object(depth)?;
        }
        Ok(())
    }

    fn function(&mut self, tag: i32, at: u64, depth: u32) -> Result<(), T7Error> {
        let code = self.string("function byte code")?;
        if self.view.functions.len() < MAX_FUNCTIONS {
            self.view.functions.push(T7Function {
                offset: at,
                tag,
                bytecode_len: code.len() as u64,
                dialect: dialect(code).to_string(),
                strings: printable_runs(code),
            });
        } else {
            self.view.functions_dropped = self.view.functions_dropped.saturating_add(1);
        }
        // The upvalues: a table.
        self.object(depth)
    }

    fn torch(&mut self, depth: u32) -> Result<(), T7Error> {
        let version = self.string("class version")?;
        let class = if version.starts_with(b"V ") {
            self.string("class name")?
        } else {
            version
        };
        let class = String::from_utf8_lossy(class).into_owned();
        if !plausible_class(class.as_bytes())
            && !class.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(self.invalid(format!("class name {class:?}")));
        }
        if self.view.classes.len() < MAX_CLASSES || self.view.classes.contains_key(&class) {
            let n = self.view.classes.entry(class.clone()).or_insert(0);
            *n = n.saturating_add(1);
        }
        if let Some(size) = storage_element_size(&class) {
            let n = self.long("storage size")?;
            let n = u64::try_from(n).map_err(|_| self.invalid("storage size"))?;
            return match self.encoding {
                T7Encoding::Binary => {
                    let bytes = n
                        .checked_mul(size)
                        .and_then(|b| usize::try_from(b).ok())
                        .ok_or_else(|| self.truncated("storage data"))?;
                    self.take(bytes, "storage data").map(|_| ())
                }
                T7Encoding::Ascii if size == 1 => {
                    let n = usize::try_from(n).map_err(|_| self.truncated("storage data"))?;
                    self.chars(n, "storage data").map(|_| ())
                }
                T7Encoding::Ascii => {
                    if n > self.remaining() as u64 / 2 {
                        return Err(self.truncated("storage data"));
                    }
                    for _ in 0..n {
                        self.word("storage element")?;
                    }
                    Ok(())
                }
            };
        }
        if is_tensor_class(&class) {
            self.view.tensors = self.view.tensors.saturating_add(1);
            let dims = self.int("tensor dimensions")?;
            let dims = u64::try_from(dims)
                .ok()
                .filter(|d| *d <= 64)
                .ok_or_else(|| self.invalid(format!("tensor dimensions {dims}")))?;
            for _ in 0..dims.saturating_mul(2) {
                self.long("tensor size or stride")?;
            }
            self.long("storage offset")?;
            return self.object(depth);
        }
        // Any other class (`nn.*` modules): its fields as a table.
        self.object(depth)
    }
}

/// Byte-code dialect from the header `string.dump` writes.
fn dialect(code: &[u8]) -> &'static str {
    match code {
        [0x1b, b'L', b'J', ..] => "LuaJIT",
        [0x1b, b'L', b'u', b'a', 0x51, ..] => "Lua 5.1",
        [0x1b, b'L', b'u', b'a', 0x52, ..] => "Lua 5.2",
        [0x1b, b'L', b'u', b'a', 0x53, ..] => "Lua 5.3",
        [0x1b, b'L', b'u', b'a', 0x54, ..] => "Lua 5.4",
        [0x1b, b'L', b'u', b'a', ..] => "Lua",
        _ => "unknown",
    }
}

/// Runs of at least four printable characters.
fn printable_runs(code: &[u8]) -> Vec<String> {
    code.split(|c| !(c.is_ascii_graphic() || *c == b' '))
        .filter(|r| r.len() >= 4)
        .take(MAX_STRINGS)
        .map(|r| String::from_utf8_lossy(r.get(..r.len().min(256)).unwrap_or(r)).into_owned())
        .collect()
}

/// Element size of `torch.<T>Storage` and `torch.Cuda<T>Storage`.
fn storage_element_size(class: &str) -> Option<u64> {
    let t = class.strip_prefix("torch.")?.strip_suffix("Storage")?;
    element_size(t.strip_prefix("Cuda").unwrap_or(t))
}

fn element_size(t: &str) -> Option<u64> {
    Some(match t {
        "Byte" | "Char" => 1,
        "Short" | "Half" => 2,
        "Int" | "Float" | "" => 4,
        "Long" | "Double" => 8,
        _ => return None,
    })
}

fn is_tensor_class(class: &str) -> bool {
    class
        .strip_prefix("torch.")
        .and_then(|c| c.strip_suffix("Tensor"))
        .is_some_and(|t| element_size(t.strip_prefix("Cuda").unwrap_or(t)).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct W(Vec<u8>);
    impl W {
        fn int(&mut self, v: i32) -> &mut Self {
            self.0.extend_from_slice(&v.to_le_bytes());
            self
        }
        fn long(&mut self, v: i64) -> &mut Self {
            self.0.extend_from_slice(&v.to_le_bytes());
            self
        }
        fn str(&mut self, s: &[u8]) -> &mut Self {
            self.int(s.len() as i32);
            self.0.extend_from_slice(s);
            self
        }
    }

    #[test]
    fn tensor_in_a_module_with_a_function() {
        let mut w = W(Vec::new());
        w.int(4).int(1).str(b"V 1").str(b"nn.Linear");
        w.int(3).int(2).int(2);
        w.int(2).str(b"weight");
        w.int(4).int(3).str(b"V 1").str(b"torch.FloatTensor");
        w.int(1).long(2).long(1).long(1);
        w.int(4).int(4).str(b"V 1").str(b"torch.FloatStorage");
        w.long(2);
        w.0.extend_from_slice(&[0; 8]);
        w.int(2).str(b"hook");
        w.int(7)
            .int(5)
            .str(b"\x1bLuaQ\0os.execute\0echo sentrascan-fixture");
        w.int(3).int(6).int(0);
        assert!(sniff(&w.0));
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert_eq!(v.error, None);
        assert_eq!(v.tensors, 1);
        assert_eq!(v.functions.len(), 1);
        assert_eq!(v.functions[0].dialect, "Lua 5.1");
        assert!(v.functions[0].strings.contains(&"os.execute".to_string()));
        assert_eq!(v.classes.get("nn.Linear"), Some(&1));
        assert_eq!(v.trailing, 0);
    }

    #[test]
    fn references_and_hostile_sizes() {
        let mut w = W(Vec::new());
        w.int(3).int(1).int(1).int(1);
        w.0.extend_from_slice(&[0; 8]);
        w.int(3).int(1); // reference to the table itself
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert_eq!(v.error, None);
        let mut w = W(Vec::new());
        w.int(3).int(1).int(0x7f_ffff).int(2).int(1);
        w.0.push(b'a');
        assert!(parse(&w.0, &Limits::default()).unwrap().error.is_some());
        assert_eq!(parse(b"hello", &Limits::default()), Err(T7Error::NotTorch7));
    }

    #[test]
    fn deep_nesting_is_a_limit() {
        let mut w = W(Vec::new());
        for i in 0..2000 {
            w.int(3).int(i + 1).int(1).int(1);
            w.0.extend_from_slice(&[0; 8]);
        }
        let v = parse(&w.0, &Limits::default()).unwrap();
        assert!(matches!(v.error, Some(T7Error::Limit { .. })));
    }

    #[test]
    fn ascii_file() {
        let data = b"4\n1\n3\nV 1\n18\ntorch.DoubleTensor\n1\n2\n1\n1\n4\n2\n3\nV 1\n19\ntorch.DoubleStorage\n2\n1.5 2.5\n";
        assert!(sniff(data));
        let v = parse(data, &Limits::default()).unwrap();
        assert_eq!(v.error, None);
        assert_eq!(v.encoding, T7Encoding::Ascii);
        assert_eq!(v.tensors, 1);
    }
}
