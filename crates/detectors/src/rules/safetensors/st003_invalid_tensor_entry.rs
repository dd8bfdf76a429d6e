//! ST003: a tensor entry is malformed or has an unknown dtype.

use sentrascan_formats::safetensors::SafeTensorsAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::capitalise;

pub static RULE: RuleMeta = RuleMeta {
    code: "ST003",
    name: "safetensors-invalid-tensor-entry",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "safetensors",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A tensor entry of the SafeTensors header is not an object, lacks or mistypes a field, has extra fields, or names an unknown dtype.",
    remediation: "Do not load the file; re-save the tensors with the official safetensors library.",
    docs: r#"## What it does
Checks every tensor entry of the header: it must be an object with a string
`dtype` the format defines (`BOOL`, `U8`, `I8`, `F8_E5M2`, `F8_E4M3`,
`F8_E8M0`, `I16`, `U16`, `F16`, `BF16`, `I32`, `U32`, `F32`, `C64`, `F64`,
`I64`, `U64`, `F4`, `F6_E2M3`, `F6_E3M2`), a `shape` of non-negative
integers and two non-negative integer `data_offsets`, and nothing else.

## Why is this bad?
The official reader rejects missing fields, wrong types and unknown dtypes,
so such a file was not written by it. Extra fields are silently ignored by
the reader, which makes them a place to hide data that no loader looks at.

## Example
`{"w": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 1], "cmd": "…"}}`

## How to fix
Re-save the tensors with `safetensors.save_file`.

## References
- https://huggingface.co/docs/safetensors (dtypes)
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, anomaly: &SafeTensorsAnomaly) -> Finding {
    let tensor = match anomaly {
        SafeTensorsAnomaly::InvalidEntry { tensor, .. }
        | SafeTensorsAnomaly::UnknownDtype { tensor, .. } => tensor.clone(),
        _ => String::new(),
    };
    let mut f = Finding::new(
        &RULE,
        location.at(anomaly.offset()),
        capitalise(&anomaly.to_string()),
    )
    .description(format!("{}.", capitalise(&anomaly.to_string())))
    .evidence("tensor", tensor)
    .evidence("anomaly", anomaly.kind());
    if let SafeTensorsAnomaly::UnknownDtype { dtype, .. } = anomaly {
        f = f.evidence("dtype", dtype.clone());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::safetensors::EntryProblem;

    #[test]
    fn describes_the_entry() {
        let loc = Location::file("m.safetensors");
        let f = finding(
            &loc,
            &SafeTensorsAnomaly::UnknownDtype {
                tensor: "w".into(),
                dtype: "Q4".into(),
                offset: 9,
            },
        );
        assert_eq!(f.title, "Tensor `w` has unknown dtype `Q4`");
        assert_eq!(f.evidence["dtype"], "Q4");
        let f = finding(
            &loc,
            &SafeTensorsAnomaly::InvalidEntry {
                tensor: "w".into(),
                problem: EntryProblem::UnexpectedField {
                    field: "cmd".into(),
                },
                offset: 9,
            },
        );
        assert_eq!(f.title, "Tensor `w` has an unexpected field `cmd`");
        assert_eq!(f.evidence["anomaly"], "unexpected_field");
    }
}
