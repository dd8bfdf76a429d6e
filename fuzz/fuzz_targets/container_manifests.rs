//! The container manifest parsers: TorchServe `MANIFEST.json` and pip
//! requirements, NeMo `model_config.yaml`, llamafile `.args` and executable
//! prefix, OCI index/manifest and `docker save` documents, whiteout names
//! and digests. The first byte picks the parser; the rules run on what
//! parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::{llamafile, mar, nemo, oci};
use sentrascan_types::Location;

fuzz_target!(|input: &[u8]| {
    let Some((&which, data)) = input.split_first() else {
        return;
    };
    let loc = Location::file("fuzz");
    let mut out = Vec::new();
    match which % 4 {
        0 => {
            if let Ok(m) = mar::parse_manifest(data) {
                let _ = m.handler_is_builtin();
                sentrascan_detectors::check_mar(&m, &["model.pt", "handler.py"], &loc, &mut out);
            }
            let reqs = mar::requirements(&String::from_utf8_lossy(data));
            assert!(reqs.len() <= 1_000);
            sentrascan_detectors::check_requirements(&reqs, &loc, &mut out);
        }
        1 => {
            if let Ok(cfg) = nemo::parse_config(data) {
                assert!(cfg.refs.len() <= 1_000);
                sentrascan_detectors::check_nemo(&cfg, &["model_weights.ckpt"], &loc, &mut out);
            }
            let _ = sentrascan_detectors::code_kind(&String::from_utf8_lossy(data), data);
        }
        2 => {
            let _ = llamafile::executable_prefix(data);
            let args = llamafile::parse_args(data, &["model.gguf"]);
            assert!(args.argv.len() <= 1_000);
            sentrascan_detectors::check_llamafile_args(&args, &loc, &mut out);
        }
        _ => {
            if let Ok(doc) = oci::parse_document("index.json", data) {
                for d in doc.manifests.iter().chain(&doc.layers).chain(&doc.config) {
                    if let Some(p) = d.blob_path() {
                        // A descriptor's digest never names a path outside blobs/.
                        assert!(d.path.is_some() || (p.starts_with("blobs/") && !p.contains("..")));
                    }
                    let _ = oci::layer_encoding(&d.media_type);
                    let _ = oci::model_artifact_kind(&d.media_type);
                    let _ = oci::short_digest(&d.digest);
                }
            }
            let _ = oci::parse_docker_save(data);
            let text = String::from_utf8_lossy(data);
            for line in text.lines() {
                if let Some(w) = oci::whiteout(line) {
                    let _ = w.deletes(oci::normalise(line));
                }
                let _ = oci::digest_of_path(line);
            }
            let _ = oci::is_image_archive(text.lines());
        }
    }
});
