//! ONNX through the engine: SBOM facts, and external data that can only be
//! checked when the model has a directory.

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::{Severity, Verdict};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/onnx")
        .join(name)
}

#[test]
fn facts_and_frameworks_of_an_exported_model() {
    let report = Scanner::default()
        .scan_path(fixture("benign_skl2onnx_logistic_regression.onnx"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "onnx");
    let m = &file.metadata;
    assert_eq!(m["onnx.producer_name"], "skl2onnx");
    // skl2onnx writes the lowest opsets the graph needs.
    assert_eq!(m["onnx.opset.ai.onnx"], "9");
    assert_eq!(m["onnx.opset.ai.onnx.ml"], "1");
    assert_eq!(m["onnx.inputs"], "X: float32[?,4]");
    assert_eq!(m["onnx.node_count"], "3");
    let names: Vec<&str> = file.frameworks.iter().map(|f| f.name.as_str()).collect();
    assert!(
        names.contains(&"onnx") && names.contains(&"skl2onnx"),
        "{names:?}"
    );
    let onnx = file.frameworks.iter().find(|f| f.name == "onnx").unwrap();
    assert_eq!(onnx.version.as_deref(), Some("1.4.0"));
    assert_eq!(report.scan_result.verdict, Verdict::Pass);
}

#[test]
fn subgraphs_are_walked() {
    let report = Scanner::default()
        .scan_path(fixture("benign_if_loop_subgraphs.onnx"))
        .expect("scan runs");
    let m = &report.files[0].metadata;
    assert_eq!(m["onnx.graph_count"], "4");
    assert_eq!(m["onnx.node_count"], "6");
}

#[test]
fn external_data_without_a_directory_is_unverifiable() {
    let data = std::fs::read(fixture("benign_external_data.onnx")).unwrap();
    let report = Scanner::default().scan_bytes("benign_external_data.onnx", &data);
    let codes: Vec<(&str, Severity)> = report
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.severity))
        .collect();
    assert_eq!(codes, [("ONNX012", Severity::Low)]);
    assert_eq!(report.scan_result.verdict, Verdict::Inconclusive);
    // The same model on disk, with its data file beside it, passes.
    let report = Scanner::default()
        .scan_path(fixture("benign_external_data.onnx"))
        .expect("scan runs");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.scan_result.verdict, Verdict::Pass);
}

#[test]
fn symlink_escape_names_the_link() {
    let report = Scanner::default()
        .scan_path(fixture("ONNX003_external_data_symlink_escape.onnx"))
        .expect("scan runs");
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "ONNX003")
        .unwrap();
    assert_eq!(
        f.evidence["link"],
        "ONNX003_external_data_symlink_escape.bin -> ../../README.md"
    );
    assert!(
        f.evidence["resolved"]
            .as_str()
            .unwrap()
            .ends_with("README.md")
    );
}

#[test]
fn python_operator_evidence() {
    let report = Scanner::default()
        .scan_path(fixture("ONNX006_pyop_contrib.onnx"))
        .expect("scan runs");
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "ONNX006")
        .unwrap();
    assert_eq!(
        f.title,
        "Graph calls Python operator `ai.onnx.contrib::PyOp` running `os.system`"
    );
}

#[test]
fn lfs_pointer_named_onnx_is_inconclusive_not_malformed() {
    let pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 1000\n";
    let report = Scanner::default().scan_bytes("model.onnx", pointer);
    assert!(report.findings.iter().all(|f| f.rule != "ONNX011"));
    assert_eq!(report.scan_result.verdict, Verdict::Inconclusive);
    // Garbage under the same name is reported as an unreadable model.
    let report = Scanner::default().scan_bytes("model.onnx", b"\x0a\x05abc");
    assert!(report.findings.iter().any(|f| f.rule == "ONNX011"));
}
