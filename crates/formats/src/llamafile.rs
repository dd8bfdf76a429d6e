//! llamafile: an Actually Portable Executable (a file that is at once an MS-DOS/PE
//! stub, a shell script and, through its loader, an ELF or Mach-O program)
//! with a zip appended that holds the GGUF weights and an `.args` file of
//! default command-line arguments. Running it runs native code; the weights
//! inside are ordinary GGUF. This module recognises the executable prefix
//! and reads `.args`; the zip is walked by the zip reader.

/// The name of the default-arguments member.
pub const ARGS_MEMBER: &str = ".args";
/// `.args` files larger than this are not read.
pub const MAX_ARGS: usize = 64 << 10;
/// Arguments kept at most.
const MAX_ARGV: usize = 1_000;

/// The kind of executable in front of the zip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutablePrefix {
    /// Actually Portable Executable (`MZqFpD='` shell-compatible MZ header).
    Ape,
    /// A plain ELF program.
    Elf,
    /// A Windows PE (`MZ`).
    Pe,
    /// A Mach-O program.
    MachO,
    /// A shell script (`#!`).
    Shell,
}

impl ExecutablePrefix {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutablePrefix::Ape => "ape",
            ExecutablePrefix::Elf => "elf",
            ExecutablePrefix::Pe => "pe",
            ExecutablePrefix::MachO => "macho",
            ExecutablePrefix::Shell => "shell",
        }
    }
}

/// The executable kind that `data` starts with, if any.
pub fn executable_prefix(data: &[u8]) -> Option<ExecutablePrefix> {
    if data.starts_with(b"MZqFpD") || data.starts_with(b"jartsr=") {
        return Some(ExecutablePrefix::Ape);
    }
    if data.starts_with(b"\x7fELF") {
        return Some(ExecutablePrefix::Elf);
    }
    if data.starts_with(b"MZ") {
        return Some(ExecutablePrefix::Pe);
    }
    let macho: [[u8; 4]; 4] = [
        [0xcf, 0xfa, 0xed, 0xfe],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xca, 0xfe, 0xba, 0xbe],
    ];
    if macho.iter().any(|m| data.starts_with(m)) {
        return Some(ExecutablePrefix::MachO);
    }
    if data.starts_with(b"#!") {
        return Some(ExecutablePrefix::Shell);
    }
    None
}

/// True for the member names that carry llamafile weights.
pub fn is_weights_member(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".gguf")
}

/// Something in `.args` worth reporting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgConcern {
    /// The server listens on a non-loopback address (`--host 0.0.0.0`).
    ListensOn(String),
    /// A URL the program fetches or points at.
    Url(String),
    /// A file outside the embedded zip (`-f /etc/…`, `-m /tmp/x.gguf`).
    HostPath { flag: String, path: String },
}

/// The parsed `.args`: argv (one argument per line or whitespace-separated,
/// `...` marks where the user's own arguments go) and its concerns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LlamafileArgs {
    pub argv: Vec<String>,
    pub concerns: Vec<ArgConcern>,
}

/// Flags whose value is a path the program reads.
const PATH_FLAGS: &[&str] = &[
    "-m",
    "--model",
    "-f",
    "--file",
    "--mmproj",
    "--lora",
    "--lora-base",
    "--grammar-file",
    "-j",
    "--json-schema-file",
    "--prompt-cache",
    "--path",
    "--ssl-key-file",
    "--ssl-cert-file",
    "--log-file",
    "--slot-save-path",
];

/// Parses `.args`; `members` are the zip's member names (a relative path
/// that names one is read from the zip, like a `/zip/` path).
pub fn parse_args(data: &[u8], members: &[&str]) -> LlamafileArgs {
    let text = String::from_utf8_lossy(data.get(..data.len().min(MAX_ARGS)).unwrap_or(data));
    let argv: Vec<String> = text
        .split_whitespace()
        .take(MAX_ARGV)
        .map(str::to_string)
        .collect();
    let mut concerns = Vec::new();
    let mut it = argv.iter().peekable();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        if flag == "--host" {
            if let Some(h) = value().filter(|h| !is_loopback(h)) {
                concerns.push(ArgConcern::ListensOn(h));
            }
        } else if PATH_FLAGS.contains(&flag) {
            if let Some(p) = value() {
                if p.contains("://") {
                    concerns.push(ArgConcern::Url(p));
                } else if !p.starts_with("/zip/")
                    && !p.starts_with("zip/")
                    && !members.contains(&p.as_str())
                {
                    concerns.push(ArgConcern::HostPath {
                        flag: flag.to_string(),
                        path: p,
                    });
                }
            }
        } else if arg.contains("://") {
            concerns.push(ArgConcern::Url(arg.clone()));
        }
    }
    LlamafileArgs { argv, concerns }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_matches(['[', ']']);
    h == "localhost" || h == "::1" || h.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_prefixes() {
        assert_eq!(
            executable_prefix(b"MZqFpD='\n"),
            Some(ExecutablePrefix::Ape)
        );
        assert_eq!(
            executable_prefix(b"\x7fELF\x02"),
            Some(ExecutablePrefix::Elf)
        );
        assert_eq!(
            executable_prefix(b"#!/bin/sh"),
            Some(ExecutablePrefix::Shell)
        );
        assert_eq!(executable_prefix(b"PK\x03\x04"), None);
    }

    #[test]
    fn default_args_are_quiet() {
        let args = b"-m\nmodel.gguf\n--host\n127.0.0.1\n-c\n2048\n...\n";
        let a = parse_args(args, &["model.gguf", ".args"]);
        assert_eq!(a.argv.len(), 7);
        assert!(a.concerns.is_empty());
        // Not a member: read from the working directory.
        assert_eq!(
            parse_args(args, &[]).concerns,
            [ArgConcern::HostPath {
                flag: "-m".into(),
                path: "model.gguf".into()
            }]
        );
        assert!(
            parse_args(b"-m\n/zip/model.gguf\n...\n", &[])
                .concerns
                .is_empty()
        );
    }

    #[test]
    fn reports_exposure_urls_and_paths() {
        let a = parse_args(
            b"--host 0.0.0.0\n--mmproj=http://127.0.0.1:9/x.gguf\n-f /etc/passwd\nhttps://127.0.0.1:9/\n",
            &[],
        );
        assert_eq!(
            a.concerns,
            [
                ArgConcern::ListensOn("0.0.0.0".into()),
                ArgConcern::Url("http://127.0.0.1:9/x.gguf".into()),
                ArgConcern::HostPath {
                    flag: "-f".into(),
                    path: "/etc/passwd".into()
                },
                ArgConcern::Url("https://127.0.0.1:9/".into()),
            ]
        );
    }
}
