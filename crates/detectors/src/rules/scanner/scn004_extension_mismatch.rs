//! SCN004: the file name claims a format the content is not.

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SCN004",
    name: "extension-mismatch",
    family: RuleFamily::Scanner,
    default_severity: Severity::Medium,
    category: Category::FormatMismatch,
    scanner: "engine",
    cwe: Some("CWE-434"),
    owasp_ml: Some("ML06:2023"),
    version: 2,
    summary: "The extension names one format and the content is another, typically a pickle named as a safe format.",
    remediation: "Rename the file after its real format and treat it by that format's risks.",
    docs: r#"## What it does
Compares the format sniffed from the content with the formats the extension
stands for, and reports a disagreement. The content is analysed as what it
really is.

## Why is this bad?
Tools and people route files by extension: a pickle named `.safetensors` is
skipped by extension-based scanners and trusted by people, and loaders such
as `torch.load` read it anyway.

## Example
`model.safetensors` containing a pickle.

## How to fix
Do not trust the name; treat the file by its content.

## References
- CWE-434: Unrestricted Upload of File with Dangerous Type
"#,
};

/// Content formats an extension may legitimately hold, for the extensions we know.
fn expected(ext: &str) -> Option<&'static [&'static str]> {
    const TORCH: &[&str] = &[
        "pytorch_zip",
        "pytorch_legacy",
        "pytorch_tar",
        "torchscript",
        "pickle",
        "zip",
        "tar",
    ];
    // joblib compresses its pickle with any of these.
    const JOBLIB: &[&str] = &["pickle", "zlib", "gzip", "bzip2", "xz", "lzma", "lz4"];
    Some(match ext {
        // Generic binary extensions say nothing about the content.
        "bin" | "dat" | "data" => return None,
        "joblib" => JOBLIB,
        "pt" | "pth" | "ckpt" | "pkl" | "pickle" | "p" => TORCH,
        "safetensors" => &["safetensors"],
        "gguf" => &["gguf"],
        "onnx" => &["onnx", "unknown"],
        "h5" | "hdf5" => &["hdf5"],
        "npy" => &["numpy"],
        "keras" => &["keras", "zip"],
        "npz" | "zip" => &[
            "zip",
            "pytorch_zip",
            "torchscript",
            "keras",
            "skops",
            "torchserve_mar",
        ],
        "mar" => &["torchserve_mar", "zip", "pytorch_zip", "torchscript"],
        "nemo" => &["nemo", "gzip", "tar"],
        "llamafile" => &["llamafile"],
        "json" => &["json", "mxnet_symbol", "xgboost_json", "orbax_checkpoint"],
        "params" => &["mxnet_params"],
        "ubj" => &["xgboost_ubj"],
        "cbm" => &["catboost"],
        "tflite" => &["tflite"],
        "msgpack" | "flax" => &["unknown", "flax_msgpack"],
        "txt" => &["unknown", "json", "lightgbm"],
        "md" => &["unknown", "json", "model_card"],
        "yaml" | "yml" => &["unknown", "json", "yaml"],
        "toml" => &["unknown", "toml"],
        "cfg" | "ini" => &["unknown", "ini"],
        "py" => &["python"],
        "sh" | "bash" => &["shell_script"],
        "tar" => &["tar", "pytorch_tar", "nemo", "oci_image"],
        "gz" | "tgz" => &["gzip"],
        "bz2" => &["bzip2"],
        "xz" => &["xz"],
        "lzma" => &["lzma"],
        "zst" | "zstd" => &["zstd"],
        "lz4" => &["lz4"],
        "7z" => &["7z"],
        "xml" => &["xml", "openvino_ir", "pmml"],
        "pmml" => &["pmml", "xml"],
        "pdmodel" => &["paddle_pdmodel"],
        "pdiparams" => &["paddle_pdiparams"],
        // `paddle.save` writes a pickle (protocol 2 to 4).
        "pdparams" | "pdopt" => &["pickle"],
        // Top-level archives are sniffed as zip before their directory is read.
        "skops" => &["skops", "zip"],
        // R compresses with gzip by default (bzip2 and xz on request).
        "rds" => &["r_rds", "gzip", "bzip2", "xz"],
        "rda" | "rdata" => &["r_rdata", "gzip", "bzip2", "xz"],
        "t7" => &["torch7"],
        _ => return None,
    })
}

pub fn check(location: &Location, file_name: &str, sniffed: &str) -> Option<Finding> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    let ok = expected(&ext)?;
    if ok.contains(&sniffed) {
        return None;
    }
    let severity =
        if sniffed == "pickle" || sniffed.starts_with("pytorch") || sniffed == "torchscript" {
            Severity::Medium
        } else {
            Severity::Low
        };
    Some(
        Finding::new(&RULE, location.clone(), format!("`.{ext}` file contains {sniffed} data"))
            .severity(severity)
            .description(format!("The name `{file_name}` says `.{ext}`, but the content is {sniffed}; it was analysed as {sniffed}."))
            .evidence("extension", ext)
            .evidence("content_format", sniffed),
    )
}
