//! CatBoost binary models (`.cbm`): the `CBM1` magic, a little-endian
//! 32-bit core size, the flatbuffer core (`TModelCore`: format version,
//! trees, the `InfoMap` of training parameters, model part ids) and the
//! serialised model parts (CTR tables) named by the core.
//!
//! The flatbuffer's root and vtable are bounds-checked; the strings it
//! carries (feature names, the `params` JSON, user `InfoMap` entries) are
//! read as printable runs and handed to the payload rules.

use thiserror::Error;

use crate::gbt::{GbtAnomaly, GbtView};

pub const MAGIC: &[u8; 4] = b"CBM1";
/// Printable runs shorter than this are not kept (numbers, short names).
const MIN_RUN: usize = 6;
/// Printable runs kept per model.
const MAX_RUNS: usize = 10_000;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CbmError {
    #[error("not a CatBoost model: no `CBM1` magic")]
    NoMagic,
    #[error("the core size field is missing")]
    Truncated,
}

pub fn sniff(data: &[u8]) -> bool {
    data.starts_with(MAGIC) && data.len() >= 8
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    let mut w = [0u8; 4];
    w.copy_from_slice(s);
    Some(u32::from_le_bytes(w))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

/// Reads a CatBoost model's framing and strings.
pub fn parse(data: &[u8]) -> Result<GbtView, CbmError> {
    if !data.starts_with(MAGIC) {
        return Err(CbmError::NoMagic);
    }
    let size = u32_at(data, 4).ok_or(CbmError::Truncated)? as usize;
    let mut view = GbtView::new("catboost");
    let available = data.len().saturating_sub(8);
    if size > available {
        view.inconsistent(
            "core",
            format!("the core size is {size} bytes but only {available} follow the header"),
        );
    }
    let core = data
        .get(8..8usize.saturating_add(size.min(available)))
        .unwrap_or_default();
    check_flatbuffer(core, &mut view);
    let runs = printable_runs(core, 8);
    let has_parts = runs.iter().any(|(_, s)| s.contains("_provider"));
    if let Some((_, v)) = runs
        .iter()
        .find(|(_, s)| s.starts_with("FlabuffersModel_v"))
    {
        view.version = Some(v.clone());
    }
    for (at, s) in runs {
        view.text("core string", at, s);
    }
    let end = 8usize.saturating_add(core.len());
    let rest = data.get(end..).unwrap_or_default();
    if !rest.is_empty() {
        if has_parts {
            for (at, s) in printable_runs(rest, end as u64) {
                view.text("model part string", at, s);
            }
        } else {
            view.anomaly(GbtAnomaly::Trailing {
                offset: end as u64,
                len: rest.len() as u64,
            });
        }
    }
    Ok(view)
}

/// The root offset and the root table's vtable must lie inside the core.
fn check_flatbuffer(core: &[u8], view: &mut GbtView) {
    let n = core.len() as u64;
    let Some(root) = u32_at(core, 0) else {
        view.inconsistent("core", "too short for a flatbuffer root offset");
        return;
    };
    let root_u = u64::from(root);
    if root_u.saturating_add(4) > n {
        view.anomaly(GbtAnomaly::IndexOutOfRange {
            path: "core".into(),
            what: "root table offset",
            index: i64::from(root),
            bound: n,
        });
        return;
    }
    let Some(soff) = u32_at(core, root as usize) else {
        return;
    };
    let vtable = i64::from(root).saturating_sub(i64::from(soff as i32));
    let vt_ok = usize::try_from(vtable)
        .ok()
        .and_then(|v| u16_at(core, v).map(|len| (v, len)))
        .filter(|&(v, len)| {
            len >= 4 && len % 2 == 0 && (v as u64).saturating_add(u64::from(len)) <= n
        });
    let Some((v, _)) = vt_ok else {
        view.anomaly(GbtAnomaly::IndexOutOfRange {
            path: "core".into(),
            what: "root vtable offset",
            index: vtable,
            bound: n,
        });
        return;
    };
    let table_len = u16_at(core, v.saturating_add(2)).unwrap_or(0);
    if root_u.saturating_add(u64::from(table_len)) > n {
        view.inconsistent(
            "core",
            format!("the root table claims {table_len} bytes past offset {root:#x}"),
        );
    }
}

/// Runs of at least [`MIN_RUN`] printable characters with their offsets.
fn printable_runs(b: &[u8], base: u64) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &c) in b.iter().chain(std::iter::once(&0u8)).enumerate() {
        let printable = c.is_ascii_graphic() || c == b' ' || c == b'\t';
        match (printable, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i.saturating_sub(s) >= MIN_RUN
                    && let Some(run) = b.get(s..i)
                {
                    out.push((
                        base.saturating_add(s as u64),
                        String::from_utf8_lossy(run).into_owned(),
                    ));
                    if out.len() >= MAX_RUNS {
                        break;
                    }
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_framing_and_strings() {
        // Root at 8; vtable at 4 (soffset 4) of 4 bytes: len 4, table 4.
        let mut core = vec![8, 0, 0, 0, 4, 0, 4, 0, 4, 0, 0, 0];
        core.extend_from_slice(b"\x00params {\"loss_function\": \"Logloss\"}\x00");
        let mut d = b"CBM1".to_vec();
        d.extend((core.len() as u32).to_le_bytes());
        d.extend(&core);
        let v = parse(&d).unwrap();
        assert!(v.anomalies.is_empty(), "{:?}", v.anomalies);
        assert!(v.texts.iter().any(|t| t.text.contains("loss_function")));
        d.extend(b"junk");
        assert!(matches!(
            parse(&d).unwrap().anomalies[..],
            [GbtAnomaly::Trailing { len: 4, .. }]
        ));
        let mut bad = b"CBM1\x10\x00\x00\x00".to_vec();
        bad.extend([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(matches!(
            parse(&bad).unwrap().anomalies[..],
            [GbtAnomaly::IndexOutOfRange { .. }]
        ));
    }
}
