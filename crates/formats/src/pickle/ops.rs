//! Pickle opcodes and a decoder that walks one stream without executing it.
//!
//! The opcode set is the full one CPython's `pickletools` documents for
//! protocols 0 to 5. Operands borrow from the input; lengths are checked
//! against the bytes actually present before any slice is taken.

use std::fmt;

/// Every opcode of pickle protocols 0 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum Opcode {
    Mark,
    Stop,
    Pop,
    PopMark,
    Dup,
    Float,
    Int,
    BinInt,
    BinInt1,
    Long,
    BinInt2,
    None,
    PersId,
    BinPersId,
    Reduce,
    String,
    BinString,
    ShortBinString,
    Unicode,
    BinUnicode,
    Append,
    Build,
    Global,
    Dict,
    EmptyDict,
    Appends,
    Get,
    BinGet,
    Inst,
    LongBinGet,
    List,
    EmptyList,
    Obj,
    Put,
    BinPut,
    LongBinPut,
    SetItem,
    Tuple,
    EmptyTuple,
    SetItems,
    BinFloat,
    Proto,
    NewObj,
    Ext1,
    Ext2,
    Ext4,
    Tuple1,
    Tuple2,
    Tuple3,
    NewTrue,
    NewFalse,
    Long1,
    Long4,
    BinBytes,
    ShortBinBytes,
    ShortBinUnicode,
    BinUnicode8,
    BinBytes8,
    EmptySet,
    AddItems,
    FrozenSet,
    NewObjEx,
    StackGlobal,
    Memoize,
    Frame,
    ByteArray8,
    NextBuffer,
    ReadonlyBuffer,
}

/// How an opcode's operand is laid out in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    None,
    /// Fixed number of little-endian bytes.
    Fixed(usize),
    /// Length prefix of n bytes (little endian), then that many bytes.
    Counted(usize),
    /// One newline-terminated line.
    Line,
    /// Two newline-terminated lines (module, name).
    TwoLines,
}

impl Opcode {
    pub fn from_byte(b: u8) -> Option<Opcode> {
        use Opcode::*;
        Some(match b {
            b'(' => Mark,
            b'.' => Stop,
            b'0' => Pop,
            b'1' => PopMark,
            b'2' => Dup,
            b'F' => Float,
            b'I' => Int,
            b'J' => BinInt,
            b'K' => BinInt1,
            b'L' => Long,
            b'M' => BinInt2,
            b'N' => None,
            b'P' => PersId,
            b'Q' => BinPersId,
            b'R' => Reduce,
            b'S' => String,
            b'T' => BinString,
            b'U' => ShortBinString,
            b'V' => Unicode,
            b'X' => BinUnicode,
            b'a' => Append,
            b'b' => Build,
            b'c' => Global,
            b'd' => Dict,
            b'}' => EmptyDict,
            b'e' => Appends,
            b'g' => Get,
            b'h' => BinGet,
            b'i' => Inst,
            b'j' => LongBinGet,
            b'l' => List,
            b']' => EmptyList,
            b'o' => Obj,
            b'p' => Put,
            b'q' => BinPut,
            b'r' => LongBinPut,
            b's' => SetItem,
            b't' => Tuple,
            b')' => EmptyTuple,
            b'u' => SetItems,
            b'G' => BinFloat,
            0x80 => Proto,
            0x81 => NewObj,
            0x82 => Ext1,
            0x83 => Ext2,
            0x84 => Ext4,
            0x85 => Tuple1,
            0x86 => Tuple2,
            0x87 => Tuple3,
            0x88 => NewTrue,
            0x89 => NewFalse,
            0x8a => Long1,
            0x8b => Long4,
            b'B' => BinBytes,
            b'C' => ShortBinBytes,
            0x8c => ShortBinUnicode,
            0x8d => BinUnicode8,
            0x8e => BinBytes8,
            0x8f => EmptySet,
            0x90 => AddItems,
            0x91 => FrozenSet,
            0x92 => NewObjEx,
            0x93 => StackGlobal,
            0x94 => Memoize,
            0x95 => Frame,
            0x96 => ByteArray8,
            0x97 => NextBuffer,
            0x98 => ReadonlyBuffer,
            _ => return Option::None,
        })
    }

