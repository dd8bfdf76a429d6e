//! A bounded MessagePack reader: bytes in, a tree of values that borrow
//! their strings and binaries from the input. Nesting depth and the number
//! of values are limited, and every length is checked against the bytes
//! actually present before anything is read.

use thiserror::Error;

/// Containers nested deeper than this are refused.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MsgpackError {
    #[error("{what} at offset {offset:#x} runs past the end of the data")]
    Truncated { what: &'static str, offset: u64 },
    #[error("byte {byte:#04x} at offset {offset:#x} is not a MessagePack type")]
    InvalidByte { byte: u8, offset: u64 },
    #[error("containers nested deeper than {MAX_DEPTH} at offset {offset:#x}")]
    TooDeep { offset: u64 },
    #[error("more than {limit} values")]
    TooManyValues { limit: u64 },
    #[error("the data is empty")]
    Empty,
}

/// One decoded value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// Raw bytes of a `str` (not checked for UTF-8: `raw=True` readers keep bytes).
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
    Ext(i8, &'a [u8]),
}

/// A value and the offset of its first byte.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub offset: u64,
    pub value: Value<'a>,
}

impl<'a> Node<'a> {
    /// The string (or binary) as text, when it is UTF-8.
    pub fn as_text(&self) -> Option<&'a str> {
        match self.value {
            Value::Str(b) | Value::Bin(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }

    /// The bytes of a `str` or `bin`.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.value {
            Value::Str(b) | Value::Bin(b) => Some(b),
            _ => None,
        }
    }

    /// A non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self.value {
            Value::UInt(n) => Some(n),
            Value::Int(n) => u64::try_from(n).ok(),
            _ => None,
        }
    }

    /// The value of `key` (a str or bin key) in a map.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_bytes() == Some(key.as_bytes()))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The first value of `data`, and the offset just after it.
pub fn parse(data: &[u8], max_values: u64) -> Result<(Node<'_>, usize), MsgpackError> {
    if data.is_empty() {
        return Err(MsgpackError::Empty);
    }
    let mut r = Reader {
        data,
        pos: 0,
        values: 0,
        max_values,
    };
    let node = r.value(0)?;
    Ok((node, r.pos))
}

/// True when `data` holds exactly one MessagePack value whose top level is a
/// map (Flax state dicts, msgpack-numpy payloads), read within `max_values`.
pub fn is_single_map(data: &[u8], max_values: u64) -> bool {
    matches!(data.first(), Some(0x80..=0x8f | 0xde | 0xdf))
        && parse(data, max_values).is_ok_and(|(n, end)| {
            end == data.len() && matches!(&n.value, Value::Map(m) if !m.is_empty())
        })
}

