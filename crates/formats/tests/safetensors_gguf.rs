//! The SafeTensors and GGUF parsers over the generated fixtures
//! (`testdata/gen/generate_format_fixtures.py`): every fixture yields exactly
//! the anomalies (or the error) it was made for, benign files yield none, and
//! truncated or corrupted copies of every fixture never panic.

use std::path::{Path, PathBuf};

use sentrascan_formats::gguf::{self, GgufError, GgufValue};
use sentrascan_formats::safetensors::{self, SafeTensorsError};
use sentrascan_formats::{Limits, sniff};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

fn read(rel: &str) -> Vec<u8> {
    let path = testdata().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Fixture, then the anomaly kinds in order, or `Err:` and the error's variant.
const SAFETENSORS: &[(&str, &[&str])] = &[
    ("benign_mlp_with_metadata", &[]),
    ("benign_mixed_dtypes_no_metadata", &[]),
    ("benign_lora_kohya_metadata", &[]),
    ("ST001_header_length_past_eof", &["Err:HeaderPastEnd"]),
    ("ST001_invalid_json", &["Err:InvalidJson"]),
    ("ST002_duplicate_tensor_names", &["duplicate_key"]),
    ("ST003_unknown_dtype", &["unknown_dtype"]),
    ("ST004_overlapping_offsets", &["overlap"]),
    ("ST004_gap_between_tensors", &["gap"]),
    ("ST004_trailing_bytes", &["trailing_bytes"]),
    ("ST004_shape_offset_mismatch", &["size_mismatch"]),
    ("ST004_offsets_out_of_bounds", &["out_of_bounds"]),
    (
        "ST005_non_string_metadata",
        &["metadata_not_string", "metadata_not_string"],
    ),
    ("ST006_metadata_os_system", &[]),
    ("ST006_metadata_curl_pipe_sh", &[]),
    ("ST007_metadata_base64_pickle", &[]),
    ("ST007_metadata_base64_elf", &[]),
    ("ST008_metadata_external_url", &[]),
];

const GGUF: &[(&str, &[&str])] = &[
    ("benign_v1_minimal", &[]),
    ("benign_v2_minimal", &[]),
    ("benign_v3_minimal", &[]),
    ("benign_llama2_chat_template", &[]),
    ("benign_llama3_chat_template", &[]),
    ("benign_chatml_chat_template", &[]),
    ("benign_mistral_chat_template", &[]),
    ("benign_gemma_chat_template", &[]),
    ("benign_qwen2_chat_template", &[]),
    ("benign_phi3_chat_template", &[]),
    ("benign_deepseek_tool_calling_chat_template", &[]),
    ("benign_named_chat_templates", &[]),
    ("GGUF001_unsupported_version", &["Err:UnsupportedVersion"]),
    ("GGUF002_huge_string_length", &["length_out_of_bounds"]),
    ("GGUF002_array_count_overflow", &["length_out_of_bounds"]),
    ("GGUF002_nested_array_depth", &["array_too_deep"]),
    ("GGUF003_duplicate_keys", &["duplicate_key"]),
    ("GGUF004_n_dims_over_4", &["too_many_dims"]),
    ("GGUF004_unknown_ggml_type", &["unknown_ggml_type"]),
    ("GGUF005_tensor_offset_beyond_eof", &["data_out_of_bounds"]),
    ("GGUF005_overlapping_tensors", &["data_overlap"]),
    ("GGUF006_misaligned_offset", &["misaligned_data"]),
    ("GGUF007_metadata_shell_command", &[]),
    ("GGUF008_metadata_base64_pickle", &[]),
];

fn variant(debug: String) -> String {
    let end = debug.find([' ', '{', '(']).unwrap_or(debug.len());
    format!("Err:{}", &debug[..end])
}

fn safetensors_kinds(data: &[u8]) -> Vec<String> {
    match safetensors::parse(data, &Limits::default()) {
        Ok(v) => v.anomalies.iter().map(|a| a.kind().to_string()).collect(),
        Err(e) => vec![variant(format!("{e:?}"))],
    }
}

fn gguf_kinds(data: &[u8]) -> Vec<String> {
    match gguf::parse(data, &Limits::default()) {
        Ok(v) => v.anomalies.iter().map(|a| a.kind().to_string()).collect(),
        Err(e) => vec![variant(format!("{e:?}"))],
    }
}

/// The table covers every file the generator wrote, and nothing else.
#[test]
fn tables_cover_every_fixture() {
    for (dir, ext, table) in [
        ("safetensors", "safetensors", SAFETENSORS),
        ("gguf", "gguf", GGUF),
    ] {
        let mut on_disk: Vec<String> = std::fs::read_dir(testdata().join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = table.iter().map(|(n, _)| format!("{n}.{ext}")).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "{dir}");
    }
}

#[test]
fn safetensors_fixtures_have_exactly_their_anomalies() {
    for (name, expected) in SAFETENSORS {
        let data = read(&format!("safetensors/{name}.safetensors"));
        assert_eq!(safetensors_kinds(&data), *expected, "{name}");
        if !name.starts_with("ST001") {
            assert!(safetensors::sniff(&data), "{name}");
            assert_eq!(sniff::sniff(&data), sniff::Sniffed::SafeTensors, "{name}");
        }
    }
}

#[test]
fn gguf_fixtures_have_exactly_their_anomalies() {
    for (name, expected) in GGUF {
        let data = read(&format!("gguf/{name}.gguf"));
        assert_eq!(gguf_kinds(&data), *expected, "{name}");
        assert_eq!(sniff::sniff(&data), sniff::Sniffed::Gguf, "{name}");
    }
}

#[test]
fn safetensors_views_of_benign_files() {
    let v = safetensors::parse(
        &read("safetensors/benign_mlp_with_metadata.safetensors"),
        &Limits::default(),
    )
    .unwrap();
    let names: Vec<_> = v.tensors.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["0.bias", "0.weight", "2.bias", "2.weight"]);
    assert_eq!(v.metadata.len(), 1);
    assert_eq!(
        (v.metadata[0].key.as_str(), v.metadata[0].value.as_str()),
        ("format", "pt")
    );
    assert_eq!(v.data_start % 8, 0, "header padded to 8 bytes");

    let v = safetensors::parse(
        &read("safetensors/benign_mixed_dtypes_no_metadata.safetensors"),
        &Limits::default(),
    )
    .unwrap();
    let mut dtypes: Vec<_> = v.tensors.iter().map(|t| t.dtype.as_str()).collect();
    dtypes.sort();
    assert_eq!(dtypes, ["BF16", "BOOL", "F16", "F32", "F64", "I64", "U8"]);
    assert!(v.tensors.iter().any(|t| t.shape.is_empty()), "a scalar");
    assert!(
        v.tensors
            .iter()
            .any(|t| t.data_offsets.0 == t.data_offsets.1),
        "an empty tensor"
    );

    let err = safetensors::parse(
        &read("safetensors/ST001_header_length_past_eof.safetensors"),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        SafeTensorsError::HeaderPastEnd {
            declared: 4096,
            available: 72
        }
    );
}

