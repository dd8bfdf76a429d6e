//! FLX002: a msgpack-numpy object array holds a pickle.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "FLX002",
    name: "msgpack-numpy-pickled-array",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "flax",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A msgpack-numpy array has kind `O`: its `data` is a pickle that `msgpack_numpy.decode` passes to `pickle.loads`.",
    remediation: "Do not load the file with msgpack-numpy; save object-free arrays (numeric dtypes) or use Flax serialization.",
    docs: r#"## What it does
Finds msgpack-numpy array maps (`{nd: True, type, kind, shape, data}`)
whose `kind` is `O`. The `data` bytes are analysed as an embedded pickle by
the whole engine, so the pickle rules report what it imports and calls.

## Why is this bad?
`msgpack_numpy.decode` calls `pickle.loads(data)` for object arrays:
loading the file runs whatever the pickle says. The object array is the
only way msgpack-numpy stores Python objects, and a state dict of numeric
weights never needs one.

## Example
`{b"w": {b"nd": True, b"type": b"|O", b"kind": b"O", b"shape": [1],
b"data": <pickle calling os.system>}}`.

## How to fix
Re-save the arrays with a numeric dtype, or with
`flax.serialization.to_bytes`, which refuses object arrays.

## References
- https://github.com/lebedov/msgpack-numpy (decode: `pickle.loads` for kind `O`)
- CWE-502: Deserialization of Untrusted Data
"#,
};

/// `path` is the array's key path; `len` the pickle's size.
pub fn finding(location: &Location, path: &str, len: usize) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("msgpack-numpy object array `{path}` holds a {len}-byte pickle"),
    )
    .description(format!(
        "The msgpack-numpy array `{path}` has kind `O`: msgpack_numpy.decode passes its {len} data bytes to pickle.loads. The pickle is analysed as an embedded member."
    ))
    .evidence("path", path)
    .evidence("pickle_bytes", len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_with_the_path() {
        let f = finding(&Location::file("s.msgpack").at(9), "params/w", 40);
        assert_eq!((f.rule.as_str(), f.severity), ("FLX002", Severity::High));
        assert!(f.title.contains("params/w"));
    }
}
