//! The legacy serialisation formats through the whole engine: the format
//! each fixture is reported as (compressed R files, pickle dialects), the
//! SBOM facts and frameworks, and the CNTK v1 model that is recognised but
//! not analysed (inconclusive, so it cannot sit in a manifest).

use std::path::PathBuf;

use sentrascan_core::Scanner;
use sentrascan_core::types::{ModelFormat, ScanReport, Verdict};

fn scan(rel: &str) -> ScanReport {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    Scanner::default().scan_path(path).expect("scan runs")
}

fn fact<'a>(report: &'a ScanReport, key: &str) -> Option<&'a str> {
    report.files[0].metadata.get(key).map(String::as_str)
}

#[test]
fn formats_as_reported() {
    for (rel, format) in [
        ("r/benign_data_frame.rds", ModelFormat::Rds),
        ("r/benign_data_frame_xz.rds", ModelFormat::Rds),
        ("r/benign_data_frame_ascii.rds", ModelFormat::Rds),
        ("r/benign_workspace.RData", ModelFormat::RData),
        ("torch7/benign_linear.t7", ModelFormat::Torch7),
        ("torch7/benign_ascii.t7", ModelFormat::Torch7),
        ("dill/PKL001_dill_lambda_os_system.pkl", ModelFormat::Dill),
        ("benign/sklearn_pipeline.joblib", ModelFormat::Joblib),
        ("cntk/benign_composite.model", ModelFormat::Cntk),
        ("mxnet/benign_mlp-symbol.json", ModelFormat::MxnetSymbol),
        ("mxnet/benign_mlp-0000.params", ModelFormat::MxnetParams),
    ] {
        let report = scan(rel);
        assert_eq!(report.files[0].format, format, "{rel}");
    }
}

#[test]
fn facts_and_frameworks() {
    let r = scan("r/benign_lm_model.rds");
    assert_eq!(fact(&r, "rds.writer_r_version"), Some("4.2.2"));
    assert!(fact(&r, "rds.classes").is_some_and(|c| c.split(',').any(|x| x == "lm")));
    assert!(r.files[0].frameworks.iter().any(|f| f.name == "r-base"));
    let w = scan("r/benign_workspace.RData");
    assert_eq!(fact(&w, "rdata.variables"), Some("df,fit"));
    let t = scan("torch7/benign_linear.t7");
    assert_eq!(fact(&t, "torch7.tensors"), Some("2"));
    let m = scan("mxnet/benign_mlp-symbol.json");
    assert_eq!(fact(&m, "mxnet.version"), Some("1.9.1"));
    let d = scan("dill/PKL001_dill_lambda_os_system.pkl");
    assert!(d.files[0].frameworks.iter().any(|f| f.name == "dill"));
}

#[test]
fn cntk_v1_is_recognised_but_inconclusive() {
    let report = scan("cntk/v1_brainscript_inconclusive.model");
    assert_eq!(report.files[0].format, ModelFormat::Cntk);
    assert!(report.findings.iter().any(|f| f.rule == "SCN001"));
    assert_eq!(report.scan_result.verdict, Verdict::Inconclusive);
}

#[test]
fn promise_hidden_in_a_gzip_stream_without_extension() {
    let data = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/r/RDS001_promise_system_gzip.rds"),
    )
    .expect("fixture");
    let report = Scanner::default().scan_bytes("model.bin", &data);
    assert_eq!(report.files[0].format, ModelFormat::Rds);
    assert!(report.findings.iter().any(|f| f.rule == "RDS001"));
    assert_eq!(report.scan_result.verdict, Verdict::Fail);
}

/// Real-shaped benign files raise nothing at all (not even LOW): no
/// extension mismatch for `-symbol.json`, `.params`, compressed `.rds`.
#[test]
fn benign_files_are_silent() {
    for rel in [
        "r/benign_data_frame.rds",
        "r/benign_data_frame_xz.rds",
        "r/benign_data_frame_ascii.rds",
        "r/benign_lm_model.rds",
        "r/benign_glm_model.rds",
        "r/benign_compact_sequence.rds",
        "r/benign_workspace.RData",
        "torch7/benign_linear.t7",
        "torch7/benign_sequential.t7",
        "torch7/benign_ascii.t7",
        "cntk/benign_composite.model",
        "mxnet/benign_mlp-symbol.json",
        "mxnet/benign_mlp-0000.params",
    ] {
        let report = scan(rel);
        assert!(report.findings.is_empty(), "{rel}: {:?}", report.findings);
        assert_eq!(report.scan_result.verdict, Verdict::Pass, "{rel}");
    }
}
