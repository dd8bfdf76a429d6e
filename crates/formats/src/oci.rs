//! OCI image layouts (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`) and
//! `docker save` archives (`manifest.json` with `Config` and `Layers`).
//! This module parses the JSON documents and names blobs; following the
//! graph, verifying digests and unpacking layers is the engine's work.

use serde_json::Value;

/// JSON documents (index, manifests, configs) larger than this are not parsed.
pub const MAX_DOCUMENT: usize = 4 << 20;
/// Descriptors kept per document.
pub const MAX_DESCRIPTORS: usize = 4_096;

pub const MEDIA_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const MEDIA_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OciError {
    #[error("`{name}` is {len} bytes, over the {limit}-byte limit")]
    TooLarge {
        name: String,
        len: usize,
        limit: usize,
    },
    #[error("`{name}` is not JSON: {message}")]
    Json { name: String, message: String },
    #[error("`{name}` is not an image index or manifest")]
    NotADocument { name: String },
}

/// A content descriptor: what a blob is and how to check it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: String,
    /// `None` when the document gives none (docker-save paths).
    pub size: Option<u64>,
    /// `org.opencontainers.image.title` (file name of an artifact layer).
    pub title: Option<String>,
    pub artifact_type: Option<String>,
    /// Path of the blob in the layout when the document names it directly
    /// (docker-save `Layers`); otherwise derived from the digest.
    pub path: Option<String>,
}

impl Descriptor {
    /// The blob's path in the layout: `blobs/<alg>/<hex>`, or `None` for a
    /// digest that is not `<alg>:<hex>` (which could name any path).
    pub fn blob_path(&self) -> Option<String> {
        if let Some(p) = &self.path {
            return Some(p.clone());
        }
        blob_path(&self.digest)
    }

    /// True when the descriptor names an index rather than a manifest.
    pub fn is_index(&self) -> bool {
        self.media_type == MEDIA_INDEX || self.media_type == MEDIA_DOCKER_LIST
    }
}

/// `blobs/<alg>/<hex>` for a well-formed digest.
pub fn blob_path(digest: &str) -> Option<String> {
    let (alg, hex) = digest.split_once(':')?;
    let alg_ok = !alg.is_empty()
        && alg
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b));
    let hex_ok = !hex.is_empty()
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (alg_ok && hex_ok).then(|| format!("blobs/{alg}/{hex}"))
}

/// The first 12 hex digits of a digest, for locations (`sha256:0123456789ab`).
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => digest.get(..19).unwrap_or(digest).to_string(),
    }
}

/// An image index or manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub media_type: Option<String>,
    pub artifact_type: Option<String>,
    /// Child manifests (an index).
    pub manifests: Vec<Descriptor>,
    /// The config blob (a manifest).
    pub config: Option<Descriptor>,
    /// Layers in order, base first (a manifest).
    pub layers: Vec<Descriptor>,
    /// Names the images are tagged with.
    pub tags: Vec<String>,
}

fn load(name: &str, data: &[u8]) -> Result<Value, OciError> {
    if data.len() > MAX_DOCUMENT {
        return Err(OciError::TooLarge {
            name: name.to_string(),
            len: data.len(),
            limit: MAX_DOCUMENT,
        });
    }
    serde_json::from_slice(data).map_err(|e| OciError::Json {
        name: name.to_string(),
        message: e.to_string(),
    })
}

fn descriptor(v: &Value) -> Option<Descriptor> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Descriptor {
        media_type: s("mediaType").unwrap_or_default(),
        digest: s("digest")?,
        size: v.get("size").and_then(Value::as_u64),
        title: v
            .get("annotations")
            .and_then(|a| a.get("org.opencontainers.image.title"))
            .and_then(Value::as_str)
            .map(str::to_string),
        artifact_type: s("artifactType"),
        path: None,
    })
}

fn descriptors(v: Option<&Value>) -> Vec<Descriptor> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .take(MAX_DESCRIPTORS)
                .filter_map(descriptor)
                .collect()
        })
        .unwrap_or_default()
}

/// Parses an OCI (or Docker v2) image index or manifest.
pub fn parse_document(name: &str, data: &[u8]) -> Result<Document, OciError> {
    let v = load(name, data)?;
    if !v.is_object() || (v.get("manifests").is_none() && v.get("layers").is_none()) {
        return Err(OciError::NotADocument {
            name: name.to_string(),
        });
    }
    let tags = descriptors_tags(v.get("manifests"));
    Ok(Document {
        media_type: v
            .get("mediaType")
            .and_then(Value::as_str)
            .map(str::to_string),
        artifact_type: v
            .get("artifactType")
            .and_then(Value::as_str)
            .map(str::to_string),
        manifests: descriptors(v.get("manifests")),
        config: v.get("config").and_then(descriptor),
        layers: descriptors(v.get("layers")),
        tags,
    })
}

