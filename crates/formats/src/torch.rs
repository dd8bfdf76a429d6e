//! PyTorch containers: the legacy stacked-pickle format, and how a zip
//! archive is recognised as a checkpoint or a TorchScript archive.

use crate::Limits;
use crate::pickle::{Analyzer, Literal, StreamEnd};
use crate::zip::ZipView;

/// Legacy `torch.save` magic number, pickled with protocol 2 as the first stream.
pub const LEGACY_MAGIC: &[u8] = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.";
const MAGIC_HEX: &str = "0x1950a86a20f9469cfc6c";

/// True when the first pickle of the buffer is the literal legacy magic number.
pub fn sniff_legacy(data: &[u8]) -> bool {
    data.starts_with(LEGACY_MAGIC)
}

/// What the zip archive holds, judged by its member names the way
/// `torch.load` judges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipKind {
    /// `torch.save` checkpoint: `<prefix>/data.pkl` plus records.
    Checkpoint { prefix: String },
    /// `torch.jit.save` archive: `<prefix>/code/…` and `<prefix>/constants.pkl`.
    TorchScript { prefix: String },
    /// Not a PyTorch archive.
    Other,
}

pub fn classify_zip(view: &ZipView) -> ZipKind {
    let prefix = view
        .entries
        .first()
        .and_then(|e| e.name.split_once('/').map(|(p, _)| p.to_string()))
        .unwrap_or_default();
    let has = |suffix: &str| {
        view.entries
            .iter()
            .any(|e| e.name == format!("{prefix}/{suffix}"))
    };
    let code = view
        .entries
        .iter()
        .any(|e| e.name.starts_with(&format!("{prefix}/code/")));
    if code && (has("constants.pkl") || has("data.pkl")) {
        ZipKind::TorchScript { prefix }
    } else if has("data.pkl") || has("version") || has(".data/version") || has("byteorder") {
        ZipKind::Checkpoint { prefix }
    } else {
        ZipKind::Other
    }
}

/// True when a PyTorch archive also carries lite-interpreter bytecode
/// (`<prefix>/bytecode.pkl`, written by `_save_for_lite_interpreter`): a
/// PyTorch Mobile `.ptl` model.
pub fn is_mobile_zip(view: &ZipView) -> bool {
    match classify_zip(view) {
        ZipKind::Checkpoint { prefix } | ZipKind::TorchScript { prefix } => {
            let name = format!("{prefix}/bytecode.pkl");
            view.entries.iter().any(|e| e.name == name)
        }
        ZipKind::Other => false,
    }
}

/// Operators named by a lite-interpreter `bytecode.pkl`: the strings of the
/// pickle that have the `namespace::name` shape of an operator (each
/// method's `operators` tuple holds `(name, overload, num_args)`), sorted,
/// deduplicated, at most [`MAX_MOBILE_OPERATORS`].
pub fn mobile_operators(data: &[u8], limits: &Limits) -> Vec<String> {
    let mut ops: Vec<String> = collect_strings(data, 0, data.len(), limits)
        .into_iter()
        .filter(|s| is_operator_name(s))
        .collect();
    ops.sort();
    ops.dedup();
    ops.truncate(MAX_MOBILE_OPERATORS);
    ops
}

/// Operator names kept from one `bytecode.pkl`.
pub const MAX_MOBILE_OPERATORS: usize = 10_000;

fn is_operator_name(s: &str) -> bool {
    let Some((ns, name)) = s.split_once("::") else {
        return false;
    };
    let ident = |t: &str| {
        t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    s.len() <= 256 && ident(ns) && ident(name)
}

/// Member names (after the archive prefix) where PyTorch keeps pickles.
pub fn is_standard_pickle_member(relative: &str) -> bool {
    // `traced_inputs.pkl`: the example inputs `torch.jit.trace` keeps (torch 2.1+).
    matches!(relative, "data.pkl" | "constants.pkl" | "traced_inputs.pkl")
        || relative.starts_with(".data/") && relative.ends_with(".pkl")
}

/// What the legacy layout walk found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LegacyInfo {
    /// The first pickle returned the magic number as a literal integer.
    pub magic_literal: bool,
    /// What the first pickle returned, for evidence.
    pub magic_value: String,
    /// Storages skipped by layout (key, element count).
    pub storages: Vec<(String, u64)>,
    /// Where the raw storages end, when the layout could be computed.
    pub layout_end: Option<u64>,
    /// Why the layout could not be computed, if it could not.
    pub layout_problem: Option<String>,
}

/// Walks a legacy-format file: the five leading pickles (magic, protocol,
/// sys_info, model, storage keys), the raw storages they describe, and
/// anything after them (searched for further pickles).
pub fn analyze_legacy(data: &[u8], an: &mut Analyzer<'_>, limits: &Limits) -> LegacyInfo {
    let mut info = LegacyInfo::default();
    let mut pos = 0usize;
    let mut keys_start = None;
    for i in 0..5u32 {
        let before = an.view().streams.len();
        match an.run_stream(data, pos, false) {
            StreamEnd::Complete { end } => {
                if i == 4 {
                    keys_start = Some(pos);
                }
                pos = end;
            }
            StreamEnd::Broken { at, .. } => {
                info.layout_problem = Some(format!(
                    "pickle {} of the legacy layout is broken at offset {at:#x}",
                    i.saturating_add(1)
                ));
                an.run_buffer(data, at.saturating_add(1));
                return info;
            }
            StreamEnd::Limit => return info,
        }
        if i == 0
            && let Some(s) = an.view().streams.get(before)
        {
            info.magic_value = s.result.render(80);
            info.magic_literal = s.ops <= 4
                && matches!(&s.result, Literal::Other(v) if v == &format!("int {MAGIC_HEX}"));
        }
    }
    let keys = keys_start
        .map(|s| collect_strings(data, s, pos, limits))
        .unwrap_or_default();
    match storage_layout(an, &keys, data, pos) {
        Ok((storages, end)) => {
            info.storages = storages;
            info.layout_end = Some(end as u64);
            if end < data.len() {
                an.run_buffer(data, end);
            }
        }
        Err(problem) => {
            info.layout_problem = Some(problem);
            an.run_buffer(data, pos);
        }
    }
    info
}

