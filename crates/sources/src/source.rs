//! What a scan argument names, decided from the argument alone.

use std::path::PathBuf;

use crate::error::SourceError;

/// A place models live.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// A local file or directory.
    Local(PathBuf),
    /// `http://` or `https://` (JFrog Artifactory included): one file.
    Http { url: String },
    /// `hf://org/repo[@revision][/path]`.
    HuggingFace(HfRef),
    /// `models:/name/version`, `models:/name/stage`, `models:/name@alias`.
    MlflowModel {
        name: String,
        selector: ModelSelector,
    },
    /// `runs:/run_id[/path]`.
    MlflowRun { run_id: String, path: String },
    /// `s3://`, `gs://`, `az://`: a bucket, a prefix or one object.
    Object {
        scheme: ObjectScheme,
        bucket: String,
        key: String,
    },
}

/// A Hugging Face Hub reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HfRef {
    /// `org/repo` (or `datasets/org/repo`, `spaces/org/repo`).
    pub repo: String,
    pub kind: HfKind,
    /// Branch, tag or commit; `main` when not given.
    pub revision: String,
    /// A file or a directory inside the repository; empty for all of it.
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HfKind {
    Model,
    Dataset,
    Space,
}

impl HfKind {
    /// The segment of the Hub's API paths (`/api/models/…`).
    pub fn api_segment(self) -> &'static str {
        match self {
            HfKind::Model => "models",
            HfKind::Dataset => "datasets",
            HfKind::Space => "spaces",
        }
    }

    /// The prefix of file URLs (`/datasets/org/repo/resolve/…`).
    pub fn url_prefix(self) -> &'static str {
        match self {
            HfKind::Model => "",
            HfKind::Dataset => "datasets/",
            HfKind::Space => "spaces/",
        }
    }
}

/// Which version of a registered MLflow model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSelector {
    Version(String),
    /// A stage (`Production`, `Staging`) or `latest`.
    Stage(String),
    Alias(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectScheme {
    S3,
    Gcs,
    Azure,
}

impl ObjectScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectScheme::S3 => "s3",
            ObjectScheme::Gcs => "gs",
            ObjectScheme::Azure => "az",
        }
    }
}

impl Source {
    /// Reads a scan argument. Anything without a scheme is a local path; a
    /// scheme we do not know is an error, never a path that happens not to
    /// exist.
    pub fn parse(arg: &str) -> Result<Source, SourceError> {
        let invalid = |reason: &str| SourceError::InvalidUri {
            uri: crate::redact::url(arg),
            reason: reason.to_string(),
        };
        if let Some(rest) = arg.strip_prefix("models:/") {
            return parse_model(rest.trim_start_matches('/')).ok_or_else(|| {
                invalid("expected models:/NAME/VERSION, models:/NAME/STAGE or models:/NAME@ALIAS")
            });
        }
        if let Some(rest) = arg.strip_prefix("runs:/") {
            let rest = rest.trim_start_matches('/');
            let (run_id, path) = rest.split_once('/').unwrap_or((rest, ""));
            if run_id.is_empty() {
                return Err(invalid("expected runs:/RUN_ID[/PATH]"));
            }
            return Ok(Source::MlflowRun {
                run_id: run_id.to_string(),
                path: path.trim_matches('/').to_string(),
            });
        }
        let Some((scheme, rest)) = arg.split_once("://") else {
            return Ok(Source::Local(PathBuf::from(arg)));
        };
        // `C:\x://y` is not a scheme; a scheme is letters, digits, + - .
        let is_scheme = !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !is_scheme {
            return Ok(Source::Local(PathBuf::from(arg)));
        }
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => {
                let u = url::Url::parse(arg).map_err(|e| invalid(&e.to_string()))?;
                if u.host_str().is_none() {
                    return Err(invalid("no host"));
                }
                Ok(Source::Http { url: u.to_string() })
            }
            "file" => {
                let u = url::Url::parse(arg).map_err(|e| invalid(&e.to_string()))?;
                let p = u
                    .to_file_path()
                    .map_err(|()| invalid("not a local file URL"))?;
                Ok(Source::Local(p))
            }
            "hf" => {
                parse_hf(rest).ok_or_else(|| invalid("expected hf://ORG/REPO[@REVISION][/PATH]"))
            }
            "s3" | "s3a" | "gs" | "gcs" | "az" | "azure" | "abfs" | "abfss" => {
                let scheme = match scheme {
                    "s3" | "s3a" => ObjectScheme::S3,
                    "gs" | "gcs" => ObjectScheme::Gcs,
                    _ => ObjectScheme::Azure,
                };
                let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
                // abfs://container@account.dfs.core.windows.net/path
                let bucket = bucket.split('@').next().unwrap_or(bucket);
                if bucket.is_empty() {
                    return Err(invalid("no bucket or container"));
                }
                Ok(Source::Object {
                    scheme,
                    bucket: bucket.to_string(),
                    key: key.to_string(),
                })
            }
            _ => Err(SourceError::UnknownScheme {
                scheme: scheme.to_string(),
                uri: crate::redact::url(arg),
            }),
        }
    }

    /// Whether the argument names something to download.
    pub fn is_remote(&self) -> bool {
        !matches!(self, Source::Local(_))
    }
}