fn descriptors_tags(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            d.get("annotations")?
                .get("org.opencontainers.image.ref.name")?
                .as_str()
                .map(str::to_string)
        })
        .take(MAX_DESCRIPTORS)
        .collect()
}

/// Parses a `docker save` `manifest.json`: one manifest per image, whose
/// `Config` and `Layers` are paths in the archive.
pub fn parse_docker_save(data: &[u8]) -> Result<Vec<Document>, OciError> {
    let name = "manifest.json";
    let v = load(name, data)?;
    let items = v.as_array().ok_or_else(|| OciError::NotADocument {
        name: name.to_string(),
    })?;
    let path_desc = |p: &str| Descriptor {
        digest: digest_of_path(p).unwrap_or_default(),
        path: Some(p.to_string()),
        ..Descriptor::default()
    };
    let mut out = Vec::new();
    for item in items.iter().take(MAX_DESCRIPTORS) {
        let Some(layers) = item.get("Layers").and_then(Value::as_array) else {
            return Err(OciError::NotADocument {
                name: name.to_string(),
            });
        };
        out.push(Document {
            media_type: None,
            artifact_type: None,
            manifests: Vec::new(),
            config: item.get("Config").and_then(Value::as_str).map(path_desc),
            layers: layers
                .iter()
                .take(MAX_DESCRIPTORS)
                .filter_map(Value::as_str)
                .map(path_desc)
                .collect(),
            tags: item
                .get("RepoTags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .take(MAX_DESCRIPTORS)
                .collect(),
        });
    }
    Ok(out)
}

/// The content digest a docker-save path names: only `blobs/<alg>/<hex>`
/// (Docker 25+). The older `<id>/layer.tar` names a layer by its v1 id,
/// which is not a hash of the content, so it is not verified.
pub fn digest_of_path(path: &str) -> Option<String> {
    let rest = normalise(path).strip_prefix("blobs/")?;
    let (alg, hex) = rest.split_once('/')?;
    (!hex.contains('/') && blob_path(&format!("{alg}:{hex}")).is_some())
        .then(|| format!("{alg}:{hex}"))
}

/// Compression of a layer, from its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerEncoding {
    Tar,
    TarGzip,
    TarZstd,
    /// Not a filesystem layer (a raw artifact: model weights, a config).
    Blob,
}

/// What a layer's media type says it is; `None` when it says nothing
/// (docker-save paths): the engine then sniffs.
pub fn layer_encoding(media_type: &str) -> Option<LayerEncoding> {
    let m = media_type.to_ascii_lowercase();
    if m.is_empty() {
        return None;
    }
    if m.contains("tar") || m.contains("rootfs") {
        if m.ends_with("+gzip") || m.ends_with(".gzip") || m.ends_with("tar.gzip") {
            return Some(LayerEncoding::TarGzip);
        }
        if m.ends_with("+zstd") || m.ends_with(".zstd") {
            return Some(LayerEncoding::TarZstd);
        }
        return Some(LayerEncoding::Tar);
    }
    Some(LayerEncoding::Blob)
}

/// The model-artifact family a media type belongs to, for the SBOM.
pub fn model_artifact_kind(media_type: &str) -> Option<&'static str> {
    let m = media_type.to_ascii_lowercase();
    if m.starts_with("application/vnd.ollama.image.") {
        return Some("ollama");
    }
    if m.starts_with("application/vnd.kitops.modelkit.") || m.starts_with("application/vnd.kitops.")
    {
        return Some("modelkit");
    }
    if m.starts_with("application/vnd.cncf.model.") || m.starts_with("application/vnd.cnai.model.")
    {
        return Some("cncf_model_spec");
    }
    None
}

/// A whiteout entry of a layer: it deletes a path of the layers below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whiteout {
    /// `dir/.wh.name`: deletes `dir/name` (and everything under it).
    Path(String),
    /// `dir/.wh..wh..opq`: deletes everything under `dir/` from lower layers.
    Opaque(String),
}

