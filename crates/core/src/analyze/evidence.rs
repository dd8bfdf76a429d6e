//! SBOM evidence from what the engine already parses: the packages pickle
//! globals name, PyTorch archive records, NumPy headers, SafeTensors
//! `__metadata__`, and the model card, `config.json` and LICENSE files of a
//! repository. Facts only: nothing here changes a finding or a verdict.

use sentrascan_formats::modelcard;
use sentrascan_formats::npy::NpyView;
use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_formats::safetensors::SafeTensorsView;

use super::Ctx;

/// Module roots of pickle globals → the PyPI package that provides them.
/// Standard-library modules are not listed: they need no install.
const PICKLE_PACKAGES: &[(&str, &str)] = &[
    ("__torch__", "torch"),
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("torchaudio", "torchaudio"),
    ("numpy", "numpy"),
    ("sklearn", "scikit-learn"),
    ("joblib", "joblib"),
    ("transformers", "transformers"),
    ("tokenizers", "tokenizers"),
    ("sentence_transformers", "sentence-transformers"),
    ("diffusers", "diffusers"),
    ("accelerate", "accelerate"),
    ("peft", "peft"),
    ("timm", "timm"),
    ("pandas", "pandas"),
    ("scipy", "scipy"),
    ("xgboost", "xgboost"),
    ("lightgbm", "lightgbm"),
    ("catboost", "catboost"),
    ("statsmodels", "statsmodels"),
    ("tensorflow", "tensorflow"),
    ("keras", "keras"),
    ("lightning", "lightning"),
    ("pytorch_lightning", "pytorch-lightning"),
    ("fastai", "fastai"),
    ("spacy", "spacy"),
    ("gensim", "gensim"),
    ("nltk", "nltk"),
    ("dill", "dill"),
    ("cloudpickle", "cloudpickle"),
];

/// SafeTensors `__metadata__` `format` values → the framework that wrote it.
const SAFETENSORS_FORMATS: &[(&str, &str)] = &[
    ("pt", "torch"),
    ("tf", "tensorflow"),
    ("flax", "flax"),
    ("np", "numpy"),
    ("mlx", "mlx"),
];

/// `__metadata__` entries copied into facts at most.
const MAX_METADATA_FACTS: usize = 32;

impl Ctx<'_> {
    /// Packages named by the globals a pickle imports.
    pub(super) fn pickle_evidence(&mut self, view: &PickleAnalysis) {
        for g in &view.globals {
            let root = g.module.split('.').next().unwrap_or(&g.module);
            if let Some((_, package)) = PICKLE_PACKAGES.iter().find(|(m, _)| *m == root) {
                self.framework(package, None, format!("pickle global {}", g.dotted()));
            }
        }
        if view.joblib_arrays > 0 {
            self.framework(
                "joblib",
                None,
                format!("{} joblib NumPy array wrappers", view.joblib_arrays),
            );
        }
        if let Some(p) = view.streams.first().and_then(|s| s.protocol) {
            self.fact("pickle.protocol", p.to_string());
        }
    }

    /// Small records `torch.save` writes beside the pickle (never tensor data).
    pub(super) fn torch_record(&mut self, rel: &str, bytes: &[u8]) {
        let key = match rel {
            "version" | ".data/version" => "torch.archive_version",
            "byteorder" => "torch.byteorder",
            ".data/serialization_id" => "torch.serialization_id",
            _ => return,
        };
        let head = bytes.get(..bytes.len().min(64)).unwrap_or(bytes);
        let text = String::from_utf8_lossy(head).trim().to_string();
        if text.chars().all(|c| c.is_ascii_graphic()) {
            if key == "torch.archive_version" {
                self.framework(
                    "torch",
                    None,
                    format!("PyTorch zip archive, `{rel}` record {text}"),
                );
            }
            self.fact(key, text);
        }
    }

    pub(super) fn npy_evidence(&mut self, view: &NpyView) {
        let (major, minor) = view.version;
        self.fact("numpy.format_version", format!("{major}.{minor}"));
        self.fact(
            "numpy.dtype",
            view.descr.chars().take(256).collect::<String>(),
        );
        self.fact(
            "numpy.shape",
            view.shape
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("x"),
        );
        self.framework("numpy", None, format!("NumPy .npy v{major}.{minor} header"));
    }

    pub(super) fn safetensors_evidence(&mut self, view: &SafeTensorsView) {
        self.fact("safetensors.tensors", view.tensors.len().to_string());
        let mut dtypes: Vec<&str> = view.tensors.iter().map(|t| t.dtype.as_str()).collect();
        dtypes.sort_unstable();
        dtypes.dedup();
        self.fact("safetensors.dtypes", dtypes.join(", "));
        for m in view.metadata.iter().take(MAX_METADATA_FACTS) {
            self.fact(
                format!("safetensors.metadata.{}", m.key),
                m.value.chars().take(1024).collect::<String>(),
            );
            if m.key == "format"
                && let Some((_, fw)) = SAFETENSORS_FORMATS.iter().find(|(f, _)| *f == m.value)
            {
                self.framework(
                    fw,
                    None,
                    format!("SafeTensors __metadata__ format={}", m.value),
                );
            }
        }
        self.framework("safetensors", None, "SafeTensors header");
    }

    /// README model cards, `config.json` and LICENSE files.
    pub(super) fn card_file(&mut self, data: &[u8], name: &str) {
        let Some(kind) = modelcard::classify(name) else {
            return;
        };
        let facts = modelcard::facts(kind, data);
        let transformers = facts
            .iter()
            .find(|(k, _)| k == "config.transformers_version")
            .map(|(_, v)| v.clone());
        let hf_config = facts.iter().any(|(k, _)| k.starts_with("config."));
        for (k, v) in facts {
            self.fact(k, v);
        }
        if hf_config {
            self.framework(
                "transformers",
                transformers.as_deref(),
                "config.json in the Hugging Face transformers layout",
            );
        }
    }
}
