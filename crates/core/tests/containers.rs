//! NeMo, TorchServe, llamafile and OCI images through the engine: SBOM
//! facts, member locations (per layer digest for images), and that members
//! go through the whole engine.

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::{FileReport, ScanReport, Verdict};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/containers")
        .join(rel)
}

fn scan(rel: &str) -> ScanReport {
    Scanner::default()
        .scan_path(fixture(rel))
        .expect("scan runs")
}

fn framework<'a>(file: &'a FileReport, name: &str) -> Option<&'a str> {
    file.frameworks
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.version.as_deref().unwrap_or(""))
}

#[test]
fn nemo_facts_and_weights() {
    for rel in [
        "nemo/benign_asr_ctc_bpe.nemo",
        "nemo/benign_asr_ctc_bpe_uncompressed.nemo",
    ] {
        let report = scan(rel);
        let file = &report.files[0];
        let m = &file.metadata;
        assert_eq!(
            m["nemo.target"],
            "nemo.collections.asr.models.ctc_bpe_models.EncDecCTCModelBPE"
        );
        assert_eq!(m["nemo.version"], "1.23.0");
        assert_eq!(m["nemo.artifacts"], "2");
        assert_eq!(framework(file, "nemo_toolkit"), Some("1.23.0"));
        // The weights went through the PyTorch analysis.
        assert!(
            file.scanners.iter().any(|s| s == "pytorch_zip"),
            "{:?}",
            file.scanners
        );
        assert_eq!(report.scan_result.verdict, Verdict::Pass);
    }
    assert_eq!(
        scan("nemo/benign_asr_ctc_bpe_uncompressed.nemo").files[0]
            .format
            .as_str(),
        "nemo"
    );
}

#[test]
fn nemo_weights_payload_is_located_in_the_member() {
    let report = scan("nemo/PKL001_malicious_weights.nemo");
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PKL001")
        .expect("PKL001");
    let at = f.location.to_string();
    assert!(at.contains("model_weights.ckpt"), "{at}");
}

#[test]
fn mar_facts() {
    let report = scan("mar/benign_scripted_image_classifier.mar");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "torchserve_mar");
    let m = &file.metadata;
    assert_eq!(m["mar.model_name"], "mlp");
    assert_eq!(m["mar.handler"], "image_classifier");
    assert_eq!(m["mar.archiver_version"], "0.12.0");
    assert!(framework(file, "torchserve").is_some());
    assert!(
        file.scanners.iter().any(|s| s == "torchscript"),
        "{:?}",
        file.scanners
    );
}

#[test]
fn mar_requirements_are_listed() {
    let report = scan("mar/MAR004_requirements_extra_index.mar");
    let listed = report
        .findings
        .iter()
        .find(|f| f.rule == "MAR003")
        .expect("MAR003");
    assert!(
        listed.description.contains("numpy==2.1.3"),
        "{}",
        listed.description
    );
    let remote: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "MAR004")
        .collect();
    assert_eq!(remote.len(), 2, "{remote:?}");
}

#[test]
fn llamafile_facts_and_weights() {
    let report = scan("llamafile/LMF001_ape_with_gguf.llamafile");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "llamafile");
    let m = &file.metadata;
    assert_eq!(m["llamafile.executable"], "ape");
    assert_eq!(m["llamafile.executable_bytes"], "4096");
    assert_eq!(m["llamafile.weights"], "model.gguf");
    assert_eq!(m["llamafile.args"], "-m model.gguf --host 127.0.0.1 ...");
    // The embedded weights went through the GGUF analysis.
    assert!(m.contains_key("gguf.version"), "{m:?}");
    assert!(
        file.scanners.iter().any(|s| s == "gguf"),
        "{:?}",
        file.scanners
    );
}

#[test]
fn oci_layer_files_are_located_by_layer_digest() {
    let report = scan("oci/OCI004_whiteout_hides_pickle.tar");
    let pkl = report
        .findings
        .iter()
        .find(|f| f.rule == "PKL001")
        .expect("PKL001");
    let at = pkl.location.to_string();
    assert!(
        at.contains("!/sha256:") && at.contains("/srv/models/model.pkl@"),
        "{at}"
    );
    let wh = report
        .findings
        .iter()
        .find(|f| f.rule == "OCI004")
        .expect("OCI004");
    assert!(
        wh.location
            .to_string()
            .ends_with("srv/models/.wh.model.pkl"),
        "{}",
        wh.location
    );
    assert_eq!(report.files[0].format.as_str(), "oci_image");
}

#[test]
fn oci_facts_and_model_artifacts() {
    let report = scan("oci/benign_ollama_model.tar");
    let m = &report.files[0].metadata;
    assert_eq!(m["oci.model_artifact"], "ollama");
    assert_eq!(m["oci.tag"], "registry.ollama.ai/library/fixture:latest");
    // The model layer is a raw GGUF blob, analysed as GGUF.
    assert!(m.contains_key("gguf.version"), "{m:?}");
    let report = scan("oci/benign_oci_layout.tar");
    let m = &report.files[0].metadata;
    assert_eq!(m["oci.manifests"], "1");
    assert!(m.contains_key("gguf.version"), "{m:?}");
}

#[test]
fn oci_layout_directory_blobs_are_checked_one_by_one() {
    let report = scan("oci/layout_dir");
    let bad = "0".repeat(64);
    let mismatch: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "OCI001")
        .collect();
    assert_eq!(mismatch.len(), 1, "{mismatch:?}");
    assert!(
        mismatch[0].location.contains(&bad),
        "{}",
        mismatch[0].location
    );
    // The layer blob (a gzip tar) is unpacked: its GGUF is analysed.
    assert!(
        report
            .files
            .iter()
            .any(|f| f.metadata.contains_key("gguf.version")),
        "{:?}",
        report.files
    );
}
