//! Content analysis of one file: sniff, parse, run the rules, recurse into
//! containers. Works on bytes (a memory map or a decompressed member) and
//! never touches the file system.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use sentrascan_detectors as rules;
use sentrascan_detectors::PickleCtx;
use sentrascan_formats::pickle::{Analyzer, PickleAnalysis};
use sentrascan_formats::sniff::{Sniffed, sniff};
use sentrascan_formats::tensorflow::bundle as tf_bundle;
use sentrascan_formats::torch::{self, ZipKind};
use sentrascan_formats::zip::{self, ZipView};
use sentrascan_formats::{Limits, compress, gguf, npy, safetensors, sevenz, tar, template};
use sentrascan_types::{Finding, FrameworkEvidence, Location, ModelFormat};

mod coreml;
mod executorch;
mod flax;
mod gbt;
mod mobile;
mod rknn;
mod tensorflow;
mod tensorrt;
mod tf_checkpoint;
mod tflite;

mod evidence;
mod executable;
mod hdf5;
mod keras;
mod secrets;

mod onnx;
mod paddle;
mod repo_text;
mod skops;
mod weights;
mod xml;

mod cntk;
mod llamafile;
mod mar;
mod mxnet;
mod nemo;
mod oci;
mod rds;
mod torch7;

/// What analysing one file produced.

#[derive(Debug, Default)]
pub(crate) struct Analysis {
    pub findings: Vec<Finding>,
    pub scanners: BTreeSet<&'static str>,
    /// Reasons the analysis is incomplete (limits, unreadable members).
    pub inconclusive: Vec<String>,
    /// Set when the file itself could not be parsed.
    pub error: Option<String>,
    /// Members that were listed but not analysed.
    pub unanalysed_members: usize,
    /// A text format (template, tokenizer config) was analysed.
    pub analysed_text: bool,
    /// Facts for the SBOM and baselines (see [`sentrascan_types::FileReport::metadata`]).
    pub metadata: BTreeMap<String, String>,
    /// Frameworks the file needs, keyed by package name (first evidence wins).
    pub frameworks: BTreeMap<String, FrameworkEvidence>,
    /// The per-file time budget ran out (reported once).
    pub out_of_time: bool,
}

/// Bytes of a member's head that decide its format inside a PyTorch archive.
const SNIFF_HEAD: usize = 64 << 10;

pub(crate) struct Ctx<'l> {
    pub limits: &'l Limits,
    pub out: Analysis,
    /// The read pass checks the top-level archive's stored members' CRCs.
    pub defer_stored_crc: bool,
    /// Directory of the top-level file, for formats that name other files
    /// (ONNX external data); `None` for bytes with no file behind them.
    pub model_dir: Option<std::path::PathBuf>,

    /// Verdict-only scans: stored members above [`LARGE_STORED_MEMBER`] are
    /// not CRC-checked, since the analysis never reads their bodies.
    pub skip_large_stored_crc: bool,

    /// A zip the format itself appends after its content (TFLite Support's
    /// associated files): set by the format's analysis, taken by the
    /// trailing-zip check of the same call.
    appended_zip: Option<AppendedZip>,
    /// Bytes searched for secrets so far in this file (see `Limits::max_secret_file_bytes`).
    pub secret_bytes: u64,
}

/// A documented zip after a model: where the model ends and which member
/// names its metadata lists. Anything else in the zip is still a polyglot.
pub(crate) struct AppendedZip {
    pub after: u64,
    pub members: Vec<String>,
}

/// Stored members at least this large are not CRC-checked in verdict-only scans.
pub(crate) const LARGE_STORED_MEMBER: u64 = 1 << 20;

/// The scanner name reported for a container format.
pub(crate) fn scanner_of(format: ModelFormat) -> &'static str {
    match format {
        ModelFormat::PytorchZip => "pytorch_zip",
        ModelFormat::TorchScript => "torchscript",
        ModelFormat::PytorchMobile => "pytorch_mobile",
        ModelFormat::PytorchTar => "pytorch_tar",
        ModelFormat::PytorchLegacy => "pytorch_legacy",
        ModelFormat::SevenZip => "7z",
        ModelFormat::Tar => "tar",
        ModelFormat::Zip => "zip",
        ModelFormat::Keras => "keras",
        ModelFormat::Skops => "skops",
        ModelFormat::TorchServeMar => "torchserve_mar",
        ModelFormat::Llamafile => "llamafile",
        ModelFormat::Nemo => "nemo",
        ModelFormat::OciImage => "oci_image",
        _ => "pickle",
    }
}

