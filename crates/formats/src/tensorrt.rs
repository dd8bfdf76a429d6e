//! TensorRT engines (`.engine`, `.plan`, `.trt`): serialized by
//! `ICudaEngine::serialize` in an undocumented, version-specific layout that
//! starts with the tag `ftrt`. What the scan can know without NVIDIA's
//! runtime: the tag, the raw header words after it (reported as facts, not
//! interpreted), and the strings inside the engine — plugin creator names
//! (TensorRT stores each plugin layer's creator name, version and namespace
//! before its serialized data), shared-library names (`lib*.so`, `*.dll`)
//! and absolute paths. Plugin payloads are opaque bytes that only the
//! plugin's own native code reads; the scan cannot verify them and says so.
//! Every scan is bounded by [`MAX_SCAN_BYTES`] and [`MAX_STRINGS`].

/// The tag at the start of a serialized engine.
pub const MAGIC: &[u8; 4] = b"ftrt";
/// Bytes of the engine searched for strings.
pub const MAX_SCAN_BYTES: u64 = 256 << 20;
/// Strings kept per kind.
pub const MAX_STRINGS: usize = 1_000;
/// Shortest printable run looked at.
const MIN_RUN: usize = 4;
/// Longest run kept (longer runs are cut).
const MAX_RUN: usize = 1_024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TensorRtError {
    #[error("file of {len} bytes is too short for a TensorRT engine header")]
    TooShort { len: u64 },
    #[error("file does not start with the `ftrt` tag")]
    BadMagic,
}

/// A string found in the engine, with its file offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineString {
    pub text: String,
    pub offset: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TensorRtView {
    pub file_len: u64,
    /// The two little-endian u32 words after the tag (a serialization
    /// version and a size or flags word, depending on the TensorRT version).
    pub header_words: [u32; 2],
    /// Plugin creator names (`*Plugin*`, `*_TRT`, `*Creator`).
    pub plugins: Vec<EngineString>,
    /// Shared-library names and paths (`lib*.so*`, `*.dll`, `*.dylib`).
    pub libraries: Vec<EngineString>,
    /// Absolute file-system paths that are not libraries.
    pub paths: Vec<EngineString>,
    /// Host executables embedded in the engine: (offset, kind). GPU
    /// kernels (cubins, ELF files for `EM_CUDA`) are not listed.
    pub executables: Vec<(u64, &'static str)>,
    pub limits_hit: Vec<(&'static str, u64)>,
}

pub fn sniff(data: &[u8]) -> bool {
    data.starts_with(MAGIC)
}

/// Plugin creators that ship with TensorRT's own plugin library
/// (`libnvinfer_plugin`): named in `IPluginRegistry` as `<Name>_TRT`.
pub fn is_standard_plugin(name: &str) -> bool {
    name.ends_with("_TRT")
}

pub fn parse(data: &[u8]) -> Result<TensorRtView, TensorRtError> {
    let len = data.len() as u64;
    if data.len() < 16 {
        return Err(TensorRtError::TooShort { len });
    }
    if !data.starts_with(MAGIC) {
        return Err(TensorRtError::BadMagic);
    }
    let word = |at: usize| {
        data.get(at..at.saturating_add(4))
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    };
    let mut view = TensorRtView {
        file_len: len,
        header_words: [word(4), word(8)],
        ..TensorRtView::default()
    };
    let end = usize::try_from(MAX_SCAN_BYTES)
        .unwrap_or(usize::MAX)
        .min(data.len());
    if (data.len() as u64) > MAX_SCAN_BYTES {
        view.limits_hit
            .push(("max_tensorrt_scan_bytes", MAX_SCAN_BYTES));
    }
    let scanned = data.get(..end).unwrap_or_default();
    view.executables = host_executables(scanned);
    let mut pos = 0usize;
    for run in scanned.split(|c| !(c.is_ascii_graphic() || *c == b' ')) {
        let offset = pos as u64;
        pos = pos.saturating_add(run.len()).saturating_add(1);
        if run.len() < MIN_RUN {
            continue;
        }
        let cut = run.get(..run.len().min(MAX_RUN)).unwrap_or_default();
        let text = String::from_utf8_lossy(cut).into_owned();
        classify(&mut view, text, offset);
    }
    Ok(view)
}

/// Executables kept per engine.
const MAX_EXECUTABLES: usize = 16;
/// `e_machine` of the ELF files that hold CUDA kernels (cubins).
const EM_CUDA: u16 = 190;

/// ELF (other than CUDA cubins), PE and Mach-O headers inside `data`.
pub fn host_executables(data: &[u8]) -> Vec<(u64, &'static str)> {
    let mut out = Vec::new();
    for (i, w) in data.windows(4).enumerate() {
        if out.len() >= MAX_EXECUTABLES {
            break;
        }
        let rest = data.get(i..).unwrap_or_default();
        let kind = match w {
            [0x7f, b'E', b'L', b'F'] => elf_kind(rest),
            [b'M', b'Z', _, _] => pe_kind(rest),
            [0xcf, 0xfa, 0xed, 0xfe] | [0xce, 0xfa, 0xed, 0xfe] => macho_kind(rest),
            _ => None,
        };
        if let Some(k) = kind {
            out.push((i as u64, k));
        }
    }
    out
}

fn elf_kind(b: &[u8]) -> Option<&'static str> {
    let class = *b.get(4)?;
    let endian = *b.get(5)?;
    if !matches!(class, 1 | 2) || !matches!(endian, 1 | 2) || *b.get(6)? != 1 {
        return None;
    }
    let m = b.get(18..20)?;
    let machine = if endian == 1 {
        u16::from_le_bytes([*m.first()?, *m.get(1)?])
    } else {
        u16::from_be_bytes([*m.first()?, *m.get(1)?])
    };
    (machine != EM_CUDA).then_some("ELF executable or shared library")
}

fn pe_kind(b: &[u8]) -> Option<&'static str> {
    let l = b.get(0x3c..0x40)?;
    let lfanew = usize::try_from(u32::from_le_bytes(l.try_into().ok()?)).ok()?;
    (lfanew < 4096 && b.get(lfanew..lfanew.checked_add(4)?)? == b"PE\0\0")
        .then_some("PE (Windows) executable or DLL")
}

