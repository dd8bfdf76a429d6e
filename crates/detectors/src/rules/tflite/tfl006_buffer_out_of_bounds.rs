//! TFL006: external buffer data lies outside the file or overlaps.

use sentrascan_formats::tflite::TfLiteAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "TFL006",
    name: "tflite-buffer-out-of-bounds",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::MalformedFile,
    scanner: "tflite",
    cwe: Some("CWE-125"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A buffer (or large custom options) stored after the flatbuffer by offset and size runs past the end of the file, overflows, points back into the flatbuffer, or overlaps another.",
    remediation: "Do not load the file; re-convert the model from a trusted source.",
    docs: r#"## What it does
Models over 2 GB keep weights after the flatbuffer: a `Buffer` then has
`offset` and `size` (file offsets; 0 and 1 mean "none") instead of inline
`data`, and operators may have `large_custom_options_offset/size`. The rule
checks each range (checked arithmetic) against the file length, against the
end of the flatbuffer's own structures, and against the other ranges.

## Why is this bad?
The runtime turns these into pointers into the mapped file. A range past
the end reads outside the mapping; a range inside the flatbuffer makes
weights alias the model's own tables (a tensor write then corrupts the
graph); two overlapping ranges alias each other. The converter never
writes any of them.

## Example
`Buffer {offset: 0x40000000, size: 48}` in a 952-byte file.

## How to fix
Do not load the file; re-convert the model.

## References
- https://github.com/tensorflow/tensorflow/blob/master/tensorflow/compiler/mlir/lite/schema/schema.fbs (Buffer.offset, Buffer.size)
- CWE-125: Out-of-bounds Read
"#,
};

pub fn finding(location: &Location, anomaly: &TfLiteAnomaly) -> Finding {
    described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_with_the_range() {
        let f = finding(
            &Location::file("m.tflite"),
            &TfLiteAnomaly::BufferOutOfBounds {
                what: "buffers[2]".into(),
                offset: 0x4000_0000,
                size: 48,
                file_len: 952,
            },
        );
        assert_eq!(f.severity, Severity::High);
        assert_eq!(
            f.title,
            "Buffers[2] data 0x40000000..0x40000030 lies outside the 952-byte file"
        );
    }
}
