//! What TensorFlow ops do outside the tensor world: data, reviewed like
//! code. Each entry names the op, its class and which inputs carry a file
//! path (so the rules can follow them to constants).
//!
//! Reviewed and deliberately not listed: queue ops (`QueueEnqueue*`,
//! `QueueDequeue*`: in-process buffers), lookup-table ops other than the
//! text-file initialisers (`LookupTableImport*`, `InitializeTable*`: tensors
//! in, tensors out), decoders (`DecodeRaw`, `DecodeJpeg`, `DecodePng`,
//! `ParseTensor`: bytes in, tensors out), `Assert`, and `Print`/`PrintV2`
//! to the standard streams. `PrintV2` to a file is a write (see
//! [`print_to_file`]).

use super::standard_ops::STANDARD_OPS;

/// What an op reaches outside the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpClass {
    /// Calls back into the Python interpreter.
    Python,
    /// Writes files.
    FileWrite,
    /// Reads or lists files.
    FileRead,
    /// Reads or writes the model's own checkpoint or vocabulary files:
    /// normal, unless a constant path points outside the model.
    Checkpoint,
    /// Talks to other hosts.
    Network,
    /// Names a native code loader or command runner (no such op is
    /// registered by TensorFlow: a library shipped with the model must
    /// provide it).
    NativeCode,
    /// Ends the process.
    ProcessControl,
}

/// One listed op.
pub(crate) struct OpInfo {
    pub name: &'static str,
    pub class: OpClass,
    /// Inputs that are file paths, patterns or directories.
    pub path_inputs: &'static [usize],
    /// An attribute that is a path.
    pub path_attr: Option<&'static str>,
}

const fn op(name: &'static str, class: OpClass, path_inputs: &'static [usize]) -> OpInfo {
    OpInfo {
        name,
        class,
        path_inputs,
        path_attr: None,
    }
}

use OpClass::*;

