//! TensorFlow through the engine: SBOM facts of a SavedModel, a whole
//! SavedModel directory, evidence of a finding inside a library function,
//! and truncation of a SavedModel at every offset.

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::{Severity, Verdict};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/tensorflow")
        .join(name)
}

#[test]
fn facts_and_frameworks_of_a_saved_model() {
    let report = Scanner::default()
        .scan_path(fixture("benign/dense_saved_model/saved_model.pb"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "tf_saved_model");
    let m = &file.metadata;
    assert_eq!(m["tensorflow.version"], "2.15.0");
    assert_eq!(m["tensorflow.tags"], "serve");
    assert_eq!(m["tensorflow.signatures"], "serving_default");
    assert_eq!(
        m["tensorflow.signature.serving_default.inputs"],
        "input_1:float32"
    );
    assert_eq!(
        m["tensorflow.signature.serving_default.outputs"],
        "dense:float32"
    );
    assert_eq!(m["tensorflow.function_count"], "3");
    assert!(
        m["tensorflow.ops"].contains("SaveV2:1"),
        "{}",
        m["tensorflow.ops"]
    );
    let tf = file
        .frameworks
        .iter()
        .find(|f| f.name == "tensorflow")
        .unwrap();
    assert_eq!(tf.version.as_deref(), Some("2.15.0"));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.scan_result.verdict, Verdict::Pass);
}

#[test]
fn a_saved_model_directory_passes() {
    let report = Scanner::default()
        .scan_path(fixture("benign/dense_saved_model"))
        .expect("scan runs");
    let formats: Vec<&str> = report.files.iter().map(|f| f.format.as_str()).collect();
    assert!(formats.contains(&"tf_saved_model"), "{formats:?}");
    assert!(formats.contains(&"tf_keras_metadata"), "{formats:?}");
    assert!(
        report.max_severity().is_none_or(|s| s <= Severity::Low),
        "{:?}",
        report.findings
    );
    assert_eq!(report.scan_result.verdict, Verdict::Pass);
}

#[test]
fn a_python_op_in_a_function_names_the_function() {
    let report = Scanner::default()
        .scan_path(fixture("TF001_eagerpyfunc_in_function/saved_model.pb"))
        .expect("scan runs");
    let f = report.findings.iter().find(|f| f.rule == "TF001").unwrap();
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(
        f.evidence["scope"],
        "function `__inference_serving_default_61`"
    );
    assert_eq!(f.evidence["token"], "pyfunc_1");
}

#[test]
fn truncation_anywhere_never_panics_and_never_passes_silently() {
    let data = std::fs::read(fixture("TF001_eagerpyfunc_in_function/saved_model.pb")).unwrap();
    let scanner = Scanner::default();
    for end in (0..data.len()).step_by(7) {
        let report = scanner.scan_bytes("saved_model.pb", &data[..end]);
        // Once recognised, a cut file is either still reported or inconclusive.
        if report.files[0].format.as_str() == "tf_saved_model" {
            assert_ne!(report.scan_result.verdict, Verdict::Pass, "cut at {end}");
        }
    }
}

#[test]
fn checkpoints_written_by_tensorflow_are_read_and_pass_in_strict_mode() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/tf_tools");
    let report = Scanner::default()
        .scan_path(dir.join("savedmodel"))
        .expect("scan runs");
    let by_name = |suffix: &str| {
        report
            .files
            .iter()
            .find(|f| f.path.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not scanned"))
    };
    let index = by_name("variables.index");
    assert_eq!(index.format.as_str(), "tf_checkpoint_index");
    // Two variables and the object graph, as tf.train.load_checkpoint lists them.
    assert_eq!(index.metadata["tensorflow.checkpoint.tensors"], "3");
    assert_eq!(index.metadata["tensorflow.checkpoint.shards"], "1");
    let shard = by_name("variables.data-00000-of-00001");
    assert_eq!(shard.format.as_str(), "tf_checkpoint_data");
    assert_eq!(
        index.metadata["tensorflow.checkpoint.bytes"],
        shard.metadata["tensorflow.checkpoint.shard_bytes"]
    );
    assert_eq!(by_name("fingerprint.pb").format.as_str(), "tf_fingerprint");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    // Strict mode fails any file it could not analyse: none is left.
    let strict = Scanner::new(sentrascan_core::ScanOptions {
        strict: true,
        ..Default::default()
    })
    .scan_path(dir.join("managed"))
    .expect("scan runs");
    assert!(
        strict.files.iter().all(|f| f.format.as_str() != "unknown"),
        "{:?}",
        strict.files
    );
    assert_eq!(strict.scan_result.verdict, Verdict::Pass);
}
