//! PyTorch Mobile (`.ptl`) archives: a TorchScript archive that also holds
//! lite-interpreter bytecode. The archive walk runs the pickle rules on
//! every pickle and the TorchScript code check on `code/`; this reads the
//! operator names of `bytecode.pkl` for `PTE008` and the SBOM.

use sentrascan_detectors as rules;
use sentrascan_formats::torch;
use sentrascan_types::Location;

use super::Ctx;

impl Ctx<'_> {
    pub(super) fn mobile_bytecode(&mut self, data: &[u8], location: &Location) {
        let ops = torch::mobile_operators(data, self.limits);
        rules::check_mobile_operators(location, &ops, &mut self.out.findings);
        self.fact("pytorch_mobile.operators", ops.join(","));
        if let Some(version) = bytecode_version(data) {
            self.fact("pytorch_mobile.bytecode_version", version.to_string());
        }
        self.framework("torch", None, "PyTorch Mobile lite-interpreter bytecode");
    }
}

/// The bytecode version: the first element of the top-level tuple, pickled
/// as `\x80\x02 ( K<n>` (protocol 2, MARK, BININT1) by the exporter.
fn bytecode_version(data: &[u8]) -> Option<u8> {
    match data {
        [0x80, _, b'(', b'K', v, ..] | [0x80, _, b'K', v, ..] => Some(*v),
        _ => None,
    }
}
