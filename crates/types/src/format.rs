use std::fmt;

use serde::{Deserialize, Serialize};

/// A file format, as recognised from content (the extension is only a hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ModelFormat {
    /// A bare pickle stream (or several), any protocol.
    Pickle,
    /// `torch.save` zip checkpoint (PyTorch >= 1.6).
    PytorchZip,
    /// `torch.save` legacy stacked-pickle format (magic number first).
    PytorchLegacy,
    /// `torch.save` tar format of PyTorch <= 0.1.10.
    PytorchTar,
    /// `torch.jit.save` archive (code/ plus constants.pkl).
    #[serde(rename = "torchscript")]
    TorchScript,
    /// A zip archive that is not a PyTorch checkpoint.
    Zip,
    /// A tar archive that is not a legacy PyTorch checkpoint.
    Tar,
    Gzip,
    Zlib,
    Bzip2,
    Xz,
    Lzma,
    Zstd,
    Lz4,
    #[serde(rename = "7z")]
    SevenZip,
    #[serde(rename = "numpy")]
    NumPy,
    #[serde(rename = "safetensors")]
    SafeTensors,
    Gguf,
    Hdf5,
    /// Keras 3 `.keras` zip (`config.json` + `metadata.json`).
    Keras,
    Onnx,
    #[serde(rename = "tflite")]
    TfLite,
    /// TensorFlow SavedModel (`saved_model.pb`).
    TfSavedModel,
    /// TensorFlow MetaGraphDef (`.meta` of `tf.train.Saver`).
    TfMetaGraph,
    /// TensorFlow GraphDef (frozen graph `.pb`).
    #[serde(rename = "tf_graphdef")]
    TfGraphDef,
    /// Keras's `keras_metadata.pb` beside a SavedModel.
    TfKerasMetadata,
    /// A TensorFlow checkpoint's tensor-bundle index (`*.index`).
    TfCheckpointIndex,
    /// A TensorFlow checkpoint data shard (`*.data-00000-of-00001`).
    TfCheckpointData,
    /// The `checkpoint` state file beside TensorFlow checkpoints.
    TfCheckpointState,
    /// A SavedModel's `fingerprint.pb`.
    TfFingerprint,
    /// Flax/JAX `flax.serialization` msgpack state.
    #[serde(rename = "flax_msgpack")]
    FlaxMsgpack,
    /// Orbax/JAX checkpoint (`_METADATA`, `_CHECKPOINT_METADATA`, OCDBT manifest).
    #[serde(rename = "orbax_checkpoint")]
    OrbaxCheckpoint,
    /// XGBoost model saved as JSON.
    #[serde(rename = "xgboost_json")]
    XgboostJson,
    /// XGBoost model saved as Universal Binary JSON.
    #[serde(rename = "xgboost_ubj")]
    XgboostUbj,
    /// XGBoost legacy binary model (`.bst`, `.model`).
    #[serde(rename = "xgboost_binary")]
    XgboostBinary,
    /// LightGBM text model.
    #[serde(rename = "lightgbm")]
    LightGbm,
    /// CatBoost binary model (`.cbm`).
    #[serde(rename = "catboost")]
    CatBoost,
    /// ExecuTorch program (`.pte` flatbuffer).
    #[serde(rename = "executorch")]
    ExecuTorch,
    /// PyTorch Mobile lite-interpreter archive (`.ptl`).
    #[serde(rename = "pytorch_mobile")]
    PytorchMobile,
    /// TensorRT serialised engine (`.engine`, `.plan`, `.trt`).
    #[serde(rename = "tensorrt")]
    TensorRt,
    /// Rockchip RKNN model.
    #[serde(rename = "rknn")]
    Rknn,
    /// Core ML model specification (`.mlmodel` protobuf).
    #[serde(rename = "coreml")]
    CoreMl,
    /// Microsoft CNTK model.
    #[serde(rename = "cntk")]
    Cntk,
    /// MXNet symbol graph (`-symbol.json`).
    #[serde(rename = "mxnet_symbol")]
    MxnetSymbol,
    /// MXNet NDArray parameter file (`.params`).
    #[serde(rename = "mxnet_params")]
    MxnetParams,
    /// OpenVINO IR network description (`.xml`).
    #[serde(rename = "openvino_ir")]
    OpenVino,
    /// Predictive Model Markup Language document.
    #[serde(rename = "pmml")]
    Pmml,
    /// XML document of no more specific format.
    #[serde(rename = "xml")]
    Xml,
    /// PaddlePaddle program description (`.pdmodel` protobuf).
    #[serde(rename = "paddle_pdmodel")]
    PaddleModel,
    /// PaddlePaddle combined parameters (`.pdiparams`).
    #[serde(rename = "paddle_pdiparams")]
    PaddleParams,
    /// skops archive (zip with `schema.json`).
    #[serde(rename = "skops")]
    Skops,
    /// NVIDIA NeMo archive (`.nemo` tar with YAML config).
    #[serde(rename = "nemo")]
    Nemo,
    /// TorchServe model archive (`.mar`).
    #[serde(rename = "torchserve_mar")]
    TorchServeMar,
    /// llamafile: an executable carrying GGUF weights.
    #[serde(rename = "llamafile")]
    Llamafile,
    /// OCI image layout (index, manifests, layer blobs).
    #[serde(rename = "oci_image")]
    OciImage,
    /// R serialised object (`.rds`).
    #[serde(rename = "r_rds")]
    Rds,
    /// R saved workspace (`.rda`, `.RData`).
    #[serde(rename = "r_rdata")]
    RData,
    /// Lua Torch7 serialised object (`.t7`).
    #[serde(rename = "torch7")]
    Torch7,
    /// joblib pickle with NumPy array framing.
    #[serde(rename = "joblib")]
    Joblib,
    /// dill-extended pickle.
    #[serde(rename = "dill")]
    Dill,
    /// Python source code.
    #[serde(rename = "python")]
    Python,
    /// Shell or other script with an interpreter line.
    #[serde(rename = "shell_script")]
    ShellScript,
    /// YAML document.
    #[serde(rename = "yaml")]
    Yaml,
    /// TOML document.
    #[serde(rename = "toml")]
    Toml,
    /// INI or `.cfg` configuration.
    #[serde(rename = "ini")]
    Ini,
    /// Model card (Markdown with YAML front matter).
    #[serde(rename = "model_card")]
    ModelCard,
    /// ELF executable or shared library.
    #[serde(rename = "elf")]
    Elf,
    /// Windows PE executable or DLL.
    #[serde(rename = "pe")]
    Pe,
    /// Mach-O executable or library.
    #[serde(rename = "macho")]
    MachO,
    Json,
    /// A scan of several files.
    Directory,
    /// Nothing we recognise.
    Unknown,
}

