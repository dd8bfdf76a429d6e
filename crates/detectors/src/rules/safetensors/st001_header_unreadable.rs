//! ST001: the SafeTensors header cannot be read at all.

use sentrascan_formats::safetensors::SafeTensorsError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ST001",
    name: "safetensors-header-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "safetensors",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file looks like SafeTensors but its header length or JSON header cannot be read.",
    remediation: "Do not load the file; obtain a copy written by the official safetensors library and scan it again.",
    docs: r#"## What it does
Reads the 8-byte little-endian header length and the JSON header that
follows, and reports files where that fails: a length below 2 or above the
official reader's 100,000,000-byte limit, a header that runs past the end of
the file, bytes that are not UTF-8, or text that is not a single JSON
object.

## Why is this bad?
The official reader rejects such a file, so it is not a working model.
A file that only pretends to be SafeTensors is often something else under
a reassuring name (a pickle renamed `.safetensors`), and a header length
that points past the end of the file is the classic way to make a careless
parser allocate or read out of bounds.

## Example
`\xff\xff\xff\xff\x00\x00\x00\x00{"w": …}`: a 4 GiB header in a 1 KiB file.

## How to fix
Re-download the file or re-save the tensors with `safetensors.save_file`.

## References
- https://huggingface.co/docs/safetensors (format)
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &SafeTensorsError) -> Finding {
    let offset = match error {
        SafeTensorsError::HeaderNotUtf8 { offset }
        | SafeTensorsError::InvalidJson { offset, .. } => *offset,
        _ => 0,
    };
    Finding::new(
        &RULE,
        location.at(offset),
        "SafeTensors header cannot be read",
    )
    .description(format!("The SafeTensors header cannot be read: {error}."))
    .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_error_at_its_offset() {
        let e = SafeTensorsError::InvalidJson {
            offset: 0x40,
            reason: "expected `,` or `}`",
        };
        let f = finding(&Location::file("m.safetensors"), &e);
        assert_eq!((f.rule.as_str(), f.severity), ("ST001", Severity::Medium));
        assert_eq!(f.location, "m.safetensors@0x40");
        assert_eq!(
            f.description,
            "The SafeTensors header cannot be read: header is not a valid JSON object: expected `,` or `}` at offset 0x40."
        );
    }
}
