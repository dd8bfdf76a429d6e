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
                | ModelFormat::TfSavedModel
                | ModelFormat::TfMetaGraph
                | ModelFormat::TfGraphDef
                | ModelFormat::TfKerasMetadata
                | ModelFormat::Hdf5
                | ModelFormat::Keras
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
            ModelFormat::Json | ModelFormat::Unknown | ModelFormat::Directory
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