pub(crate) fn format_of(s: Sniffed) -> ModelFormat {
    match s {
        Sniffed::Zip => ModelFormat::Zip,
        Sniffed::Tar => ModelFormat::Tar,
        Sniffed::Gzip => ModelFormat::Gzip,
        Sniffed::Zlib => ModelFormat::Zlib,
        Sniffed::Lzma => ModelFormat::Lzma,
        Sniffed::Bzip2 => ModelFormat::Bzip2,
        Sniffed::Xz => ModelFormat::Xz,
        Sniffed::Zstd => ModelFormat::Zstd,
        Sniffed::Lz4 => ModelFormat::Lz4,
        Sniffed::SevenZip => ModelFormat::SevenZip,
        Sniffed::NumPy => ModelFormat::NumPy,
        Sniffed::Hdf5 => ModelFormat::Hdf5,
        Sniffed::Gguf => ModelFormat::Gguf,
        Sniffed::Onnx => ModelFormat::Onnx,

        Sniffed::TfLite => ModelFormat::TfLite,
        Sniffed::TensorFlow(kind) => tensorflow::format_of_kind(kind),
        Sniffed::SafeTensors => ModelFormat::SafeTensors,
        Sniffed::PytorchLegacy => ModelFormat::PytorchLegacy,
        Sniffed::Pickle => ModelFormat::Pickle,
        Sniffed::FlaxMsgpack => ModelFormat::FlaxMsgpack,
        Sniffed::OrbaxCheckpoint => ModelFormat::OrbaxCheckpoint,
        Sniffed::XgboostJson => ModelFormat::XgboostJson,
        Sniffed::XgboostUbj => ModelFormat::XgboostUbj,
        Sniffed::XgboostBinary => ModelFormat::XgboostBinary,
        Sniffed::LightGbm => ModelFormat::LightGbm,
        Sniffed::CatBoost => ModelFormat::CatBoost,
        Sniffed::ExecuTorch => ModelFormat::ExecuTorch,
        Sniffed::PytorchMobile => ModelFormat::PytorchMobile,
        Sniffed::TensorRt => ModelFormat::TensorRt,
        Sniffed::Rknn => ModelFormat::Rknn,
        Sniffed::CoreMl => ModelFormat::CoreMl,
        Sniffed::Cntk => ModelFormat::Cntk,
        Sniffed::MxnetSymbol => ModelFormat::MxnetSymbol,
        Sniffed::MxnetParams => ModelFormat::MxnetParams,
        Sniffed::OpenVino => ModelFormat::OpenVino,
        Sniffed::Pmml => ModelFormat::Pmml,
        Sniffed::Xml => ModelFormat::Xml,
        Sniffed::PaddleModel => ModelFormat::PaddleModel,
        Sniffed::PaddleParams => ModelFormat::PaddleParams,
        Sniffed::Skops => ModelFormat::Skops,
        Sniffed::Nemo => ModelFormat::Nemo,
        Sniffed::TorchServeMar => ModelFormat::TorchServeMar,
        Sniffed::Llamafile => ModelFormat::Llamafile,
        Sniffed::OciImage => ModelFormat::OciImage,
        Sniffed::Rds => ModelFormat::Rds,
        Sniffed::RData => ModelFormat::RData,
        Sniffed::Torch7 => ModelFormat::Torch7,
        Sniffed::Joblib => ModelFormat::Joblib,
        Sniffed::Dill => ModelFormat::Dill,
        Sniffed::Python => ModelFormat::Python,
        Sniffed::ShellScript => ModelFormat::ShellScript,
        Sniffed::Yaml => ModelFormat::Yaml,
        Sniffed::Toml => ModelFormat::Toml,
        Sniffed::Ini => ModelFormat::Ini,
        Sniffed::ModelCard => ModelFormat::ModelCard,
        Sniffed::Elf => ModelFormat::Elf,
        Sniffed::Pe => ModelFormat::Pe,
        Sniffed::MachO => ModelFormat::MachO,
        Sniffed::Json => ModelFormat::Json,
        _ => ModelFormat::Unknown,
    }
}

/// Refines a sniffed zip or pickle into the PyTorch format it really is.
pub(crate) fn refine(data: &[u8], sniffed: Sniffed, view: Option<&ZipView>) -> ModelFormat {
    match sniffed {
        Sniffed::Zip if view.is_some_and(torch::is_mobile_zip) => ModelFormat::PytorchMobile,
        Sniffed::Zip => match view.map(torch::classify_zip) {
            Some(ZipKind::Checkpoint { .. }) => ModelFormat::PytorchZip,
            Some(ZipKind::TorchScript { .. }) => ModelFormat::TorchScript,
            _ if view.is_some_and(keras::is_keras_zip) => ModelFormat::Keras,
            _ if view.is_some_and(is_skops_zip) => ModelFormat::Skops,
            _ if view.is_some_and(mar::is_mar_zip) => ModelFormat::TorchServeMar,
            _ => ModelFormat::Zip,
        },
        Sniffed::Pickle if torch::legacy_layout_follows(data) => ModelFormat::PytorchLegacy,
        Sniffed::Tar => tar_format(data),
        other => format_of(other),
    }
}

/// Tar member names read to tell the tar layouts apart.
const TAR_NAMES_PROBED: usize = 4096;

/// Which tar layout a tar is: legacy `torch.save`, a NeMo archive, an OCI
/// image (or `docker save`), or a plain tar.
fn tar_format(data: &[u8]) -> ModelFormat {
    let Ok(entries) = tar::entries(
        data,
        &Limits {
            max_archive_entries: TAR_NAMES_PROBED,
            ..Limits::default()
        },
    ) else {
        return ModelFormat::Tar;
    };
    let names = || entries.iter().map(|e| e.name.as_str());
    if names().any(|n| n == "sys_info") && names().any(|n| n == "pickle") {
        ModelFormat::PytorchTar
    } else if sentrascan_formats::nemo::is_nemo_archive(names()) {
        ModelFormat::Nemo
    } else if sentrascan_formats::oci::is_image_archive(names()) {
        ModelFormat::OciImage
    } else {
        ModelFormat::Tar
    }
}

impl<'l> Ctx<'l> {
    pub(crate) fn new(limits: &'l Limits) -> Self {
        Ctx {
            limits,
            out: Analysis::default(),
            defer_stored_crc: false,
            model_dir: None,

            skip_large_stored_crc: false,
            appended_zip: None,
            secret_bytes: 0,
        }
    }

    /// Records a fact about the file for the SBOM. Facts found inside
    /// containers are kept too; the first value of a key wins.
    pub(crate) fn fact(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let value: String = value.into();
        if !value.is_empty() {
            self.out.metadata.entry(key.into()).or_insert(value);
        }
    }

    /// Records that loading the file needs `name` (a package), with the
    /// evidence; a later version for a package without one fills it in.
    pub(crate) fn framework(
        &mut self,
        name: &str,
        version: Option<&str>,
        evidence: impl Into<String>,
    ) {
        let entry = self
            .out
            .frameworks
            .entry(name.to_string())
            .or_insert_with(|| FrameworkEvidence {
                name: name.to_string(),
                version: None,
                evidence: evidence.into(),
            });
        if entry.version.is_none() {
            entry.version = version.filter(|v| !v.is_empty()).map(str::to_string);
        }
    }

