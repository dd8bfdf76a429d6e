//! NVIDIA NeMo archives (`.nemo`): a tar (often gzip-compressed) holding
//! `model_config.yaml`, the weights (`model_weights.ckpt`, a torch zip) and
//! the artifacts the config registers (tokenizers, vocabularies) under
//! `nemo:<file>` references that NeMo rewrites to the extraction directory
//! on restore. Only the config is parsed here; the tar is walked by the tar
//! reader and every member goes through the whole engine.

use serde_json::Value;

/// Configs larger than this are not parsed.
pub const MAX_CONFIG: usize = 4 << 20;
/// Artifact references kept at most.
const MAX_REFS: usize = 1_000;

/// True when a tar's member names are a NeMo archive's.
pub fn is_nemo_archive<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let mut config = false;
    let mut weights = false;
    for n in names {
        match member_base(n) {
            "model_config.yaml" => config = true,
            // Distributed (Megatron) checkpoints store a directory.
            b if b == "model_weights.ckpt" || b.starts_with("model_weights/") => weights = true,
            _ => {}
        }
    }
    config && weights
}

/// A member's name without a leading `./`.
pub fn member_base(name: &str) -> &str {
    let mut n = name;
    while let Some(rest) = n.strip_prefix("./") {
        n = rest;
    }
    n
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum NemoError {
    #[error("model_config.yaml is {len} bytes, over the {limit}-byte limit")]
    TooLarge { len: usize, limit: usize },
    #[error("model_config.yaml is not UTF-8")]
    NotUtf8,
    #[error("model_config.yaml does not parse as YAML (or exceeds the node and depth budget)")]
    Yaml,
}

/// A config value that names a file: a `nemo:` artifact or a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactRef {
    /// Dotted key path (`tokenizer.model`).
    pub key: String,
    pub value: String,
    /// The file inside the archive for `nemo:<file>` references.
    pub nemo_file: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NemoConfig {
    /// The class NeMo instantiates (`target`, or `_target_` at the top).
    pub target: Option<String>,
    pub nemo_version: Option<String>,
    pub refs: Vec<ArtifactRef>,
}

/// Keys whose string values NeMo reads as file paths.
fn is_path_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.ends_with("_file")
        || k.ends_with("_path")
        || k.ends_with("_dir")
        || k.ends_with("_filepath")
        || matches!(
            k.as_str(),
            "model" | "vocab" | "path" | "file" | "filepath" | "tokenizer_model"
        )
}

/// Parses `model_config.yaml`.
pub fn parse_config(data: &[u8]) -> Result<NemoConfig, NemoError> {
    if data.len() > MAX_CONFIG {
        return Err(NemoError::TooLarge {
            len: data.len(),
            limit: MAX_CONFIG,
        });
    }
    let text = std::str::from_utf8(data).map_err(|_| NemoError::NotUtf8)?;
    let tree = crate::modelcard::yaml_tree(text).ok_or(NemoError::Yaml)?;
    let top = |k: &str| tree.get(k).and_then(Value::as_str).map(str::to_string);
    let mut cfg = NemoConfig {
        target: top("target").or_else(|| top("_target_")),
        nemo_version: top("nemo_version"),
        refs: Vec::new(),
    };
    collect(&tree, String::new(), &mut cfg.refs);
    Ok(cfg)
}

fn collect(v: &Value, path: String, out: &mut Vec<ArtifactRef>) {
    if out.len() >= MAX_REFS {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                collect(child, p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, format!("{path}[{i}]"), out);
            }
        }
        Value::String(s) => {
            let key = path.rsplit('.').next().unwrap_or(&path);
            let key = key.split('[').next().unwrap_or(key);
            let nemo_file = s.strip_prefix("nemo:").map(str::to_string);
            if nemo_file.is_some() || (is_path_key(key) && looks_like_path(s)) {
                out.push(ArtifactRef {
                    key: path,
                    value: s.clone(),
                    nemo_file,
                });
            }
        }
        _ => {}
    }
}

fn looks_like_path(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && !t.contains(char::is_whitespace)
        && !matches!(t, "null" | "None" | "~" | "???")
        && (t.contains('/') || t.contains('\\') || t.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_archive() {
        assert!(is_nemo_archive([
            "./model_config.yaml",
            "./model_weights.ckpt"
        ]));
        assert!(!is_nemo_archive(["model_config.yaml"]));
        assert!(is_nemo_archive([
            "model_config.yaml",
            "model_weights/common.pt"
        ]));
    }

    #[test]
    fn reads_target_version_and_refs() {
        let cfg = parse_config(
            b"target: nemo.collections.asr.models.EncDecCTCModel\nnemo_version: 1.23.0\n\
tokenizer:\n  dir: null\n  model: nemo:abc_tokenizer.model\n  vocab_path: ../../etc/passwd\n\
train_ds:\n  manifest_filepath: /data/train.json\n  batch_size: 4\n",
        )
        .unwrap();
        assert_eq!(
            cfg.target.as_deref(),
            Some("nemo.collections.asr.models.EncDecCTCModel")
        );
        assert_eq!(cfg.nemo_version.as_deref(), Some("1.23.0"));
        let keys: Vec<_> = cfg.refs.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "tokenizer.model",
                "tokenizer.vocab_path",
                "train_ds.manifest_filepath"
            ]
        );
        assert_eq!(
            cfg.refs[0].nemo_file.as_deref(),
            Some("abc_tokenizer.model")
        );
    }

    #[test]
    fn rejects_bad_configs() {
        assert_eq!(parse_config(b"\xff"), Err(NemoError::NotUtf8));
        assert_eq!(parse_config(b"a: [1, 2"), Err(NemoError::Yaml));
    }
}
