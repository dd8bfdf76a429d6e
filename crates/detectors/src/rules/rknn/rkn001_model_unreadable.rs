//! RKN001: the RKNN container cannot be read (bad header, sizes past the end, unknown version, unparsable JSON, or encryption), so its content was not checked.

use sentrascan_formats::rknn::RknnError;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "RKN001",
    name: "rknn-model-unreadable",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "rknn",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The RKNN container cannot be read (bad header, sizes past the end, unknown version, unparsable JSON, or encryption), so its content was not checked.",
    remediation: "Do not load the file; re-export the model with rknn-toolkit.",
    docs: r#"## What it does
Reports an `.rknn` container whose header, model-data size, JSON size or JSON description cannot be read, and encrypted (`CYPTRKNN`) models, whose content cannot be read at all.

## Why is this bad?
The content was not checked: an encrypted or damaged model may carry anything the runtime accepts.

## Example
A container whose model-data size is larger than the file.

## How to fix
Re-export the model, unencrypted, from its source.

## References
- https://github.com/airockchip/rknn-toolkit2
- CWE-20: Improper Input Validation
"#,
};

pub fn finding(location: &Location, error: &RknnError) -> Finding {
    Finding::new(&RULE, location.at(0), "RKNN model cannot be read")
        .description(format!("The RKNN model cannot be read: {error}."))
        .evidence("error", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medium() {
        let f = finding(&Location::file("m.rknn"), &RknnError::Encrypted);
        assert_eq!((f.rule.as_str(), f.severity), ("RKN001", Severity::Medium));
    }
}
