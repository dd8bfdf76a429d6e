//! A protobuf wire-format walker: yields the fields of one message without
//! decoding them, so that repeated messages can be counted and bounded
//! before prost allocates them, and so that sniffing can look at a file's
//! first fields cheaply.

/// One field's value, undecoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64,
    Bytes(&'a [u8]),
    Fixed32,
}

/// A field: its number, its value and the offset of its tag in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    pub number: u32,
    pub value: Value<'a>,
    pub offset: usize,
    /// Offset of a length-delimited value's first byte (else of the tag).
    pub payload: usize,
}

/// Why the walk stopped early: the offset (in the message) of the bad field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireError {
    pub offset: usize,
    pub reason: &'static str,
}

/// The fields of one message, in order; stops at the first malformed one.
pub struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
    done: bool,
}

pub fn fields(data: &[u8]) -> Fields<'_> {
    Fields {
        data,
        pos: 0,
        done: false,
    }
}

/// Reads a base-128 varint at `*pos`, advancing it.
pub fn varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value: u64 = 0;
    for i in 0..10u32 {
        let b = *data.get(*pos)?;
        *pos = pos.checked_add(1)?;
        value |= u64::from(b & 0x7f)
            .checked_shl(i.saturating_mul(7))
            .unwrap_or(0);
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

impl<'a> Fields<'a> {
    fn next_field(&mut self) -> Result<Field<'a>, WireError> {
        let offset = self.pos;
        let mut payload = offset;
        let err = |reason| WireError { offset, reason };
        let key = varint(self.data, &mut self.pos).ok_or(err("truncated field key"))?;
        let number = u32::try_from(key >> 3).map_err(|_| err("field number out of range"))?;
        if number == 0 || number > 536_870_911 {
            return Err(err("field number out of range"));
        }
        let value = match key & 7 {
            0 => Value::Varint(varint(self.data, &mut self.pos).ok_or(err("truncated varint"))?),
            1 => {
                self.skip(8).ok_or(err("truncated fixed64"))?;
                Value::Fixed64
            }
            2 => {
                let len = varint(self.data, &mut self.pos).ok_or(err("truncated length"))?;
                let len = usize::try_from(len).map_err(|_| err("length past the end"))?;
                let start = self.pos;
                payload = start;
                let end = start.checked_add(len).ok_or(err("length past the end"))?;
                let bytes = self
                    .data
                    .get(start..end)
                    .ok_or(err("length past the end"))?;
                self.pos = end;
                Value::Bytes(bytes)
            }
            5 => {
                self.skip(4).ok_or(err("truncated fixed32"))?;
                Value::Fixed32
            }
            _ => return Err(err("group or invalid wire type")),
        };
        Ok(Field {
            number,
            value,
            offset,
            payload,
        })
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        let end = self.pos.checked_add(n)?;
        if end > self.data.len() {
            return None;
        }
        self.pos = end;
        Some(())
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<Field<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.data.len() {
            return None;
        }
        let r = self.next_field();
        if r.is_err() {
            self.done = true;
        }
        Some(r)
    }
}

/// True when every field of `data` parses and the walk ends exactly at its
/// end (at most `max_fields` are looked at; more count as valid).
pub fn is_message(data: &[u8], max_fields: usize) -> bool {
    fields(data).take(max_fields).all(|f| f.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_fields_and_stops_on_errors() {
        // field 1 varint 150, field 2 bytes "hi", field 3 fixed32, field 4 fixed64
        let msg = [
            0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1d, 1, 2, 3, 4, 0x21, 0, 0, 0, 0, 0, 0, 0,
            0,
        ];
        let got: Vec<_> = fields(&msg).map(|f| f.unwrap()).collect();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].value, Value::Varint(150));
        assert_eq!(got[1].value, Value::Bytes(b"hi"));
        assert_eq!(got[2].value, Value::Fixed32);
        assert_eq!(got[3].value, Value::Fixed64);
        // length past the end
        assert!(fields(&[0x12, 0x05, b'a']).next().unwrap().is_err());
        // start group
        assert!(fields(&[0x0b]).next().unwrap().is_err());
        // field number zero
        assert!(fields(&[0x00, 0x00]).next().unwrap().is_err());
        // unterminated varint
        assert!(fields(&[0x08, 0xff, 0xff]).next().unwrap().is_err());
        assert!(!is_message(&[0x08], 8));
        assert!(is_message(&msg, 8));
    }

    #[test]
    fn truncation_never_panics() {
        let msg = [0x0a, 0x04, 0x08, 0x96, 0x01, 0x10, 0x12, 0x01];
        for end in 0..=msg.len() {
            let _ = fields(&msg[..end]).count();
        }
        let big = [
            0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert!(fields(&big).next().unwrap().is_err());
    }
}