impl ModelFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelFormat::Pickle => "pickle",
            ModelFormat::PytorchZip => "pytorch_zip",
            ModelFormat::PytorchLegacy => "pytorch_legacy",
            ModelFormat::PytorchTar => "pytorch_tar",
            ModelFormat::TorchScript => "torchscript",
            ModelFormat::Zip => "zip",
            ModelFormat::Tar => "tar",
            ModelFormat::Gzip => "gzip",
            ModelFormat::Zlib => "zlib",
            ModelFormat::Lzma => "lzma",
            ModelFormat::Bzip2 => "bzip2",
            ModelFormat::Xz => "xz",
            ModelFormat::Zstd => "zstd",
            ModelFormat::Lz4 => "lz4",
            ModelFormat::SevenZip => "7z",
            ModelFormat::NumPy => "numpy",
            ModelFormat::SafeTensors => "safetensors",
            ModelFormat::Gguf => "gguf",
            ModelFormat::Hdf5 => "hdf5",
            ModelFormat::Keras => "keras",
            ModelFormat::Onnx => "onnx",
            ModelFormat::TfLite => "tflite",
            ModelFormat::TfSavedModel => "tf_saved_model",
            ModelFormat::TfMetaGraph => "tf_meta_graph",
            ModelFormat::TfGraphDef => "tf_graphdef",
            ModelFormat::TfKerasMetadata => "tf_keras_metadata",
            ModelFormat::TfCheckpointIndex => "tf_checkpoint_index",
            ModelFormat::TfCheckpointData => "tf_checkpoint_data",
            ModelFormat::TfCheckpointState => "tf_checkpoint_state",
            ModelFormat::TfFingerprint => "tf_fingerprint",
            ModelFormat::FlaxMsgpack => "flax_msgpack",
            ModelFormat::OrbaxCheckpoint => "orbax_checkpoint",
            ModelFormat::XgboostJson => "xgboost_json",
            ModelFormat::XgboostUbj => "xgboost_ubj",
            ModelFormat::XgboostBinary => "xgboost_binary",
            ModelFormat::LightGbm => "lightgbm",
            ModelFormat::CatBoost => "catboost",
            ModelFormat::ExecuTorch => "executorch",
            ModelFormat::PytorchMobile => "pytorch_mobile",
            ModelFormat::TensorRt => "tensorrt",
            ModelFormat::Rknn => "rknn",
            ModelFormat::CoreMl => "coreml",
            ModelFormat::Cntk => "cntk",
            ModelFormat::MxnetSymbol => "mxnet_symbol",
            ModelFormat::MxnetParams => "mxnet_params",
            ModelFormat::OpenVino => "openvino_ir",
            ModelFormat::Pmml => "pmml",
            ModelFormat::Xml => "xml",
            ModelFormat::PaddleModel => "paddle_pdmodel",
            ModelFormat::PaddleParams => "paddle_pdiparams",
            ModelFormat::Skops => "skops",
            ModelFormat::Nemo => "nemo",
            ModelFormat::TorchServeMar => "torchserve_mar",
            ModelFormat::Llamafile => "llamafile",
            ModelFormat::OciImage => "oci_image",
            ModelFormat::Rds => "r_rds",
            ModelFormat::RData => "r_rdata",
            ModelFormat::Torch7 => "torch7",
            ModelFormat::Joblib => "joblib",
            ModelFormat::Dill => "dill",
            ModelFormat::Python => "python",
            ModelFormat::ShellScript => "shell_script",
            ModelFormat::Yaml => "yaml",
            ModelFormat::Toml => "toml",
            ModelFormat::Ini => "ini",
            ModelFormat::ModelCard => "model_card",
            ModelFormat::Elf => "elf",
            ModelFormat::Pe => "pe",
            ModelFormat::MachO => "macho",
            ModelFormat::Json => "json",
            ModelFormat::Directory => "directory",
            ModelFormat::Unknown => "unknown",
        }
    }

    /// Formats whose contents this version of the engine analyses.
    pub fn is_analysed(self) -> bool {
        matches!(
            self,
            ModelFormat::Pickle
                | ModelFormat::PytorchZip
                | ModelFormat::PytorchLegacy
                | ModelFormat::PytorchTar
                | ModelFormat::TorchScript
                | ModelFormat::Zip
                | ModelFormat::Tar
                | ModelFormat::Gzip
                | ModelFormat::Zlib
                | ModelFormat::Bzip2
                | ModelFormat::Xz
                | ModelFormat::Lzma
                | ModelFormat::Zstd
                | ModelFormat::Lz4
                | ModelFormat::SevenZip
                | ModelFormat::NumPy
                | ModelFormat::SafeTensors
                | ModelFormat::Gguf
                | ModelFormat::Onnx
                | ModelFormat::TfLite
                | ModelFormat::FlaxMsgpack
                | ModelFormat::OrbaxCheckpoint
                | ModelFormat::XgboostJson
                | ModelFormat::XgboostUbj
                | ModelFormat::XgboostBinary
                | ModelFormat::LightGbm
                | ModelFormat::CatBoost
                | ModelFormat::TfSavedModel
                | ModelFormat::TfMetaGraph
                | ModelFormat::TfGraphDef
                | ModelFormat::Elf
                | ModelFormat::Pe
                | ModelFormat::MachO
                | ModelFormat::TfKerasMetadata
                | ModelFormat::TfCheckpointIndex
                | ModelFormat::TfCheckpointData
                | ModelFormat::TfCheckpointState
                | ModelFormat::TfFingerprint
                | ModelFormat::Hdf5
                | ModelFormat::Python
                | ModelFormat::ShellScript
                | ModelFormat::Yaml
                | ModelFormat::Toml
                | ModelFormat::Ini
                | ModelFormat::ModelCard
                | ModelFormat::Keras
                | ModelFormat::OpenVino
                | ModelFormat::Pmml
                | ModelFormat::Xml
                | ModelFormat::PaddleModel
                | ModelFormat::PaddleParams
                | ModelFormat::Skops
                | ModelFormat::Nemo
                | ModelFormat::TorchServeMar
                | ModelFormat::Llamafile
                | ModelFormat::OciImage
                | ModelFormat::Rds
                | ModelFormat::RData
                | ModelFormat::Torch7
                | ModelFormat::Joblib
                | ModelFormat::Dill
                | ModelFormat::Cntk
                | ModelFormat::MxnetSymbol
                | ModelFormat::MxnetParams
                | ModelFormat::ExecuTorch
                | ModelFormat::PytorchMobile
                | ModelFormat::TensorRt
                | ModelFormat::Rknn
                | ModelFormat::CoreMl
        )
    }
}