fn macho_kind(b: &[u8]) -> Option<&'static str> {
    // Mach-O file types 1..=12 (object, executable, dylib, bundle, ...).
    let t = b.get(12..16)?;
    let filetype = u32::from_le_bytes(t.try_into().ok()?);
    (1..=12)
        .contains(&filetype)
        .then_some("Mach-O executable or library")
}

fn push(list: &mut Vec<EngineString>, limits: &mut Vec<(&'static str, u64)>, s: EngineString) {
    if list.iter().any(|x| x.text == s.text) {
        return;
    }
    if list.len() < MAX_STRINGS {
        list.push(s);
    } else if !limits.iter().any(|(l, _)| *l == "max_tensorrt_strings") {
        limits.push(("max_tensorrt_strings", MAX_STRINGS as u64));
    }
}

fn classify(view: &mut TensorRtView, text: String, offset: u64) {
    let trimmed = text.trim();
    for token in trimmed.split([' ', '"', '\'', ',', ';', '=']) {
        if token.len() < MIN_RUN {
            continue;
        }
        let s = EngineString {
            text: token.to_string(),
            offset,
        };
        if is_library(token) {
            push(&mut view.libraries, &mut view.limits_hit, s);
        } else if is_absolute_path(token) {
            push(&mut view.paths, &mut view.limits_hit, s);
        } else if is_plugin_name(token) {
            push(&mut view.plugins, &mut view.limits_hit, s);
        }
    }
}

/// `lib*.so`, `*.so.N`, `*.dll`, `*.dylib`, with or without a directory.
pub fn is_library(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let file = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let stem_ok = |stem: &str| {
        !stem.is_empty()
            && stem
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
    };
    if let Some(stem) = file
        .strip_suffix(".dll")
        .or_else(|| file.strip_suffix(".dylib"))
    {
        return stem_ok(stem);
    }
    match file.find(".so") {
        Some(i) => {
            let (stem, rest) = file.split_at(i);
            let tail = rest.get(3..).unwrap_or_default();
            stem_ok(stem)
                && (tail.is_empty()
                    || (tail.starts_with('.')
                        && tail.chars().all(|c| c.is_ascii_digit() || c == '.')))
        }
        None => false,
    }
}

/// `/usr/...`, `C:\...`, `\\host\share`, `~/...` with at least two components.
pub fn is_absolute_path(s: &str) -> bool {
    let b = s.as_bytes();
    let unix = s.starts_with('/') && s.get(1..).is_some_and(|r| r.contains('/'));
    let drive = b.len() > 3
        && b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.get(1) == Some(&b':')
        && matches!(b.get(2), Some(b'\\') | Some(b'/'));
    let unc = s.starts_with("\\\\") && s.len() > 4;
    let home = s.starts_with("~/") && s.len() > 3;
    (unix || drive || unc || home) && !s.contains("://")
}

/// A plugin creator name: an identifier ending in `_TRT`, or containing
/// `Plugin` (TensorRT's convention, `MyPluginDynamic`, `CustomPluginCreator`).
pub fn is_plugin_name(s: &str) -> bool {
    s.len() <= 128
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && (s.ends_with("_TRT") || s.contains("Plugin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_strings() {
        let mut data = b"ftrt\xe8\0\0\0\x10\0\0\0".to_vec();
        data.extend_from_slice(b"\0\0\x01GridAnchor_TRT\0\x011\0MyCustomPlugin\0");
        data.extend_from_slice(
            b"/opt/plugins/libevil_plugin.so\0C:\\x\\evil.dll\0/etc/secret/conf\0",
        );
        let v = parse(&data).unwrap();
        assert_eq!(v.header_words, [0xe8, 0x10]);
        let names: Vec<_> = v.plugins.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(names, ["GridAnchor_TRT", "MyCustomPlugin"]);
        assert_eq!(v.libraries.len(), 2);
        assert_eq!(v.paths[0].text, "/etc/secret/conf");
        assert!(is_standard_plugin("GridAnchor_TRT"));
    }

    #[test]
    fn host_executables_but_not_cubins() {
        let mut elf = vec![0u8; 64];
        elf[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
        elf[18] = 62; // x86-64
        let mut cubin = elf.clone();
        cubin[18..20].copy_from_slice(&190u16.to_le_bytes());
        let mut data = b"ftrt\0\0\0\0\0\0\0\0".to_vec();
        data.extend(&cubin);
        data.extend(&elf);
        let v = parse(&data).unwrap();
        assert_eq!(v.executables, [(76, "ELF executable or shared library")]);
    }

    #[test]
    fn library_names() {
        assert!(is_library("libfoo.so"));
        assert!(is_library("libfoo.so.8.6.1"));
        assert!(is_library("nvinfer_plugin.dll"));
        assert!(!is_library("also"));
        assert!(!is_library(".so"));
        assert!(!is_library("x.sox"));
        assert!(is_absolute_path("/usr/lib/x"));
        assert!(!is_absolute_path("/x"));
        assert!(!is_plugin_name("Plugin data here"));
    }

    #[test]
    fn not_an_engine() {
        assert!(parse(b"ftrt").is_err());
        assert!(parse(b"xxxxxxxxxxxxxxxxxxxx").is_err());
    }
}
