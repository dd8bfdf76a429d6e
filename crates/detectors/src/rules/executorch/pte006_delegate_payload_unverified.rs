//! PTE006: a delegate to a standard ExecuTorch backend carries processed data that this scan does not verify.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PTE006",
    name: "executorch-delegate-payload-unverified",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::ScanCoverage,
    scanner: "executorch",
    cwe: Some("CWE-345"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A delegate to a standard ExecuTorch backend carries processed data that this scan does not verify.",
    remediation: "Trust the payload only as far as you trust the program's source; the backend parses it natively.",
    docs: r#"## What it does
Reports each standard backend that receives delegate data, once per backend, with the payload sizes. The payload is searched for executables and recursed into like any embedded file, but its backend-specific format (an XNNPACK graph, a Core ML package, a QNN context binary) is not parsed.

## Why is this bad?
Backends parse their payloads in native code at load time; a crafted payload targets that parser, and this scan cannot say the payload is what the exporter wrote.

## Example
An XNNPACK delegate with 4 KB of inline processed data.

## How to fix
Nothing to fix for trusted programs; for untrusted ones, re-export from source.

## References
- https://pytorch.org/executorch/stable/compiler-delegate-and-partitioner.html
- CWE-345: Insufficient Verification of Data Authenticity
"#,
};

pub fn finding(location: &Location, backend: &str, delegates: usize, bytes: u64) -> Finding {
    Finding::new(
        &RULE,
        location.at(0),
        format!("{delegates} delegate payload(s) for backend `{backend}` ({bytes} bytes) are not verified by this scan"),
    )
    .description(format!(
        "Backend `{backend}` parses its processed data in native code; the scan recursed into it but cannot verify its backend-specific format."
    ))
    .evidence("backend", backend)
    .evidence("payload_bytes", bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low() {
        assert_eq!(
            finding(&Location::file("m.pte"), "XnnpackBackend", 1, 9).severity,
            Severity::Low
        );
    }
}
