//! `CNT` rules: Microsoft CNTK v2 models. User-defined functions (Python
//! classes or native libraries the loader must import) and library paths.

pub mod cnt001_user_defined_function;
pub mod cnt002_native_library_path;

use sentrascan_formats::cntk::CntkView;
use sentrascan_types::{Finding, Location, RuleFamily};

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Cntk;

/// Runs every `CNT` rule over a decoded model.
pub fn check_cntk(view: &CntkView, location: &Location, out: &mut Vec<Finding>) {
    for u in &view.user_functions {
        out.push(cnt001_user_defined_function::finding(location, u));
    }
    for (path, value) in &view.library_paths {
        out.push(cnt002_native_library_path::finding(location, path, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::cntk::UserFunction;

    #[test]
    fn each_rule() {
        let view = CntkView {
            user_functions: vec![UserFunction {
                path: "primitive_functions[0]".into(),
                fields: vec![("class".into(), "P".into()), ("module".into(), "m".into())],
                native: false,
            }],
            library_paths: vec![("x.path".into(), "C:\\evil.dll".into())],
            ..CntkView::default()
        };
        let mut out = Vec::new();
        check_cntk(&view, &Location::file("m.model"), &mut out);
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.rule.as_str(), f.severity.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("CNT001", "HIGH".to_string()),
                ("CNT002", "MEDIUM".to_string())
            ]
        );
        assert!(out[0].title.contains("`m.P`"));
    }
}
