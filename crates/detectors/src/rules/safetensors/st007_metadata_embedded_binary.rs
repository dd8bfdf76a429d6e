//! ST007: a SafeTensors metadata string carries an executable or a pickle.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::metadata_payloads::{MetadataText, check_binaries};

pub static RULE: RuleMeta = RuleMeta {
    code: "ST007",
    name: "safetensors-metadata-embedded-binary",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CodeInjection,
    scanner: "safetensors",
    cwe: Some("CWE-506"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A SafeTensors metadata string is an executable (ELF, PE, Mach-O, WebAssembly, #! script) or a pickle, raw or base64/hex/\\u-escaped.",
    remediation: "Do not extract or load the embedded content; re-save the tensors without the metadata entry.",
    docs: r#"## What it does
Decodes metadata strings that are raw, `\u00XX`-escaped, base64 (standard
or URL-safe) or hex, and reports those that start with an executable's
magic number (ELF, PE with its `PE\0\0` header, Mach-O, WebAssembly), that
are scripts with a `#!` line and a body, or that are pickles (PROTO 2–5
followed by a complete stream or imports). An embedded pickle is then
analysed with the pickle rules, so a pickle that calls `os.system` also
raises `PKL001` at its location inside the metadata value.

## Why is this bad?
SafeTensors is chosen because it carries no code. A binary or a pickle in
its metadata is a second stage waiting for a loader that decodes it
(`pickle.loads(base64.b64decode(meta["config"]))`), and it travels under
the format's safe reputation.

## Example
`{"__metadata__": {"config": "gAJjcG9zaXgKc3lzdGVtCn…"}}`: base64 of a
pickle calling `posix.system`.

## How to fix
Do not decode or load the value; re-save the tensors without it.

## References
- CWE-506: Embedded Malicious Code
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub(crate) fn check(texts: &[MetadataText<'_>], location: &Location, out: &mut Vec<Finding>) {
    check_binaries(&RULE, "safetensors", texts, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::safetensors::metadata_payloads::Text;

    #[test]
    fn latin1_escaped_pickle_and_its_pickle_findings() {
        // `\u0080\u0002…` in JSON: one character per byte.
        let pickle: String = b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00echo\x85R."
            .iter()
            .map(|&b| char::from(b))
            .collect();
        let texts = [MetadataText {
            key: "config",
            text: Text::Str(&pickle),
            offset: 16,
            in_vocabulary: false,
        }];
        let mut out = Vec::new();
        check(&texts, &Location::file("m.safetensors"), &mut out);
        let got: Vec<_> = out.iter().map(|f| (f.rule.as_str(), f.severity)).collect();
        assert_eq!(
            got,
            [("ST007", Severity::High), ("PKL001", Severity::Critical)]
        );
        assert_eq!(out[0].title, "Metadata `config` holds a latin-1 pickle");
        assert_eq!(out[1].scanner, "safetensors");
    }
}
