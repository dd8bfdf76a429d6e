//! FLX004: a Flax array is malformed.

use sentrascan_formats::flax::FlaxAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX004",
    name: "flax-malformed-array",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "flax",
    cwe: Some("CWE-130"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Flax or msgpack-numpy array declares a shape and dtype that disagree with its buffer, has an object or unknown dtype, has a malformed payload, or bytes follow the state.",
    remediation: "Do not load the file; re-save the state from a trusted source.",
    docs: r#"## What it does
Decodes each Flax array extension (a packed `(shape, dtype, buffer)` tuple)
and each msgpack-numpy array map and checks that shape × dtype size equals
the buffer length, that the dtype is a numeric NumPy/JAX dtype (not
`object`), that the payload has the expected layout, and that nothing
follows the top-level value.

## Why is this bad?
Flax writes these with `ndarray.tobytes()`: a mismatch never comes from
Flax. Readers that trust the declared shape over the buffer read out of
bounds or build the wrong tensor; an object dtype asks NumPy to build
Python objects; bytes after the state are invisible to Flax and are a
place to hide a second payload.

## Example
`ExtType(1, packb(((4096, 4096), "float32", b"\0" * 16)))`.

## How to fix
Re-save the state with Flax.

## References
- https://github.com/google/flax/blob/main/flax/serialization.py
- CWE-130: Improper Handling of Length Parameter Inconsistency
"#,
};

pub fn finding(location: &Location, anomaly: &FlaxAnomaly) -> Finding {
    super::described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_mismatch_is_medium() {
        let f = finding(
            &Location::file("s.msgpack"),
            &FlaxAnomaly::SizeMismatch {
                path: "w".into(),
                offset: 2,
                dtype: "float32".into(),
                shape: vec![4],
                expected: 16,
                actual: 8,
            },
        );
        assert_eq!((f.rule.as_str(), f.severity), ("FLX004", Severity::Medium));
        assert!(f.title.contains("16 bytes"), "{}", f.title);
    }
}