    /// The pickletools name (`STACK_GLOBAL`).
    pub fn name(self) -> &'static str {
        use Opcode::*;
        match self {
            Mark => "MARK",
            Stop => "STOP",
            Pop => "POP",
            PopMark => "POP_MARK",
            Dup => "DUP",
            Float => "FLOAT",
            Int => "INT",
            BinInt => "BININT",
            BinInt1 => "BININT1",
            Long => "LONG",
            BinInt2 => "BININT2",
            None => "NONE",
            PersId => "PERSID",
            BinPersId => "BINPERSID",
            Reduce => "REDUCE",
            String => "STRING",
            BinString => "BINSTRING",
            ShortBinString => "SHORT_BINSTRING",
            Unicode => "UNICODE",
            BinUnicode => "BINUNICODE",
            Append => "APPEND",
            Build => "BUILD",
            Global => "GLOBAL",
            Dict => "DICT",
            EmptyDict => "EMPTY_DICT",
            Appends => "APPENDS",
            Get => "GET",
            BinGet => "BINGET",
            Inst => "INST",
            LongBinGet => "LONG_BINGET",
            List => "LIST",
            EmptyList => "EMPTY_LIST",
            Obj => "OBJ",
            Put => "PUT",
            BinPut => "BINPUT",
            LongBinPut => "LONG_BINPUT",
            SetItem => "SETITEM",
            Tuple => "TUPLE",
            EmptyTuple => "EMPTY_TUPLE",
            SetItems => "SETITEMS",
            BinFloat => "BINFLOAT",
            Proto => "PROTO",
            NewObj => "NEWOBJ",
            Ext1 => "EXT1",
            Ext2 => "EXT2",
            Ext4 => "EXT4",
            Tuple1 => "TUPLE1",
            Tuple2 => "TUPLE2",
            Tuple3 => "TUPLE3",
            NewTrue => "NEWTRUE",
            NewFalse => "NEWFALSE",
            Long1 => "LONG1",
            Long4 => "LONG4",
            BinBytes => "BINBYTES",
            ShortBinBytes => "SHORT_BINBYTES",
            ShortBinUnicode => "SHORT_BINUNICODE",
            BinUnicode8 => "BINUNICODE8",
            BinBytes8 => "BINBYTES8",
            EmptySet => "EMPTY_SET",
            AddItems => "ADDITEMS",
            FrozenSet => "FROZENSET",
            NewObjEx => "NEWOBJ_EX",
            StackGlobal => "STACK_GLOBAL",
            Memoize => "MEMOIZE",
            Frame => "FRAME",
            ByteArray8 => "BYTEARRAY8",
            NextBuffer => "NEXT_BUFFER",
            ReadonlyBuffer => "READONLY_BUFFER",
        }
    }

    fn layout(self) -> Layout {
        use Opcode::*;
        match self {
            Float | Int | Long | PersId | String | Unicode | Get | Put => Layout::Line,
            Global | Inst => Layout::TwoLines,
            BinInt => Layout::Fixed(4),
            BinInt1 | BinGet | BinPut | Proto | Ext1 => Layout::Fixed(1),
            BinInt2 | Ext2 => Layout::Fixed(2),
            LongBinGet | LongBinPut | Ext4 => Layout::Fixed(4),
            BinFloat | Frame => Layout::Fixed(8),
            ShortBinString | ShortBinBytes | ShortBinUnicode | Long1 => Layout::Counted(1),
            BinString | BinUnicode | BinBytes | Long4 => Layout::Counted(4),
            BinUnicode8 | BinBytes8 | ByteArray8 => Layout::Counted(8),
            _ => Layout::None,
        }
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An opcode's operand, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    None,
    /// Fixed-width little-endian integer operand (zero-extended).
    Uint(u64),
    /// BININT's signed 4-byte operand.
    Int(i64),
    /// BINFLOAT's big-endian IEEE double.
    Float(f64),
    /// Counted bytes (strings, bytes, LONG1/LONG4 payloads).
    Bytes(&'a [u8]),
    /// One text line without its newline.
    Line(&'a [u8]),
    /// GLOBAL/INST module and name lines.
    Lines(&'a [u8], &'a [u8]),
}

/// One decoded opcode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Op<'a> {
    /// Offset of the opcode byte from the start of the buffer given to the decoder.
    pub offset: usize,
    pub code: Opcode,
    pub arg: Arg<'a>,
}

/// Why a stream could not be decoded further.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("invalid opcode byte {byte:#04x} at offset {offset:#x}")]
    InvalidOpcode { offset: usize, byte: u8 },
    #[error("{opcode} at offset {offset:#x} needs {needed} operand bytes, only {available} remain")]
    Truncated {
        offset: usize,
        opcode: &'static str,
        needed: u64,
        available: u64,
    },
    #[error(
        "{opcode} at offset {offset:#x} has a text operand with no newline within {limit} bytes"
    )]
    UnterminatedLine {
        offset: usize,
        opcode: &'static str,
        limit: usize,
    },
    #[error("{opcode} at offset {offset:#x} declares a negative length {length}")]
    NegativeLength {
        offset: usize,
        opcode: &'static str,
        length: i64,
    },
}

