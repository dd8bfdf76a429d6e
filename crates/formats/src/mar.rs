//! TorchServe model archives (`.mar`): a zip whose `MAR-INF/MANIFEST.json`
//! names the serialised weights, the model definition (`modelFile`), the
//! handler that TorchServe imports and runs when the model is loaded, and a
//! `requirementsFile` that TorchServe installs with pip when
//! `install_py_dep_per_model` is on. Only the manifest and the requirements
//! are parsed here; the archive itself is walked by the zip reader.

use serde_json::Value;

/// Where the manifest lives in the archive.
pub const MANIFEST: &str = "MAR-INF/MANIFEST.json";
/// Manifests larger than this are not parsed.
pub const MAX_MANIFEST: usize = 1 << 20;
/// Requirement lines kept at most.
const MAX_REQUIREMENTS: usize = 1_000;

/// Handlers shipped with TorchServe (`ts.torch_handler.*`).
pub const BUILTIN_HANDLERS: &[&str] = &[
    "image_classifier",
    "image_segmenter",
    "object_detector",
    "text_classifier",
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MarError {
    #[error("manifest is {len} bytes, over the {limit}-byte limit")]
    TooLarge { len: usize, limit: usize },
    #[error("manifest is not JSON: {0}")]
    Json(String),
    #[error("manifest has no `model` object")]
    NoModel,
}

/// The fields of `MANIFEST.json` that matter for security and the SBOM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarManifest {
    pub runtime: Option<String>,
    pub archiver_version: Option<String>,
    pub model_name: Option<String>,
    pub model_version: Option<String>,
    pub handler: Option<String>,
    pub serialized_file: Option<String>,
    pub model_file: Option<String>,
    pub requirements_file: Option<String>,
    pub extensions: Option<String>,
    pub envelope: Option<String>,
}

impl MarManifest {
    /// Manifest fields that name a file of the archive, as (field, value).
    pub fn file_fields(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        let fields = [
            ("serializedFile", &self.serialized_file),
            ("modelFile", &self.model_file),
            ("requirementsFile", &self.requirements_file),
            ("extensions", &self.extensions),
        ];
        for (key, value) in fields {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                out.push((key, v));
            }
        }
        if let Some(h) = self.handler_file() {
            out.push(("handler", h));
        }
        out
    }

    /// The archive file the handler names (`my_handler.py`,
    /// `my_handler.py:handle`), when it names one rather than a module.
    pub fn handler_file(&self) -> Option<&str> {
        let h = self.handler.as_deref()?;
        let file = h.split_once(':').map_or(h, |(f, _)| f);
        file.ends_with(".py").then_some(file)
    }

    /// True when the handler is one TorchServe ships.
    pub fn handler_is_builtin(&self) -> bool {
        let Some(h) = self.handler.as_deref() else {
            // No handler: TorchServe uses its base handler.
            return true;
        };
        let module = h.split_once(':').map_or(h, |(m, _)| m);
        let module = module.strip_prefix("ts.torch_handler.").unwrap_or(module);
        BUILTIN_HANDLERS.contains(&module) || module == "base_handler"
    }
}

/// Parses `MAR-INF/MANIFEST.json`.
pub fn parse_manifest(data: &[u8]) -> Result<MarManifest, MarError> {
    if data.len() > MAX_MANIFEST {
        return Err(MarError::TooLarge {
            len: data.len(),
            limit: MAX_MANIFEST,
        });
    }
    let v: Value = serde_json::from_slice(data).map_err(|e| MarError::Json(e.to_string()))?;
    let model = v
        .get("model")
        .filter(|m| m.is_object())
        .ok_or(MarError::NoModel)?;
    let s = |v: &Value, k: &str| v.get(k).and_then(scalar);
    Ok(MarManifest {
        runtime: s(&v, "runtime"),
        archiver_version: s(&v, "archiverVersion"),
        model_name: s(model, "modelName"),
        model_version: s(model, "modelVersion"),
        handler: s(model, "handler"),
        serialized_file: s(model, "serializedFile"),
        model_file: s(model, "modelFile"),
        requirements_file: s(model, "requirementsFile"),
        extensions: s(model, "extensions"),
        envelope: s(model, "envelope"),
    })
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Where pip would fetch a requirement from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequirementSource {
    /// A package name from the configured index (`numpy==1.26`).
    Index,
    /// A URL, a VCS reference (`git+https://…`) or a direct reference (`pkg @ https://…`).
    Url,
    /// An option that changes where packages come from
    /// (`--index-url`, `--extra-index-url`, `--find-links`, `--trusted-host`).
    IndexOption,
    /// A local path or an editable install (`-e .`, `./pkg`, `/tmp/x.whl`).
    LocalPath,
    /// Another requirements or constraints file (`-r`, `-c`).
    Include,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// 1-based line number.
    pub line: usize,
    pub text: String,
    pub source: RequirementSource,
}

/// Parses a pip requirements file: one requirement or option per line,
/// comments and blank lines skipped, `\` continuations joined.
pub fn requirements(text: &str) -> Vec<Requirement> {
    let mut out = Vec::new();
    let mut pending = String::new();
    let mut start = 0usize;
    for (i, raw) in text.lines().enumerate() {
        if out.len() >= MAX_REQUIREMENTS {
            break;
        }
        if pending.is_empty() {
            start = i.saturating_add(1);
        }
        let line = strip_comment(raw);
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let joined = std::mem::take(&mut pending);
        let t = joined.trim();
        if t.is_empty() {
            continue;
        }
        out.push(Requirement {
            line: start,
            text: t.to_string(),
            source: classify(t),
        });
    }
    out
}

/// pip treats `#` as a comment at the start or after whitespace.
fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, c) in line.char_indices() {
        if c == '#'
            && (i == 0
                || b.get(i.wrapping_sub(1))
                    .is_some_and(u8::is_ascii_whitespace))
        {
            return line.get(..i).unwrap_or(line);
        }
    }
    line
}

