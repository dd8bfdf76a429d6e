//! SBOMs of real scans: snapshots (time, tool version and temporary paths
//! redacted; the serial number is fixed), validation by the official
//! validators (OWASP cyclonedx-python-lib, spdx-tools) when
//! `SBOM_VALIDATOR_PYTHON` is set (`.ci/sbom-validators.sh`), validation
//! against the official JSON schemas in `../shared/schemas/` when present,
//! cross-reference checks, and import round trips.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use sentrascan_core::{ScanOptions, Scanner};
use sentrascan_sbom::{
    DiffPolicy, HashAlg, Origin, SbomFormat, SbomOptions, diff, generate, import,
};
use sentrascan_types::ScanReport;
use serde_json::Value;

const SERIAL: &str = "6f1c1c8e-5a7b-4e43-9d0c-3b8e0f5a2d11";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn testdata(rel: &str) -> PathBuf {
    repo_root().join("testdata").join(rel)
}

fn scan(path: &Path) -> ScanReport {
    Scanner::new(ScanOptions::default())
        .scan_path(path)
        .expect("scan runs")
}

fn options(format: SbomFormat, origin: Option<&str>) -> SbomOptions {
    SbomOptions {
        format,
        origin: Origin {
            uri: origin.map(str::to_string),
        },
        serial: Some(SERIAL.parse().expect("uuid")),
    }
}

/// The PyTorch repository fixture: committed text files plus a benign
/// checkpoint copied in as `pytorch_model.bin`.
fn pytorch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["README.md", "config.json", "LICENSE"] {
        std::fs::copy(testdata("sbom/pytorch-repo").join(f), dir.path().join(f)).expect("copy");
    }
    std::fs::copy(
        testdata("benign/torch_zip_state_dict_mlp.pt"),
        dir.path().join("pytorch_model.bin"),
    )
    .expect("copy");
    dir
}

/// Removes what changes between runs; `dir` is a temporary directory.
fn redact(text: &str, dir: Option<&Path>) -> Value {
    let text = match dir {
        Some(d) => text.replace(&d.display().to_string(), "[tmp]"),
        None => text.to_string(),
    };
    let mut v: Value = serde_json::from_str(&text).expect("json");
    if let Some(m) = v.get_mut("metadata") {
        m["timestamp"] = "[timestamp]".into();
        m["tools"]["components"][0]["version"] = "[version]".into();
    }
    if let Some(c) = v.get_mut("creationInfo") {
        c["created"] = "[timestamp]".into();
        c["creators"] = serde_json::json!(["Tool: sentrascan-model-[version]"]);
    }
    v
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("json")
}