#[test]
fn gguf_views_of_benign_files() {
    let expected_templates: &[(&str, &[&str])] = &[
        ("benign_llama2_chat_template", &["tokenizer.chat_template"]),
        ("benign_llama3_chat_template", &["tokenizer.chat_template"]),
        ("benign_chatml_chat_template", &["tokenizer.chat_template"]),
        ("benign_mistral_chat_template", &["tokenizer.chat_template"]),
        ("benign_gemma_chat_template", &["tokenizer.chat_template"]),
        ("benign_qwen2_chat_template", &["tokenizer.chat_template"]),
        ("benign_phi3_chat_template", &["tokenizer.chat_template"]),
        (
            "benign_deepseek_tool_calling_chat_template",
            &["tokenizer.chat_template"],
        ),
        (
            "benign_named_chat_templates",
            &[
                "tokenizer.chat_template",
                "tokenizer.chat_template.tool_use",
            ],
        ),
        ("benign_v3_minimal", &[]),
    ];
    for (name, keys) in expected_templates {
        let v = gguf::parse(&read(&format!("gguf/{name}.gguf")), &Limits::default()).unwrap();
        let got: Vec<_> = v.templates.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(got, *keys, "{name}");
        assert!(
            v.templates
                .iter()
                .all(|(_, t)| t.contains("{%") || t.contains("{{"))
        );
        assert!(v.complete && v.limits_hit.is_empty(), "{name}");
        assert!(v.tensors.iter().all(|t| t.nbytes.is_some()), "{name}");
    }

    let v = gguf::parse(
        &read("gguf/benign_llama3_chat_template.gguf"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(v.version, 3);
    assert_eq!(v.architecture(), Some("llama"));
    assert_eq!(v.name(), Some("Llama 3 fixture"));
    assert_eq!(v.license(), Some("llama3"));
    assert_eq!(
        v.file_type().and_then(gguf::file_type_name),
        Some("MOSTLY_Q8_0")
    );
    assert_eq!(v.quantization_version(), Some(2));
    assert!(v.general.contains_key("general.tags"));
    assert!(v.templates[0].1.contains("<|start_header_id|>"));
    let types: Vec<_> = v
        .tensors
        .iter()
        .map(|t| gguf::ggml_type(t.ggml_type).map(|g| g.name))
        .collect();
    assert_eq!(
        types,
        [Some("F32"), Some("F32"), Some("Q8_0"), Some("Q4_K")]
    );
    // Q4_K: two rows of one 144-byte super-block.
    assert_eq!(v.tensors[3].nbytes, Some(288));

    for (version, name) in [(1, "benign_v1_minimal"), (2, "benign_v2_minimal")] {
        let v = gguf::parse(&read(&format!("gguf/{name}.gguf")), &Limits::default()).unwrap();
        assert_eq!(v.version, version);
        assert_eq!(v.tensors.len(), 2);
        assert_eq!(v.get("general.alignment"), Some(&GgufValue::U32(32)));
    }

    assert_eq!(
        gguf::parse(
            &read("gguf/GGUF001_unsupported_version.gguf"),
            &Limits::default()
        ),
        Err(GgufError::UnsupportedVersion { version: 7 })
    );
    // Parsing stopped at the bad length, after the first pair.
    let v = gguf::parse(
        &read("gguf/GGUF002_huge_string_length.gguf"),
        &Limits::default(),
    )
    .unwrap();
    assert!(!v.complete);
    assert_eq!(v.architecture(), Some("llama"));
}

/// Deterministic corruption of every fixture: truncations at every length
/// (small files) and single-byte overwrites. Nothing may panic, and every
/// reported range stays consistent.
#[test]
fn corrupted_fixtures_never_panic() {
    let limits = Limits::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["safetensors", "gguf"] {
        for e in std::fs::read_dir(testdata().join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let step = (data.len() / 512).max(1);
        for cut in (0..data.len()).step_by(step) {
            let _ = safetensors::parse(&data[..cut], &limits);
            let _ = gguf::parse(&data[..cut], &limits);
        }
        for _ in 0..400 {
            let mut d = data.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() as usize) % d.len();
                d[i] = match next() % 4 {
                    0 => 0xff,
                    1 => 0,
                    2 => d[i].wrapping_add(1),
                    _ => next() as u8,
                };
            }
            if let Ok(v) = safetensors::parse(&d, &limits) {
                assert_eq!(v.data_start, v.header_len + 8);
                assert!(v.data_start <= d.len() as u64);
            }
            if let Ok(v) = gguf::parse(&d, &limits) {
                assert!(v.metadata.len() as u64 <= v.kv_count);
                assert!(v.tensors.len() as u64 <= v.tensor_count);
                assert!(v.alignment.is_power_of_two());
            }
        }
    }
}
