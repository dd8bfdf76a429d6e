//! Native executables: ELF, PE and Mach-O (thin and fat).
//!
//! [`sniff_header`] validates a header from a buffer's first bytes alone,
//! field by field (class, byte order, machine, file type, header sizes), so a
//! four-byte magic number in tensor data or a Java class file (`cafebabe`)
//! is not mistaken for a program. [`parse`] then reads the whole image with
//! the `object` crate (zero-copy and bounds-checked, fuzzed upstream and used
//! by the Rust toolchain's own backtraces) for the imported symbols that say
//! what the program can do: run commands, open sockets, load libraries.

use object::read::macho::{FatArch, MachOFatFile32, MachOFatFile64};
use object::{Object, ObjectKind};

/// The container format of an executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExeFormat {
    Elf,
    Pe,
    MachO,
    /// A Mach-O universal (fat) binary holding one image per architecture.
    MachOFat,
}

impl ExeFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExeFormat::Elf => "ELF",
            ExeFormat::Pe => "PE",
            ExeFormat::MachO => "Mach-O",
            ExeFormat::MachOFat => "Mach-O universal",
        }
    }
}

/// What the image is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExeKind {
    /// A program (ELF `ET_EXEC` or a PIE with an interpreter, PE image, `MH_EXECUTE`).
    Executable,
    /// A library loaded into another process (`.so`, `.dll`, `.dylib`, bundle).
    SharedLibrary,
    /// A relocatable object (`.o`).
    Object,
    /// A core dump or other image type.
    Other,
}

impl ExeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExeKind::Executable => "executable",
            ExeKind::SharedLibrary => "shared library",
            ExeKind::Object => "object file",
            ExeKind::Other => "image",
        }
    }

    /// True for images the system loads and runs (programs and libraries).
    pub fn is_loadable(self) -> bool {
        matches!(self, ExeKind::Executable | ExeKind::SharedLibrary)
    }
}

/// A validated executable header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExeHeader {
    pub format: ExeFormat,
    pub kind: ExeKind,
    /// Architecture (`x86_64`, `aarch64`); for fat binaries every slice's, joined by `+`.
    pub arch: String,
    pub bits: u8,
}

/// What a full parse of the image adds to the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutableView {
    pub header: ExeHeader,
    /// Imported functions that run commands, create processes, open
    /// sockets or load code (deduplicated, in import order, capped).
    pub imports_of_interest: Vec<String>,
    /// Number of imported symbols.
    pub imports: usize,
    /// Libraries named by the import table (PE) or the dynamic section (ELF).
    pub libraries: Vec<String>,
}

/// Why an image with a valid header could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExeError {
    #[error("not an executable header")]
    NotExecutable,
    #[error("{format} image is malformed: {message}")]
    Malformed {
        format: &'static str,
        message: String,
    },
}

/// At most this many imports of interest and libraries are kept.
const MAX_LISTED: usize = 32;

/// Imported functions worth naming: they run commands or programs, open
/// network connections or load further code. Matched after stripping one
/// leading `_` (Mach-O) and a trailing `@…` version (ELF).
const IMPORTS_OF_INTEREST: &[&str] = &[
    // POSIX processes and commands.
    "system",
    "popen",
    "execl",
    "execle",
    "execlp",
    "execv",
    "execve",
    "execvp",
    "execvpe",
    "fexecve",
    "fork",
    "vfork",
    "posix_spawn",
    "posix_spawnp",
    "ptrace",
    // Code loading.
    "dlopen",
    "dlmopen",
    "dlsym",
    "mprotect",
    // Network.
    "socket",
    "connect",
    "bind",
    "getaddrinfo",
    "gethostbyname",
    // Windows.
    "_popen",
    "_wpopen",
    "_wsystem",
    "_execv",
    "_spawnv",
    "WinExec",
    "CreateProcessA",
    "CreateProcessW",
    "CreateProcessAsUserA",
    "CreateProcessAsUserW",
    "ShellExecuteA",
    "ShellExecuteW",
    "ShellExecuteExA",
    "ShellExecuteExW",
    "LoadLibraryA",
    "LoadLibraryW",
    "LoadLibraryExA",
    "LoadLibraryExW",
    "GetProcAddress",
    "VirtualAlloc",
    "VirtualAllocEx",
    "VirtualProtect",
    "WriteProcessMemory",
    "CreateRemoteThread",
    "URLDownloadToFileA",
    "URLDownloadToFileW",
    "InternetOpenA",
    "InternetOpenW",
    "InternetOpenUrlA",
    "InternetOpenUrlW",
    "WinHttpOpen",
    "WSAStartup",
    "WSASocketA",
    "WSASocketW",
];

