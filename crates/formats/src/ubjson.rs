//! A bounded Universal Binary JSON reader (the `.ubj` format XGBoost saves),
//! producing a `serde_json::Value`. Nesting depth and the number of values
//! are limited, and every count and length is checked against the bytes
//! left before anything is allocated.

use serde_json::{Map, Number, Value};
use thiserror::Error;

/// Containers nested deeper than this are refused.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UbjError {
    #[error("{what} at offset {offset:#x} runs past the end of the data")]
    Truncated { what: &'static str, offset: u64 },
    #[error("marker {marker:#04x} at offset {offset:#x} is not a UBJSON type")]
    InvalidMarker { marker: u8, offset: u64 },
    #[error("negative or oversized {what} at offset {offset:#x}")]
    BadLength { what: &'static str, offset: u64 },
    #[error("containers nested deeper than {MAX_DEPTH} at offset {offset:#x}")]
    TooDeep { offset: u64 },
    #[error("more than {limit} values")]
    TooManyValues { limit: u64 },
}

/// The first value of `data` and the offset just after it.
pub fn parse(data: &[u8], max_values: u64) -> Result<(Value, usize), UbjError> {
    let mut r = Reader {
        data,
        pos: 0,
        values: 0,
        max_values,
    };
    let m = r.marker()?;
    let v = r.value(m, 0)?;
    Ok((v, r.pos))
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    values: u64,
    max_values: u64,
}

/// Bytes of one element of a fixed-size type, for typed-array bounds.
fn fixed_size(m: u8) -> Option<usize> {
    Some(match m {
        b'Z' | b'N' | b'T' | b'F' => 0,
        b'i' | b'U' | b'C' => 1,
        b'I' => 2,
        b'l' | b'd' => 4,
        b'L' | b'D' => 8,
        _ => return None,
    })
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], UbjError> {
        let offset = self.pos as u64;
        crate::cursor::take(self.data, &mut self.pos, n).ok_or(UbjError::Truncated { what, offset })
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], UbjError> {
        let b = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    fn marker(&mut self) -> Result<u8, UbjError> {
        loop {
            let [m] = self.array::<1>("marker")?;
            if m != b'N' {
                return Ok(m);
            }
        }
    }

    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn int(&mut self, m: u8) -> Result<Option<i64>, UbjError> {
        Ok(Some(match m {
            b'i' => i64::from(i8::from_be_bytes(self.array("int8")?)),
            b'U' => i64::from(self.array::<1>("uint8")?[0]),
            b'I' => i64::from(i16::from_be_bytes(self.array("int16")?)),
            b'l' => i64::from(i32::from_be_bytes(self.array("int32")?)),
            b'L' => i64::from_be_bytes(self.array("int64")?),
            _ => return Ok(None),
        }))
    }

    fn length(&mut self, what: &'static str) -> Result<usize, UbjError> {
        let offset = self.pos as u64;
        let m = self.marker()?;
        self.int(m)?
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= self.remaining())
            .ok_or(UbjError::BadLength { what, offset })
    }

    fn string(&mut self) -> Result<String, UbjError> {
        let n = self.length("string length")?;
        Ok(String::from_utf8_lossy(self.take(n, "string")?).into_owned())
    }

    fn value(&mut self, m: u8, depth: usize) -> Result<Value, UbjError> {
        self.values = self.values.saturating_add(1);
        if self.values > self.max_values {
            return Err(UbjError::TooManyValues {
                limit: self.max_values,
            });
        }
        let offset = self.pos.saturating_sub(1) as u64;
        if let Some(n) = self.int(m)? {
            return Ok(Value::Number(n.into()));
        }
        Ok(match m {
            b'Z' => Value::Null,
            b'T' => Value::Bool(true),
            b'F' => Value::Bool(false),
            b'd' => float(f64::from(f32::from_be_bytes(self.array("float32")?))),
            b'D' => float(f64::from_be_bytes(self.array("float64")?)),
            b'C' => Value::String(char::from(self.array::<1>("char")?[0]).to_string()),
            b'S' | b'H' => Value::String(self.string()?),
            b'[' | b'{' => {
                if depth >= MAX_DEPTH {
                    return Err(UbjError::TooDeep { offset });
                }
                self.container(m == b'{', depth)?
            }
            other => {
                return Err(UbjError::InvalidMarker {
                    marker: other,
                    offset,
                });
            }
        })
    }

    fn container(&mut self, object: bool, depth: usize) -> Result<Value, UbjError> {
        let start = self.pos;
        let mut typ = None;
        let mut count = None;
        let mut m = self.marker()?;
        if m == b'$' {
            let [t] = self.array::<1>("container type")?;
            typ = Some(t);
            m = self.marker()?;
            if m != b'#' {
                return Err(UbjError::InvalidMarker {
                    marker: m,
                    offset: self.pos as u64,
                });
            }
        }
        if m == b'#' {
            let n = self.length("container count")?;
            // Each element takes at least one byte, or its fixed size.
            let per = typ.and_then(fixed_size).unwrap_or(1).max(1);
            if n.checked_mul(per)
                .is_none_or(|b| b > self.remaining().saturating_add(per))
            {
                return Err(UbjError::BadLength {
                    what: "container count",
                    offset: start as u64,
                });
            }
            count = Some(n);
        } else {
            self.pos = self.pos.saturating_sub(1);
        }
        let next = |r: &mut Self| -> Result<u8, UbjError> {
            match typ {
                Some(t) => Ok(t),
                None => r.marker(),
            }
        };
        let d = depth.saturating_add(1);
        if object {
            let mut map = Map::new();
            let mut i = 0usize;
            loop {
                if count.is_some_and(|c| i >= c) {
                    break;
                }
                if count.is_none() {
                    let peek = self.marker()?;
                    if peek == b'}' {
                        break;
                    }
                    self.pos = self.pos.saturating_sub(1);
                }
                let key = self.string()?;
                let vm = next(self)?;
                let v = self.value(vm, d)?;
                map.insert(key, v);
                i = i.saturating_add(1);
            }
            Ok(Value::Object(map))
        } else {
            let mut items = Vec::with_capacity(count.unwrap_or(0).min(1 << 16));
            loop {
                if count.is_some_and(|c| items.len() >= c) {
                    break;
                }
                let vm = next(self)?;
                if count.is_none() && vm == b']' {
                    break;
                }
                items.push(self.value(vm, d)?);
            }
            Ok(Value::Array(items))
        }
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_typed_and_untyped_containers() {
        let data = b"{i\x01a[$l#i\x02\x00\x00\x00\x01\xff\xff\xff\xffi\x01bSi\x02hi}";
        let (v, end) = parse(data, 100).unwrap();
        assert_eq!(end, data.len());
        assert_eq!(v["a"], serde_json::json!([1, -1]));
        assert_eq!(v["b"], "hi");
    }

    #[test]
    fn refuses_lying_counts() {
        assert!(parse(b"[$d#L\x00\x00\x00\x00\xff\xff\xff\xff", 100).is_err());
        assert!(parse(b"[#i\x05", 100).is_err());
        assert!(parse(&[b'['; 500], 1000).is_err());
        assert!(parse(b"Si\xff", 10).is_err());
    }
}