/// A layer entry's path, normalised (no leading `./` or `/`).
pub fn normalise(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(r) = p.strip_prefix("./") {
            p = r;
        } else if let Some(r) = p.strip_prefix('/') {
            p = r;
        } else {
            return p.trim_end_matches('/');
        }
    }
}

/// Reads a whiteout entry.
pub fn whiteout(path: &str) -> Option<Whiteout> {
    let p = normalise(path);
    let (dir, base) = match p.rsplit_once('/') {
        Some((d, b)) => (d, b),
        None => ("", p),
    };
    if base == ".wh..wh..opq" {
        return Some(Whiteout::Opaque(dir.to_string()));
    }
    let name = base.strip_prefix(".wh.")?;
    if name.is_empty() {
        return None;
    }
    Some(Whiteout::Path(if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }))
}

impl Whiteout {
    /// True when the whiteout deletes `path` (normalised) from a lower layer.
    pub fn deletes(&self, path: &str) -> bool {
        match self {
            Whiteout::Path(p) => {
                path == p
                    || path
                        .strip_prefix(p.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            }
            Whiteout::Opaque(d) => {
                d.is_empty()
                    || path
                        .strip_prefix(d.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            }
        }
    }
}

/// True when the names of a tar are an OCI layout or a docker-save archive.
pub fn is_image_archive<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut layout, mut index, mut docker_manifest, mut blobs) = (false, false, false, false);
    for n in names {
        match normalise(n) {
            "oci-layout" => layout = true,
            "index.json" => index = true,
            "manifest.json" => docker_manifest = true,
            p if p.starts_with("blobs/") => blobs = true,
            p if p.ends_with("/layer.tar") => blobs = true,
            _ => {}
        }
    }
    (layout && index) || (docker_manifest && blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_paths_are_checked() {
        assert_eq!(
            blob_path("sha256:abc123").as_deref(),
            Some("blobs/sha256/abc123")
        );
        assert_eq!(blob_path("sha256:../../etc/passwd"), None);
        assert_eq!(blob_path("nodigest"), None);
        assert_eq!(
            short_digest("sha256:0123456789abcdef"),
            "sha256:0123456789ab"
        );
    }

    #[test]
    fn parses_index_and_manifest() {
        let idx = parse_document(
            "index.json",
            br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":10,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}"#,
        )
        .unwrap();
        assert_eq!(idx.manifests.len(), 1);
        assert_eq!(idx.tags, ["latest"]);
        let m = parse_document(
            "m",
            br#"{"config":{"mediaType":"x","digest":"sha256:bb","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:cc","size":3}]}"#,
        )
        .unwrap();
        assert_eq!(m.layers[0].size, Some(3));
        assert_eq!(
            layer_encoding(&m.layers[0].media_type),
            Some(LayerEncoding::TarGzip)
        );
        assert!(matches!(
            parse_document("x", b"{}"),
            Err(OciError::NotADocument { .. })
        ));
    }

    #[test]
    fn parses_docker_save() {
        let d = parse_docker_save(
            br#"[{"Config":"blobs/sha256/aa","RepoTags":["m:1"],"Layers":["blobs/sha256/bb","cc/layer.tar"]}]"#,
        )
        .unwrap();
        assert_eq!(d[0].layers[0].digest, "sha256:bb");
        assert_eq!(d[0].layers[1].blob_path().as_deref(), Some("cc/layer.tar"));
        // A v1 layer id is not a content digest.
        assert_eq!(d[0].layers[1].digest, "");
        assert_eq!(d[0].tags, ["m:1"]);
    }

    #[test]
    fn whiteouts() {
        let w = whiteout("./models/.wh.model.gguf").unwrap();
        assert_eq!(w, Whiteout::Path("models/model.gguf".into()));
        assert!(w.deletes("models/model.gguf"));
        assert!(!w.deletes("models/model.gguf2"));
        let o = whiteout("models/.wh..wh..opq").unwrap();
        assert!(o.deletes("models/x"));
        assert!(!o.deletes("modelsx/y"));
        assert_eq!(whiteout("a/b"), None);
    }

    #[test]
    fn recognises_archives() {
        assert!(is_image_archive([
            "oci-layout",
            "index.json",
            "blobs/sha256/aa"
        ]));
        assert!(is_image_archive(["manifest.json", "aa/layer.tar"]));
        assert!(!is_image_archive(["manifest.json", "weights.bin"]));
        assert_eq!(
            model_artifact_kind("application/vnd.ollama.image.model"),
            Some("ollama")
        );
    }
}
