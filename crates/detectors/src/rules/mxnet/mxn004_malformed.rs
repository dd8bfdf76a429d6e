//! MXN004: a symbol graph or parameter list that breaks its own structure.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MXN004",
    name: "mxnet-malformed",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "mxnet",
    cwe: Some("CWE-125"),
    owasp_ml: None,
    version: 1,
    summary: "The symbol graph or parameter file is malformed: indices outside the graph, arrays or names running past the end, unknown magic or dtype, names not matching arrays.",
    remediation: "Re-export the model with MXNet; do not load a file its own framing contradicts.",
    docs: r#"## What it does
Reports structural problems: graph inputs, `heads` and `arg_nodes`
entries that point outside the node list; in `.params` files an array
whose shape and dtype need more bytes than remain, an unknown array magic,
storage type or dtype, a name longer than the file, or a name count that
differs from the array count.

## Why is this bad?
MXNet's C++ reader trusts these sizes and indices; a crafted file targets
out-of-bounds reads in it, and a file that contradicts itself was not
written by MXNet. The rest of the file could not be checked.

## Example
An array of shape `(2^40, 2^40)` in a 1 KB file.

## How to fix
Re-export the model from a trusted copy.

## References
- CWE-125: Out-of-bounds Read
"#,
};

pub fn finding(location: &Location, what: &str, offset: u64) -> Finding {
    let text = crate::rules::safetensors::capitalise(what);
    Finding::new(&RULE, location.at(offset), text.clone())
        .description(format!("{text}."))
        .evidence("anomaly", what)
}