    /// True (and reported once, as a `time_budget` limit) when the file's
    /// time budget is spent: callers stop their loops.
    pub(crate) fn out_of_time(&mut self, location: &Location) -> bool {
        if !self.limits.out_of_time() {
            return false;
        }
        if !self.out.out_of_time {
            self.out.out_of_time = true;
            self.limit(location, "time_budget", 0);
        }
        true
    }

    fn inconclusive(&mut self, location: &Location, why: String) {
        self.out.inconclusive.push(format!("{location}: {why}"));
    }

    fn limit(&mut self, location: &Location, limit: &str, value: u64) {
        self.out
            .findings
            .push(rules::limit_reached(location, limit, value));
        self.inconclusive(location, format!("limit `{limit}` ({value}) reached"));
    }

    /// Analyses `data` at `location`. `name` is the file or member name
    /// (for the extension check); `depth` counts enclosing containers.
    pub(crate) fn analyze(
        &mut self,
        data: &[u8],
        location: &Location,
        name: &str,
        depth: u32,
        zip_view: Option<&ZipView>,
    ) -> ModelFormat {
        let sniffed = sniff(data);
        let mut format = match refine(data, sniffed, zip_view) {
            // ONNX has no magic number: the extension says which parser to try.
            ModelFormat::Unknown if onnx::is_onnx_name(name) => ModelFormat::Onnx,
            // Paddle files cut short lose their sniffable head: the name decides.
            ModelFormat::Unknown if paddle::named_format(name).is_some() => {
                paddle::named_format(name).unwrap_or(ModelFormat::Unknown)
            }
            // Markup in documentation (an HTML header in a README) is not an XML model.
            ModelFormat::Xml if xml::is_documentation_name(name) => ModelFormat::Unknown,
            // Symbol files whose keys are not in MXNet's own order.
            ModelFormat::Json if name.to_ascii_lowercase().ends_with("-symbol.json") => {
                ModelFormat::MxnetSymbol
            }
            // Torch7 has no magic: a `.t7` name lets the reader report what it cannot read.
            ModelFormat::Unknown if name.to_ascii_lowercase().ends_with(".t7") => {
                ModelFormat::Torch7
            }
            // Core ML has no magic: a damaged `.mlmodel` is still reported as one.
            ModelFormat::Unknown if name.to_ascii_lowercase().ends_with(".mlmodel") => {
                ModelFormat::CoreMl
            }
            // A `.msgpack` map that does not parse is reported as broken state.
            ModelFormat::Unknown if flax::is_flax_name(data, name) => ModelFormat::FlaxMsgpack,
            // Pre-1.0 XGBoost binaries have no magic: the name and a
            // plausible learner header followed by a known objective say so.
            ModelFormat::Unknown if gbt::is_bare_xgboost_binary(data, name) => {
                ModelFormat::XgboostBinary
            }
            ModelFormat::Unknown | ModelFormat::TfMetaGraph
                if tensorflow::is_keras_metadata(data, name) =>
            {
                ModelFormat::TfKerasMetadata
            }
            // TensorFlow checkpoints: a table footer under an `.index` name,
            // data shards and state files by name, SavedModel fingerprints.
            ModelFormat::Unknown
                if tf_bundle::sniff_index(data)
                    && name.to_ascii_lowercase().ends_with(".index") =>
            {
                ModelFormat::TfCheckpointIndex
            }
            ModelFormat::Unknown if tf_bundle::is_data_shard_name(name) => {
                ModelFormat::TfCheckpointData
            }
            ModelFormat::Unknown | ModelFormat::Yaml
                if tf_bundle::is_checkpoint_state(data, name) =>
            {
                ModelFormat::TfCheckpointState
            }
            ModelFormat::Unknown if tf_bundle::is_fingerprint(data, name) => {
                ModelFormat::TfFingerprint
            }
            ModelFormat::Unknown if let Some(f) = tensorflow::named_format(data, name) => f,
            ModelFormat::Unknown if let Some(f) = repo_text::named_format(data, name) => f,
            f @ (ModelFormat::Pickle | ModelFormat::Json)
                if let Some(t) = repo_text::text_over_weak_sniff(data, name, f, self.limits) =>
            {
                t
            }
            f => f,
        };
        let llama_view = llamafile::refine(data, format, zip_view, self.limits);
        if llama_view.is_some() {
            format = ModelFormat::Llamafile;
        }
        if depth == 0 {
            self.oci_blob_file(data, location, name);
        }
        if let Some(f) = rules::extension_mismatch(location, name, format.as_str()) {
            self.out.findings.push(f);
        }
        match format {
            ModelFormat::Pickle => {
                let view = self.pickle(data, location, "pickle");
                self.paddle_pickle(data, name);
                format = pickle_flavour(&view).unwrap_or(format);
            }
            ModelFormat::PytorchLegacy => self.legacy(data, location),
            ModelFormat::Llamafile => {
                if let Some(view) = &llama_view {
                    self.llamafile(data, view, location, depth);
                }
            }
            ModelFormat::Zip
            | ModelFormat::PytorchZip
            | ModelFormat::TorchScript
            | ModelFormat::PytorchMobile
            | ModelFormat::Keras
            | ModelFormat::Skops
            | ModelFormat::TorchServeMar => {
                if depth >= self.limits.max_archive_depth {
                    self.limit(
                        location,
                        "max_archive_depth",
                        u64::from(self.limits.max_archive_depth),
                    );
                } else {
                    match zip_view {
                        Some(view) => self.zip(data, view, location, format, depth),
                        None => match zip::parse(data, self.limits) {
                            Ok(view) => {
                                // The directory refines the format (`.keras`, PyTorch).
                                format = format_of_view(&view);
                                self.zip(data, &view, location, format, depth)
                            }
                            Err(zip::ZipError::TooManyEntries { limit, .. }) => {
                                self.limit(location, "max_archive_entries", limit as u64)
                            }
                            Err(e) => self.unreadable(location, depth, format!("zip archive: {e}")),
                        },
                    }
                }
            }
            ModelFormat::Tar
            | ModelFormat::PytorchTar
            | ModelFormat::Nemo
            | ModelFormat::OciImage => {
                if depth >= self.limits.max_archive_depth {
                    self.limit(
                        location,
                        "max_archive_depth",
                        u64::from(self.limits.max_archive_depth),
                    );
                } else if format == ModelFormat::OciImage {
                    self.oci_tar(data, location, depth);
                } else {
                    self.tar(data, location, format, depth);
                }
            }
            ModelFormat::Gzip
            | ModelFormat::Zlib
            | ModelFormat::Bzip2
            | ModelFormat::Xz
            | ModelFormat::Lzma
            | ModelFormat::Zstd
            | ModelFormat::Lz4 => {
                // R compresses `.rds`/`.RData` by default: the file is an R one.
                if let Some(inner @ (ModelFormat::Rds | ModelFormat::RData)) =
                    self.compressed(data, location, name, format, depth)
                {
                    format = inner;
                }
            }
            ModelFormat::SevenZip => self.sevenz(data, location, depth),
            ModelFormat::NumPy => self.numpy(data, location),
            ModelFormat::SafeTensors => self.safetensors(data, location),
            ModelFormat::Gguf => self.gguf(data, location),
            ModelFormat::TfLite => self.tflite(data, location),
            ModelFormat::ExecuTorch => self.executorch(data, location, depth),
            ModelFormat::TensorRt => self.tensorrt(data, location),
            ModelFormat::Rknn => self.rknn(data, location),
            ModelFormat::CoreMl => self.coreml(data, location),
            ModelFormat::Onnx => self.onnx(data, location, depth),
            ModelFormat::FlaxMsgpack => self.flax(data, location, name, depth),
            ModelFormat::OrbaxCheckpoint => self.orbax(data, location),
            ModelFormat::XgboostJson
            | ModelFormat::XgboostUbj
            | ModelFormat::XgboostBinary
            | ModelFormat::LightGbm
            | ModelFormat::CatBoost => self.gbt(data, location, format),

            ModelFormat::TfSavedModel
            | ModelFormat::TfMetaGraph
            | ModelFormat::TfGraphDef
            | ModelFormat::TfKerasMetadata => self.tensorflow(data, location, format),
            ModelFormat::TfCheckpointIndex => self.tf_checkpoint_index(data, location),
            ModelFormat::TfCheckpointData
            | ModelFormat::TfCheckpointState
            | ModelFormat::TfFingerprint => self.tf_checkpoint_file(data, format),
            ModelFormat::Hdf5 => self.hdf5(data, location, depth),
            ModelFormat::OpenVino | ModelFormat::Pmml | ModelFormat::Xml => {
                self.xml(data, location, name, format, depth)
            }
            ModelFormat::PaddleModel => self.paddle_program(data, location),
            ModelFormat::PaddleParams => self.paddle_params(data, location),
            ModelFormat::Rds | ModelFormat::RData => self.rds(data, location),
            ModelFormat::Torch7 => self.torch7(data, location),
            ModelFormat::Cntk => self.cntk(data, location),
            ModelFormat::MxnetSymbol => self.mxnet_symbol(data, location),
            ModelFormat::MxnetParams => self.mxnet_params(data, location),
            ModelFormat::Python => {
                self.python_source(data, location);
                self.text_file_secrets(data, location);
            }
            ModelFormat::ShellScript => {
                self.script(data, location);
                self.text_file_secrets(data, location);
            }
            ModelFormat::Yaml | ModelFormat::Toml | ModelFormat::Ini => {
                self.config_file(data, location, name, format);
                self.text_file_secrets(data, location);
            }
            ModelFormat::ModelCard => {
                self.model_card(data, location);
                self.card_file(data, name);
                self.text_file_secrets(data, location);
            }
            ModelFormat::Elf | ModelFormat::Pe | ModelFormat::MachO => {
                self.executable(data, location, name, depth)
            }
            other => {
                if other == ModelFormat::Json {
                    self.config_file(data, location, name, other);
                }
                self.text_templates(data, location, name, other);
                self.text_file_secrets(data, location);
                self.card_file(data, name);
                if depth > 0 && !self.out.analysed_text {
                    self.out.unanalysed_members += 1;
                    if other.can_carry_code() {
                        let why = format!(
                            "{other} content is recognised but not analysed by this version"
                        );
                        self.out
                            .findings
                            .push(rules::unsupported(location, other.as_str(), &why));
                        self.inconclusive(location, why);
                    }
                }
            }
        }
        self.tensorflow_asset(data, location, name, format);
        let appended = self.appended_zip.take();
        if !matches!(
            format,
            ModelFormat::Zip
                | ModelFormat::PytorchZip
                | ModelFormat::TorchScript
                | ModelFormat::PytorchMobile
                | ModelFormat::Keras
                | ModelFormat::Skops
                | ModelFormat::TorchServeMar
                | ModelFormat::Llamafile
        ) && depth < self.limits.max_archive_depth
            && zip::sniff(data)
        {
            // A zip archive hidden behind other content (a polyglot): zip
            // readers find it from the end of the file.
            if let Ok(mut view) = zip::parse(data, self.limits) {
                if let Some(expected) = appended {
                    expected.accept(&mut view);
                }
                let inner = format_of_view(&view);
                self.zip(data, &view, location, inner, depth);
            }
        }
        format
    }

