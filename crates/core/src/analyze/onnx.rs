//! ONNX models: the graph from the parser and the rules, then the external
//! data files on disk.
//!
//! External data is the one place where a model names other files. For a
//! top-level file the engine knows the model's directory and checks each
//! relative location there with file metadata only (nothing is opened or
//! read): does it resolve inside the directory, is it a regular file, is it
//! large enough. For a model found inside an archive there is no directory,
//! and the locations are reported as unverifiable.

use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use sentrascan_detectors as rules;
use sentrascan_detectors::rules::onnx::{self as onnx_rules, Capped, ExternalPath, LocationGroup};
use sentrascan_formats::onnx::{self, ExternalTensor, OnnxView};
use sentrascan_types::{Finding, Location};

use super::Ctx;

/// The first `onnx` release that defines each `ai.onnx` opset (onnx's
/// docs/Versioning.md).
const OPSET_RELEASES: &[(i64, &str)] = &[
    (1, "1.0.0"),
    (5, "1.1.0"),
    (6, "1.1.2"),
    (7, "1.2.0"),
    (8, "1.3.0"),
    (9, "1.4.0"),
    (10, "1.5.0"),
    (11, "1.6.0"),
    (12, "1.7.0"),
    (13, "1.8.0"),
    (14, "1.9.0"),
    (15, "1.10.0"),
    (16, "1.11.0"),
    (17, "1.12.0"),
    (18, "1.13.0"),
    (19, "1.14.0"),
    (20, "1.15.0"),
    (21, "1.16.0"),
    (22, "1.17.0"),
    (23, "1.18.0"),
];

/// Exporters named in `producer_name`, as the package that produced the model.
const PRODUCERS: &[(&str, &str)] = &[
    ("pytorch", "torch"),
    ("skl2onnx", "skl2onnx"),
    ("tf2onnx", "tf2onnx"),
    ("keras2onnx", "keras2onnx"),
    ("onnxmltools", "onnxmltools"),
    ("paddle2onnx", "paddle2onnx"),
    ("onnxruntime.transformers", "onnxruntime"),
    ("optimum", "optimum"),
];

/// A file name (an ONNX extension) that makes the engine try ONNX when the
/// content was not recognised: ONNX has no magic number.
pub(crate) fn is_onnx_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".onnx") || lower.ends_with(".ort.onnx")
}