impl ModelFormat {
    /// Model or container formats that can carry code or hide other files:
    /// when this version cannot analyse one, the scan is inconclusive, never
    /// clean. Other unanalysed content (text, JSON, unknown bytes) is listed
    /// as skipped.
    pub fn can_carry_code(self) -> bool {
        !matches!(
            self,
            ModelFormat::Json
                | ModelFormat::Yaml
                | ModelFormat::Toml
                | ModelFormat::Ini
                | ModelFormat::ModelCard
                | ModelFormat::Xml
                | ModelFormat::Unknown
                | ModelFormat::Directory
        )
    }
}

impl fmt::Display for ModelFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialised_names_match_display_names() {
        for f in [
            ModelFormat::Pickle,
            ModelFormat::PytorchZip,
            ModelFormat::PytorchLegacy,
            ModelFormat::PytorchTar,
            ModelFormat::TorchScript,
            ModelFormat::SevenZip,
            ModelFormat::TfSavedModel,
            ModelFormat::TfMetaGraph,
            ModelFormat::TfGraphDef,
            ModelFormat::TfKerasMetadata,
            ModelFormat::TfCheckpointIndex,
            ModelFormat::TfCheckpointData,
            ModelFormat::TfCheckpointState,
            ModelFormat::TfFingerprint,
            ModelFormat::TfLite,
            ModelFormat::NumPy,
            ModelFormat::SafeTensors,
            ModelFormat::Gguf,
            ModelFormat::Keras,
            ModelFormat::Directory,
        ] {
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.as_str())
            );
        }
    }
}