pub(crate) static OPS: &[OpInfo] = &[
    // Python callbacks (`tf.py_func`, `tf.numpy_function`, `tf.py_function`).
    op("PyFunc", Python, &[]),
    op("PyFuncStateless", Python, &[]),
    op("EagerPyFunc", Python, &[]),
    op("PyCall", Python, &[]),
    // Writes.
    op("WriteFile", FileWrite, &[0]),
    op("DatasetToTFRecord", FileWrite, &[1]),
    op("ExperimentalDatasetToTFRecord", FileWrite, &[1]),
    op("SaveDataset", FileWrite, &[1]),
    op("SaveDatasetV2", FileWrite, &[1]),
    op("SnapshotDataset", FileWrite, &[1]),
    op("SnapshotDatasetV2", FileWrite, &[1]),
    op("CreateSummaryFileWriter", FileWrite, &[1]),
    op("CreateSummaryDbWriter", FileWrite, &[1]),
    op("FileSystemSetConfiguration", FileWrite, &[]),
    // Reads and listings.
    op("ReadFile", FileRead, &[0]),
    op("MatchingFiles", FileRead, &[0]),
    op("MatchingFilesDataset", FileRead, &[0]),
    op("ExperimentalMatchingFilesDataset", FileRead, &[0]),
    op("WholeFileReader", FileRead, &[]),
    op("WholeFileReaderV2", FileRead, &[]),
    op("TextLineReader", FileRead, &[]),
    op("TextLineReaderV2", FileRead, &[]),
    op("TFRecordReader", FileRead, &[]),
    op("TFRecordReaderV2", FileRead, &[]),
    op("FixedLengthRecordReader", FileRead, &[]),
    op("FixedLengthRecordReaderV2", FileRead, &[]),
    op("LMDBReader", FileRead, &[]),
    op("IdentityReader", FileRead, &[]),
    op("IdentityReaderV2", FileRead, &[]),
    op("TFRecordDataset", FileRead, &[0]),
    op("TFRecordDatasetV2", FileRead, &[0]),
    op("TextLineDataset", FileRead, &[0]),
    op("FixedLengthRecordDataset", FileRead, &[0]),
    op("FixedLengthRecordDatasetV2", FileRead, &[0]),
    op("LMDBDataset", FileRead, &[0]),
    op("ExperimentalLMDBDataset", FileRead, &[0]),
    op("CSVDataset", FileRead, &[0]),
    op("CSVDatasetV2", FileRead, &[0]),
    op("ExperimentalCSVDataset", FileRead, &[0]),
    op("SqlDataset", FileRead, &[1]),
    op("ExperimentalSqlDataset", FileRead, &[1]),
    op("LoadDataset", FileRead, &[0]),
    op("SnapshotDatasetReader", FileRead, &[0]),
    op("SnapshotNestedDatasetReader", FileRead, &[]),
    op("SnapshotChunkDataset", FileRead, &[0]),
    op("ListSnapshotChunksDataset", FileRead, &[0]),
    op("LoadAndRemapMatrix", FileRead, &[0]),
    OpInfo {
        name: "ImmutableConst",
        class: FileRead,
        path_inputs: &[],
        path_attr: Some("memory_region_name"),
    },
    // The model's own checkpoint and vocabulary files.
    op("Save", Checkpoint, &[0]),
    op("SaveV2", Checkpoint, &[0]),
    op("SaveSlices", Checkpoint, &[0]),
    op("Restore", Checkpoint, &[0]),
    op("RestoreV2", Checkpoint, &[0]),
    op("RestoreSlice", Checkpoint, &[0]),
    op("MergeV2Checkpoints", Checkpoint, &[0, 1]),
    op("ShardedFilename", Checkpoint, &[0]),
    op("ShardedFilespec", Checkpoint, &[0]),
    op("InitializeTableFromTextFile", Checkpoint, &[1]),
    op("InitializeTableFromTextFileV2", Checkpoint, &[1]),
    op("GenerateVocabRemapping", Checkpoint, &[0, 1]),
    // Other hosts.
    op("Rpc", Network, &[]),
    op("TryRpc", Network, &[]),
    op("RpcServer", Network, &[]),
    op("RpcClient", Network, &[]),
    op("RpcServerStart", Network, &[]),
    op("RpcServerRegister", Network, &[]),
    op("RpcCall", Network, &[]),
    op("DataServiceDataset", Network, &[]),
    op("DataServiceDatasetV2", Network, &[]),
    op("DataServiceDatasetV3", Network, &[]),
    op("DataServiceDatasetV4", Network, &[]),
    op("RegisterDataset", Network, &[]),
    op("RegisterDatasetV2", Network, &[]),
    op("DistributedSave", Network, &[1]),
    op("KafkaDataset", Network, &[]),
    op("BigQueryReader", Network, &[]),
    op("GenerateBigQueryReaderPartitions", Network, &[]),
    // Native code loaders and command runners (not TensorFlow ops).
    op("LoadLibrary", NativeCode, &[]),
    op("LoadLibraryV2", NativeCode, &[]),
    op("LoadOpLibrary", NativeCode, &[]),
    op("ShellExecute", NativeCode, &[]),
    op("ExecuteOp", NativeCode, &[]),
    op("SystemConfig", NativeCode, &[]),
    op("System", NativeCode, &[]),
    op("Popen", NativeCode, &[]),
    // The process itself.
    op("Abort", ProcessControl, &[]),
];

/// The listed op named `name`; `PyFunc`-like names in any case and with a
/// version suffix count as Python ops.
pub(crate) fn classify(name: &str) -> Option<&'static OpInfo> {
    if let Some(info) = OPS.iter().find(|o| o.name == name) {
        return Some(info);
    }
    let lower = name.to_ascii_lowercase();
    let base = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    let base = base.strip_suffix('v').unwrap_or(base);
    if matches!(
        base,
        "pyfunc" | "pyfuncstateless" | "eagerpyfunc" | "pycall" | "pythonop" | "python"
    ) {
        return OPS.iter().find(|o| o.name == "PyFunc");
    }
    None
}