/// Every string operand pushed between `start` and `end`, in order.
fn collect_strings(data: &[u8], start: usize, end: usize, limits: &Limits) -> Vec<String> {
    use crate::pickle::ops::{Arg, Opcode, decode_at};
    let mut out = Vec::new();
    let mut pos = start;
    while pos < end {
        let Ok((op, next)) = decode_at(data, pos, limits.max_text_line) else {
            break;
        };
        match (op.code, op.arg) {
            (
                Opcode::BinUnicode
                | Opcode::ShortBinUnicode
                | Opcode::BinUnicode8
                | Opcode::BinString
                | Opcode::ShortBinString,
                Arg::Bytes(b),
            ) => {
                out.push(String::from_utf8_lossy(b).into_owned());
            }
            (Opcode::Unicode, Arg::Line(l)) => {
                out.push(crate::pickle::text::decode_raw_unicode_escape(l))
            }
            (Opcode::String, Arg::Line(l)) => {
                if let Some(b) = crate::pickle::text::decode_string_repr(l) {
                    out.push(String::from_utf8_lossy(&b).into_owned());
                }
            }
            _ => {}
        }
        pos = next;
    }
    out
}

/// Element size of a legacy storage class (`torch.FloatStorage`).
pub fn element_size(storage_type: &str) -> Option<u64> {
    let name = storage_type.rsplit('.').next()?;
    Some(match name {
        "DoubleStorage" | "LongStorage" | "ComplexFloatStorage" => 8,
        "FloatStorage" | "IntStorage" | "QInt32Storage" => 4,
        "HalfStorage" | "BFloat16Storage" | "ShortStorage" => 2,
        "CharStorage" | "ByteStorage" | "BoolStorage" | "QInt8Storage" | "QUInt8Storage"
        | "QUInt4x2Storage" | "QUInt2x4Storage" => 1,
        "ComplexDoubleStorage" => 16,
        _ => return None,
    })
}

type Layout = (Vec<(String, u64)>, usize);

fn storage_layout(
    an: &Analyzer<'_>,
    keys: &[String],
    data: &[u8],
    start: usize,
) -> Result<Layout, String> {
    let mut types = std::collections::HashMap::new();
    for p in &an.view().persistent_ids {
        if let Literal::Tuple(items) = &p.id
            && let (Some(Literal::Str(tag)), Some(Literal::Global(ty)), Some(key)) =
                (items.first(), items.get(1), items.get(2))
            && tag == "storage"
        {
            let key = match key {
                Literal::Str(s) => s.clone(),
                Literal::Int(i) => i.to_string(),
                other => other.to_string(),
            };
            types.insert(key, ty.clone());
        }
    }
    let mut pos = start;
    let mut storages = Vec::with_capacity(keys.len());
    for key in keys {
        let ty = types
            .get(key)
            .ok_or_else(|| format!("storage key {key:?} has no persistent id"))?;
        let size = element_size(ty).ok_or_else(|| format!("unknown storage type {ty}"))?;
        let header = data
            .get(pos..pos.saturating_add(8))
            .ok_or("storage header runs past the end of the file")?;
        let mut a = [0u8; 8];
        a.copy_from_slice(header);
        let numel = u64::from_le_bytes(a);
        let bytes = numel.checked_mul(size).ok_or("storage size overflows")?;
        let end = (pos as u64)
            .checked_add(8)
            .and_then(|p| p.checked_add(bytes))
            .ok_or("storage size overflows")?;
        if end > data.len() as u64 {
            return Err(format!(
                "storage {key:?} declares {numel} elements, past the end of the file"
            ));
        }
        storages.push((key.clone(), numel));
        pos = end as usize;
    }
    Ok((storages, pos))
}

/// True when the second pickle of the buffer is the legacy protocol version
/// (1001): the file has the legacy layout whatever its first pickle does.
pub fn legacy_layout_follows(data: &[u8]) -> bool {
    use crate::pickle::ops::{Opcode, decode_at};
    let mut pos = 0usize;
    for _ in 0..100_000 {
        let Ok((op, next)) = decode_at(data, pos, 4096) else {
            return false;
        };
        pos = next;
        if op.code == Opcode::Stop {
            let rest = data.get(pos..).unwrap_or(&[]);
            return matches!(rest, [0x80, 2..=5, b'M', 0xe9, 0x03, b'.', ..]);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_operator_names() {
        assert!(is_operator_name("aten::add"));
        assert!(is_operator_name("evil_ns::run"));
        assert!(!is_operator_name("__torch__.M.forward"));
        assert!(!is_operator_name("a::b::c"));
        assert!(!is_operator_name("::x"));
    }

    #[test]
    fn operators_of_a_bytecode_pickle() {
        // (("aten::add", "Tensor", 3), ("evil::run", "", 1), "aten::add")
        let data = b"\x80\x02X\x09\x00\x00\x00aten::addX\x06\x00\x00\x00TensorK\x03\x87X\x09\x00\x00\x00evil::runX\x00\x00\x00\x00K\x01\x87X\x09\x00\x00\x00aten::add\x87.";
        assert_eq!(
            mobile_operators(data, &Limits::default()),
            ["aten::add", "evil::run"]
        );
    }
}
