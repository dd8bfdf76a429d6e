//! Which TFLite custom and Flex ops matter, as data.
//!
//! A Flex op (`Flex<TfOp>`) runs the TensorFlow kernel `<TfOp>` through the
//! Flex delegate, with the powers that op has in TensorFlow. The TensorFlow
//! rules' op table ([`crate::rules::tensorflow::ops`]) says what each op
//! reaches; here each class gets the severity it deserves in a TFLite model,
//! where no op should touch files, Python, native code or the network
//! (there is no checkpoint to save or restore either). Every other Flex op
//! only needs the delegate.
//!
//! Custom ops (`CUSTOM` with a name) need a native kernel that the
//! application registers; the names below ship with TFLite, MediaPipe or
//! TFLite Support and are expected in ordinary models.

use sentrascan_types::{Category, Severity};

use crate::rules::tensorflow::ops::{OpClass, classify};

/// Why a TensorFlow op is dangerous in a TFLite model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpRisk {
    pub severity: Severity,
    pub category: Category,
    pub what: &'static str,
}

/// The risk of TensorFlow op `op` run by the Flex delegate, if it reaches
/// outside the model.
pub(crate) fn tf_op_risk(op: &str) -> Option<OpRisk> {
    let (severity, category, what) = match classify(op)?.class {
        OpClass::Python => (
            Severity::Critical,
            Category::ArbitraryCodeExecution,
            "runs a Python function",
        ),
        OpClass::NativeCode => (
            Severity::Critical,
            Category::ArbitraryCodeExecution,
            "loads native code or runs a command",
        ),
        OpClass::FileWrite => (
            Severity::High,
            Category::FileSystemAccess,
            "writes files named by its inputs or attributes",
        ),
        OpClass::FileRead => (
            Severity::High,
            Category::FileSystemAccess,
            "reads files named by its inputs or attributes",
        ),
        OpClass::Checkpoint => (
            Severity::High,
            Category::FileSystemAccess,
            "reads or writes checkpoint or vocabulary files (a TFLite model has none)",
        ),
        OpClass::Network => (
            Severity::High,
            Category::NetworkOperations,
            "talks to other hosts",
        ),
        OpClass::ProcessControl => (
            Severity::Medium,
            Category::ResourceExhaustion,
            "ends the process",
        ),
    };
    Some(OpRisk {
        severity,
        category,
        what,
    })
}

/// Custom ops that ship with TFLite, TFLite Support and MediaPipe.
pub(crate) const KNOWN_CUSTOM_OPS: &[&str] = &[
    "TFLite_Detection_PostProcess",
    "Convolution2DTransposeBias",
    "MaxPoolingWithArgmax2D",
    "MaxUnpooling2D",
    "AudioSpectrogram",
    "Mfcc",
    "RandomStandardNormal",
    "RandomUniform",
    "Multinomial",
    "Landmarks2TransformMatrix",
    "TransformLandmarks",
    "TransformTensorBilinear",
    "TFSentencepieceTokenizeOp",
    "TFSentencepieceDetokenizeOp",
    "WhitespaceTokenizer",
];

/// Whether `name` is a custom op that ships with TFLite or its usual companions.
pub(crate) fn is_known_custom_op(name: &str) -> bool {
    KNOWN_CUSTOM_OPS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_risk_class() {
        let sev = |op| tf_op_risk(op).map(|r| r.severity);
        assert_eq!(sev("EagerPyFunc"), Some(Severity::Critical));
        assert_eq!(sev("LoadLibrary"), Some(Severity::Critical));
        assert_eq!(sev("ReadFile"), Some(Severity::High));
        assert_eq!(sev("WriteFile"), Some(Severity::High));
        assert_eq!(sev("SaveV2"), Some(Severity::High));
        assert_eq!(
            tf_op_risk("RpcCall").map(|r| r.category),
            Some(Category::NetworkOperations)
        );
        assert_eq!(sev("Abort"), Some(Severity::Medium));
        // Ordinary kernels are not on it.
        assert_eq!(sev("AddV2"), None);
        assert_eq!(sev("Erf"), None);
        assert!(is_known_custom_op("TFLite_Detection_PostProcess"));
        assert!(!is_known_custom_op("FlexReadFile"));
    }
}