    /// A single compressed stream: inflate (bounded) and analyse the content
    /// as a member named after the file without its compression extension.
    fn compressed(
        &mut self,
        data: &[u8],
        location: &Location,
        name: &str,
        format: ModelFormat,
        depth: u32,
    ) -> Option<ModelFormat> {
        self.out.scanners.insert("compressed");
        if depth >= self.limits.max_archive_depth {
            self.limit(
                location,
                "max_archive_depth",
                u64::from(self.limits.max_archive_depth),
            );
            return None;
        }
        let Some(kind) = compress::sniff(data) else {
            self.unreadable(location, depth, format!("{format} stream not recognised"));
            return None;
        };
        let out = match compress::decompress(data, kind, &compress::Bound::from_limits(self.limits))
        {
            Ok(o) => o,
            Err(e) => {
                self.unreadable(location, depth, e.to_string());
                return None;
            }
        };
        self.cut_short(
            location,
            out.consumed,
            out.data.len() as u64,
            out.bomb,
            out.truncated,
            false,
        );
        let inner_name = inner_name(name, kind);
        let member = location.member(&inner_name);
        Some(self.analyze(&out.data, &member, &inner_name, depth + 1, None))
    }

    /// Reports a decompression that stopped early: a bomb (unless its
    /// declared sizes already said so) and the limit that made it inconclusive.
    fn cut_short(
        &mut self,
        location: &Location,
        compressed: u64,
        expanded: u64,
        bomb: bool,
        truncated: bool,
        already_reported: bool,
    ) {
        if bomb && !already_reported {
            self.out.findings.push(rules::compression_bomb(
                location, compressed, expanded, false,
            ));
        }
        if truncated {
            let (limit, value) = if bomb {
                ("max_compression_ratio", self.limits.max_compression_ratio)
            } else {
                ("max_decompressed_bytes", self.limits.max_decompressed_bytes)
            };
            self.limit(location, limit, value);
        }
    }

