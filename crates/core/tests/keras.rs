//! Keras through the engine: `.keras` zips and Keras 2 HDF5 files are
//! recognised, their SBOM facts recorded, and findings point into the
//! configuration.

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::{Severity, Verdict};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/keras")
        .join(name)
}

#[test]
fn keras_zip_facts_and_format() {
    let report = Scanner::default()
        .scan_path(fixture("benign_functional_lambda.keras"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "keras");
    let m = &file.metadata;
    assert_eq!(m["keras.version"], "3.12.0");
    assert_eq!(m["keras.class_name"], "Functional");
    assert_eq!(m["keras.layer_count"], "4");
    let keras = file.frameworks.iter().find(|f| f.name == "keras").unwrap();
    assert_eq!(keras.version.as_deref(), Some("3.12.0"));
    assert_eq!(report.scan_result.verdict, Verdict::Pass);
    // The built-in Lambda is LOW and names what its bytecode uses.
    let f = &report.findings[0];
    assert_eq!((f.rule.as_str(), f.severity), ("KER003", Severity::Low));
    assert_eq!(f.location_detail.members, ["config.json"]);
    assert_eq!(f.evidence["layer"], "double");
    assert_eq!(f.evidence["python_layout"], "3.11–3.13");
}

#[test]
fn keras2_h5_facts() {
    let report = Scanner::default()
        .scan_path(fixture("benign_keras2_sequential.h5"))
        .expect("scan runs");
    let file = &report.files[0];
    assert_eq!(file.format.as_str(), "hdf5");
    let m = &file.metadata;
    assert_eq!(m["keras.version"], "2.15.0");
    assert_eq!(m["keras.backend"], "tensorflow");
    assert_eq!(m["keras.class_name"], "Sequential");
    let names: Vec<&str> = file.frameworks.iter().map(|f| f.name.as_str()).collect();
    assert!(
        names.contains(&"keras") && names.contains(&"tensorflow"),
        "{names:?}"
    );
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn lambda_evidence_names_the_dangerous_calls() {
    let report = Scanner::default()
        .scan_path(fixture("KER001_lambda_os_system_legacy.h5"))
        .expect("scan runs");
    let f = report.findings.iter().find(|f| f.rule == "KER001").unwrap();
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.location_detail.members, ["<model_config>"]);
    assert_eq!(
        f.evidence["dangerous_names"],
        serde_json::json!(["os", "system"])
    );
    assert!(
        f.description.contains("echo sentrascan-fixture"),
        "{}",
        f.description
    );
}

#[test]
fn torch_module_wrapper_payload_is_analysed_as_a_member() {
    let report = Scanner::default()
        .scan_path(fixture("KER008_torch_module_wrapper.keras"))
        .expect("scan runs");
    let pkl = report.findings.iter().find(|f| f.rule == "PKL001").unwrap();
    assert_eq!(
        pkl.location_detail.members,
        ["config.json", "<TorchModuleWrapper torch_module>"]
    );
}
