//! What a Hydra/OmegaConf `_target_` (or a Lightning `class_path`) may
//! name. Data, reviewed like code; each list has a test.

use crate::rules::python::calls;

/// Keys whose value `hydra.utils.instantiate` (and its kin) imports and calls.
pub const TARGET_KEYS: &[&str] = &["_target_", "class_path"];

/// The older `target:` of latent-diffusion configs (`instantiate_from_config`):
/// only dangerous callables are reported under it, since the word is common.
pub const WEAK_TARGET_KEYS: &[&str] = &["target"];

/// Extra callables that are dangerous as targets (beyond the Python tables).
const EXTRA: &[&str] = &[
    "__import__",
    "importlib.import_module",
    "getattr",
    "shutil.rmtree",
    "os.remove",
    "os.unlink",
];

/// Top-level packages of ML frameworks and their usual companions.
pub const ML_PACKAGES: &[&str] = &[
    "torch",
    "torchvision",
    "torchaudio",
    "torchtext",
    "torchmetrics",
    "nemo",
    "transformers",
    "diffusers",
    "lightning",
    "pytorch_lightning",
    "lightning_fabric",
    "omegaconf",
    "hydra",
    "timm",
    "ldm",
    "sgm",
    "numpy",
    "sklearn",
    "apex",
    "megatron",
    "peft",
    "accelerate",
    "datasets",
    "tokenizers",
    "sentencepiece",
    "einops",
    "open_clip",
    "taming",
    "k_diffusion",
    "mmcv",
    "mmdet",
    "mmseg",
    "mmengine",
    "mmpretrain",
    "detectron2",
    "fairseq",
    "espnet",
    "espnet2",
    "speechbrain",
    "librosa",
    "transformer_engine",
    "deepspeed",
    "jax",
    "flax",
    "optax",
    "tensorflow",
    "keras",
    "lhotse",
    "webdataset",
    "ultralytics",
    "mmocr",
    "torch_geometric",
];

/// Normalised dotted name (`builtins.eval` → `eval`, `posix.system` → `os.system`).
pub fn normalise(name: &str) -> String {
    let name = name.trim();
    for prefix in ["builtins.", "__builtins__.", "__builtin__."] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    for (from, to) in [("posix.", "os."), ("nt.", "os.")] {
        if let Some(rest) = name.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    name.to_string()
}

/// True when instantiating `name` runs a command, code or a loader.
pub fn is_dangerous(name: &str) -> bool {
    let n = normalise(name);
    let n = n.as_str();
    calls::PROCESS.contains(&n)
        || calls::CODE.contains(&n)
        || calls::DESERIALISE.contains(&n)
        || calls::NATIVE.contains(&n)
        || EXTRA.contains(&n)
        || matches!(n, "torch.load" | "yaml.load" | "numpy.load")
}

/// True when `name` is under an ML package.
pub fn is_ml(name: &str) -> bool {
    let top = name.trim().split('.').next().unwrap_or("");
    ML_PACKAGES.contains(&top)
}

/// A dotted Python name (`a.b.C`, `pkg.mod:func`).
pub fn looks_like_dotted(name: &str) -> bool {
    let name = name.trim();
    name.contains('.')
        && !name.contains("..")
        && name
            .split(['.', ':'])
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_dangerous("os.system"));
        assert!(is_dangerous("builtins.eval"));
        assert!(is_dangerous("posix.system"));
        assert!(is_dangerous("subprocess.Popen"));
        assert!(!is_dangerous("torch.nn.Linear"));
        assert!(is_ml("nemo.collections.asr.modules.ConformerEncoder"));
        assert!(!is_ml("mypkg.Thing"));
        assert!(looks_like_dotted(
            "ldm.models.diffusion.ddpm.LatentDiffusion"
        ));
        assert!(!looks_like_dotted("cuda"));
        assert!(!looks_like_dotted("1.5"));
    }
}
