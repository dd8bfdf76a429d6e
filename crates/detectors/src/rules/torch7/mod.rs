//! `T7` rules: Lua Torch7 files (`torch.save`, `.t7`). Serialised Lua
//! functions (byte code that `torch.load` compiles), classes outside the
//! Torch and nn ecosystems, and data after the object.

pub mod lua001_serialised_function;
pub mod lua002_unknown_class;
pub mod lua003_trailing_data;

use sentrascan_formats::torch7::T7View;
use sentrascan_types::{Finding, Location, RuleFamily};

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Torch7;

/// Class prefixes of Torch7 and its common packages.
pub const KNOWN_CLASS_PREFIXES: &[&str] = &[
    "torch.", "nn.", "cudnn.", "cunn.", "cutorch.", "nngraph.", "rnn.", "dpnn.", "optim.", "tds.",
    "image.", "cunnx.", "nnx.", "fbnn.", "fbcunn.", "inn.", "nninit.",
];

/// Whether `class` belongs to Torch7 or one of its common packages.
pub fn is_known_class(class: &str) -> bool {
    KNOWN_CLASS_PREFIXES.iter().any(|p| class.starts_with(p))
}

/// Runs every `T7` rule over a read file. An incomplete read is the
/// engine's to report (unreadable, inconclusive).
pub fn check_torch7(view: &T7View, location: &Location, out: &mut Vec<Finding>) {
    for f in &view.functions {
        out.push(lua001_serialised_function::finding(location, f));
    }
    let unknown: Vec<(&String, &u64)> = view
        .classes
        .iter()
        .filter(|(c, _)| !is_known_class(c))
        .collect();
    if !unknown.is_empty() {
        out.push(lua002_unknown_class::finding(location, &unknown));
    }
    if view.error.is_none() && view.trailing > 0 {
        out.push(lua003_trailing_data::finding(location, view.trailing));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::torch7::{T7Encoding, T7Function};

    #[test]
    fn each_rule() {
        let mut v = T7View {
            encoding: T7Encoding::Binary,
            long_size: 8,
            functions: vec![T7Function {
                offset: 8,
                tag: 7,
                bytecode_len: 40,
                dialect: "Lua 5.1".into(),
                strings: vec!["os.execute".into()],
            }],
            functions_dropped: 0,
            classes: Default::default(),
            objects: 3,
            tensors: 0,
            trailing: 2,
            error: None,
        };
        v.classes.insert("nn.Linear".into(), 1);
        v.classes.insert("evil.Payload".into(), 1);
        let mut out = Vec::new();
        check_torch7(&v, &Location::file("m.t7"), &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.rule.as_str(), f.severity.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("LUA001", "CRITICAL".to_string()),
                ("LUA002", "MEDIUM".to_string()),
                ("LUA003", "MEDIUM".to_string())
            ]
        );
        assert!(is_known_class("cudnn.SpatialConvolution"));
        assert!(!is_known_class("os.execute"));
    }
}