/// True when `name` (as imported) is in [`IMPORTS_OF_INTEREST`].
pub fn is_import_of_interest(name: &str) -> bool {
    let base = name.split('@').next().unwrap_or(name);
    IMPORTS_OF_INTEREST.contains(&base)
        || base
            .strip_prefix('_')
            .is_some_and(|b| IMPORTS_OF_INTEREST.contains(&b))
}

fn u16_at(b: &[u8], at: usize, big: bool) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    let a = [*s.first()?, *s.get(1)?];
    Some(if big {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    })
}

fn u32_at(b: &[u8], at: usize, big: bool) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    let mut a = [0u8; 4];
    a.copy_from_slice(s);
    Some(if big {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    })
}

fn u64_at(b: &[u8], at: usize, big: bool) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(if big {
        u64::from_be_bytes(a)
    } else {
        u64::from_le_bytes(a)
    })
}

fn elf_machine(m: u16) -> Option<&'static str> {
    Some(match m {
        2 => "sparc",
        3 => "x86",
        8 => "mips",
        20 => "powerpc",
        21 => "powerpc64",
        22 => "s390x",
        40 => "arm",
        42 => "superh",
        43 => "sparc64",
        50 => "ia64",
        62 => "x86_64",
        183 => "aarch64",
        243 => "riscv",
        247 => "bpf",
        258 => "loongarch",
        _ => return None,
    })
}

/// The kind an ELF `ET_DYN` really is: a PIE program has an interpreter
/// (`PT_INTERP`), a library has none. Needs the program headers; `None`
/// when they are not in `b`.
fn elf_dyn_kind(b: &[u8], wide: bool, big: bool) -> Option<ExeKind> {
    let (phoff, phentsize, phnum) = if wide {
        (
            u64_at(b, 32, big)?,
            u16_at(b, 54, big)?,
            u16_at(b, 56, big)?,
        )
    } else {
        (
            u64::from(u32_at(b, 28, big)?),
            u16_at(b, 42, big)?,
            u16_at(b, 44, big)?,
        )
    };
    let phoff = usize::try_from(phoff).ok()?;
    for i in 0..usize::from(phnum.min(256)) {
        let at = phoff.checked_add(i.checked_mul(usize::from(phentsize))?)?;
        // PT_INTERP = 3.
        if u32_at(b, at, big)? == 3 {
            return Some(ExeKind::Executable);
        }
    }
    Some(ExeKind::SharedLibrary)
}

fn sniff_elf(b: &[u8]) -> Option<ExeHeader> {
    if !b.starts_with(b"\x7fELF") {
        return None;
    }
    let wide = match b.get(4)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let big = match b.get(5)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    if *b.get(6)? != 1 || u32_at(b, 20, big)? != 1 {
        return None;
    }
    let ehsize = u16_at(b, if wide { 52 } else { 40 }, big)?;
    if ehsize != if wide { 64 } else { 52 } {
        return None;
    }
    let arch = elf_machine(u16_at(b, 18, big)?)?;
    let kind = match u16_at(b, 16, big)? {
        1 => ExeKind::Object,
        2 => ExeKind::Executable,
        3 => elf_dyn_kind(b, wide, big).unwrap_or(ExeKind::SharedLibrary),
        4 => ExeKind::Other,
        _ => return None,
    };
    Some(ExeHeader {
        format: ExeFormat::Elf,
        kind,
        arch: arch.to_string(),
        bits: if wide { 64 } else { 32 },
    })
}

fn pe_machine(m: u16) -> Option<(&'static str, u8)> {
    Some(match m {
        0x014c => ("x86", 32),
        0x8664 => ("x86_64", 64),
        0x01c0 | 0x01c2 | 0x01c4 => ("arm", 32),
        0xaa64 => ("aarch64", 64),
        0xa641 => ("arm64ec", 64),
        0x0200 => ("ia64", 64),
        0x5064 => ("riscv64", 64),
        _ => return None,
    })
}

