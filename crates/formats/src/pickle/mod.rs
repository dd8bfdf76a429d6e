//! Pickle: a complete opcode decoder for protocols 0 to 5 and a symbolic
//! machine that tells what a real unpickler would import and call.

pub mod machine;
pub mod names;
pub mod ops;
pub mod text;
mod value;
pub mod view;

pub use machine::{Analyzer, StreamEnd, analyze};
pub use view::*;

/// True when `data` plausibly starts with a pickle stream: a PROTO opcode
/// for protocol 2 to 5, or a protocol 0/1 stream whose first opcodes decode
/// and include a value-producing or import opcode.
pub fn sniff(data: &[u8]) -> bool {
    match data {
        [0x80, 1..=5, ..] => ops::decode_at(data, 2, 256).is_ok() || data.len() == 2,
        _ => sniff_legacy(data),
    }
}

fn sniff_legacy(data: &[u8]) -> bool {
    use ops::Opcode;
    let mut pos = 0usize;
    let mut n: u32 = 0;
    while n < 64 {
        match ops::decode_at(data, pos, 4096) {
            Ok((op, next)) => {
                match op.code {
                    Opcode::Global | Opcode::Inst => return true,
                    Opcode::Stop => return n > 0,
                    _ => {}
                }
                // A protocol 0/1 stream starts with one of these.
                if n == 0
                    && !matches!(
                        op.code,
                        Opcode::Mark
                            | Opcode::EmptyDict
                            | Opcode::EmptyList
                            | Opcode::EmptyTuple
                            | Opcode::Global
                            | Opcode::Inst
                            | Opcode::Int
                            | Opcode::Long
                            | Opcode::Float
                            | Opcode::String
                            | Opcode::Unicode
                            | Opcode::None
                            | Opcode::BinInt
                            | Opcode::BinInt1
                            | Opcode::BinInt2
                            | Opcode::BinString
                            | Opcode::ShortBinString
                            | Opcode::BinUnicode
                            | Opcode::BinFloat
                            | Opcode::PersId
                    )
                {
                    return false;
                }
                pos = next;
                n = n.saturating_add(1);
            }
            Err(_) => return false,
        }
    }
    true
}
