//! NumPy `.npy` files (format versions 1 to 3): the header is a Python dict
//! literal, parsed here by a small bounded literal parser, never evaluated.

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyView {
    pub version: (u8, u8),
    /// The `descr` entry as written (`'<f4'`, or a structured list).
    pub descr: String,
    pub fortran_order: bool,
    pub shape: Vec<u64>,
    /// Offset of the array data (or of the pickle, for object arrays).
    pub data_offset: u64,
    /// The dtype holds Python objects: the data is a pickle.
    pub has_object: bool,
    /// Bytes per element, when the dtype has a fixed size.
    pub itemsize: Option<u64>,
    /// Bytes the data must have, for fixed-size dtypes.
    pub expected_data_len: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NpyError {
    #[error("not an .npy file (bad magic)")]
    BadMagic,
    #[error("unsupported .npy format version {0}.{1}")]
    Version(u8, u8),
    #[error("header of {declared} bytes runs past the end of the file")]
    Truncated { declared: u64 },
    #[error("header is not a valid dict literal: {0}")]
    Header(String),
}

/// Headers larger than this are rejected (NumPy itself caps them at 10 KiB
/// by default for safety; large structured dtypes need more).
pub const MAX_HEADER: u64 = 1 << 20;
const MAX_DEPTH: u32 = 32;

pub fn sniff(data: &[u8]) -> bool {
    data.starts_with(b"\x93NUMPY")
}

pub fn parse(data: &[u8]) -> Result<NpyView, NpyError> {
    if !sniff(data) {
        return Err(NpyError::BadMagic);
    }
    let (major, minor) = match (data.get(6), data.get(7)) {
        (Some(&a), Some(&b)) => (a, b),
        _ => return Err(NpyError::Truncated { declared: 0 }),
    };
    let (len, start): (u64, u64) = match major {
        1 => (
            u64::from(u16::from_le_bytes([
                *data.get(8).ok_or(NpyError::Truncated { declared: 0 })?,
                *data.get(9).ok_or(NpyError::Truncated { declared: 0 })?,
            ])),
            10,
        ),
        2 | 3 => {
            let b = data.get(8..12).ok_or(NpyError::Truncated { declared: 0 })?;
            let mut a = [0u8; 4];
            a.copy_from_slice(b);
            (u64::from(u32::from_le_bytes(a)), 12)
        }
        _ => return Err(NpyError::Version(major, minor)),
    };
    if len > MAX_HEADER {
        return Err(NpyError::Header(format!(
            "header of {len} bytes exceeds the {MAX_HEADER}-byte limit"
        )));
    }
    let end = start.saturating_add(len);
    let header = usize::try_from(start)
        .ok()
        .zip(usize::try_from(end).ok())
        .and_then(|(s, e)| data.get(s..e))
        .ok_or(NpyError::Truncated { declared: len })?;
    let text = std::str::from_utf8(header).map_err(|_| NpyError::Header("not UTF-8".into()))?;
    let lit = Parser {
        s: text.as_bytes(),
        pos: 0,
    }
    .parse_top()?;
    let Lit::Dict(pairs) = lit else {
        return Err(NpyError::Header("not a dict".into()));
    };
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| matches!(key, Lit::Str(s) if s == k))
            .map(|(_, v)| v)
    };
    let descr_lit = get("descr").ok_or_else(|| NpyError::Header("no 'descr'".into()))?;
    let fortran_order = match get("fortran_order") {
        Some(Lit::Bool(b)) => *b,
        _ => return Err(NpyError::Header("'fortran_order' is not a bool".into())),
    };
    let shape = match get("shape") {
        Some(Lit::Tuple(items)) => items
            .iter()
            .map(|i| match i {
                Lit::Int(n) => {
                    u64::try_from(*n).map_err(|_| NpyError::Header("negative dimension".into()))
                }
                _ => Err(NpyError::Header("non-integer dimension".into())),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(NpyError::Header("'shape' is not a tuple".into())),
    };
    let (itemsize, has_object) = dtype_size(descr_lit, 0)?;
    let count = shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d));
    let expected_data_len = match (itemsize, count) {
        (Some(i), Some(c)) if !has_object => c.checked_mul(i),
        _ => None,
    };
    Ok(NpyView {
        version: (major, minor),
        descr: descr_lit.to_string(),
        fortran_order,
        shape,
        data_offset: end,
        has_object,
        itemsize,
        expected_data_len,
    })
}