fn sniff_pe(b: &[u8]) -> Option<ExeHeader> {
    if !b.starts_with(b"MZ") {
        return None;
    }
    let lfanew = usize::try_from(u32_at(b, 0x3c, false)?).ok()?;
    // The PE header follows the DOS stub within the first pages.
    if !(0x40..=0x10000).contains(&lfanew) || b.get(lfanew..lfanew.checked_add(4)?)? != b"PE\0\0" {
        return None;
    }
    let coff = lfanew.checked_add(4)?;
    let (arch, bits) = pe_machine(u16_at(b, coff, false)?)?;
    let optional_size = u16_at(b, coff.checked_add(16)?, false)?;
    let characteristics = u16_at(b, coff.checked_add(18)?, false)?;
    let magic = u16_at(b, coff.checked_add(20)?, false)?;
    if optional_size < 2 || !matches!(magic, 0x10b | 0x20b) {
        return None;
    }
    // IMAGE_FILE_DLL, IMAGE_FILE_EXECUTABLE_IMAGE.
    let kind = if characteristics & 0x2000 != 0 {
        ExeKind::SharedLibrary
    } else if characteristics & 0x0002 != 0 {
        ExeKind::Executable
    } else {
        ExeKind::Object
    };
    Some(ExeHeader {
        format: ExeFormat::Pe,
        kind,
        arch: arch.to_string(),
        bits,
    })
}

fn macho_cpu(cpu: u32) -> Option<(&'static str, u8)> {
    Some(match cpu {
        7 => ("x86", 32),
        0x0100_0007 => ("x86_64", 64),
        12 => ("arm", 32),
        0x0100_000c => ("arm64", 64),
        0x0200_000c => ("arm64_32", 32),
        18 => ("powerpc", 32),
        0x0100_0012 => ("powerpc64", 64),
        _ => return None,
    })
}

fn sniff_thin_macho(b: &[u8]) -> Option<ExeHeader> {
    let (big, wide) = match b.get(..4)? {
        [0xfe, 0xed, 0xfa, 0xce] => (true, false),
        [0xfe, 0xed, 0xfa, 0xcf] => (true, true),
        [0xce, 0xfa, 0xed, 0xfe] => (false, false),
        [0xcf, 0xfa, 0xed, 0xfe] => (false, true),
        _ => return None,
    };
    let (arch, _) = macho_cpu(u32_at(b, 4, big)?)?;
    let kind = match u32_at(b, 12, big)? {
        1 => ExeKind::Object,
        2 => ExeKind::Executable,
        // MH_DYLIB, MH_BUNDLE, MH_DYLINKER's siblings that load into a process.
        6 | 8 => ExeKind::SharedLibrary,
        3..=5 | 7 | 9..=12 => ExeKind::Other,
        _ => return None,
    };
    let ncmds = u32_at(b, 16, big)?;
    let sizeofcmds = u32_at(b, 20, big)?;
    // Every load command is at least 8 bytes.
    if ncmds == 0 || ncmds > 4096 || sizeofcmds < ncmds.saturating_mul(8) || sizeofcmds > 1 << 24 {
        return None;
    }
    Some(ExeHeader {
        format: ExeFormat::MachO,
        kind,
        arch: arch.to_string(),
        bits: if wide { 64 } else { 32 },
    })
}

/// A fat header: `cafebabe` (or `cafebabf` for 64-bit offsets) followed by
/// a small count of architecture records that name known CPUs and point
/// past the header. A Java class file has its version where the count is
/// (major version 45 or more, so the count would be at least 45).
fn sniff_fat(b: &[u8]) -> Option<ExeHeader> {
    let wide = match b.get(..4)? {
        [0xca, 0xfe, 0xba, 0xbe] => false,
        [0xca, 0xfe, 0xba, 0xbf] => true,
        _ => return None,
    };
    let n = u32_at(b, 4, true)?;
    if n == 0 || n > 16 {
        return None;
    }
    let record = if wide { 32usize } else { 20 };
    let header_end = 8usize.checked_add(record.checked_mul(n as usize)?)?;
    let mut arches = Vec::new();
    let mut kind = ExeKind::Other;
    for i in 0..n as usize {
        let at = 8usize.checked_add(i.checked_mul(record)?)?;
        let (arch, _) = macho_cpu(u32_at(b, at, true)?)?;
        let field = |n: usize| at.checked_add(n);
        let (offset, size) = if wide {
            (u64_at(b, field(8)?, true)?, u64_at(b, field(16)?, true)?)
        } else {
            (
                u64::from(u32_at(b, field(8)?, true)?),
                u64::from(u32_at(b, field(12)?, true)?),
            )
        };
        if offset < header_end as u64 || size < 28 {
            return None;
        }
        // When the slice is in the buffer, its own header must be valid.
        if let Some(slice) = usize::try_from(offset).ok().and_then(|o| b.get(o..))
            && !slice.is_empty()
        {
            let thin = sniff_thin_macho(slice)?;
            if i == 0 {
                kind = thin.kind;
            }
        }
        arches.push(arch);
    }
    Some(ExeHeader {
        format: ExeFormat::MachOFat,
        kind,
        arch: arches.join("+"),
        bits: if wide { 64 } else { 32 },
    })
}

