//! XML, OpenVINO IR, PMML, Paddle and skops through the engine: SBOM facts
//! and frameworks of the real benign fixtures, and the OpenVINO weights
//! check that needs the model's directory.

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::{Severity, Verdict};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn framework<'a>(file: &'a sentrascan_core::types::FileReport, name: &str) -> Option<&'a str> {
    file.frameworks
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.version.as_deref().unwrap_or(""))
}

#[test]
fn openvino_facts_and_framework() {
    let report = Scanner::default()
        .scan_path(fixture("openvino/benign_tiny_mlp.xml"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "openvino_ir");
    let m = &file.metadata;
    assert_eq!(m["openvino.ir_version"], "11");
    assert_eq!(m["openvino.opsets"], "opset1");
    assert_eq!(
        m["openvino.layer_types"],
        "Const,MatMul,Parameter,ReLU,Result"
    );
    assert_eq!(m["openvino.weights_bytes"], "32");
    assert!(m["openvino.runtime_version"].starts_with("2026.4.1"));
    assert_eq!(framework(file, "openvino"), Some("2026.4.1"));
    assert_eq!(report.scan_result.verdict, Verdict::Pass);
}

#[test]
fn openvino_without_its_bin_reports_the_missing_weights() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("model.xml");
    std::fs::copy(fixture("openvino/benign_tiny_mlp.xml"), &xml).unwrap();
    let report = Scanner::default().scan_path(&xml).expect("scan runs");
    let ov: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "OV002")
        .collect();
    assert_eq!(ov.len(), 1, "{:?}", report.findings);
    assert_eq!(ov[0].severity, Severity::Low);
    // A buffer has no directory: nothing to compare the ranges with.
    let data = std::fs::read(fixture("openvino/OV002_const_out_of_bounds.xml")).unwrap();
    let report = Scanner::default().scan_bytes("model.xml", &data);
    assert!(
        report.findings.iter().all(|f| f.rule != "OV002"),
        "{:?}",
        report.findings
    );
}

#[test]
fn pmml_facts() {
    let report = Scanner::default()
        .scan_path(fixture("pmml/benign_sklearn2pmml_logistic.pmml"))
        .expect("scan runs");
    let m = &report.files[0].metadata;
    assert_eq!(m["pmml.version"], "4.4");
    assert_eq!(m["pmml.application"], "SkLearn2PMML package");
    assert_eq!(m["pmml.models"], "RegressionModel");
    assert_eq!(m["pmml.data_fields"], "3");
    assert_eq!(m["xml.root"], "PMML");
}

#[test]
fn paddle_facts_and_frameworks() {
    let report = Scanner::default()
        .scan_path(fixture("paddle/benign_linear.pdmodel"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "paddle_pdmodel");
    assert_eq!(
        file.metadata["paddle.op_types"],
        "elementwise_add,feed,fetch,matmul_v2,relu"
    );
    assert_eq!(file.metadata["paddle.framework_version"], "3.3.1");
    assert_eq!(framework(file, "paddlepaddle"), Some("3.3.1"));

    let report = Scanner::default()
        .scan_path(fixture("paddle/benign_linear.pdiparams"))
        .expect("scan runs");
    let m = &report.files[0].metadata;
    assert_eq!(m["paddle.tensors"], "2");
    assert_eq!(m["paddle.tensor_bytes"], "40");

    // `.pdparams` is a pickle: Paddle is named by the state dict's key.
    let report = Scanner::default()
        .scan_path(fixture("paddle/benign_linear.pdparams"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "pickle");
    assert!(
        framework(file, "paddlepaddle").is_some(),
        "{:?}",
        file.frameworks
    );
}

#[test]
fn skops_facts_and_members() {
    let report = Scanner::default()
        .scan_path(fixture("skops/benign_pipeline.skops"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "skops");
    assert_eq!(file.metadata["skops.protocol"], "2");
    assert_eq!(
        file.metadata["skops.root_type"],
        "sklearn.pipeline.Pipeline"
    );
    assert_eq!(framework(file, "skops"), Some("0.16.0"));
    assert!(framework(file, "scikit-learn").is_some());
    assert_eq!(report.scan_result.verdict, Verdict::Pass);
    // The arrays are members analysed by the engine, not skipped.
    let report = Scanner::default()
        .scan_path(fixture("skops/NPY001_object_array_member.skops"))
        .expect("scan runs");
    let pkl = report.findings.iter().find(|f| f.rule == "PKL001").unwrap();
    assert_eq!(pkl.location_detail.members, ["fixture.npy"]);
}
