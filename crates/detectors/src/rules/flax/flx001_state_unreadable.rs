//! FLX001: Flax/JAX MessagePack state cannot be read.

use sentrascan_formats::msgpack::MsgpackError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX001",
    name: "flax-state-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "flax",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The file starts like Flax/JAX MessagePack state but cannot be read as MessagePack (truncated, an invalid type byte, nesting or value count beyond the limits).",
    remediation: "Do not load the file; re-save the state with `flax.serialization.to_bytes` from a trusted source.",
    docs: r#"## What it does
Reads the file with a bounded MessagePack reader (nesting depth, number of
values, every length checked against the bytes left) and reports the error
that stopped it.

## Why is this bad?
`flax.serialization.from_bytes` refuses such a file, so it is not a working
checkpoint; what the scanner could not read may hide an embedded pickle or
an extension value the rules would report.

## Example
A `bin 32` header that claims 4 GiB in a 1 KiB file.

## How to fix
Re-save the state with Flax and scan it again.

## References
- https://github.com/msgpack/msgpack/blob/master/spec.md
- https://flax.readthedocs.io/en/latest/api_reference/flax.serialization.html
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &MsgpackError) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        "Flax MessagePack state cannot be read",
    )
    .description(format!("The MessagePack state cannot be read: {error}."))
    .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_error() {
        let f = finding(
            &Location::file("m.msgpack"),
            &MsgpackError::TooDeep { offset: 3 },
        );
        assert_eq!((f.rule.as_str(), f.severity), ("FLX001", Severity::Medium));
        assert!(f.description.contains("nested deeper"));
    }
}
