//! `MXN` rules: Apache MXNet symbol graphs and parameter files. Custom
//! (Python) operators, operators no MXNet release registers, payloads in
//! attributes, and parameter lists that break their own framing.

pub mod mxn001_custom_op;
pub mod mxn002_unknown_op;
pub mod mxn003_attribute_payload;
pub mod mxn004_malformed;
pub mod mxn005_params_trailing_data;
pub mod ops;

use sentrascan_formats::mxnet::{ParamsAnomaly, ParamsView, SymbolView};
use sentrascan_types::{Finding, Location, RuleFamily};

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Mxnet;

/// Runs the `MXN` rules over a symbol graph.
pub fn check_mxnet_symbol(view: &SymbolView, location: &Location, out: &mut Vec<Finding>) {
    let mut unknown: Vec<&str> = Vec::new();
    for node in &view.nodes {
        if node.op == "Custom" {
            out.push(mxn001_custom_op::finding(location, node));
        } else if !ops::is_known(&node.op) && !unknown.contains(&node.op.as_str()) {
            unknown.push(&node.op);
        }
        mxn003_attribute_payload::check(location, node, out);
    }
    if !unknown.is_empty() {
        out.push(mxn002_unknown_op::finding(location, &unknown));
    }
    for a in view.anomalies.iter().take(16) {
        out.push(mxn004_malformed::finding(location, a, 0));
    }
}

/// Runs the `MXN` rules over a parameter file.
pub fn check_mxnet_params(view: &ParamsView, location: &Location, out: &mut Vec<Finding>) {
    for a in &view.anomalies {
        out.push(match a {
            ParamsAnomaly::Trailing { offset, bytes } => {
                mxn005_params_trailing_data::finding(location, *offset, *bytes)
            }
            other => mxn004_malformed::finding(location, &other.to_string(), other.offset()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::Limits;
    use sentrascan_formats::mxnet::{self, MxNode};

    fn node(op: &str, attrs: &[(&str, &str)]) -> MxNode {
        MxNode {
            index: 0,
            op: op.into(),
            name: "n".into(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn got(out: &[Finding]) -> Vec<(String, String)> {
        out.iter()
            .map(|f| (f.rule.clone(), f.severity.to_string()))
            .collect()
    }

    #[test]
    fn symbol_rules() {
        let view = SymbolView {
            nodes: vec![
                node("null", &[]),
                node("Convolution", &[("kernel", "(3, 3)")]),
                node("_contrib_BilinearResize2D", &[]),
                node("Custom", &[("op_type", "evil")]),
                node("VendorOp", &[]),
                node(
                    "FullyConnected",
                    &[("__doc__", "__import__('os').system('id')")],
                ),
            ],
            ..SymbolView::default()
        };
        let mut out = Vec::new();
        check_mxnet_symbol(&view, &Location::file("m-symbol.json"), &mut out);
        assert_eq!(
            got(&out),
            [
                ("MXN001".to_string(), "HIGH".to_string()),
                ("MXN003".to_string(), "HIGH".to_string()),
                ("MXN002".to_string(), "MEDIUM".to_string()),
            ]
        );
    }

    #[test]
    fn params_rules() {
        let mut b = mxnet::LIST_MAGIC.to_le_bytes().to_vec();
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&0u64.to_le_bytes());
        b.extend_from_slice(&0u64.to_le_bytes());
        b.extend_from_slice(b"extra");
        let v = mxnet::parse_params(&b, &Limits::default()).unwrap();
        let mut out = Vec::new();
        check_mxnet_params(&v, &Location::file("m.params"), &mut out);
        assert_eq!(got(&out), [("MXN005".to_string(), "MEDIUM".to_string())]);
    }
}