/// Item size and whether the dtype holds objects.
fn dtype_size(d: &Lit, depth: u32) -> Result<(Option<u64>, bool), NpyError> {
    if depth > MAX_DEPTH {
        return Err(NpyError::Header("dtype nests too deeply".into()));
    }
    match d {
        Lit::Str(s) => {
            let body = s.trim_start_matches(['<', '>', '|', '=']);
            let kind = body.chars().next().unwrap_or(' ');
            if kind == 'O' {
                return Ok((None, true));
            }
            let digits: String = body
                .chars()
                .skip(1)
                .take_while(char::is_ascii_digit)
                .collect();
            let n: Option<u64> = digits.parse().ok();
            let size = match kind {
                'U' | 'w' => n.and_then(|n| n.checked_mul(4)),
                'b' | 'i' | 'u' | 'f' | 'c' | 'S' | 'a' | 'V' | 'M' | 'm' => n,
                '?' => Some(1),
                _ => return Err(NpyError::Header(format!("unknown dtype {s:?}"))),
            };
            Ok((size, false))
        }
        Lit::List(fields) => {
            let mut total = Some(0u64);
            let mut object = false;
            for f in fields {
                let Lit::Tuple(parts) = f else {
                    return Err(NpyError::Header("structured field is not a tuple".into()));
                };
                let (Some(_name), Some(ty)) = (parts.first(), parts.get(1)) else {
                    return Err(NpyError::Header(
                        "structured field lacks name or type".into(),
                    ));
                };
                let (size, obj) = dtype_size(ty, depth.saturating_add(1))?;
                object |= obj;
                let mult = match parts.get(2) {
                    Some(Lit::Tuple(dims)) => dims.iter().try_fold(1u64, |a, d| match d {
                        Lit::Int(n) => u64::try_from(*n).ok().and_then(|n| a.checked_mul(n)),
                        _ => None,
                    }),
                    Some(Lit::Int(n)) => u64::try_from(*n).ok(),
                    _ => Some(1),
                };
                total = match (total, size, mult) {
                    (Some(t), Some(s), Some(m)) => s.checked_mul(m).and_then(|x| t.checked_add(x)),
                    _ => None,
                };
            }
            Ok((total, object))
        }
        _ => Err(NpyError::Header(
            "'descr' is neither a string nor a list".into(),
        )),
    }
}

/// A Python literal, as far as `.npy` headers use them.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Int(i64),
    Bool(bool),
    None,
    Tuple(Vec<Lit>),
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