/// TensorFlow's internal ops (names starting with `_`) that graphs written
/// by TensorFlow itself contain: function arguments and results, device
/// transfers, and the fused and XLA ops of optimised graphs.
pub(crate) fn is_internal_op(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "_Arg",
        "_Retval",
        "_DeviceArg",
        "_DeviceRetval",
        "_Send",
        "_Recv",
        "_HostSend",
        "_HostRecv",
        "_If",
        "_While",
        "_SwitchN",
        "_ListToArray",
        "_ArrayToList",
        "_ReadVariablesOp",
        "_VarHandlesOp",
        "_UnaryOpsComposition",
        "_EagerConst",
        "_HostCast",
        "_Copy",
        "_CopyFromGpuToHost",
        "_CopyFromHostToGpu",
    ];
    const PREFIXES: &[&str] = &[
        "_Fused",
        "_Mkl",
        "_Xla",
        "_TPU",
        "_ScopedAllocator",
        "_ParallelConcat",
    ];
    NAMES.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// An op TensorFlow registers (or one of its internal ops).
pub(crate) fn is_standard_op(name: &str) -> bool {
    STANDARD_OPS.binary_search(&name).is_ok() || is_internal_op(name)
}

/// `PrintV2`'s `output_stream` when it names a file (`file://…`) rather
/// than a standard stream or the log.
pub(crate) fn print_to_file(stream: &str) -> Option<&str> {
    stream.strip_prefix("file://")
}

/// Why a constant path reaches outside the model directory, if it does.
pub(crate) fn path_escape(path: &str) -> Option<&'static str> {
    let p = path.trim();
    let lower = p.to_ascii_lowercase();
    for scheme in [
        "file://",
        "http://",
        "https://",
        "ftp://",
        "gs://",
        "s3://",
        "hdfs://",
        "viewfs://",
        "ram://",
    ] {
        if lower.starts_with(scheme) {
            return Some(if scheme == "file://" {
                "a file URL"
            } else {
                "a remote file system or URL"
            });
        }
    }
    if p.starts_with('/') || p.starts_with('\\') {
        return Some("an absolute path");
    }
    if p.starts_with('~') {
        return Some("a path in a home directory");
    }
    if matches!(p.as_bytes(), [d, b':', ..] if d.is_ascii_alphabetic()) {
        return Some("an absolute Windows path");
    }
    if p.split(['/', '\\']).any(|c| c == "..") {
        return Some("a path that climbs out with `..`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_op_list_is_sorted_and_unique() {
        assert!(STANDARD_OPS.windows(2).all(|w| w[0] < w[1]));
        assert!(STANDARD_OPS.len() > 1500);
        for op in [
            "Const",
            "MatMul",
            "SaveV2",
            "StatefulPartitionedCall",
            "ReadFile",
        ] {
            assert!(is_standard_op(op), "{op}");
        }
        assert!(is_standard_op("_Arg") && is_standard_op("_FusedConv2D"));
        assert!(!is_standard_op("Zero>Out") && !is_standard_op("_Evil"));
    }

    #[test]
    fn every_class_has_entries_and_names_are_unique() {
        let mut names: Vec<_> = OPS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
        for class in [
            Python,
            FileWrite,
            FileRead,
            Checkpoint,
            Network,
            NativeCode,
            ProcessControl,
        ] {
            assert!(OPS.iter().any(|o| o.class == class), "{class:?}");
        }
    }

    #[test]
    fn python_op_spellings() {
        for n in [
            "PyFunc",
            "pyfunc",
            "EagerPyFuncV2",
            "PythonOp",
            "PyFuncStateless",
        ] {
            assert_eq!(classify(n).map(|o| o.class), Some(Python), "{n}");
        }
        assert_eq!(classify("ReadFile").map(|o| o.class), Some(FileRead));
        assert!(classify("MatMul").is_none());
        assert!(classify("PyFuncs").is_none());
    }

    #[test]
    fn path_escapes() {
        for p in [
            "/etc/passwd",
            "~/.bashrc",
            "C:\\Windows\\x",
            "../../x",
            "a/../../b",
            "gs://bucket/ckpt",
            "file:///tmp/x",
            "\\\\server\\share",
        ] {
            assert!(path_escape(p).is_some(), "{p}");
        }
        for p in [
            "variables/variables",
            "vocab.txt",
            "_temp/part",
            ".part",
            "^s3://.*",
            "",
        ] {
            assert!(path_escape(p).is_none(), "{p}");
        }
    }

    #[test]
    fn print_to_a_file() {
        assert_eq!(print_to_file("file:///tmp/log"), Some("/tmp/log"));
        assert_eq!(print_to_file("stderr"), None);
    }
}
