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
        _ => sniff_legacy(data, true),
    }
}

/// Like [`sniff`], for the first bytes of something longer: a protocol 0/1
/// stream cut short by the window is judged on what the window holds.
pub fn sniff_prefix(data: &[u8]) -> bool {
    match data {
        [0x80, 1..=5, ..] => sniff(data),
        _ => sniff_legacy(data, false),
    }
}

/// A module or attribute path as GLOBAL and INST carry it: dotted
/// identifiers (ASCII letters, digits, `_`, `.`, non-ASCII letters of a
/// Unicode identifier, and `-`, which `__import__` accepts for a module
/// loaded from a file such as `train-script.py`). Whitespace, separators
/// and other punctuation cannot name anything `find_class` imports.
fn importable_name(b: &[u8]) -> bool {
    !b.is_empty()
        && !b.first().is_some_and(u8::is_ascii_digit)
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-') || c >= 0x80)
}

/// A protocol 0/1 stream. A GLOBAL or INST is not enough on its own: text
/// such as a label file (`cat\ndog\nbird\n`) decodes as GLOBAL `at.dog`
/// followed by opcodes that soon stop decoding. A loader fails on the bad
/// opcode before it has called anything, so such text is a pickle only when
/// a call (REDUCE, OBJ, NEWOBJ, INST) precedes the bad byte or the end of
/// the data. A stream that reaches STOP or decodes cleanly for the whole
/// window is one, and so is one that imports something before the end of a
/// window that is not the whole of the data (`complete` false).
fn sniff_legacy(data: &[u8], complete: bool) -> bool {
    use ops::Opcode;
    let mut pos = 0usize;
    let mut n: u32 = 0;
    let mut imports = false;
    let mut calls = false;
    while n < 64 {
        match ops::decode_at(data, pos, 4096) {
            Ok((op, next)) => {
                // A name no import can resolve (`ter\tLogloss`, the header of
                // a TSV file read as INST) fails the load right there.
                if matches!(op.code, Opcode::Global | Opcode::Inst)
                    && let ops::Arg::Lines(m, name) = op.arg
                    && !(importable_name(m) && importable_name(name))
                {
                    return imports && calls;
                }
                match op.code {
                    Opcode::Global => imports = true,
                    Opcode::Inst => {
                        imports = true;
                        calls = true;
                    }
                    Opcode::Reduce | Opcode::Obj | Opcode::NewObj | Opcode::NewObjEx => {
                        calls = true
                    }
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
            // The window ends inside the stream: what follows may call.
            Err(ops::DecodeError::Truncated { .. }) if !complete => return imports,
            Err(_) => return imports && calls,
        }
    }
    true
}

#[cfg(test)]
mod sniff_tests {
    use super::*;

    #[test]
    fn label_text_is_not_a_pickle() {
        // GLOBAL `at.dog`, BUILD, then an INST cut off at the end: a loader
        // fails to import `at` and never calls anything.
        assert!(!sniff(b"cat\ndog\nbird\n"));
        assert!(!sniff(b"cat\ndog\nfish\n"));
    }

    #[test]
    fn calls_and_cut_windows_still_count() {
        assert!(sniff(b"cos\nsystem\n(S'echo sentrascan-fixture'\ntR."));
        // No STOP: the REDUCE has run before the loader notices.
        assert!(sniff(b"cos\nsystem\n(S'echo sentrascan-fixture'\ntR"));
        // A window cut inside a long argument: the call may follow.
        let head = b"cos\nsystem\n(S'xxxxxxxxxxxxxxxx";
        assert!(!sniff(head));
        assert!(sniff_prefix(head));
    }

    #[test]
    fn tables_whose_header_reads_as_inst_are_not_pickles() {
        // CatBoost's `catboost_info/learn_error.tsv`: `i` + `ter\tLogloss` + `0\t0.569…`.
        let tsv = b"iter\tLogloss\n0\t0.5691902924\n1\t0.4577817254\n2\t0.3819\n";
        assert!(!sniff(tsv));
        assert!(!sniff_prefix(tsv));
        assert!(!sniff(b"id,name\n1,alpha\n2,beta\n"));
        // The same opcode with names a loader can import is a call.
        assert!(sniff(b"ios\nsystem\n(S'echo sentrascan-fixture'\ntR."));
        assert!(sniff(b"(S'x'\nitorch.nn.modules.linear\nLinear\n."));
        assert!(sniff(b"ctrain-script\nConfig\n)\x81."));
    }
}