impl Ctx<'_> {
    pub(super) fn onnx(&mut self, data: &[u8], location: &Location, depth: u32) {
        self.out.scanners.insert("onnx");
        if data.starts_with(b"version https://git-lfs.github.com/spec/") {
            // A clone without LFS: the model itself is not here.
            return self.inconclusive(
                location,
                "a Git LFS pointer, not the ONNX model it stands for".into(),
            );
        }
        let view = match onnx::parse(data) {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(onnx_rules::model_unreadable(location, &e));
                self.inconclusive(location, format!("ONNX model cannot be decoded: {e}"));
                return;
            }
        };
        rules::check_onnx(&view, location, &mut self.out.findings);
        self.onnx_secrets(&view, location);
        for (limit, value) in &view.limits_hit {
            self.limit(location, limit, *value);
        }
        self.onnx_facts(&view);
        if view.complete {
            self.onnx_weights(data, location);
        }
        let dir = if depth == 0 {
            self.model_dir.clone()
        } else {
            None
        };
        self.onnx_external_data(&view, location, dir.as_deref());
    }

    fn onnx_facts(&mut self, view: &OnnxView) {
        self.fact("onnx.ir_version", view.ir_version.to_string());
        self.fact("onnx.producer_name", view.producer_name.clone());
        self.fact("onnx.producer_version", view.producer_version.clone());
        self.fact("onnx.domain", view.domain.clone());
        if view.model_version != 0 {
            self.fact("onnx.model_version", view.model_version.to_string());
        }
        if !view.complete {
            return;
        }
        for o in &view.opsets {
            let domain = if o.domain.is_empty() {
                "ai.onnx"
            } else {
                &o.domain
            };
            self.fact(format!("onnx.opset.{domain}"), o.version.to_string());
        }
        self.fact("onnx.graph_name", view.graph_name.clone());
        self.fact("onnx.node_count", view.node_count.to_string());
        self.fact("onnx.graph_count", view.graph_count.to_string());
        if !view.functions.is_empty() {
            self.fact("onnx.function_count", view.functions.len().to_string());
        }
        let describe = |vs: &[onnx::ValueSummary]| {
            vs.iter()
                .map(|v| format!("{}: {}", v.name, v.kind))
                .collect::<Vec<_>>()
                .join("; ")
        };
        self.fact("onnx.inputs", describe(&view.inputs));
        self.fact("onnx.outputs", describe(&view.outputs));
        let opset = view
            .opsets
            .iter()
            .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
            .map(|o| o.version);
        let release = opset.and_then(|v| {
            OPSET_RELEASES
                .iter()
                .rev()
                .find(|(o, _)| *o <= v)
                .filter(|_| v <= OPSET_RELEASES.last().map_or(0, |l| l.0))
                .map(|(_, r)| *r)
        });
        let evidence = match opset {
            Some(v) => format!(
                "ONNX IR version {}, ai.onnx opset {v} (first defined in onnx {})",
                view.ir_version,
                release.unwrap_or("?")
            ),
            None => format!("ONNX IR version {}", view.ir_version),
        };
        self.framework("onnx", release, evidence);
        let producer = view.producer_name.to_ascii_lowercase();
        if let Some((_, package)) = PRODUCERS.iter().find(|(p, _)| *p == producer) {
            let evidence = format!(
                "ONNX producer_name `{}` version `{}`",
                view.producer_name, view.producer_version
            );
            self.framework(package, Some(&view.producer_version), evidence);
        }
        for op in view.ops.iter().filter(|o| !o.local_function) {
            let package = match op.domain.as_str() {
                d if d == "com.microsoft" || d.starts_with("com.microsoft.") => "onnxruntime",
                "ai.onnx.contrib" => "onnxruntime-extensions",
                _ => continue,
            };
            let evidence = format!("operator `{}` from domain `{}`", op.op_type, op.domain);
            self.framework(package, None, evidence);
        }
    }

    fn onnx_external_data(&mut self, view: &OnnxView, location: &Location, dir: Option<&Path>) {
        let groups = onnx_rules::location_groups(view);
        let relative: Vec<&LocationGroup<'_>> = groups
            .iter()
            .filter(|g| g.class == ExternalPath::Relative)
            .collect();
        let Some(first) = relative.first() else {
            return;
        };
        self.fact("onnx.external_data_locations", relative.len().to_string());
        let Some(dir) = dir else {
            let why = "the model is inside an archive or stream, with no directory to resolve them against";
            return self.unverifiable(location, first.path, relative.len(), why);
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let canon_dir = match fs::canonicalize(dir) {
            Ok(d) => d,
            Err(e) => {
                let why = format!("the model's directory cannot be resolved: {e}");
                return self.unverifiable(location, first.path, relative.len(), &why);
            }
        };
        let blobs = hf_cache_blobs(&canon_dir);
        let mut escapes = Vec::new();
        let mut missing = Vec::new();
        let mut short = Vec::new();
        let mut unverifiable: Vec<(&str, String)> = Vec::new();
        for g in relative {
            let Some(tensor) = g.tensors.first() else {
                continue;
            };
            let rel = os_path(g.bytes);
            let joined = dir.join(&rel);
            match fs::canonicalize(&joined) {
                Ok(real) => {
                    let inside = real.starts_with(&canon_dir)
                        || blobs.as_ref().is_some_and(|b| real.starts_with(b));
                    if !inside {
                        let link = first_symlink(dir, &rel).unwrap_or_else(|| g.path.to_string());
                        escapes.push(onnx_rules::symlink_escape(
                            location,
                            tensor,
                            g.path,
                            &link,
                            &real.display().to_string(),
                            g.tensors.len(),
                        ));
                        continue;
                    }
                    match fs::metadata(&real) {
                        Ok(m) if m.is_file() => {
                            for t in &g.tensors {
                                if let Some(problem) = size_problem(t, m.len()) {
                                    short.push(onnx_rules::external_data_out_of_bounds(
                                        location, t, g.path, &problem,
                                    ));
                                }
                            }
                        }
                        Ok(_) => missing.push(onnx_rules::external_data_missing(
                            location,
                            tensor,
                            g.path,
                            "is not a regular file (a directory, FIFO or device)",
                            g.tensors.len(),
                        )),
                        Err(e) => unverifiable.push((g.path, e.to_string())),
                    }
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    let why = match first_symlink(dir, &rel) {
                        Some(link) => {
                            format!("does not exist (`{link}` is a dangling symbolic link)")
                        }
                        None => "does not exist beside the model".to_string(),
                    };
                    missing.push(onnx_rules::external_data_missing(
                        location,
                        tensor,
                        g.path,
                        &why,
                        g.tensors.len(),
                    ));
                }
                Err(e) => unverifiable.push((g.path, e.to_string())),
            }
        }
        self.push_capped(
            escapes,
            &onnx_rules::onnx003_external_data_symlink_escape::RULE,
            location,
        );
        self.push_capped(
            missing,
            &onnx_rules::onnx004_external_data_missing::RULE,
            location,
        );
        self.push_capped(
            short,
            &onnx_rules::onnx005_external_data_out_of_bounds::RULE,
            location,
        );
        if let Some((path, error)) = unverifiable.first() {
            let why = format!("the file system refused: {error}");
            self.unverifiable(location, path, unverifiable.len(), &why);
        }
    }

    /// `ONNX012` and an inconclusive reason: `count` locations, the first
    /// `first`, could not be checked because of `why`.
    fn unverifiable(&mut self, location: &Location, first: &str, count: usize, why: &str) {
        self.out
            .findings
            .push(onnx_rules::external_data_unverifiable(
                location, first, count, why,
            ));
        self.inconclusive(
            location,
            format!(
                "{count} external data location(s) of the ONNX model (first `{first}`) could not be checked: {why}"
            ),
        );
    }

    fn push_capped(
        &mut self,
        findings: Vec<Finding>,
        rule: &sentrascan_types::RuleMeta,
        location: &Location,
    ) {
        let mut capped = Capped::new(&mut self.out.findings);
        for f in findings {
            capped.push(f);
        }
        capped.finish(rule, location);
    }
}