    fn sevenz(&mut self, data: &[u8], location: &Location, depth: u32) {
        self.out.scanners.insert("7z");
        if depth >= self.limits.max_archive_depth {
            return self.limit(
                location,
                "max_archive_depth",
                u64::from(self.limits.max_archive_depth),
            );
        }
        let mut members = Vec::new();
        let walked = sevenz::walk(data, self.limits, |e, d| members.push((e.clone(), d)));
        for (entry, d) in members {
            if entry.is_dir {
                continue;
            }
            if let Some(f) = rules::archive_name_escape(location, &entry.name) {
                self.out.findings.push(f.scanner("7z"));
            }
            let member_loc = location.member(&entry.name);
            let bytes = match d {
                sevenz::MemberData::Bytes(b) => b,
                sevenz::MemberData::Truncated(b) => {
                    self.limit(
                        &member_loc,
                        "max_member_bytes",
                        self.limits.max_member_bytes,
                    );
                    b
                }
                sevenz::MemberData::Failed(m) => {
                    self.out.findings.push(rules::unreadable(&member_loc, &m));
                    self.inconclusive(&member_loc, m);
                    continue;
                }
            };
            let member_name = entry
                .name
                .rsplit('/')
                .next()
                .unwrap_or(&entry.name)
                .to_string();
            self.analyze(&bytes, &member_loc, &member_name, depth + 1, None);
        }
        if let Err(e) = walked {
            let msg = e.to_string();
            self.out.findings.push(rules::unreadable(location, &msg));
            if depth == 0 && !matches!(e, sevenz::SevenZError::Encrypted) {
                self.out.error = Some(msg);
            } else {
                self.inconclusive(location, msg);
            }
        }
    }

    fn safetensors(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("safetensors");
        match safetensors::parse(data, self.limits) {
            Ok(view) => {
                rules::check_safetensors(&view, location, &mut self.out.findings);
                // The JSON header holds the metadata: searched as one text.
                let header_end = usize::try_from(view.data_start)
                    .unwrap_or(0)
                    .min(data.len());
                if let Some(header) = data.get(8..header_end) {
                    self.secrets(header, location, "header metadata", Some(8));
                }
                self.safetensors_evidence(&view);
                self.safetensors_weights(data, &view, location);
                for (limit, value) in &view.limits_hit {
                    self.limit(location, limit, *value);
                }
            }
            Err(e) => self
                .out
                .findings
                .push(rules::safetensors_header_unreadable(location, &e)),
        }
    }

    fn gguf(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("gguf");
        match gguf::parse(data, self.limits) {
            Ok(view) => {
                rules::check_gguf(&view, location, &mut self.out.findings);
                self.gguf_secrets(&view, location);
                self.fact("gguf.version", view.version.to_string());
                for (key, value) in &view.general {
                    let text = match value.as_u64() {
                        Some(n) if key == "general.file_type" => gguf::file_type_name(n)
                            .map(str::to_string)
                            .unwrap_or_else(|| n.to_string()),
                        Some(n) => n.to_string(),
                        None => value.as_str().unwrap_or_default().to_string(),
                    };
                    self.fact(format!("gguf.{key}"), text);
                }
                self.framework("llama.cpp", None, format!("GGUF v{} file", view.version));
                for (limit, value) in &view.limits_hit {
                    self.limit(location, limit, *value);
                }
                if !view.complete {
                    self.inconclusive(
                        location,
                        "GGUF parsing stopped before the end of the metadata".into(),
                    );
                }
                for (key, text) in &view.templates {
                    self.template(text, &location.member(format!("<{key}>")), key);
                }
            }
            Err(e) => self
                .out
                .findings
                .push(rules::gguf_header_unreadable(location, &e)),
        }
    }

    /// A Jinja template (chat templates): parsed, never rendered, and
    /// checked by the template rules.
    fn template(&mut self, text: &str, location: &Location, key: &str) {
        self.out.scanners.insert("jinja2_template");
        self.out.analysed_text = true;
        let view = template::analyze(text, self.limits);
        rules::check_template(&view, location, key, &mut self.out.findings);
        match &view.status {
            template::TemplateStatus::Parsed => {}
            template::TemplateStatus::Unparseable { message, .. } => self.inconclusive(
                location,
                format!("template `{key}` does not parse: {message}"),
            ),
            other => self.inconclusive(
                location,
                format!("template `{key}` was not analysed completely: {other:?}"),
            ),
        }
    }

