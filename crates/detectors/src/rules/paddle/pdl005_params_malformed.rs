//! PDL005: a `.pdiparams` file whose records do not add up.

use sentrascan_formats::paddle::ParamsProblem;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PDL005",
    name: "paddle-params-malformed",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "paddle",
    cwe: Some("CWE-20"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The parameters file has a record that is not a valid LoDTensor, or bytes after its last tensor.",
    remediation: "Obtain an intact copy; inspect any data appended after the tensors.",
    docs: r#"## What it does
Walks the LoDTensor records of a `.pdiparams` file (version, LoD levels,
`TensorDesc`, data of `numel × element size` bytes) and reports the first
record that does not fit, or bytes left after the last complete tensor.
Those trailing bytes are also searched for pickles, which the `PKL`
rules report.

## Why is this bad?
`load_combine` reads exactly the declared tensors: anything after them is
invisible to Paddle but travels with the model (a staged pickle or
executable), and a malformed record makes loaders disagree.

## Example
A valid `.pdiparams` followed by `\x80\x04…` (a pickle).

## How to fix
Re-export the parameters; remove appended data.

## References
- https://github.com/PaddlePaddle/Paddle/blob/develop/paddle/fluid/framework/lod_tensor.cc
"#,
};

pub fn finding(
    location: &Location,
    problem: &ParamsProblem,
    tensors: u64,
    trailing: Option<u64>,
) -> Finding {
    let title = match trailing {
        Some(n) => format!("{n} byte(s) after the last of {tensors} tensor(s)"),
        None => format!("Invalid LoDTensor record: {}", problem.reason),
    };
    Finding::new(&RULE, location.at(problem.offset), title)
        .description(format!(
            "After {tensors} valid tensor record(s), the bytes at offset {:#x} are not a LoDTensor ({}).",
            problem.offset, problem.reason
        ))
        .evidence("tensors", tensors)
        .evidence("reason", problem.reason.clone())
        .evidence("trailing_bytes", trailing.unwrap_or(0))
}
