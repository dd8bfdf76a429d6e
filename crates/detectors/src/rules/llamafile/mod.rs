//! `LMF` rules: llamafiles, executables that carry GGUF weights in an
//! appended zip. The executable itself and its default arguments; the
//! weights go through the GGUF rules.

pub mod lmf001_native_executable;
pub mod lmf002_default_arguments;

use sentrascan_formats::llamafile::LlamafileArgs;
use sentrascan_types::{Finding, Location, RuleFamily};

pub use lmf001_native_executable::finding as native_executable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Llamafile;

/// `LMF002` for each concern of the `.args` member at `location`.
pub fn check_llamafile_args(args: &LlamafileArgs, location: &Location, out: &mut Vec<Finding>) {
    out.extend(
        args.concerns
            .iter()
            .map(|c| lmf002_default_arguments::finding(location, c)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::llamafile::parse_args;

    #[test]
    fn one_finding_per_concern() {
        let mut out = Vec::new();
        let a = parse_args(b"--host 0.0.0.0 -m /tmp/x.gguf", &[]);
        check_llamafile_args(&a, &Location::file("a"), &mut out);
        assert_eq!(out.len(), 2);
        out.clear();
        check_llamafile_args(
            &parse_args(b"-m m.gguf", &["m.gguf"]),
            &Location::file("a"),
            &mut out,
        );
        assert!(out.is_empty());
    }
}
