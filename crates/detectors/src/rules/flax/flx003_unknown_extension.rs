//! FLX003: a MessagePack extension type Flax does not define.

use sentrascan_formats::flax::FlaxAnomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX003",
    name: "flax-unknown-extension-type",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "flax",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A MessagePack extension value has a type code Flax does not define (Flax uses 1 ndarray, 2 complex, 3 NumPy scalar); reading it needs a custom `ext_hook`.",
    remediation: "Find out which code registers an `ext_hook` for this type before loading; re-save the state with plain Flax serialization.",
    docs: r#"## What it does
Lists every MessagePack extension value whose type code is not one of
Flax's three (1 ndarray, 2 native complex, 3 NumPy scalar), with its key
path and code.

## Why is this bad?
`flax.serialization.msgpack_restore` leaves unknown extensions as opaque
`ExtType` objects; a file that carries one was written for a reader with a
custom `ext_hook`, which decides in arbitrary Python what the bytes become
(libraries register hooks that unpickle or import by name). The scanner
cannot know what that hook does.

## Example
`{"params": ExtType(42, b"...")}`.

## How to fix
Ask where the hook comes from; re-save the state with Flax.

## References
- https://github.com/msgpack/msgpack/blob/master/spec.md#extension-types
- https://github.com/google/flax/blob/main/flax/serialization.py
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub fn finding(location: &Location, anomaly: &FlaxAnomaly) -> Finding {
    super::described(&RULE, location, anomaly)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_code_and_path() {
        let f = finding(
            &Location::file("s.msgpack"),
            &FlaxAnomaly::UnknownExt {
                path: "params/x".into(),
                offset: 4,
                code: 42,
            },
        );
        assert_eq!(f.severity, Severity::Medium);
        assert!(f.title.contains("type 42"), "{}", f.title);
    }
}