impl DecodeError {
    pub fn offset(&self) -> usize {
        match self {
            DecodeError::InvalidOpcode { offset, .. }
            | DecodeError::Truncated { offset, .. }
            | DecodeError::UnterminatedLine { offset, .. }
            | DecodeError::NegativeLength { offset, .. } => *offset,
        }
    }
}

/// Decodes one opcode at `pos` in `data`, returning it and the position after it.
pub fn decode_at(data: &[u8], pos: usize, max_line: usize) -> Result<(Op<'_>, usize), DecodeError> {
    let byte = *data.get(pos).ok_or(DecodeError::Truncated {
        offset: pos,
        opcode: "opcode",
        needed: 1,
        available: 0,
    })?;
    let code = Opcode::from_byte(byte).ok_or(DecodeError::InvalidOpcode { offset: pos, byte })?;
    let start = pos.saturating_add(1);
    let rest = data.get(start..).unwrap_or(&[]);
    let truncated = |needed: u64| DecodeError::Truncated {
        offset: pos,
        opcode: code.name(),
        needed,
        available: rest.len() as u64,
    };
    let (arg, used) = match code.layout() {
        Layout::None => (Arg::None, 0usize),
        Layout::Fixed(n) => {
            let b = rest.get(..n).ok_or_else(|| truncated(n as u64))?;
            let arg = match code {
                Opcode::BinFloat => {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    Arg::Float(f64::from_be_bytes(a))
                }
                Opcode::BinInt => {
                    let mut a = [0u8; 4];
                    a.copy_from_slice(b);
                    Arg::Int(i64::from(i32::from_le_bytes(a)))
                }
                _ => Arg::Uint(le_uint(b)),
            };
            (arg, n)
        }
        Layout::Counted(n) => {
            let prefix = rest.get(..n).ok_or_else(|| truncated(n as u64))?;
            let len = if n == 4 && matches!(code, Opcode::BinString | Opcode::Long4) {
                // Signed in CPython; a negative length is an error there.
                let mut a = [0u8; 4];
                a.copy_from_slice(prefix);
                let v = i64::from(i32::from_le_bytes(a));
                if v < 0 {
                    return Err(DecodeError::NegativeLength {
                        offset: pos,
                        opcode: code.name(),
                        length: v,
                    });
                }
                v as u64
            } else {
                le_uint(prefix)
            };
            let body = rest.get(n..).unwrap_or(&[]);
            let total = (n as u64).saturating_add(len);
            if len > body.len() as u64 {
                return Err(truncated(total));
            }
            let len = len as usize; // fits: bounded by body.len()
            let bytes = body.get(..len).ok_or_else(|| truncated(total))?;
            (Arg::Bytes(bytes), n.saturating_add(len))
        }
        Layout::Line => {
            let (line, used) =
                read_line(rest, max_line).ok_or(line_error(pos, code, rest, max_line))?;
            (Arg::Line(line), used)
        }
        Layout::TwoLines => {
            let (a, used_a) =
                read_line(rest, max_line).ok_or(line_error(pos, code, rest, max_line))?;
            let rest2 = rest.get(used_a..).unwrap_or(&[]);
            let (b, used_b) =
                read_line(rest2, max_line).ok_or(line_error(pos, code, rest2, max_line))?;
            (Arg::Lines(a, b), used_a.saturating_add(used_b))
        }
    };
    Ok((
        Op {
            offset: pos,
            code,
            arg,
        },
        start.saturating_add(used),
    ))
}