/// The validated executable header `head` starts with, if any. Works on a
/// prefix (the first few kilobytes are enough for every format).
pub fn sniff_header(head: &[u8]) -> Option<ExeHeader> {
    match head.first()? {
        0x7f => sniff_elf(head),
        b'M' => sniff_pe(head),
        0xca => sniff_fat(head),
        0xfe | 0xce | 0xcf => sniff_thin_macho(head),
        _ => None,
    }
}

/// Parses a whole image: the header, then its imports with `object`.
pub fn parse(data: &[u8]) -> Result<ExecutableView, ExeError> {
    let header = sniff_header(data).ok_or(ExeError::NotExecutable)?;
    let malformed = |e: object::Error| ExeError::Malformed {
        format: header.format.as_str(),
        message: e.to_string(),
    };
    // A fat binary's imports are read from its first slice.
    let image: &[u8] = match header.format {
        ExeFormat::MachOFat => {
            let range = if data.get(3) == Some(&0xbf) {
                MachOFatFile64::parse(data)
                    .map_err(malformed)?
                    .arches()
                    .first()
                    .map(|a| a.file_range())
            } else {
                MachOFatFile32::parse(data)
                    .map_err(malformed)?
                    .arches()
                    .first()
                    .map(|a| a.file_range())
            };
            range
                .and_then(|(o, s)| {
                    let o = usize::try_from(o).ok()?;
                    data.get(o..o.checked_add(usize::try_from(s).ok()?)?)
                })
                .ok_or_else(|| ExeError::Malformed {
                    format: header.format.as_str(),
                    message: "first architecture slice is outside the file".into(),
                })?
        }
        _ => data,
    };
    let file = object::File::parse(image).map_err(malformed)?;
    let imports = file.imports().map_err(malformed)?;
    let mut of_interest: Vec<String> = Vec::new();
    let mut libraries: Vec<String> = Vec::new();
    for import in &imports {
        let name = String::from_utf8_lossy(import.name());
        if is_import_of_interest(&name) && of_interest.len() < MAX_LISTED {
            let clean = name.trim_start_matches('_');
            let clean = if IMPORTS_OF_INTEREST.contains(&name.as_ref()) {
                name.to_string()
            } else {
                clean.to_string()
            };
            if !of_interest.contains(&clean) {
                of_interest.push(clean);
            }
        }
        let lib = import.library();
        if !lib.is_empty() && libraries.len() < MAX_LISTED {
            let lib = String::from_utf8_lossy(lib).into_owned();
            if !libraries.contains(&lib) {
                libraries.push(lib);
            }
        }
    }
    if let object::File::Elf32(_) | object::File::Elf64(_) = &file {
        for lib in elf_needed(&file) {
            if libraries.len() < MAX_LISTED && !libraries.contains(&lib) {
                libraries.push(lib);
            }
        }
    }
    let mut header = header;
    if header.format == ExeFormat::Elf && file.kind() == ObjectKind::Dynamic {
        // Confirmed from the full program headers (the prefix may have cut them).
        if let Some(k) = elf_dyn_kind(data, header.bits == 64, data.get(5) == Some(&2)) {
            header.kind = k;
        }
    }
    Ok(ExecutableView {
        header,
        imports_of_interest: of_interest,
        imports: imports.len(),
        libraries,
    })
}

