use serde::Serialize;

use crate::{Category, Severity};

/// The family a rule code belongs to; the code's letters are its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleFamily {
    /// `PKL`: pickle streams.
    Pickle,
    /// `PT`: PyTorch containers and TorchScript.
    Pytorch,
    /// `ARC`: archives.
    Archive,
    /// `NPY`: NumPy arrays.
    Numpy,
    /// `ST`: SafeTensors.
    SafeTensors,
    /// `GGUF`: GGUF and its metadata.
    Gguf,
    /// `ONNX`: ONNX models.
    Onnx,

    /// `HDF`: HDF5 containers (Keras 2 `.h5`, h5py files).
    Hdf5,
    /// `KER`: Keras model configurations (`.keras`, Keras 2 HDF5).
    Keras,
    /// `TPL`: Jinja templates (chat templates).
    Template,
    /// `TFL`: TensorFlow Lite models.
    TfLite,
    /// `TF`: TensorFlow SavedModels, MetaGraphs and GraphDefs.
    TensorFlow,
    /// `XML`: XML documents (DTDs, entities, XInclude, processing instructions).
    Xml,
    /// `OV`: OpenVINO IR models.
    OpenVino,
    /// `PMML`: PMML documents.
    Pmml,
    /// `PDL`: PaddlePaddle programs and parameters.
    Paddle,
    /// `SKO`: skops archives.
    Skops,
    /// `NEMO`: NVIDIA NeMo archives.
    Nemo,
    /// `MAR`: TorchServe model archives.
    TorchServe,
    /// `LMF`: llamafiles (executables carrying GGUF weights).
    Llamafile,
    /// `OCI`: OCI image layouts and `docker save` archives.
    Oci,
    /// `RDS`: R serialisation (`saveRDS`, `save`).
    RSerialisation,
    /// `LUA`: Lua Torch7 files.
    Torch7,
    /// `CNT`: Microsoft CNTK models.
    Cntk,
    /// `MXN`: Apache MXNet symbol graphs and parameters.
    Mxnet,
    /// `PTE`: ExecuTorch programs.
    ExecuTorch,
    /// `TRT`: TensorRT engines.
    TensorRt,
    /// `RKN`: Rockchip RKNN models.
    Rknn,
    /// `CML`: Core ML models.
    CoreMl,
    /// `PY`: Python source beside the weights.
    Python,
    /// `CFG`: configuration files, manifests and scripts.
    Config,
    /// `HFR`: Hugging Face repository conventions (remote code, model cards).
    HfRepo,
    /// `SEC`: credentials anywhere text is found.
    Secrets,
    /// `EXE`: native executables (ELF, PE, Mach-O) in models and containers.
    Executable,
    /// `FLX`: Flax/JAX MessagePack state and Orbax checkpoints.
    Flax,
    /// `GBT`: gradient-boosted tree models (XGBoost, LightGBM, CatBoost).
    Gbt,
    /// `WGT`: weight value statistics (tampering signals).
    Weights,
    /// `SCN`: the scanner itself (coverage, limits, mismatches).
    Scanner,
}

impl RuleFamily {
    pub fn prefix(self) -> &'static str {
        match self {
            RuleFamily::Pickle => "PKL",
            RuleFamily::Pytorch => "PT",
            RuleFamily::Archive => "ARC",
            RuleFamily::Numpy => "NPY",
            RuleFamily::SafeTensors => "ST",
            RuleFamily::Gguf => "GGUF",
            RuleFamily::Onnx => "ONNX",

            RuleFamily::Hdf5 => "HDF",
            RuleFamily::Keras => "KER",
            RuleFamily::Template => "TPL",
            RuleFamily::TfLite => "TFL",
            RuleFamily::TensorFlow => "TF",
            RuleFamily::Xml => "XML",
            RuleFamily::OpenVino => "OV",
            RuleFamily::Pmml => "PMML",
            RuleFamily::Paddle => "PDL",
            RuleFamily::Skops => "SKO",
            RuleFamily::Nemo => "NEMO",
            RuleFamily::TorchServe => "MAR",
            RuleFamily::Llamafile => "LMF",
            RuleFamily::Oci => "OCI",
            RuleFamily::RSerialisation => "RDS",
            RuleFamily::Torch7 => "LUA",
            RuleFamily::Cntk => "CNT",
            RuleFamily::Mxnet => "MXN",
            RuleFamily::ExecuTorch => "PTE",
            RuleFamily::TensorRt => "TRT",
            RuleFamily::Rknn => "RKN",
            RuleFamily::CoreMl => "CML",
            RuleFamily::Python => "PY",
            RuleFamily::Config => "CFG",
            RuleFamily::HfRepo => "HFR",
            RuleFamily::Secrets => "SEC",
            RuleFamily::Executable => "EXE",
            RuleFamily::Flax => "FLX",
            RuleFamily::Gbt => "GBT",
            RuleFamily::Weights => "WGT",
            RuleFamily::Scanner => "SCN",
        }
    }
}

/// Static description of one rule: stable code, name, defaults and docs.
///
/// Codes are never reused; a rule whose logic changes bumps `version`.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Stable code, family prefix plus three digits (`PKL001`).
    pub code: &'static str,
    /// Kebab-case name of the bad pattern (`dangerous-pickle-global`).
    pub name: &'static str,
    pub family: RuleFamily,
    /// Severity when the rule itself does not grade the evidence.
    pub default_severity: Severity,
    pub category: Category,
    /// Scanner name reported with each finding (`pickle`, `pytorch_zip`).
    pub scanner: &'static str,
    /// CWE identifier, such as `CWE-502`.
    pub cwe: Option<&'static str>,
    /// OWASP Machine Learning Top 10 identifier, such as `ML06:2023`.
    pub owasp_ml: Option<&'static str>,
    /// Bumped whenever the rule's logic changes.
    pub version: u32,
    /// One line: what the rule detects.
    pub summary: &'static str,
    /// Markdown under the headings What it does / Why is this bad? / Example / How to fix / References.
    pub docs: &'static str,
    /// Default remediation text for findings of this rule.
    pub remediation: &'static str,
}