/// Runs `crates/sbom/tests/validate.py` with the validators' Python.
fn validate_official(kind: &str, version: &str, text: &str) {
    let Some(python) = std::env::var_os("SBOM_VALIDATOR_PYTHON") else {
        eprintln!(
            "skipping the official {kind} validator: SBOM_VALIDATOR_PYTHON is unset \
             (source .ci/sbom-validators.sh to install cyclonedx-python-lib and spdx-tools)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(format!("doc.{kind}.json"));
    std::fs::write(&file, text).expect("write");
    let out = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validate.py"))
        .arg(kind)
        .arg(&file)
        .arg(version)
        .output()
        .expect("run the validator");
    assert!(
        out.status.success(),
        "{kind} {version} validator rejected the document:\n{}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn shared_schemas() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/schemas");
    if dir.join("bom-1.6.schema.json").is_file() {
        Some(dir)
    } else {
        eprintln!("skipping JSON-schema validation: ../shared/schemas is absent");
        None
    }
}

fn load(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("schema")).expect("schema json")
}

/// Validates against the official schema, resolving the CycloneDX schema's
/// `spdx.schema.json` and `jsf-0.82.schema.json` references locally.
fn validate_schema(kind: &str, doc: &Value) {
    let Some(dir) = shared_schemas() else {
        return;
    };
    let validator = match kind {
        "cyclonedx" => {
            let mut opts = jsonschema::options().should_validate_formats(true);
            for f in ["spdx.schema.json", "jsf-0.82.schema.json"] {
                opts = opts.with_resource(
                    format!("http://cyclonedx.org/schema/{f}"),
                    jsonschema::Resource::from_contents(load(&dir.join(f))).expect("resource"),
                );
            }
            opts.build(&load(&dir.join("bom-1.6.schema.json")))
        }
        _ => jsonschema::options()
            .should_validate_formats(true)
            .build(&load(&dir.join("spdx-2.3.schema.json"))),
    }
    .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{kind} schema errors: {errors:#?}");
}

/// Every reference in a CycloneDX document resolves to a bom-ref, and
/// bom-refs are unique (schemas cannot check either).
fn check_references(doc: &Value) {
    let mut refs = BTreeSet::new();
    let mut all = Vec::new();
    if let Some(c) = doc["metadata"].get("component") {
        all.push(c);
    }
    all.extend(doc["components"].as_array().into_iter().flatten());
    for c in &all {
        let r = c["bom-ref"]
            .as_str()
            .expect("every component has a bom-ref");
        assert!(refs.insert(r.to_string()), "duplicate bom-ref {r}");
    }
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        assert!(refs.insert(v["bom-ref"].as_str().expect("bom-ref").to_string()));
    }
    let known = |r: &str| assert!(refs.contains(r), "unresolved reference {r}");
    for d in doc["dependencies"].as_array().into_iter().flatten() {
        known(d["ref"].as_str().expect("ref"));
        for t in d["dependsOn"].as_array().into_iter().flatten() {
            known(t.as_str().expect("ref"));
        }
    }
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        for a in v["affects"].as_array().into_iter().flatten() {
            known(a["ref"].as_str().expect("ref"));
        }
    }
    for c in &all {
        if let Some(ds) = c.pointer("/modelCard/modelParameters/datasets") {
            for d in ds.as_array().into_iter().flatten() {
                known(d["ref"].as_str().expect("ref"));
            }
        }
    }
}