    /// Text formats that carry templates: `.jinja` files, and JSON
    /// (`tokenizer_config.json` and friends) with a `chat_template`.
    fn text_templates(
        &mut self,
        data: &[u8],
        location: &Location,
        name: &str,
        format: ModelFormat,
    ) {
        let lower = name.to_ascii_lowercase();
        if [".jinja", ".jinja2", ".j2", ".template"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            match std::str::from_utf8(data) {
                Ok(text) => self.template(text, location, name),
                Err(_) => self.inconclusive(location, "template file is not UTF-8".into()),
            }
        } else if format == ModelFormat::Json
            && let Ok(list) = template::templates_from_tokenizer_config(data)
        {
            for (key, text) in list {
                let key = if key == "default" {
                    "chat_template".to_string()
                } else {
                    format!("chat_template.{key}")
                };
                self.template(&text, &location.member(format!("<{key}>")), &key);
            }
        }
    }

    fn numpy(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("numpy");
        match npy::parse(data) {
            Ok(view) => {
                self.npy_evidence(&view);
                let rest = usize::try_from(view.data_offset)
                    .ok()
                    .and_then(|o| data.get(o..))
                    .unwrap_or(&[]);
                if view.has_object {
                    self.out
                        .findings
                        .push(rules::npy::object_array(location, &view));
                    let mut an = Analyzer::new(self.limits);
                    an.run_buffer(
                        data,
                        usize::try_from(view.data_offset).unwrap_or(data.len()),
                    );
                    self.finish_pickle(an, location, "numpy");
                } else {
                    rules::npy::check_data_size(
                        location,
                        &view,
                        rest.len() as u64,
                        &mut self.out.findings,
                    );
                    if let Some(expected) =
                        view.expected_data_len.filter(|e| (rest.len() as u64) > *e)
                    {
                        // Bytes past the declared array: search them for pickles.
                        let start = usize::try_from(view.data_offset.saturating_add(expected))
                            .unwrap_or(data.len());
                        let mut an = Analyzer::new(self.limits);
                        an.raw_data_expected = true;
                        an.run_buffer(data, start);
                        self.finish_pickle(an, location, "numpy");
                    }
                }
            }
            Err(e) => {
                self.out
                    .findings
                    .push(rules::npy::header_invalid(location, &e.to_string()));
                // Whatever follows the magic may still be a pickle a lenient loader reads.
                let mut an = Analyzer::new(self.limits);
                an.raw_data_expected = true;
                an.run_buffer(data, 8.min(data.len()));
                self.finish_pickle(an, location, "numpy");
            }
        }
    }

    fn unreadable(&mut self, location: &Location, depth: u32, message: String) {
        self.out
            .findings
            .push(rules::unreadable(location, &message));
        if depth == 0 {
            self.out.error = Some(message);
        } else {
            self.inconclusive(location, message);
        }
    }

    fn pickle(
        &mut self,
        data: &[u8],
        location: &Location,
        scanner: &'static str,
    ) -> PickleAnalysis {
        self.out.scanners.insert(scanner);
        let mut an = Analyzer::new(self.limits);
        // Legacy tar members interleave pickles with raw storage bytes.
        an.raw_data_expected = scanner == "pytorch_tar";
        an.run_buffer(data, 0);
        self.finish_pickle(an, location, scanner)
    }

    fn finish_pickle(
        &mut self,
        an: Analyzer<'_>,
        location: &Location,
        scanner: &'static str,
    ) -> PickleAnalysis {
        let view = an.finish();
        self.pickle_evidence(&view);
        rules::check_pickle_executables(&view, location, scanner, &mut self.out.findings);
        self.pickle_secrets(&view, location);
        rules::check_pickle(
            &view,
            &PickleCtx {
                location,
                scanner,
                // `__torch__` classes of TorchScript and of the lite
                // interpreter's archives come from the archive's own code.
                jit_types: matches!(scanner, "torchscript" | "pytorch_mobile"),
            },
            &mut self.out.findings,
        );
        if let Some(l) = &view.limit {
            self.limit(&location.at(l.offset), l.limit, l.value);
        }
        view
    }

    fn legacy(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("pytorch_legacy");
        let mut an = Analyzer::new(self.limits);
        let info = torch::analyze_legacy(data, &mut an, self.limits);
        rules::check_legacy(location, &info, &mut self.out.findings);
        self.framework(
            "torch",
            None,
            "legacy torch.save layout (magic number pickle)",
        );
        self.finish_pickle(an, location, "pytorch_legacy");
    }