fn line_error(pos: usize, code: Opcode, rest: &[u8], max_line: usize) -> DecodeError {
    if rest.len() <= max_line {
        DecodeError::Truncated {
            offset: pos,
            opcode: code.name(),
            needed: (rest.len() as u64).saturating_add(1),
            available: rest.len() as u64,
        }
    } else {
        DecodeError::UnterminatedLine {
            offset: pos,
            opcode: code.name(),
            limit: max_line,
        }
    }
}

/// A line up to (not including) `\n`, and the bytes consumed including it.
fn read_line(rest: &[u8], max_line: usize) -> Option<(&[u8], usize)> {
    let window = rest.get(..rest.len().min(max_line.saturating_add(1)))?;
    let nl = memchr::memchr(b'\n', window)?;
    Some((window.get(..nl)?, nl.checked_add(1)?))
}

fn le_uint(b: &[u8]) -> u64 {
    b.iter()
        .rev()
        .fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
}

/// Iterates over the opcodes of one stream, stopping after STOP or at the
/// first error (which it yields).
pub struct Ops<'a> {
    data: &'a [u8],
    pos: usize,
    max_line: usize,
    done: bool,
}

impl<'a> Ops<'a> {
    pub fn new(data: &'a [u8], start: usize, max_line: usize) -> Self {
        Ops {
            data,
            pos: start,
            max_line,
            done: false,
        }
    }

    /// Position of the next opcode to decode.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Ops<'a> {
    type Item = Result<Op<'a>, DecodeError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match decode_at(self.data, self.pos, self.max_line) {
            Ok((op, next)) => {
                self.pos = next;
                if op.code == Opcode::Stop {
                    self.done = true;
                }
                Some(Ok(op))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<Result<Op<'_>, DecodeError>> {
        Ops::new(data, 0, 1 << 20).collect()
    }

    #[test]
    fn every_opcode_byte_round_trips_its_name() {
        let mut n = 0;
        for b in 0..=255u8 {
            if let Some(op) = Opcode::from_byte(b) {
                n += 1;
                assert!(!op.name().is_empty());
            }
        }
        assert_eq!(n, 68, "pickletools documents 68 opcodes");
    }

    #[test]
    fn decodes_protocol0_global_and_text_operands() {
        let ops = all(b"cposix\nsystem\n(S'echo hi'\ntR.");
        let ops: Vec<_> = ops.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(ops[0].code, Opcode::Global);
        assert_eq!(ops[0].arg, Arg::Lines(b"posix", b"system"));
        assert_eq!(ops[2].arg, Arg::Line(b"'echo hi'"));
        assert_eq!(ops.last().unwrap().code, Opcode::Stop);
    }

    #[test]
    fn counted_operand_longer_than_input_is_truncation_not_allocation() {
        // BINBYTES8 declaring 2^63 bytes.
        let data = [0x8e, 0, 0, 0, 0, 0, 0, 0, 0x80, b'x'];
        let err = all(&data).pop().unwrap().unwrap_err();
        assert!(
            matches!(err, DecodeError::Truncated { offset: 0, .. }),
            "{err}"
        );
    }

    #[test]
    fn negative_binstring_length_is_an_error() {
        let data = [b'T', 0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            all(&data)[0],
            Err(DecodeError::NegativeLength { .. })
        ));
    }

    #[test]
    fn invalid_opcode_reports_offset() {
        let data = b"N\xff";
        let r = all(data);
        assert_eq!(
            r[1],
            Err(DecodeError::InvalidOpcode {
                offset: 1,
                byte: 0xff
            })
        );
    }

    #[test]
    fn binint_is_signed_and_binfloat_big_endian() {
        let mut data = vec![b'J', 0xff, 0xff, 0xff, 0xff, b'G'];
        data.extend_from_slice(&1.5f64.to_be_bytes());
        let r = all(&data);
        assert_eq!(r[0].as_ref().unwrap().arg, Arg::Int(-1));
        assert_eq!(r[1].as_ref().unwrap().arg, Arg::Float(1.5));
    }
}