/// `DT_NEEDED` libraries of an ELF image.
fn elf_needed(file: &object::File<'_>) -> Vec<String> {
    use object::read::elf::{Dyn, FileHeader};
    fn needed<'d, E: FileHeader>(f: &object::read::elf::ElfFile<'d, E, &'d [u8]>) -> Vec<String> {
        let endian = f.endian();
        let data = f.data();
        let mut out = Vec::new();
        let Ok(sections) = f.elf_header().sections(endian, data) else {
            return out;
        };
        let Ok(Some((dyns, link))) = sections.dynamic(endian, data) else {
            return out;
        };
        let Ok(strings) = sections.strings(endian, data, link) else {
            return out;
        };
        for d in dyns.iter().take(4096) {
            if d.tag32(endian) == Some(object::elf::DT_NEEDED)
                && let Ok(name) = d.string(endian, strings)
            {
                out.push(String::from_utf8_lossy(name).into_owned());
                if out.len() >= MAX_LISTED {
                    break;
                }
            }
        }
        out
    }
    match file {
        object::File::Elf32(f) => needed(f),
        object::File::Elf64(f) => needed(f),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elf64(e_type: u16) -> Vec<u8> {
        let mut b = vec![0u8; 64];
        b[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
        b[16..18].copy_from_slice(&e_type.to_le_bytes());
        b[18..20].copy_from_slice(&62u16.to_le_bytes());
        b[20..24].copy_from_slice(&1u32.to_le_bytes());
        b[52..54].copy_from_slice(&64u16.to_le_bytes());
        b
    }

    #[test]
    fn elf_header_fields_are_validated() {
        let h = sniff_header(&elf64(2)).unwrap();
        assert_eq!(
            (h.format, h.kind, h.arch.as_str(), h.bits),
            (ExeFormat::Elf, ExeKind::Executable, "x86_64", 64)
        );
        assert_eq!(
            sniff_header(&elf64(3)).unwrap().kind,
            ExeKind::SharedLibrary
        );
        let mut bad = elf64(2);
        bad[52] = 0;
        assert!(sniff_header(&bad).is_none());
        assert!(sniff_header(b"\x7fELF\x02\x01\x01").is_none());
        assert!(sniff_header(&elf64(9)).is_none());
    }

    #[test]
    fn pe_needs_its_signature_and_optional_header() {
        let mut b = vec![0u8; 0x100];
        b[..2].copy_from_slice(b"MZ");
        b[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
        b[0x80..0x84].copy_from_slice(b"PE\0\0");
        b[0x84..0x86].copy_from_slice(&0x8664u16.to_le_bytes());
        b[0x94..0x96].copy_from_slice(&240u16.to_le_bytes());
        b[0x96..0x98].copy_from_slice(&0x2022u16.to_le_bytes());
        b[0x98..0x9a].copy_from_slice(&0x20bu16.to_le_bytes());
        let h = sniff_header(&b).unwrap();
        assert_eq!((h.format, h.kind), (ExeFormat::Pe, ExeKind::SharedLibrary));
        b[0x98] = 0;
        assert!(sniff_header(&b).is_none());
        assert!(sniff_header(b"MZ\x90\x00").is_none());
    }

    #[test]
    fn fat_mach_o_is_not_a_java_class() {
        // A class file: cafebabe, minor 0, major 52.
        assert!(sniff_header(b"\xca\xfe\xba\xbe\x00\x00\x00\x34\x00\x1d").is_none());
        let mut fat = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1];
        fat.extend_from_slice(&0x0100_000cu32.to_be_bytes());
        fat.extend_from_slice(&0u32.to_be_bytes());
        fat.extend_from_slice(&0x1000u32.to_be_bytes());
        fat.extend_from_slice(&0x200u32.to_be_bytes());
        fat.extend_from_slice(&14u32.to_be_bytes());
        let h = sniff_header(&fat).unwrap();
        assert_eq!((h.format, h.arch.as_str()), (ExeFormat::MachOFat, "arm64"));
    }

    #[test]
    fn thin_mach_o_both_byte_orders() {
        let mut le = vec![0xcf, 0xfa, 0xed, 0xfe];
        le.extend_from_slice(&0x0100_0007u32.to_le_bytes());
        le.extend_from_slice(&3u32.to_le_bytes());
        le.extend_from_slice(&6u32.to_le_bytes());
        le.extend_from_slice(&1u32.to_le_bytes());
        le.extend_from_slice(&24u32.to_le_bytes());
        let h = sniff_header(&le).unwrap();
        assert_eq!(
            (h.kind, h.arch.as_str(), h.bits),
            (ExeKind::SharedLibrary, "x86_64", 64)
        );
        let be: Vec<u8> = [0xfe, 0xed, 0xfa, 0xce]
            .into_iter()
            .chain(18u32.to_be_bytes())
            .chain(0u32.to_be_bytes())
            .chain(2u32.to_be_bytes())
            .chain(1u32.to_be_bytes())
            .chain(8u32.to_be_bytes())
            .collect();
        assert_eq!(sniff_header(&be).unwrap().arch, "powerpc");
        assert!(sniff_header(&[0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]).is_none());
    }

    #[test]
    fn imports_of_interest_match_decorated_names() {
        assert!(is_import_of_interest("system@GLIBC_2.2.5"));
        assert!(is_import_of_interest("_dlopen"));
        assert!(is_import_of_interest("CreateProcessW"));
        assert!(!is_import_of_interest("systemd_notify"));
        assert!(!is_import_of_interest("printf"));
    }
}