    fn zip(
        &mut self,
        data: &[u8],
        view: &ZipView,
        location: &Location,
        format: ModelFormat,
        depth: u32,
    ) {
        let scanner = scanner_of(format);
        self.out.scanners.insert(scanner);
        let kind = torch::classify_zip(view);
        let prefix = match &kind {
            ZipKind::Checkpoint { prefix } | ZipKind::TorchScript { prefix } => {
                Some(format!("{prefix}/"))
            }
            ZipKind::Other => None,
        };
        let mut mismatches = Vec::new();
        let deferred = depth == 0 && self.defer_stored_crc;
        // Storage keys declared by data.pkl, and the sizes of data/<key> records.
        let mut declared = Vec::new();
        let mut records = std::collections::BTreeMap::new();
        let mut data_pkl: Option<Location> = None;
        // Stored `data/<key>` records (borrowed from `data`) and the tensors
        // `data.pkl` rebuilds from them, for the weight statistics.
        let mut stored: BTreeMap<String, &[u8]> = BTreeMap::new();
        let mut rebuilds = Vec::new();
        let mut total: u64 = 0;
        for entry in &view.entries {
            if entry.is_dir() {
                continue;
            }
            if self.out_of_time(location) {
                break;
            }
            let member_loc = location.member(&entry.name);
            let declared_bomb = entry.method != 0
                && entry.uncompressed_size >= self.limits.bomb_min_bytes
                && entry.uncompressed_size / entry.compressed_size.max(1)
                    > self.limits.max_compression_ratio;
            if declared_bomb {
                let f = rules::compression_bomb(
                    &member_loc,
                    entry.compressed_size,
                    entry.uncompressed_size,
                    true,
                );
                self.out.findings.push(f.scanner(scanner));
            }
            let bytes: Cow<'_, [u8]> = match zip::member_data(data, entry, self.limits) {
                Ok(b) => b,
                Err(zip::MemberError::Truncated {
                    data: partial,
                    bomb,
                    consumed,
                    ..
                }) => {
                    // Analyse what came out before the cut; the member stays inconclusive.
                    self.cut_short(
                        &member_loc,
                        consumed,
                        partial.len() as u64,
                        bomb,
                        true,
                        declared_bomb,
                    );
                    Cow::Owned(partial)
                }
                Err(e) => {
                    self.out
                        .findings
                        .push(rules::unreadable(&member_loc, &e.to_string()));
                    self.inconclusive(&member_loc, e.to_string());
                    continue;
                }
            };
            // Only decompressed bytes cost work and memory; stored ones are borrowed.
            if matches!(bytes, Cow::Owned(_)) {
                total = total.saturating_add(bytes.len() as u64);
            }
            if total > self.limits.max_archive_bytes {
                self.limit(location, "max_archive_bytes", self.limits.max_archive_bytes);
                break;
            }
            let unread_body = self.skip_large_stored_crc
                && entry.method == 0
                && bytes.len() as u64 >= LARGE_STORED_MEMBER;
            if !(unread_body || deferred && entry.method == 0) {
                let actual = zip::crc32(&bytes);
                if actual != entry.crc32 {
                    mismatches.push((entry.name.clone(), entry.crc32, actual));
                }
            }
            if entry.is_symlink() {
                // A zip symlink stores its target as the member's content.
                let target =
                    String::from_utf8_lossy(bytes.get(..bytes.len().min(4096)).unwrap_or(&[]))
                        .into_owned();
                self.out.findings.push(
                    rules::special_member(location, &entry.name, "symbolic link", Some(&target))
                        .scanner(scanner),
                );
                if let Some(f) = rules::archive_link_escape(location, &entry.name, &target) {
                    self.out.findings.push(f.scanner(scanner));
                }
                continue;
            }
            if format == ModelFormat::Keras && keras::is_keras_config_member(&entry.name) {
                // Read and checked by the Keras analysis after the walk.
                continue;
            }
            let relative = prefix.as_deref().and_then(|p| entry.name.strip_prefix(p));
            match (&kind, relative) {
                (ZipKind::TorchScript { .. }, Some(rel))
                    if rel.starts_with("code/") && rel.ends_with(".py") =>
                {
                    let text = String::from_utf8_lossy(&bytes);
                    rules::check_torchscript_code(&member_loc, &text, &mut self.out.findings);
                    continue;
                }
                (ZipKind::Checkpoint { .. } | ZipKind::TorchScript { .. }, Some(rel)) => {
                    if let Some(key) = rel.strip_prefix("data/") {
                        records.insert(key.to_string(), bytes.len() as u64);
                        if let Cow::Borrowed(b) = bytes {
                            stored.insert(key.to_string(), b);
                        }
                    }
                    // Judge by the head only: tensor records can be gigabytes,
                    // and touching their tails would page them in for nothing.
                    let head = bytes.get(..bytes.len().min(SNIFF_HEAD)).unwrap_or(&bytes);
                    // A storage record `data.pkl` declared (read earlier in
                    // the archive) is raw tensor bytes to torch.load, never
                    // unpickled: float data that happens to decode as
                    // protocol-0 opcodes is not a pickle.
                    let declared_record = rel
                        .strip_prefix("data/")
                        .is_some_and(|k| declared.iter().any(|(d, _, _)| d == k));
                    let s = match sniff(head) {
                        _ if declared_record => Sniffed::Unknown,
                        Sniffed::Unknown
                            if head.len() < bytes.len()
                                && sentrascan_formats::pickle::sniff_prefix(head) =>
                        {
                            Sniffed::Pickle
                        }
                        s => s,
                    };
                    let bytecode = format == ModelFormat::PytorchMobile && rel == "bytecode.pkl";
                    if s == Sniffed::Pickle {
                        if !torch::is_standard_pickle_member(rel)
                            && !rel.ends_with(".debug_pkl")
                            && !bytecode
                        {
                            self.out.findings.push(
                                rules::nonstandard_pickle_member(&member_loc, &entry.name)
                                    .scanner(scanner),
                            );
                        }
                        let view = self.pickle(&bytes, &member_loc, scanner);
                        if bytecode {
                            self.mobile_bytecode(&bytes, &member_loc);
                        }
                        if rel == "data.pkl" {
                            declared.extend(rules::declared_storages(&view));
                            rebuilds = view.tensors;
                            data_pkl = Some(member_loc.clone());
                        }
                        continue;
                    }
                    self.torch_record(rel, &bytes);
                    if is_torch_record(rel) || s == Sniffed::Unknown {
                        // Tensor data and small text records: nothing to execute.
                        continue;
                    }
                }
                _ => {}
            }
            let member_name = entry
                .name
                .rsplit('/')
                .next()
                .unwrap_or(&entry.name)
                .to_string();
            let before = self.out.unanalysed_members;
            let member_format = self.analyze(&bytes, &member_loc, &member_name, depth + 1, None);
            if entry.is_encrypted()
                && member_format == ModelFormat::Unknown
                && self.out.unanalysed_members > before
            {
                self.inconclusive(
                    &member_loc,
                    "member is encrypted and could not be inspected".into(),
                );
            }
        }
        if let Some(loc) = data_pkl {
            rules::check_storage_bounds(&loc, &declared, &records, &mut self.out.findings);
            self.torch_weights(data, &rebuilds, &stored, location);
        }
        rules::check_zip(view, &mismatches, location, scanner, &mut self.out.findings);
        if let Some((at, comment)) = zip::comment(data) {
            self.secrets(comment, location, "archive comment", Some(at));
        }
        if format == ModelFormat::Keras {
            self.keras_zip(data, view, location, depth);
        }
        if format == ModelFormat::Skops {
            self.skops_schema(data, view, location);
        }
        if format == ModelFormat::TorchServeMar {
            self.mar(data, view, location);
        }
    }

    fn tar(&mut self, data: &[u8], location: &Location, format: ModelFormat, depth: u32) {
        let legacy_torch = format == ModelFormat::PytorchTar;
        let scanner = scanner_of(format);
        self.out.scanners.insert(scanner);
        let entries = match tar::entries(data, self.limits) {
            Ok(e) => e,
            Err(e) => return self.unreadable(location, depth, format!("tar archive: {e}")),
        };
        rules::check_tar_names(&entries, location, &mut self.out.findings);
        if format == ModelFormat::Nemo {
            self.nemo(data, &entries, location);
        }
        if legacy_torch {
            self.framework(
                "torch",
                None,
                "legacy torch.save tar layout (sys_info member)",
            );
        }
        for e in entries.iter().filter(|e| e.kind == tar::TarKind::File) {
            if self.out_of_time(location) {
                break;
            }
            let member_loc = location.member(&e.name);
            let Some(bytes) = usize::try_from(e.data.start)
                .ok()
                .zip(usize::try_from(e.data.end).ok())
                .and_then(|(s, t)| data.get(s..t))
            else {
                continue;
            };
            if legacy_torch {
                // Every member of the legacy tar layout is a sequence of pickles and raw data.
                if sniff(bytes) == Sniffed::Pickle
                    || matches!(
                        e.name.as_str(),
                        "pickle" | "sys_info" | "storages" | "tensors"
                    )
                {
                    self.pickle(bytes, &member_loc, scanner);
                }
                continue;
            }
            let member_name = e.name.rsplit('/').next().unwrap_or(&e.name).to_string();
            if format == ModelFormat::Nemo {
                let head = bytes.get(..bytes.len().min(16)).unwrap_or(bytes);
                rules::check_nemo_member(&member_loc, &e.name, head, &mut self.out.findings);
            }
            self.analyze(bytes, &member_loc, &member_name, depth + 1, None);
        }
    }
}