impl std::fmt::Display for Lit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seq = |f: &mut std::fmt::Formatter<'_>, items: &[Lit], o: &str, c: &str| {
            f.write_str(o)?;
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{x}")?;
            }
            f.write_str(c)
        };
        match self {
            Lit::Str(s) => write!(f, "'{s}'"),
            Lit::Int(i) => write!(f, "{i}"),
            Lit::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Lit::None => f.write_str("None"),
            Lit::Tuple(t) => seq(f, t, "(", ")"),
            Lit::List(l) => seq(f, l, "[", "]"),
            Lit::Dict(d) => {
                f.write_str("{")?;
                for (i, (k, v)) in d.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> NpyError {
        NpyError::Header(format!("{what} at byte {}", self.pos))
    }

    fn ws(&mut self) {
        while self.s.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos = self.pos.saturating_add(1);
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos = self.pos.saturating_add(1);
            true
        } else {
            false
        }
    }

    fn parse_top(mut self) -> Result<Lit, NpyError> {
        let v = self.value(0)?;
        self.ws();
        if self.pos != self.s.len() {
            return Err(self.err("trailing characters"));
        }
        Ok(v)
    }

    fn seq(&mut self, close: u8, depth: u32) -> Result<(Vec<Lit>, bool), NpyError> {
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            if self.eat(close) {
                return Ok((items, trailing_comma));
            }
            if items.len() >= 4096 {
                return Err(self.err("too many items"));
            }
            items.push(self.value(depth.saturating_add(1))?);
            trailing_comma = self.eat(b',');
            if !trailing_comma {
                return if self.eat(close) {
                    Ok((items, false))
                } else {
                    Err(self.err("expected ',' or closing bracket"))
                };
            }
        }
    }

    fn value(&mut self, depth: u32) -> Result<Lit, NpyError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        match self.peek() {
            Some(b'{') => {
                self.pos = self.pos.saturating_add(1);
                let mut pairs = Vec::new();
                loop {
                    if self.eat(b'}') {
                        return Ok(Lit::Dict(pairs));
                    }
                    let k = self.value(depth.saturating_add(1))?;
                    if !self.eat(b':') {
                        return Err(self.err("expected ':'"));
                    }
                    let v = self.value(depth.saturating_add(1))?;
                    pairs.push((k, v));
                    if !self.eat(b',') {
                        return if self.eat(b'}') {
                            Ok(Lit::Dict(pairs))
                        } else {
                            Err(self.err("expected ',' or '}'"))
                        };
                    }
                }
            }
            Some(b'(') => {
                self.pos = self.pos.saturating_add(1);
                let (items, trailing) = self.seq(b')', depth)?;
                // `(x)` is x, `(x,)` is a tuple.
                if items.len() == 1 && !trailing {
                    return items.into_iter().next().ok_or_else(|| self.err("empty"));
                }
                Ok(Lit::Tuple(items))
            }
            Some(b'[') => {
                self.pos = self.pos.saturating_add(1);
                Ok(Lit::List(self.seq(b']', depth)?.0))
            }
            Some(q @ (b'\'' | b'"')) => {
                self.pos = self.pos.saturating_add(1);
                let start = self.pos;
                while let Some(&c) = self.s.get(self.pos) {
                    if c == q {
                        let body = self.s.get(start..self.pos).unwrap_or(&[]);
                        self.pos = self.pos.saturating_add(1);
                        return Ok(Lit::Str(String::from_utf8_lossy(body).into_owned()));
                    }
                    if c == b'\\' {
                        return Err(self.err("escapes are not used in .npy headers"));
                    }
                    self.pos = self.pos.saturating_add(1);
                }
                Err(self.err("unterminated string"))
            }
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                let start = self.pos;
                self.pos = self.pos.saturating_add(1);
                while self
                    .s
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'L')
                {
                    self.pos = self.pos.saturating_add(1);
                }
                let t =
                    std::str::from_utf8(self.s.get(start..self.pos).unwrap_or(&[])).unwrap_or("");
                t.trim_end_matches('L')
                    .parse()
                    .map(Lit::Int)
                    .map_err(|_| self.err("bad integer"))
            }
            Some(_) => {
                for (word, lit) in [
                    ("True", Lit::Bool(true)),
                    ("False", Lit::Bool(false)),
                    ("None", Lit::None),
                ] {
                    if self
                        .s
                        .get(self.pos..)
                        .is_some_and(|r| r.starts_with(word.as_bytes()))
                    {
                        self.pos = self.pos.saturating_add(word.len());
                        return Ok(lit);
                    }
                }
                Err(self.err("unexpected character"))
            }
            None => Err(self.err("unexpected end")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str) -> Vec<u8> {
        let mut h = header.to_string();
        while !(10 + h.len() + 1).is_multiple_of(64) {
            h.push(' ');
        }
        h.push('\n');
        let mut v = b"\x93NUMPY\x01\x00".to_vec();
        v.extend((h.len() as u16).to_le_bytes());
        v.extend(h.as_bytes());
        v
    }

    #[test]
    fn numeric_header() {
        let v = parse(&npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }",
        ))
        .unwrap();
        assert_eq!(v.shape, vec![3, 4]);
        assert_eq!(v.itemsize, Some(4));
        assert_eq!(v.expected_data_len, Some(48));
        assert!(!v.has_object);
    }

    #[test]
    fn object_and_structured_headers() {
        let v = parse(&npy(
            "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }",
        ))
        .unwrap();
        assert!(v.has_object);
        let v = parse(&npy("{'descr': [('a', '<i4'), ('b', '<U3', (2,)), ('c', '|O')], 'fortran_order': False, 'shape': (5,), }")).unwrap();
        assert!(v.has_object);
        let v = parse(&npy(
            "{'descr': [('a', '<i4'), ('b', '<U3', (2,))], 'fortran_order': True, 'shape': (), }",
        ))
        .unwrap();
        assert_eq!(v.itemsize, Some(4 + 24));
        assert_eq!(v.expected_data_len, Some(28));
    }

    #[test]
    fn hostile_headers_are_errors() {
        assert!(
            parse(&npy(
                "{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,)}"
            ))
            .is_err()
        );
        assert!(
            parse(&npy(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"
            ))
            .is_err()
        );
        assert!(
            parse(&npy(&format!(
                "{{'descr': {}'<f4'{}, 'fortran_order': False, 'shape': (1,)}}",
                "[".repeat(100),
                "]".repeat(100)
            )))
            .is_err()
        );
        let mut v = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}");
        v[8] = 0xff;
        v[9] = 0xff;
        assert!(matches!(parse(&v), Err(NpyError::Truncated { .. })));
    }
}