fn parse_hf(rest: &str) -> Option<Source> {
    let mut segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let kind = match segs.first() {
        Some(&"datasets") => HfKind::Dataset,
        Some(&"spaces") => HfKind::Space,
        _ => HfKind::Model,
    };
    if kind != HfKind::Model {
        segs.remove(0);
    }
    if segs.len() < 2 {
        return None;
    }
    let org = segs.remove(0);
    let name_rev = segs.remove(0);
    let (name, mut revision) = match name_rev.split_once('@') {
        Some((n, r)) => (n, r.to_string()),
        None => (name_rev, "main".to_string()),
    };
    // Pull-request refs contain slashes: `@refs/pr/1`.
    if revision == "refs" && segs.len() >= 2 {
        revision = format!("refs/{}/{}", segs.remove(0), segs.remove(0));
    }
    if org.is_empty() || name.is_empty() || revision.is_empty() {
        return None;
    }
    Some(Source::HuggingFace(HfRef {
        repo: format!("{org}/{name}"),
        kind,
        revision,
        path: segs.join("/"),
    }))
}

fn parse_model(rest: &str) -> Option<Source> {
    if let Some((name, alias)) = rest.split_once('@') {
        let alias = alias.trim_matches('/');
        if name.is_empty() || alias.is_empty() || alias.contains('/') {
            return None;
        }
        return Some(Source::MlflowModel {
            name: name.to_string(),
            selector: ModelSelector::Alias(alias.to_string()),
        });
    }
    let rest = rest.trim_end_matches('/');
    let (name, sel) = rest.rsplit_once('/')?;
    if name.is_empty() || sel.is_empty() {
        return None;
    }
    let selector = if sel.chars().all(|c| c.is_ascii_digit()) {
        ModelSelector::Version(sel.to_string())
    } else if let Some(v) = sel
        .strip_prefix('v')
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
    {
        ModelSelector::Version(v.to_string())
    } else {
        ModelSelector::Stage(sel.to_string())
    };
    Some(Source::MlflowModel {
        name: name.to_string(),
        selector,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hf(s: &str) -> HfRef {
        match Source::parse(s).unwrap() {
            Source::HuggingFace(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn local_paths_stay_local() {
        for p in ["model.pkl", "/abs/dir", "./x://y", "C:\\models\\a.pt"] {
            assert_eq!(
                Source::parse(p).unwrap(),
                Source::Local(PathBuf::from(p)),
                "{p}"
            );
        }
        assert_eq!(
            Source::parse("file:///tmp/m.pt").unwrap(),
            Source::Local(PathBuf::from("/tmp/m.pt"))
        );
    }

    #[test]
    fn hugging_face_references() {
        let r = hf("hf://meta-llama/Llama-3.2-1B");
        assert_eq!(
            (r.repo.as_str(), r.revision.as_str(), r.path.as_str()),
            ("meta-llama/Llama-3.2-1B", "main", "")
        );
        let r = hf("hf://org/repo@v1.0/sub/model.bin");
        assert_eq!(
            (r.revision.as_str(), r.path.as_str()),
            ("v1.0", "sub/model.bin")
        );
        let r = hf("hf://org/repo@refs/pr/3/a.bin");
        assert_eq!(
            (r.revision.as_str(), r.path.as_str()),
            ("refs/pr/3", "a.bin")
        );
        assert_eq!(hf("hf://datasets/org/data").kind, HfKind::Dataset);
        assert!(Source::parse("hf://onlyone").is_err());
    }

    #[test]
    fn mlflow_references() {
        let m = |s: &str| Source::parse(s).unwrap();
        assert_eq!(
            m("models:/fraud/3"),
            Source::MlflowModel {
                name: "fraud".into(),
                selector: ModelSelector::Version("3".into())
            }
        );
        assert_eq!(
            m("models:/fraud@champion"),
            Source::MlflowModel {
                name: "fraud".into(),
                selector: ModelSelector::Alias("champion".into())
            }
        );
        assert_eq!(
            m("models:/production/fraud-detector/v3"),
            Source::MlflowModel {
                name: "production/fraud-detector".into(),
                selector: ModelSelector::Version("3".into())
            }
        );
        assert_eq!(
            m("models:/fraud/Production"),
            Source::MlflowModel {
                name: "fraud".into(),
                selector: ModelSelector::Stage("Production".into())
            }
        );
        assert_eq!(
            m("runs:/abc123/model/model.pkl"),
            Source::MlflowRun {
                run_id: "abc123".into(),
                path: "model/model.pkl".into()
            }
        );
        assert!(Source::parse("models:/onlyname").is_err());
    }

    #[test]
    fn object_stores_and_unknown_schemes() {
        assert_eq!(
            Source::parse("s3://bucket/prefix/a").unwrap(),
            Source::Object {
                scheme: ObjectScheme::S3,
                bucket: "bucket".into(),
                key: "prefix/a".into()
            }
        );
        assert_eq!(
            Source::parse("gs://b").unwrap(),
            Source::Object {
                scheme: ObjectScheme::Gcs,
                bucket: "b".into(),
                key: "".into()
            }
        );
        let e = Source::parse("ftp://host/x").unwrap_err().to_string();
        assert!(e.contains("unknown source scheme `ftp://`"), "{e}");
    }
}
