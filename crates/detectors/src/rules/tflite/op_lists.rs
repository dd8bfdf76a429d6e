//! Which TFLite custom and Flex ops matter, as data.
//!
//! A Flex op (`Flex<TfOp>`) runs the TensorFlow kernel `<TfOp>` through the
//! Flex delegate, with the full powers that op has in TensorFlow. The table
//! grades the TensorFlow ops that reach outside the model (files, Python,
//! native libraries); every other Flex op only needs the delegate. It
//! follows the dangerous-op list of `modelaudit.md` §1.4 plus the file
//! readers and writers that list leaves out; it should be folded into the
//! TensorFlow (`TF`) rules' table once that exists.
//!
//! Custom ops (`CUSTOM` with a name) need a native kernel that the
//! application registers; the names below ship with TFLite, MediaPipe or
//! TFLite Support and are expected in ordinary models.

use sentrascan_types::{Category, Severity};

/// Why a TensorFlow op is dangerous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpRisk {
    pub severity: Severity,
    pub category: Category,
    pub what: &'static str,
}

const PYTHON: OpRisk = OpRisk {
    severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    what: "runs a Python function",
};
const NATIVE: OpRisk = OpRisk {
    severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    what: "loads native code or runs a command",
};
const READS: OpRisk = OpRisk {
    severity: Severity::High,
    category: Category::FileSystemAccess,
    what: "reads files named by its inputs or attributes",
};
const WRITES: OpRisk = OpRisk {
    severity: Severity::High,
    category: Category::FileSystemAccess,
    what: "writes files named by its inputs or attributes",
};
const PRINTS: OpRisk = OpRisk {
    severity: Severity::Medium,
    category: Category::FileSystemAccess,
    what: "writes to stderr or to a `file://` output stream",
};

/// TensorFlow ops a Flex op may run, with their risk.
pub(crate) const DANGEROUS_TF_OPS: &[(&str, OpRisk)] = &[
    ("PyFunc", PYTHON),
    ("PyFuncStateless", PYTHON),
    ("EagerPyFunc", PYTHON),
    ("PyCall", PYTHON),
    ("LoadLibrary", NATIVE),
    ("LoadLibraryV2", NATIVE),
    ("ShellExecute", NATIVE),
    ("ExecuteOp", NATIVE),
    ("ReadFile", READS),
    ("MatchingFiles", READS),
    ("Restore", READS),
    ("RestoreV2", READS),
    ("RestoreSlice", READS),
    ("LoadAndRemapMatrix", READS),
    ("ImmutableConst", READS),
    ("WholeFileReader", READS),
    ("WholeFileReaderV2", READS),
    ("TextLineReader", READS),
    ("TextLineReaderV2", READS),
    ("FixedLengthRecordReader", READS),
    ("FixedLengthRecordReaderV2", READS),
    ("TFRecordReader", READS),
    ("TFRecordReaderV2", READS),
    ("TFRecordDataset", READS),
    ("TFRecordDatasetV2", READS),
    ("TextLineDataset", READS),
    ("FixedLengthRecordDataset", READS),
    ("FixedLengthRecordDatasetV2", READS),
    ("InitializeTableFromTextFile", READS),
    ("InitializeTableFromTextFileV2", READS),
    ("WriteFile", WRITES),
    ("Save", WRITES),
    ("SaveV2", WRITES),
    ("SaveSlices", WRITES),
    ("MergeV2Checkpoints", WRITES),
    ("CreateSummaryFileWriter", WRITES),
    ("DebugIdentity", WRITES),
    ("DebugIdentityV2", WRITES),
    ("DebugIdentityV3", WRITES),
    ("DatasetToTFRecord", WRITES),
    ("Print", PRINTS),
    ("PrintV2", PRINTS),
];

/// The risk of TensorFlow op `op`, if it is on the list.
pub(crate) fn tf_op_risk(op: &str) -> Option<OpRisk> {
    DANGEROUS_TF_OPS
        .iter()
        .find(|(name, _)| *name == op)
        .map(|(_, r)| *r)
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
        assert_eq!(
            tf_op_risk("EagerPyFunc").unwrap().severity,
            Severity::Critical
        );
        assert_eq!(
            tf_op_risk("LoadLibrary").unwrap().severity,
            Severity::Critical
        );
        assert_eq!(tf_op_risk("ReadFile").unwrap().what, READS.what);
        assert_eq!(tf_op_risk("WriteFile").unwrap().what, WRITES.what);
        assert_eq!(tf_op_risk("PrintV2").unwrap().severity, Severity::Medium);
        // Ordinary kernels and near misses are not on it.
        assert!(tf_op_risk("AddV2").is_none());
        assert!(tf_op_risk("readfile").is_none());
        assert!(is_known_custom_op("TFLite_Detection_PostProcess"));
        assert!(!is_known_custom_op("FlexReadFile"));
    }

    #[test]
    fn no_duplicates() {
        let mut names: Vec<_> = DANGEROUS_TF_OPS.iter().map(|(n, _)| *n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), DANGEROUS_TF_OPS.len());
    }
}
