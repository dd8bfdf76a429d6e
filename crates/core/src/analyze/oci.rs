//! OCI image layouts and `docker save` archives: follow the index to every
//! manifest, config and layer (bounded), verify each blob against its
//! digest and size, unpack layers and send every file of every layer
//! through the engine at `image.tar!sha256:<short>/path`, apply whiteouts
//! and report files a later layer hides. Blobs no document reaches are
//! analysed as plain members, so nothing in the archive goes unscanned.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use sentrascan_detectors as rules;
use sentrascan_formats::oci::{self, Descriptor, Document, LayerEncoding, Whiteout};
use sentrascan_formats::sniff::{Sniffed, sniff};
use sentrascan_formats::{compress, tar};
use sentrascan_types::{Location, ModelFormat, Severity};
use sha2::{Digest, Sha256};

use super::Ctx;

/// Nested indexes followed at most.
const MAX_INDEX_DEPTH: u32 = 4;
/// Manifests followed per image archive.
const MAX_MANIFESTS: usize = 256;

/// A file of a layer that a later whiteout may hide.
struct LayerFile {
    path: String,
    layer: String,
    /// Why a reviewer would want to see it.
    why: Option<String>,
}

fn sha256_hex(data: &[u8]) -> String {
    crate::hash::hex(&Sha256::digest(data))
}

