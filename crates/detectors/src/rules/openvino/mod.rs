//! `OV` rules: OpenVINO IR models (`.xml` topology + `.bin` weights).
//! Custom layers that need an extension library, references to files
//! outside the model, and `Const` ranges outside the weights file. The
//! XML-level checks (entities, XInclude) are the `XML` rules.

pub mod ov001_custom_layer;
pub mod ov002_weights_out_of_bounds;
pub mod ov003_external_path;
pub mod ov004_malformed_ir;

use sentrascan_formats::openvino::OpenVinoView;
use sentrascan_types::{Finding, Location, RuleFamily};

pub use ov002_weights_out_of_bounds::{
    missing as weights_missing, out_of_bounds as weights_out_of_bounds,
};

pub(crate) const FAMILY: RuleFamily = RuleFamily::OpenVino;

/// Runs the `OV` rules that need the IR alone (the `.bin` checks are made
/// by the engine, which knows the directory).
pub fn check_openvino(view: &OpenVinoView, location: &Location, out: &mut Vec<Finding>) {
    ov001_custom_layer::check(view, location, out);
    ov003_external_path::check(view, location, out);
    ov004_malformed_ir::check(view, location, out);
}

/// How a string names a file or resource outside the model, if it does.
pub fn path_kind(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let l = v.to_ascii_lowercase();
    if l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://") {
        return Some("a URL");
    }
    if l.starts_with("file:") {
        return Some("a file URL");
    }
    if v.starts_with("\\\\") || v.starts_with("//") {
        return Some("a UNC or network path");
    }
    let b = v.as_bytes();
    if v.starts_with('/') && v.len() > 1 && !v.contains(' ') {
        return Some("an absolute path");
    }
    if b.len() > 2
        && b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.get(1) == Some(&b':')
        && matches!(b.get(2), Some(b'\\' | b'/'))
    {
        return Some("a Windows drive path");
    }
    if v.split(['/', '\\']).any(|p| p == "..") {
        return Some("a path that climbs out of the model directory");
    }
    if [".so", ".dll", ".dylib"]
        .iter()
        .any(|e| l.ends_with(e) || l.contains(&format!("{e}.")))
    {
        return Some("a shared library");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::path_kind;

    #[test]
    fn path_kinds() {
        assert!(path_kind("/opt/lib/libx.so").is_some());
        assert!(path_kind("C:\\models\\m.onnx").is_some());
        assert!(path_kind("../../etc/passwd").is_some());
        assert!(path_kind("https://127.0.0.1:9/x").is_some());
        assert!(path_kind("libuser_ext.so").is_some());
        assert!(path_kind("1,3,224,224").is_none());
        assert!(path_kind("f32").is_none());
        assert!(path_kind("/").is_none());
    }
}