/// Writes all three documents of a report, validates them, checks that
/// import reads back the same components and hashes, and returns the
/// redacted CycloneDX 1.6 and SPDX documents for snapshots.
fn documents(report: &ScanReport, dir: Option<&Path>, origin: Option<&str>) -> (String, String) {
    let cdx = generate(report, &options(SbomFormat::CycloneDx, origin));
    let cdx15 = generate(report, &options(SbomFormat::CycloneDx15, origin));
    let spdx = generate(report, &options(SbomFormat::Spdx, origin));
    let cdx_v: Value = serde_json::from_str(&cdx).expect("json");
    validate_schema("cyclonedx", &cdx_v);
    validate_schema("spdx", &serde_json::from_str(&spdx).expect("json"));
    check_references(&cdx_v);
    check_references(&serde_json::from_str(&cdx15).expect("json"));
    validate_official("cyclonedx", "1.6", &cdx);
    validate_official("cyclonedx", "1.5", &cdx15);
    validate_official("spdx", "2.3", &spdx);

    // Round trips: both formats import to the same components and hashes.
    let a = import(cdx.as_bytes()).expect("import CycloneDX");
    let b = import(spdx.as_bytes()).expect("import SPDX");
    let names = |i: &sentrascan_sbom::Inventory| {
        i.components
            .iter()
            .map(|c| (c.name.clone(), c.hashes.get(&HashAlg::Sha256).cloned()))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(a.vulnerabilities.len(), report_vulns(&cdx_v));
    let d = diff(&a, &b, &DiffPolicy::default());
    assert!(
        d.added.is_empty() && d.removed.is_empty() && d.modified.is_empty(),
        "{d:#?}"
    );
    (pretty(&redact(&cdx, dir)), pretty(&redact(&spdx, dir)))
}

fn report_vulns(doc: &Value) -> usize {
    doc["vulnerabilities"].as_array().map_or(0, Vec::len)
}

#[test]
fn pytorch_repository() {
    let dir = pytorch_repo();
    let report = scan(dir.path());
    let (cdx, spdx) = documents(&report, Some(dir.path()), None);
    let v: Value = serde_json::from_str(&cdx).expect("json");
    let model = &v["metadata"]["component"];
    assert_eq!(model["type"], "machine-learning-model");
    assert_eq!(model["name"], "tiny-mlp-classifier");
    assert_eq!(
        model["modelCard"]["modelParameters"]["modelArchitecture"],
        "BertForSequenceClassification"
    );
    insta::assert_snapshot!("pytorch_repository_cyclonedx", cdx);
    insta::assert_snapshot!("pytorch_repository_spdx", spdx);
}

#[test]
fn pytorch_repository_from_the_hub_has_a_huggingface_purl() {
    let dir = pytorch_repo();
    let report = scan(dir.path());
    let cdx = generate(
        &report,
        &options(
            SbomFormat::CycloneDx,
            Some("hf://fixtures/tiny-mlp@0123ABCD"),
        ),
    );
    let v: Value = serde_json::from_str(&cdx).expect("json");
    assert_eq!(
        v["metadata"]["component"]["purl"],
        "pkg:huggingface/fixtures/tiny-mlp@0123abcd"
    );
    validate_official("cyclonedx", "1.6", &cdx);
}

#[test]
fn gguf_file() {
    let path = testdata("gguf/benign_llama3_chat_template.gguf");
    let report = scan(&path);
    let (cdx, spdx) = documents(&report, None, None);
    insta::assert_snapshot!("gguf_cyclonedx", cdx);
    insta::assert_snapshot!("gguf_spdx", spdx);
}

#[test]
fn malicious_pytorch_file_lists_its_findings_as_vulnerabilities() {
    let path = testdata("pytorch/PKL001_torch_zip_os_system.pt");
    let report = scan(&path);
    assert!(!report.findings.is_empty());
    let (cdx, _) = documents(&report, None, None);
    let v: Value = serde_json::from_str(&cdx).expect("json");
    let vulns = v["vulnerabilities"].as_array().expect("vulnerabilities");
    assert_eq!(vulns.len(), report.findings.len());
    assert!(
        vulns
            .iter()
            .any(|x| x["id"] == "PKL001" && x["cwes"] == serde_json::json!([502]))
    );
    insta::assert_snapshot!("malicious_pytorch_cyclonedx", cdx);
}

#[test]
fn numpy_object_array_matches_a_known_cve() {
    let file = testdata("numpy/PKL001_npy_object_array_payload.npy");
    let report = scan(&file);
    let cdx = generate(&report, &options(SbomFormat::CycloneDx, None));
    let v: Value = serde_json::from_str(&cdx).expect("json");
    let vulns = v["vulnerabilities"].as_array().expect("vulnerabilities");
    assert!(
        vulns
            .iter()
            .any(|x| x["id"] == "CVE-2019-6446" && x["source"]["name"] == "NVD")
    );
    check_references(&v);
    validate_official("cyclonedx", "1.6", &cdx);
}

#[test]
fn onnx_model() {
    let path = testdata("onnx/benign_mlp.onnx");
    if !path.is_file() {
        eprintln!("skipping: no ONNX fixture at {}", path.display());
        return;
    }
    let report = scan(&path);
    let (cdx, spdx) = documents(&report, None, None);
    insta::assert_snapshot!("onnx_cyclonedx", cdx);
    insta::assert_snapshot!("onnx_spdx", spdx);
}

#[test]
fn keras_model() {
    let path = testdata("keras/benign_sequential.keras");
    if !path.is_file() {
        eprintln!("skipping: no Keras fixture at {}", path.display());
        return;
    }
    let report = scan(&path);
    let (cdx, spdx) = documents(&report, None, None);
    insta::assert_snapshot!("keras_cyclonedx", cdx);
    insta::assert_snapshot!("keras_spdx", spdx);
}

#[test]
fn keras_lambda_matches_its_cve() {
    let path = testdata("keras/KER001_lambda_os_system.keras");
    if !path.is_file() {
        eprintln!("skipping: no Keras fixture at {}", path.display());
        return;
    }
    let report = scan(&path);
    let cdx = generate(&report, &options(SbomFormat::CycloneDx, None));
    let v: Value = serde_json::from_str(&cdx).expect("json");
    let vulns = v["vulnerabilities"].as_array().expect("vulnerabilities");
    assert!(
        vulns.iter().any(|x| x["id"] == "CVE-2024-3660"),
        "{}",
        pretty(&v["vulnerabilities"])
    );
    check_references(&v);
    validate_official("cyclonedx", "1.6", &cdx);
}
