//! GGUF004: a tensor info declares an impossible shape, type or name.

use sentrascan_formats::gguf::GgufAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::described;

pub static RULE: RuleMeta = RuleMeta {
    code: "GGUF004",
    name: "gguf-invalid-tensor-info",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "gguf",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A GGUF tensor has more than 4 dimensions, an out-of-range element count, an unknown ggml type, rows that are not whole blocks, or an invalid or over-long name.",
    remediation: "Do not load the file; re-convert the model with a current llama.cpp.",
    docs: r#"## What it does
Checks every tensor info: at most 4 dimensions (`GGML_MAX_DIMS`), each
dimension and the element count within `int64`, a ggml type id ggml
defines (ids it removed, such as 4, 5 and 31–33, count as unknown), a row
length that is a multiple of the type's block size, and a non-empty UTF-8
name shorter than 64 bytes (`GGML_MAX_NAME`).

## Why is this bad?
ggml sizes its tensors from these fields. Readers have written past fixed
arrays for `n_dims > 4` and indexed type tables out of range with unknown
type ids; llama.cpp now rejects both. A type id from a newer ggml is also
reported here: the scanner cannot size that tensor's data, so its bounds
are unchecked.

## Example
A tensor info with `n_dims = 9`, or `type = 250`.

## How to fix
Re-convert the model with a current llama.cpp.

## References
- https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, anomaly: &GgufAnomaly) -> Finding {
    described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_tensor_and_the_problem() {
        let f = finding(
            &Location::file("m.gguf"),
            &GgufAnomaly::TooManyDims {
                tensor: "t".into(),
                n_dims: 9,
                offset: 0xa9,
            },
        );
        assert_eq!(f.title, "Tensor `t` declares 9 dimensions (ggml allows 4)");
        assert_eq!(f.evidence["anomaly"], "too_many_dims");
    }
}
