//! Apache MXNet: symbol graphs (`*-symbol.json`) and parameter files
//! (`*.params`) through the `MXN` rules, with SBOM facts.

use sentrascan_detectors as rules;
use sentrascan_formats::mxnet;
use sentrascan_types::Location;

use super::Ctx;

/// Operator names kept in the `mxnet.operators` fact.
const MAX_OPERATOR_NAMES: usize = 256;

impl Ctx<'_> {
    pub(super) fn mxnet_symbol(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("mxnet");
        let view = match mxnet::parse_symbol(data) {
            Ok(v) => v,
            Err(e) => {
                self.incomplete(location, format!("MXNet symbol file cannot be read: {e}"));
                return;
            }
        };
        rules::check_mxnet_symbol(&view, location, &mut self.out.findings);
        if view.nodes_dropped > 0 {
            self.limit(location, "mxnet_nodes", mxnet::MAX_NODES as u64);
        }
        let mut ops: Vec<&str> = view.nodes.iter().map(|n| n.op.as_str()).collect();
        ops.sort_unstable();
        ops.dedup();
        ops.truncate(MAX_OPERATOR_NAMES);
        self.fact("mxnet.operators", ops.join(","));
        self.fact("mxnet.nodes", view.nodes.len().to_string());
        let version = view
            .mxnet_version
            .map(|v| format!("{}.{}.{}", v / 10000, (v / 100) % 100, v % 100));
        if let Some(v) = &version {
            self.fact("mxnet.version", v.clone());
        }
        self.framework("mxnet", version.as_deref(), "MXNet symbol graph");
    }

    pub(super) fn mxnet_params(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("mxnet");
        let view = match mxnet::parse_params(data, self.limits) {
            Ok(v) => v,
            Err(e) => {
                self.incomplete(
                    location,
                    format!("MXNet parameter file cannot be read: {e}"),
                );
                return;
            }
        };
        rules::check_mxnet_params(&view, location, &mut self.out.findings);
        if !view.complete {
            self.inconclusive(
                location,
                "MXNet parameter list could not be read to its end".into(),
            );
        }
        self.fact("mxnet.params.arrays", view.arrays.len().to_string());
        let mut dtypes: Vec<&str> = view
            .arrays
            .iter()
            .filter(|a| a.dtype >= 0)
            .map(|a| mxnet::dtype_name(a.dtype))
            .collect();
        dtypes.sort_unstable();
        dtypes.dedup();
        self.fact("mxnet.params.dtypes", dtypes.join(","));
        self.framework("mxnet", None, "MXNet NDArray parameter list");
    }
}