/// The name of what a compressed file holds: `model.pkl.gz` holds
/// `model.pkl`; a stream with no such extension holds `<gzip stream>`.
fn inner_name(name: &str, kind: compress::Compression) -> String {
    let exts: &[&str] = match kind {
        compress::Compression::Gzip => &[".gz", ".gzip"],
        compress::Compression::Zlib => &[".zlib", ".z"],
        compress::Compression::Deflate => &[".deflate"],
        compress::Compression::Bzip2 => &[".bz2"],
        compress::Compression::Xz => &[".xz"],
        compress::Compression::Lzma => &[".lzma"],
        compress::Compression::Zstd => &[".zst", ".zstd"],
        compress::Compression::Lz4 => &[".lz4"],
    };
    let lower = name.to_ascii_lowercase();
    if let Some(ext) = exts.iter().find(|e| lower.ends_with(*e)) {
        return name[..name.len() - ext.len()].to_string();
    }
    if lower.ends_with(".tgz") {
        return format!("{}.tar", &name[..name.len() - 4]);
    }
    format!("<{} stream>", kind.as_str())
}

impl AppendedZip {
    /// The zip starts after the model and holds only the listed members:
    /// the bytes before it are the model, not a polyglot stub.
    fn accept(&self, view: &mut ZipView) {
        let listed = view
            .entries
            .iter()
            .all(|e| e.is_dir() || self.members.contains(&e.name));
        if listed && !view.entries.is_empty() {
            view.anomalies.retain(|a| {
                !matches!(a, zip::ZipAnomaly::PrependedData { length } if *length >= self.after)
            });
        }
    }
}

/// Pickle dialects told apart by what the stream imports: dill's
/// reconstructors, or joblib's array wrappers.
fn pickle_flavour(view: &PickleAnalysis) -> Option<ModelFormat> {
    if view
        .globals
        .iter()
        .any(|g| g.module == "dill" || g.module.starts_with("dill."))
    {
        return Some(ModelFormat::Dill);
    }
    (view.joblib_arrays > 0).then_some(ModelFormat::Joblib)
}

fn format_of_view(view: &ZipView) -> ModelFormat {
    if torch::is_mobile_zip(view) {
        return ModelFormat::PytorchMobile;
    }
    match torch::classify_zip(view) {
        ZipKind::Checkpoint { .. } => ModelFormat::PytorchZip,
        ZipKind::TorchScript { .. } => ModelFormat::TorchScript,
        ZipKind::Other if keras::is_keras_zip(view) => ModelFormat::Keras,
        ZipKind::Other if is_skops_zip(view) => ModelFormat::Skops,
        ZipKind::Other if mar::is_mar_zip(view) => ModelFormat::TorchServeMar,
        ZipKind::Other => ModelFormat::Zip,
    }
}

/// A zip with skops' `schema.json` at its root.
fn is_skops_zip(view: &ZipView) -> bool {
    sentrascan_formats::skops::is_skops_names(view.entries.iter().map(|e| e.name.as_str()))
}

/// Members `torch.save` writes besides pickles: tensor data and small records.
fn is_torch_record(rel: &str) -> bool {
    rel.starts_with("data/")
        || rel.starts_with(".data/")
        || rel.starts_with("constants/")
        || matches!(rel, "version" | "byteorder" | "extra/producer_info.json")
        || rel.starts_with("extra/")
}