fn classify(t: &str) -> RequirementSource {
    let lower = t.to_ascii_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    let option = first.split('=').next().unwrap_or(first);
    match option {
        "-i" | "--index-url" | "--extra-index-url" | "-f" | "--find-links" | "--trusted-host"
        | "--no-index" => return RequirementSource::IndexOption,
        "-r" | "--requirement" | "-c" | "--constraint" => return RequirementSource::Include,
        "-e" | "--editable" => {
            return if lower.contains("://") || lower.contains("git+") {
                RequirementSource::Url
            } else {
                RequirementSource::LocalPath
            };
        }
        _ => {}
    }
    if lower.contains("://") || lower.starts_with("git+") || lower.contains(" @ ") {
        return RequirementSource::Url;
    }
    if lower.starts_with('.')
        || lower.starts_with('/')
        || lower.starts_with('~')
        || lower.ends_with(".whl")
        || lower.ends_with(".tar.gz")
        || lower.ends_with(".zip")
    {
        return RequirementSource::LocalPath;
    }
    RequirementSource::Index
}

/// True when `path` (a manifest field or config value) leaves the archive:
/// absolute, a drive or UNC path, or with a `..` component.
pub fn path_escapes(path: &str) -> bool {
    let p = path.trim();
    p.starts_with('/')
        || p.starts_with('\\')
        || p.starts_with('~')
        || p.as_bytes().get(1) == Some(&b':')
        || p.split(['/', '\\']).any(|c| c == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST_JSON: &str = r#"{"createdOn": "01/01/2024 00:00:00", "runtime": "python",
      "model": {"modelName": "mnist", "serializedFile": "mnist_cnn.pt", "handler": "mnist_handler.py",
      "modelFile": "mnist.py", "modelVersion": "1.0", "requirementsFile": "requirements.txt"},
      "archiverVersion": "0.9.0"}"#;

    #[test]
    fn parses_the_manifest() {
        let m = parse_manifest(MANIFEST_JSON.as_bytes()).unwrap();
        assert_eq!(m.model_name.as_deref(), Some("mnist"));
        assert_eq!(m.handler_file(), Some("mnist_handler.py"));
        assert!(!m.handler_is_builtin());
        assert_eq!(m.file_fields().len(), 4);
        assert_eq!(parse_manifest(b"{}"), Err(MarError::NoModel));
        assert!(matches!(parse_manifest(b"{"), Err(MarError::Json(_))));
    }

    #[test]
    fn builtin_handlers() {
        let mut m = MarManifest {
            handler: Some("image_classifier".into()),
            ..MarManifest::default()
        };
        assert!(m.handler_is_builtin());
        m.handler = Some("ts.torch_handler.text_classifier".into());
        assert!(m.handler_is_builtin());
        m.handler = Some("my_pkg.serve:handle".into());
        assert!(!m.handler_is_builtin());
        assert_eq!(m.handler_file(), None);
    }

    #[test]
    fn classifies_requirements() {
        let r = requirements(
            "numpy==1.26 # pinned\n--extra-index-url https://x.test/simple\n\
             git+https://x.test/p.git\npkg @ https://x.test/p.whl\n-e ./local\n\
             -r other.txt\ntorch\\\n>=2.0\n",
        );
        let kinds: Vec<_> = r.iter().map(|x| x.source).collect();
        assert_eq!(
            kinds,
            [
                RequirementSource::Index,
                RequirementSource::IndexOption,
                RequirementSource::Url,
                RequirementSource::Url,
                RequirementSource::LocalPath,
                RequirementSource::Include,
                RequirementSource::Index,
            ]
        );
        assert_eq!(r[0].text, "numpy==1.26");
        assert_eq!((r[6].line, r[6].text.as_str()), (7, "torch >=2.0"));
    }

    #[test]
    fn escaping_paths() {
        assert!(path_escapes("/etc/passwd"));
        assert!(path_escapes("../x.py"));
        assert!(path_escapes("C:\\x"));
        assert!(!path_escapes("model.py"));
        assert!(!path_escapes("sub/model.py"));
    }
}