impl Ctx<'_> {
    pub(super) fn oci_tar(&mut self, data: &[u8], location: &Location, depth: u32) {
        self.out.scanners.insert("oci_image");
        let entries = match tar::entries(data, self.limits) {
            Ok(e) => e,
            Err(e) => return self.unreadable(location, depth, format!("tar archive: {e}")),
        };
        rules::check_tar_names(&entries, location, &mut self.out.findings);
        let mut files: BTreeMap<String, &[u8]> = BTreeMap::new();
        for e in entries.iter().filter(|e| e.kind == tar::TarKind::File) {
            if let Some(bytes) = usize::try_from(e.data.start)
                .ok()
                .zip(usize::try_from(e.data.end).ok())
                .and_then(|(s, t)| data.get(s..t))
            {
                files.insert(oci::normalise(&e.name).to_string(), bytes);
            }
        }
        let mut done: BTreeSet<String> =
            ["oci-layout", "index.json", "manifest.json", "repositories"]
                .into_iter()
                .map(str::to_string)
                .collect();
        let mut manifests = Vec::new();
        if let Some(index) = files.get("index.json") {
            let loc = location.member("index.json");
            match oci::parse_document("index.json", index) {
                Ok(doc) => {
                    for t in &doc.tags {
                        self.fact("oci.tag", t.clone());
                    }
                    self.oci_index(&files, &doc, location, 0, &mut manifests, &mut done);
                }
                Err(e) => self.oci_document_error(&loc, &e),
            }
        }
        if manifests.is_empty()
            && let Some(m) = files.get("manifest.json")
        {
            match oci::parse_docker_save(m) {
                Ok(docs) => {
                    for d in docs.into_iter().take(MAX_MANIFESTS) {
                        for t in &d.tags {
                            self.fact("oci.tag", t.clone());
                        }
                        manifests.push(d);
                    }
                }
                Err(e) => self.oci_document_error(&location.member("manifest.json"), &e),
            }
        }
        self.fact("oci.manifests", manifests.len().to_string());
        for m in &manifests {
            if self.out_of_time(location) {
                return;
            }
            self.oci_manifest(&files, m, location, depth, &mut done);
        }
        // Whatever no document reached is still analysed.
        for (name, bytes) in &files {
            if done.contains(name) || self.out_of_time(location) {
                continue;
            }
            let base = name.rsplit('/').next().unwrap_or(name).to_string();
            self.analyze(bytes, &location.member(name), &base, depth + 1, None);
        }
    }

    fn oci_document_error(&mut self, loc: &Location, e: &oci::OciError) {
        self.out
            .findings
            .push(rules::oci::document_unreadable(loc, e));
        self.inconclusive(loc, e.to_string());
    }

    fn oci_index(
        &mut self,
        files: &BTreeMap<String, &[u8]>,
        index: &Document,
        location: &Location,
        level: u32,
        manifests: &mut Vec<Document>,
        done: &mut BTreeSet<String>,
    ) {
        for d in &index.manifests {
            if manifests.len() >= MAX_MANIFESTS || level >= MAX_INDEX_DEPTH {
                self.limit(location, "max_oci_manifests", MAX_MANIFESTS as u64);
                return;
            }
            self.oci_media_fact(&d.media_type);
            let Some((path, bytes)) = self.oci_blob(files, d, "manifest", location) else {
                continue;
            };
            done.insert(path.clone());
            match oci::parse_document(&path, bytes) {
                Ok(doc) if !doc.manifests.is_empty() || d.is_index() => {
                    self.oci_index(files, &doc, location, level + 1, manifests, done)
                }
                Ok(doc) => manifests.push(doc),
                Err(e) => self.oci_document_error(&location.member(&path), &e),
            }
        }
    }

    fn oci_media_fact(&mut self, media_type: &str) {
        if let Some(kind) = oci::model_artifact_kind(media_type) {
            self.fact("oci.model_artifact", kind);
            self.fact(format!("oci.media_type.{kind}"), media_type);
        }
    }

    /// The blob a descriptor names, verified against its digest and size
    /// (`OCI001`); `OCI002` when it is absent or the digest is malformed.
    fn oci_blob<'d>(
        &mut self,
        files: &BTreeMap<String, &'d [u8]>,
        d: &Descriptor,
        role: &str,
        location: &Location,
    ) -> Option<(String, &'d [u8])> {
        let Some(path) = d.blob_path() else {
            self.out
                .findings
                .push(rules::oci::blob_missing(location, role, &d.digest, true));
            self.inconclusive(
                location,
                format!("{role} digest `{}` is malformed", d.digest),
            );
            return None;
        };
        let Some(bytes) = files.get(oci::normalise(&path)).copied() else {
            let loc = location.member(&path);
            self.out
                .findings
                .push(rules::oci::blob_missing(&loc, role, &d.digest, false));
            self.inconclusive(&loc, format!("{role} blob `{}` is missing", d.digest));
            return None;
        };
        let loc = location.member(&path);
        if let Some(hex) = d.digest.strip_prefix("sha256:") {
            let actual = format!("sha256:{}", sha256_hex(bytes));
            let size_ok = d.size.is_none_or(|s| s == bytes.len() as u64);
            if !actual.ends_with(hex) || actual.len() != hex.len() + 7 || !size_ok {
                self.out.findings.push(rules::oci::blob_digest_mismatch(
                    &loc,
                    &d.digest,
                    &actual,
                    d.size,
                    bytes.len() as u64,
                ));
            }
        } else if !d.digest.is_empty() {
            self.inconclusive(
                &loc,
                format!("digest algorithm of `{}` is not verified", d.digest),
            );
        }
        Some((oci::normalise(&path).to_string(), bytes))
    }

    fn oci_manifest(
        &mut self,
        files: &BTreeMap<String, &[u8]>,
        m: &Document,
        location: &Location,
        depth: u32,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(t) = &m.artifact_type {
            self.oci_media_fact(t);
        }
        if let Some(c) = &m.config {
            self.oci_media_fact(&c.media_type);
            if let Some((path, bytes)) = self.oci_blob(files, c, "config", location)
                && done.insert(path.clone())
            {
                self.analyze(
                    bytes,
                    &location.member(&path),
                    "image-config.json",
                    depth + 1,
                    None,
                );
            }
        }
        let mut lower: Vec<LayerFile> = Vec::new();
        for layer in &m.layers {
            if self.out_of_time(location) {
                return;
            }
            self.oci_media_fact(&layer.media_type);
            let Some((path, bytes)) = self.oci_blob(files, layer, "layer", location) else {
                continue;
            };
            if !done.insert(path.clone()) {
                continue;
            }
            let short = if layer.digest.is_empty() {
                path.clone()
            } else {
                oci::short_digest(&layer.digest)
            };
            let layer_loc = location.member(&path);
            self.oci_layer(
                bytes, layer, &short, &layer_loc, location, depth, &mut lower,
            );
        }
    }

    /// One layer: unpacked when it is a (compressed) tar, else analysed as
    /// a blob (model artifacts: GGUF, SafeTensors).
    #[allow(clippy::too_many_arguments)]
    fn oci_layer(
        &mut self,
        bytes: &[u8],
        desc: &Descriptor,
        short: &str,
        layer_loc: &Location,
        image: &Location,
        depth: u32,
        lower: &mut Vec<LayerFile>,
    ) {
        let encoding = oci::layer_encoding(&desc.media_type);
        let compression = match encoding {
            Some(LayerEncoding::TarGzip) => Some(compress::Compression::Gzip),
            Some(LayerEncoding::TarZstd) => Some(compress::Compression::Zstd),
            Some(LayerEncoding::Tar) => None,
            Some(LayerEncoding::Blob) | None => compress::sniff(bytes)
                .filter(|c| matches!(c, compress::Compression::Gzip | compress::Compression::Zstd)),
        };
        let content: Cow<'_, [u8]> = match compression {
            Some(c) => {
                match compress::decompress(bytes, c, &compress::Bound::from_limits(self.limits)) {
                    Ok(out) => {
                        self.cut_short(
                            layer_loc,
                            out.consumed,
                            out.data.len() as u64,
                            out.bomb,
                            out.truncated,
                            false,
                        );
                        Cow::Owned(out.data)
                    }
                    Err(e) => {
                        self.out
                            .findings
                            .push(rules::unreadable(layer_loc, &e.to_string()));
                        self.inconclusive(layer_loc, e.to_string());
                        return;
                    }
                }
            }
            None => Cow::Borrowed(bytes),
        };
        let is_tar = encoding != Some(LayerEncoding::Blob) && sniff(&content) == Sniffed::Tar;
        if !is_tar {
            let name = desc
                .title
                .clone()
                .unwrap_or_else(|| short.replace(':', "_"));
            self.analyze(&content, &image.member(short), &name, depth + 1, None);
            return;
        }
        let entries = match tar::entries(&content, self.limits) {
            Ok(e) => e,
            Err(e) => {
                let msg = format!("layer tar: {e}");
                self.out.findings.push(rules::unreadable(layer_loc, &msg));
                self.inconclusive(layer_loc, msg);
                return;
            }
        };
        rules::check_tar_names(&entries, layer_loc, &mut self.out.findings);
        let mut added = Vec::new();
        let mut whiteouts = Vec::new();
        for e in &entries {
            if let Some(w) = oci::whiteout(&e.name) {
                whiteouts.push(w);
                continue;
            }
            if e.kind != tar::TarKind::File {
                continue;
            }
            if self.out_of_time(image) {
                break;
            }
            let Some(file) = usize::try_from(e.data.start)
                .ok()
                .zip(usize::try_from(e.data.end).ok())
                .and_then(|(s, t)| content.get(s..t))
            else {
                continue;
            };
            let path = oci::normalise(&e.name).to_string();
            let member_loc = image.member(format!("{short}/{path}"));
            let base = path.rsplit('/').next().unwrap_or(&path).to_string();
            let before = self.out.findings.len();
            let format = self.analyze(file, &member_loc, &base, depth + 2, None);
            let flagged = self
                .out
                .findings
                .get(before..)
                .unwrap_or_default()
                .iter()
                .any(|f| f.severity > Severity::Low);
            // Package managers delete code and libraries all the time; a
            // deleted model, or a file that raised findings, is worth a look.
            let why = if flagged {
                Some("it raised findings above LOW".to_string())
            } else if is_model_format(format) {
                Some(format!("{format} model"))
            } else {
                None
            };
            added.push(LayerFile {
                path,
                layer: short.to_string(),
                why,
            });
        }
        for w in &whiteouts {
            for f in lower.iter().filter(|f| w.deletes(&f.path)) {
                if let Some(why) = &f.why {
                    let at = image.member(format!("{short}/{}", whiteout_entry(w)));
                    self.out.findings.push(rules::oci::whiteout_hides_file(
                        &at, &f.path, &f.layer, short, why,
                    ));
                }
            }
            lower.retain(|f| !w.deletes(&f.path));
        }
        // A file re-added by this layer replaces the lower one.
        let new_paths: BTreeSet<&str> = added.iter().map(|f| f.path.as_str()).collect();
        lower.retain(|f| !new_paths.contains(f.path.as_str()));
        lower.extend(added);
    }

    /// A blob of a layout directory scanned file by file
    /// (`blobs/sha256/<hex>`): its content must hash to its name.
    pub(super) fn oci_blob_file(&mut self, data: &[u8], location: &Location, name: &str) {
        let in_blobs = self
            .model_dir
            .as_deref()
            .is_some_and(|d| d.ends_with("blobs/sha256"));
        let hexish = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
        if !in_blobs || !hexish {
            return;
        }
        self.out.scanners.insert("oci_image");
        let actual = sha256_hex(data);
        if !actual.eq_ignore_ascii_case(name) {
            self.out.findings.push(rules::oci::blob_digest_mismatch(
                location,
                &format!("sha256:{name}"),
                &format!("sha256:{actual}"),
                None,
                data.len() as u64,
            ));
        }
    }
}

/// Formats that are model weights or serialised models (not text, code,
/// executables or generic archives).
fn is_model_format(f: ModelFormat) -> bool {
    !matches!(
        f,
        ModelFormat::Unknown
            | ModelFormat::Json
            | ModelFormat::Yaml
            | ModelFormat::Toml
            | ModelFormat::Ini
            | ModelFormat::Xml
            | ModelFormat::ModelCard
            | ModelFormat::Python
            | ModelFormat::ShellScript
            | ModelFormat::Elf
            | ModelFormat::Pe
            | ModelFormat::MachO
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
            | ModelFormat::Directory
    )
}

/// The whiteout entry's own path, for the finding's location.
fn whiteout_entry(w: &Whiteout) -> String {
    match w {
        Whiteout::Path(p) => match p.rsplit_once('/') {
            Some((d, b)) => format!("{d}/.wh.{b}"),
            None => format!(".wh.{p}"),
        },
        Whiteout::Opaque(d) if d.is_empty() => ".wh..wh..opq".to_string(),
        Whiteout::Opaque(d) => format!("{d}/.wh..wh..opq"),
    }
}
