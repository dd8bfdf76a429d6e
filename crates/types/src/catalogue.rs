//! Every format the engine recognises: what it is called, the extensions it
//! usually carries and how it is told apart from content (the extension is
//! only a hint). `sentrascan-model formats` prints this table.

use serde::Serialize;

use crate::ModelFormat;

/// One recognised format.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FormatInfo {
    pub format: ModelFormat,
    /// Human name.
    pub title: &'static str,
    /// Usual file extensions, lower case, with the dot.
    pub extensions: &'static [&'static str],
    /// How the content is recognised (magic bytes or structure).
    pub magic: &'static str,
}

const fn f(
    format: ModelFormat,
    title: &'static str,
    extensions: &'static [&'static str],
    magic: &'static str,
) -> FormatInfo {
    FormatInfo {
        format,
        title,
        extensions,
        magic,
    }
}

use ModelFormat as M;

/// The catalogue, one entry per recognised format, in display order.
pub static CATALOGUE: &[FormatInfo] = &[
    f(
        M::Pickle,
        "Python pickle (protocols 0-5)",
        &[".pkl", ".pickle", ".bin", ".pt", ".pth", ".ckpt", ".data"],
        "protocol opcode `\\x80 n` or a valid opcode stream ending in STOP",
    ),
    f(
        M::Joblib,
        "joblib dump",
        &[".joblib", ".jbl"],
        "pickle referencing joblib's NumpyArrayWrapper, arrays framed between pickle opcodes",
    ),
    f(
        M::Dill,
        "dill pickle",
        &[".dill", ".pkl"],
        "pickle importing `dill._dill` reconstructors",
    ),
    f(
        M::PytorchZip,
        "PyTorch checkpoint (torch.save zip)",
        &[".pt", ".pth", ".bin", ".ckpt"],
        "zip with `<prefix>/data.pkl` and `<prefix>/data/` records",
    ),
    f(
        M::TorchScript,
        "TorchScript archive (torch.jit.save)",
        &[".pt", ".pth", ".ts"],
        "zip with `<prefix>/code/` and `constants.pkl`",
    ),
    f(
        M::PytorchMobile,
        "PyTorch Mobile lite-interpreter archive",
        &[".ptl"],
        "zip with `<prefix>/bytecode.pkl`",
    ),
    f(
        M::PytorchLegacy,
        "PyTorch legacy checkpoint",
        &[".pt", ".pth", ".bin"],
        "pickled magic number 0x1950a86a20f9469cfc6c",
    ),
    f(
        M::PytorchTar,
        "PyTorch tar checkpoint (<= 0.1.10)",
        &[".pt", ".tar"],
        "tar with `sys_info`, `pickle`, `storages`, `tensors`",
    ),
    f(
        M::ExecuTorch,
        "ExecuTorch program",
        &[".pte"],
        "flatbuffer with file identifier `ET..` at offset 4",
    ),
    f(
        M::Zip,
        "zip archive",
        &[".zip", ".npz"],
        "`PK\\x03\\x04` or an end-of-central-directory record",
    ),
    f(
        M::Tar,
        "tar archive",
        &[".tar"],
        "`ustar` magic or a valid v7 header checksum",
    ),
    f(M::Gzip, "gzip stream", &[".gz", ".tgz"], "`\\x1f\\x8b`"),
    f(
        M::Zlib,
        "zlib stream",
        &[".zlib", ".z"],
        "CMF/FLG pair with a valid check",
    ),
    f(M::Bzip2, "bzip2 stream", &[".bz2"], "`BZh1`-`BZh9`"),
    f(M::Xz, "xz stream", &[".xz"], "`\\xfd7zXZ\\x00`"),
    f(
        M::Lzma,
        "LZMA-alone stream",
        &[".lzma"],
        "properties byte and dictionary size of lzma_alone",
    ),
    f(
        M::Zstd,
        "Zstandard frame",
        &[".zst", ".zstd"],
        "`\\x28\\xb5\\x2f\\xfd`",
    ),
    f(M::Lz4, "LZ4 frame", &[".lz4"], "`\\x04\\x22\\x4d\\x18`"),
    f(
        M::SevenZip,
        "7-Zip archive",
        &[".7z"],
        "`7z\\xbc\\xaf\\x27\\x1c`",
    ),
    f(M::NumPy, "NumPy array", &[".npy"], "`\\x93NUMPY`"),
    f(
        M::SafeTensors,
        "SafeTensors",
        &[".safetensors"],
        "u64 header length then a JSON object of tensor entries",
    ),
    f(M::Gguf, "GGUF (llama.cpp)", &[".gguf"], "`GGUF`"),
    f(
        M::Llamafile,
        "llamafile",
        &[".llamafile"],
        "APE/ELF/PE executable carrying a zip with GGUF weights",
    ),
    f(
        M::Hdf5,
        "HDF5 (Keras 2 H5)",
        &[".h5", ".hdf5", ".keras"],
        "`\\x89HDF\\r\\n\\x1a\\n` at 0 or after a 512*2^n user block",
    ),
    f(
        M::Keras,
        "Keras 3 archive",
        &[".keras"],
        "zip with `config.json` and `metadata.json`",
    ),
    f(
        M::TfSavedModel,
        "TensorFlow SavedModel",
        &[".pb"],
        "protobuf SavedModel (schema version, meta graphs)",
    ),
    f(
        M::TfMetaGraph,
        "TensorFlow MetaGraphDef",
        &[".meta"],
        "protobuf MetaGraphDef (meta info, graph def)",
    ),
    f(
        M::TfGraphDef,
        "TensorFlow GraphDef (frozen graph)",
        &[".pb"],
        "protobuf GraphDef (nodes with op names)",
    ),
    f(
        M::TfKerasMetadata,
        "Keras SavedModel metadata",
        &["keras_metadata.pb"],
        "protobuf SavedMetadata beside a SavedModel",
    ),
    f(
        M::TfCheckpointIndex,
        "TensorFlow checkpoint index",
        &[".index"],
        "LevelDB-format table (footer magic `0xdb4775248b80fb57`) of BundleEntryProto",
    ),
    f(
        M::TfCheckpointData,
        "TensorFlow checkpoint data shard",
        &[".data-00000-of-00001"],
        "name `*.data-NNNNN-of-NNNNN`: raw tensor bytes the index points into",
    ),
    f(
        M::TfCheckpointState,
        "TensorFlow checkpoint state",
        &["checkpoint"],
        "text CheckpointState (`model_checkpoint_path: \"…\"`) named `checkpoint`",
    ),
    f(
        M::TfFingerprint,
        "TensorFlow SavedModel fingerprint",
        &["fingerprint.pb"],
        "protobuf FingerprintDef (five uint64 hashes) named `fingerprint.pb`",
    ),
    f(
        M::TfLite,
        "TensorFlow Lite",
        &[".tflite"],
        "flatbuffer identifier `TFL3` at offset 4",
    ),
    f(
        M::Onnx,
        "ONNX",
        &[".onnx"],
        "protobuf ModelProto (ir_version, opset imports, graph)",
    ),
    f(
        M::FlaxMsgpack,
        "Flax/JAX msgpack state",
        &[".msgpack", ".flax"],
        "msgpack map of parameter trees with ext-typed arrays",
    ),
    f(
        M::OrbaxCheckpoint,
        "Orbax checkpoint metadata",
        &["_METADATA", "_CHECKPOINT_METADATA"],
        "JSON tree metadata of an Orbax/OCDBT checkpoint",
    ),
    f(
        M::XgboostJson,
        "XGBoost JSON model",
        &[".json"],
        "JSON with `learner` and `version`",
    ),
    f(
        M::XgboostUbj,
        "XGBoost UBJSON model",
        &[".ubj"],
        "UBJSON object with a `learner` key",
    ),
    f(
        M::XgboostBinary,
        "XGBoost binary model",
        &[".bst", ".model", ".xgb"],
        "legacy learner header (`binf` or base score and feature count)",
    ),
    f(
        M::LightGbm,
        "LightGBM text model",
        &[".txt", ".model", ".lgb"],
        "`tree` line followed by `version=v`",
    ),
    f(M::CatBoost, "CatBoost model", &[".cbm"], "`CBM1`"),
    f(
        M::TensorRt,
        "TensorRT engine",
        &[".engine", ".plan", ".trt"],
        "`ftrt` serialisation tag",
    ),
    f(
        M::Rknn,
        "RKNN model",
        &[".rknn"],
        "`RKNN` header, model data, JSON description (`CYPTRKNN`: encrypted)",
    ),
    f(
        M::CoreMl,
        "Core ML model",
        &[".mlmodel"],
        "protobuf Model (specificationVersion, description, model type)",
    ),
    f(
        M::Cntk,
        "CNTK model",
        &[".model", ".cntk", ".dnn"],
        "CNTK v2 protobuf Dictionary or the legacy `BCN` marker",
    ),
    f(
        M::MxnetSymbol,
        "MXNet symbol graph",
        &["-symbol.json"],
        "JSON object opening with a `nodes` list whose nodes have `op`, `name` and `inputs`",
    ),
    f(
        M::MxnetParams,
        "MXNet parameters",
        &[".params"],
        "NDArray list magic 0x112",
    ),
    f(
        M::OpenVino,
        "OpenVINO IR",
        &[".xml"],
        "XML root `<net>` with `<layers>`",
    ),
    f(M::Pmml, "PMML", &[".pmml", ".xml"], "XML root `<PMML>`"),
    f(
        M::Xml,
        "XML document",
        &[".xml"],
        "`<?xml` or a root element",
    ),
    f(
        M::PaddleModel,
        "PaddlePaddle program",
        &[".pdmodel"],
        "protobuf ProgramDesc (blocks of vars and ops)",
    ),
    f(
        M::PaddleParams,
        "PaddlePaddle parameters",
        &[".pdiparams"],
        "sequence of LoDTensor records (version 0, LoD levels, TensorDesc)",
    ),
    f(
        M::Skops,
        "skops archive",
        &[".skops"],
        "zip with `schema.json` naming the skops protocol",
    ),
    f(
        M::Nemo,
        "NVIDIA NeMo archive",
        &[".nemo"],
        "tar (or tar.gz) with `model_config.yaml`",
    ),
    f(
        M::TorchServeMar,
        "TorchServe model archive",
        &[".mar"],
        "zip with `MAR-INF/MANIFEST.json`",
    ),
    f(
        M::OciImage,
        "OCI image layout",
        &[".tar", "oci-layout"],
        "`oci-layout` and `index.json` with manifests and layer blobs",
    ),
    f(
        M::Rds,
        "R serialised object",
        &[".rds"],
        "`X\\n`/`A\\n`/`B\\n` serialisation header (possibly compressed)",
    ),
    f(
        M::RData,
        "R saved workspace",
        &[".rda", ".rdata"],
        "`RDX2`/`RDX3`/`RDA3`/`RDB3` header (possibly compressed)",
    ),
    f(
        M::Torch7,
        "Torch7 object",
        &[".t7", ".th"],
        "first type tag (table, or torch object with `V 1` and a class name), binary or ASCII; `.t7` as a hint",
    ),
    f(
        M::Python,
        "Python source",
        &[".py", ".pyw"],
        "a `#!…python` line, or the name (parsed, never run)",
    ),
    f(
        M::ShellScript,
        "script",
        &[".sh", ".bash", ".zsh"],
        "`#!` interpreter line, or the name",
    ),
    f(M::Elf, "ELF executable", &[".so", ".bin", ""], "`\\x7fELF`"),
    f(
        M::Pe,
        "PE executable",
        &[".exe", ".dll", ".pyd"],
        "`MZ` with a `PE\\0\\0` header",
    ),
    f(
        M::MachO,
        "Mach-O executable",
        &[".dylib", ".so"],
        "Mach-O or fat magic",
    ),
    f(
        M::Json,
        "JSON (configs, tokenizer files)",
        &[".json"],
        "a JSON object or array",
    ),
    f(
        M::Yaml,
        "YAML",
        &[".yaml", ".yml"],
        "the name (`.yaml`/`.yml`) and a YAML parse",
    ),
    f(M::Toml, "TOML", &[".toml"], "the name and a TOML parse"),
    f(
        M::Ini,
        "INI / cfg",
        &[".ini", ".cfg"],
        "the name and `[section]`/`key = value` lines",
    ),
    f(
        M::ModelCard,
        "model card",
        &["README.md", ".md"],
        "a `.md` name and a `---` YAML front matter",
    ),
];

/// The catalogue entry of a format, if it is recognised.
pub fn info(format: ModelFormat) -> Option<&'static FormatInfo> {
    CATALOGUE.iter().find(|i| i.format == format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_once() {
        let mut seen = std::collections::BTreeSet::new();
        for i in CATALOGUE {
            assert!(seen.insert(i.format), "{} twice", i.format);
            assert!(!i.title.is_empty() && !i.magic.is_empty());
        }
        assert!(info(ModelFormat::Directory).is_none());
    }
}
