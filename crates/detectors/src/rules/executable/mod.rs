//! `EXE` rules: native executables (ELF, PE, Mach-O) shipped as model
//! files, as members of any container, or as byte strings inside pickles.
//!
//! Loaders do not run these files by themselves, but a model never needs
//! one: a program or library beside the weights is staged for a loader
//! that `dlopen`s custom ops, for `trust_remote_code` code that runs it, or
//! for a person who follows the README. Headers are validated field by
//! field ([`sentrascan_formats::executable::sniff_header`]) before anything
//! is reported, so magic numbers in tensor data do not count.
//! (Executables in metadata values are reported by the formats' own
//! metadata rules, `ST007`, `GGUF008`, `ONNX009`, `TFL009`.)

pub mod exe001_executable_in_container;
pub mod exe002_standalone_executable;
pub mod exe003_pickle_embedded_executable;
pub mod exe004_executable_unreadable;

use sentrascan_formats::executable::{ExeFormat, ExeHeader, ExecutableView};
use sentrascan_types::{Finding, RuleFamily};

pub use exe001_executable_in_container::finding as executable_in_container;
pub use exe002_standalone_executable::finding as standalone_executable;
pub use exe003_pickle_embedded_executable::check as check_pickle_executables;
pub use exe004_executable_unreadable::finding as executable_unreadable;

pub(crate) const FAMILY: RuleFamily = RuleFamily::Executable;

/// `an ELF x86_64 shared library`, `a PE x86_64 executable`.
pub(crate) fn describe(h: &ExeHeader) -> String {
    let article = if h.format == ExeFormat::Elf {
        "an"
    } else {
        "a"
    };
    format!(
        "{article} {} {} {}",
        h.format.as_str(),
        h.arch,
        h.kind.as_str()
    )
}

/// Header and import evidence shared by the rules.
pub(crate) fn with_evidence(
    f: Finding,
    header: &ExeHeader,
    view: Option<&ExecutableView>,
) -> Finding {
    let mut f = f
        .evidence("format", header.format.as_str())
        .evidence("kind", header.kind.as_str())
        .evidence("arch", header.arch.clone())
        .evidence("bits", header.bits);
    if let Some(v) = view {
        f = f
            .evidence("imports", v.imports)
            .evidence("imports_of_interest", v.imports_of_interest.clone())
            .evidence("libraries", v.libraries.clone());
    }
    f
}

/// ` that imports `system`, `dlopen``, or nothing.
pub(crate) fn imports_clause(view: Option<&ExecutableView>) -> String {
    match view {
        Some(v) if !v.imports_of_interest.is_empty() => format!(
            " It imports {}.",
            v.imports_of_interest
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    }
}