/// What is wrong with the tensor's byte range in a file of `size` bytes.
fn size_problem(t: &ExternalTensor, size: u64) -> Option<String> {
    let offset = t.offset.unwrap_or(0);
    if offset > size {
        return Some(format!(
            "offset {offset} is past the end of the {size}-byte file"
        ));
    }
    let mut available = size.saturating_sub(offset);
    if let Some(length) = t.length {
        if length > available {
            return Some(format!(
                "offset {offset} + length {length} runs past the end of the {size}-byte file"
            ));
        }
        available = length;
    }
    let needed = t.expected_bytes?;
    (needed > available).then(|| {
        let dims: Vec<String> = t.dims.iter().map(i64::to_string).collect();
        format!(
            "the tensor needs {needed} bytes ({} [{}]) but {available} are available",
            onnx::element_type_name(t.data_type),
            dims.join(", ")
        )
    })
}

/// The location as a path, byte for byte where the platform allows it.
fn os_path(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// The first component of `rel` (below `dir`) that is a symbolic link, as
/// `name -> target`.
fn first_symlink(dir: &Path, rel: &Path) -> Option<String> {
    let mut p = dir.to_path_buf();
    let mut shown = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => {
                p.push(n);
                shown.push(n);
            }
            Component::ParentDir => {
                p.push("..");
                shown.push("..");
            }
            _ => continue,
        }
        let meta = fs::symlink_metadata(&p).ok()?;
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&p).ok()?;
            return Some(format!("{} -> {}", shown.display(), target.display()));
        }
    }
    None
}

/// In a Hugging Face cache (`<repo>/snapshots/<rev>/…`), the repository's
/// `blobs` directory, where the snapshot's links legitimately point.
fn hf_cache_blobs(canon_dir: &Path) -> Option<PathBuf> {
    let snapshots = canon_dir
        .ancestors()
        .take(4)
        .find(|a| a.file_name().is_some_and(|n| n == "snapshots"))?;
    fs::canonicalize(snapshots.parent()?.join("blobs")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(offset: Option<u64>, length: Option<u64>, needed: Option<u64>) -> ExternalTensor {
        ExternalTensor {
            name: "w".into(),
            graph: "main".into(),
            role: "initializer".into(),
            location: Some("w.bin".into()),
            location_bytes: Some(b"w.bin".to_vec()),
            offset,
            length,
            problems: Vec::new(),
            expected_bytes: needed,
            data_type: 1,
            dims: vec![4],
            declared_external: true,
            offset_in_file: 0,
        }
    }

    #[test]
    fn byte_ranges() {
        assert_eq!(size_problem(&tensor(None, None, Some(16)), 16), None);
        assert_eq!(size_problem(&tensor(Some(8), Some(16), Some(16)), 24), None);
        assert!(
            size_problem(&tensor(Some(32), None, None), 16)
                .unwrap()
                .contains("past the end")
        );
        assert!(
            size_problem(&tensor(Some(8), Some(16), None), 16)
                .unwrap()
                .contains("+ length 16")
        );
        assert!(
            size_problem(&tensor(None, None, Some(17)), 16)
                .unwrap()
                .contains("needs 17 bytes")
        );
        assert!(
            size_problem(&tensor(None, Some(8), Some(16)), 64)
                .unwrap()
                .contains("8 are available")
        );
    }

    #[test]
    fn hugging_face_cache_layout() {
        let root = std::env::temp_dir().join(format!("sentrascan-onnx-hf-{}", std::process::id()));
        let snap = root.join("models--x--y/snapshots/abc");
        fs::create_dir_all(&snap).unwrap();
        fs::create_dir_all(root.join("models--x--y/blobs")).unwrap();
        let canon = fs::canonicalize(&snap).unwrap();
        assert_eq!(
            hf_cache_blobs(&canon),
            Some(fs::canonicalize(root.join("models--x--y/blobs")).unwrap())
        );
        assert_eq!(hf_cache_blobs(&fs::canonicalize(&root).unwrap()), None);
        fs::remove_dir_all(&root).unwrap();
    }
}