/// 2ⁱ bytes: the width selected by the low bits of a type byte.
fn width(i: u8) -> usize {
    match i {
        0 => 1,
        1 => 2,
        2 => 4,
        3 => 8,
        _ => 16,
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    values: u64,
    max_values: u64,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], MsgpackError> {
        let offset = self.pos as u64;
        crate::cursor::take(self.data, &mut self.pos, n)
            .ok_or(MsgpackError::Truncated { what, offset })
    }

    fn be(&mut self, n: usize, what: &'static str) -> Result<u64, MsgpackError> {
        Ok(self
            .take(n, what)?
            .iter()
            .fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b)))
    }

    fn len(&mut self, n: usize, what: &'static str) -> Result<usize, MsgpackError> {
        let v = self.be(n, what)?;
        usize::try_from(v).map_err(|_| MsgpackError::Truncated {
            what,
            offset: self.pos as u64,
        })
    }

    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, MsgpackError> {
        let offset = self.pos as u64;
        self.values = self.values.saturating_add(1);
        if self.values > self.max_values {
            return Err(MsgpackError::TooManyValues {
                limit: self.max_values,
            });
        }
        let tag = *self.take(1, "type byte")?.first().unwrap_or(&0xc1);
        let value = match tag {
            0x00..=0x7f => Value::UInt(u64::from(tag)),
            0xe0..=0xff => Value::Int(i64::from(tag as i8)),
            0x80..=0x8f => self.map(usize::from(tag & 0x0f), depth, offset)?,
            0x90..=0x9f => self.array(usize::from(tag & 0x0f), depth, offset)?,
            0xa0..=0xbf => Value::Str(self.take(usize::from(tag & 0x1f), "str")?),
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.len(width(tag.wrapping_sub(0xc4)), "bin length")?;
                Value::Bin(self.take(n, "bin")?)
            }
            0xc7..=0xc9 => {
                let n = self.len(width(tag.wrapping_sub(0xc7)), "ext length")?;
                let code = self.be(1, "ext type")? as u8 as i8;
                Value::Ext(code, self.take(n, "ext")?)
            }
            0xca => Value::Float(f64::from(f32::from_bits(self.be(4, "float32")? as u32))),
            0xcb => Value::Float(f64::from_bits(self.be(8, "float64")?)),
            0xcc..=0xcf => Value::UInt(self.be(width(tag.wrapping_sub(0xcc)), "uint")?),
            0xd0 => Value::Int(i64::from(self.be(1, "int8")? as u8 as i8)),
            0xd1 => Value::Int(i64::from(self.be(2, "int16")? as u16 as i16)),
            0xd2 => Value::Int(i64::from(self.be(4, "int32")? as u32 as i32)),
            0xd3 => Value::Int(self.be(8, "int64")? as i64),
            0xd4..=0xd8 => {
                let code = self.be(1, "ext type")? as u8 as i8;
                Value::Ext(code, self.take(width(tag.wrapping_sub(0xd4)), "fixext")?)
            }
            0xd9..=0xdb => {
                let n = self.len(width(tag.wrapping_sub(0xd9)), "str length")?;
                Value::Str(self.take(n, "str")?)
            }
            0xdc | 0xdd => {
                let n = self.len(
                    width(tag.wrapping_sub(0xdc).wrapping_add(1)),
                    "array length",
                )?;
                self.array(n, depth, offset)?
            }
            0xde | 0xdf => {
                let n = self.len(width(tag.wrapping_sub(0xde).wrapping_add(1)), "map length")?;
                self.map(n, depth, offset)?
            }
            _ => return Err(MsgpackError::InvalidByte { byte: tag, offset }),
        };
        Ok(Node { offset, value })
    }

    fn array(&mut self, n: usize, depth: usize, offset: u64) -> Result<Value<'a>, MsgpackError> {
        if depth >= MAX_DEPTH {
            return Err(MsgpackError::TooDeep { offset });
        }
        // Every value takes at least one byte: a count above the bytes left is a lie.
        if n > self.remaining() {
            return Err(MsgpackError::Truncated {
                what: "array",
                offset,
            });
        }
        let mut items = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            items.push(self.value(depth.saturating_add(1))?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, n: usize, depth: usize, offset: u64) -> Result<Value<'a>, MsgpackError> {
        if depth >= MAX_DEPTH {
            return Err(MsgpackError::TooDeep { offset });
        }
        if n > self.remaining() / 2 {
            return Err(MsgpackError::Truncated {
                what: "map",
                offset,
            });
        }
        let mut items = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            let k = self.value(depth.saturating_add(1))?;
            let v = self.value(depth.saturating_add(1))?;
            items.push((k, v));
        }
        Ok(Value::Map(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_values() {
        // {"a": [1, -1, "x", b"\x00"], "b": 1.5}
        let data = b"\x82\xa1a\x94\x01\xff\xa1x\xc4\x01\x00\xa1b\xcb\x3f\xf8\0\0\0\0\0\0";
        let (n, end) = parse(data, 100).unwrap();
        assert_eq!(end, data.len());
        let a = n.get("a").unwrap();
        let Value::Array(items) = &a.value else {
            panic!()
        };
        assert_eq!(items[1].value, Value::Int(-1));
        assert_eq!(items[3].value, Value::Bin(b"\x00"));
        assert_eq!(n.get("b").unwrap().value, Value::Float(1.5));
        assert!(is_single_map(data, 100));
    }

    #[test]
    fn refuses_lying_counts_and_depth() {
        assert!(matches!(
            parse(b"\xdd\xff\xff\xff\xff\x01", 100),
            Err(MsgpackError::Truncated { .. })
        ));
        assert!(parse(&[0x91; 1000], 10_000).is_err());
        assert!(matches!(
            parse(&[0x91; 20], 5),
            Err(MsgpackError::TooManyValues { .. })
        ));
        assert!(parse(b"\xc6\xff\xff\xff\xff", 10).is_err());
    }
}
