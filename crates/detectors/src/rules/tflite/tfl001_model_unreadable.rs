//! TFL001: the TFLite flatbuffer's root table cannot be read.

use sentrascan_formats::tflite::TfLiteError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL001",
    name: "tflite-model-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "tflite",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file carries the TFLite identifier but its root table cannot be read; nothing in it was analysed.",
    remediation: "Do not load the file; obtain an intact copy converted by a current TensorFlow and scan it again.",
    docs: r#"## What it does
Follows the root offset at byte 0 of a file whose bytes 4..8 are `TFL3`,
and reads the root table's vtable. It reports files where that fails: a
root offset past the end, a vtable outside the file or of an impossible
size. The file is then inconclusive: none of its operators, buffers or
metadata could be checked.

## Why is this bad?
The runtime's flatbuffer verifier rejects such a file, so it is not a
working model; a runtime built without the verifier (TFLite Micro, custom
embedded loaders) reads out of bounds instead.

## Example
A 24-byte file: the identifier and a root offset pointing at byte 0x140.

## How to fix
Re-convert the model with `tf.lite.TFLiteConverter`, or download it again.

## References
- https://github.com/tensorflow/tensorflow/blob/master/tensorflow/compiler/mlir/lite/schema/schema.fbs
- https://flatbuffers.dev/internals/
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &TfLiteError) -> Finding {
    Finding::new(&RULE, location.at(0), "TFLite model cannot be read")
        .description(format!("The TFLite model cannot be read: {error}."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_error() {
        let f = finding(
            &Location::file("m.tflite"),
            &TfLiteError::TooShort { len: 6 },
        );
        assert_eq!((f.rule.as_str(), f.severity), ("TFL001", Severity::Medium));
        assert!(f.description.contains("6 bytes"), "{}", f.description);
    }
}
