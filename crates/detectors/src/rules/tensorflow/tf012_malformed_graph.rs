//! TF012: part of a recognised TensorFlow protobuf cannot be decoded.

use sentrascan_formats::tensorflow::TfError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "TF012",
    name: "tf-malformed-graph",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "tensorflow",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow SavedModel, MetaGraph, GraphDef or checkpoint index is truncated or malformed where it was read.",
    remediation: "Do not load the file; obtain an intact copy and scan it again.",
    docs: r#"## What it does
Reports the offset and reason where a file recognised as a TensorFlow
protobuf stops decoding: a length that runs past the end of its message,
an invalid wire type, a field of the wrong type, attribute values nested
deeper than the decoder allows. What was read before is still analysed, and
the scan is inconclusive. A checkpoint's tensor-bundle index (`*.index`)
is reported the same way when a block handle leaves the table, a block is
compressed or cut, an entry does not decode, or a tensor names a shard the
header does not have.

## Why is this bad?
TensorFlow rejects the file, so it is not a working model: it was cut in
transfer, or it was crafted so that parts of the graph stay out of a
scanner's sight while a more lenient reader accepts them.

## Example
`saved_model.pb` cut in half: the meta graph's length runs past the end.

## How to fix
Obtain the model again from its publisher and re-scan.

## References
- https://protobuf.dev/programming-guides/encoding/
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &TfError) -> Finding {
    Finding::new(
        &RULE,
        location.at(error.offset()),
        "TensorFlow protobuf cannot be decoded",
    )
    .description(format!(
        "The TensorFlow protobuf cannot be decoded: {error}."
    ))
    .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_offset() {
        let e = TfError::Malformed {
            offset: 7,
            reason: "length past the end".into(),
        };
        let f = finding(&Location::file("saved_model.pb"), &e);
        assert_eq!((f.rule.as_str(), f.severity), ("TF012", Severity::Medium));
        assert_eq!(f.location_detail.offset, Some(7));
    }
}
