//! EXE002: a scanned file is itself a native program or library.

use sentrascan_formats::executable::{ExeHeader, ExeKind, ExecutableView};
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::{describe, imports_clause, with_evidence};

pub static RULE: RuleMeta = RuleMeta {
    code: "EXE002",
    name: "standalone-executable",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "executable",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A file in the scanned model is an ELF, PE or Mach-O program (HIGH) or shared library (MEDIUM, HIGH under a model-file name).",
    remediation: "Remove the binary from the model; review and rebuild any custom-op library from source before loading it.",
    docs: r#"## What it does
Reports a scanned file (not a container member; see `EXE001`) whose
content is a valid ELF, PE or Mach-O header, with its type, architecture
and the imports that run commands, create processes, open sockets or load
code. A program is HIGH. A shared library is MEDIUM, since some models do
ship custom-op libraries (TensorFlow `tf.load_op_library`, TensorRT
plugins), unless it is named like a weights file (`.bin`, `.pt`,
`.safetensors`, `.gguf`…), which is HIGH. Object files and other images
are LOW.

## Why is this bad?
A native binary in a model directory runs with the full rights of whoever
loads or executes it, and no model format needs one to load weights.
Named as a weights file, it hides from people and from scanners that route
by extension.

## Example
`pytorch_model.bin` that is an ELF executable; `custom_ops.so` importing
`execve` in a TensorFlow model directory.

## How to fix
Delete the binary; if the model needs a custom op, build it from reviewed
source.

## References
- CWE-506: Embedded Malicious Code
"#,
};

/// Extensions of weight and model files: a binary under one is disguised.
const MODEL_EXTENSIONS: &[&str] = &[
    "bin",
    "pt",
    "pth",
    "ckpt",
    "pkl",
    "pickle",
    "safetensors",
    "gguf",
    "ggml",
    "onnx",
    "h5",
    "hdf5",
    "keras",
    "npy",
    "npz",
    "tflite",
    "pb",
    "joblib",
    "msgpack",
    "model",
    "params",
];

pub fn finding(
    location: &Location,
    name: &str,
    header: &ExeHeader,
    view: Option<&ExecutableView>,
) -> Finding {
    let disguised = name
        .rsplit_once('.')
        .is_some_and(|(_, e)| MODEL_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    let severity = match header.kind {
        ExeKind::Executable => Severity::High,
        ExeKind::SharedLibrary if disguised => Severity::High,
        ExeKind::SharedLibrary => Severity::Medium,
        _ if disguised => Severity::Medium,
        _ => Severity::Low,
    };
    let what = describe(header);
    let f = Finding::new(&RULE, location.clone(), format!("File is {what}"))
        .severity(severity)
        .description(format!(
            "`{name}` is {what} ({}-bit){}.{}",
            header.bits,
            if disguised {
                " named like a model file"
            } else {
                ""
            },
            imports_clause(view)
        ));
    with_evidence(f, header, view)
}
