//! PDL001: `py_func` operators, which call Python callables.

use sentrascan_formats::paddle::PaddleProgram;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PDL001",
    name: "paddle-py-func",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "paddle",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The program contains `py_func` operators, which call Python functions registered by the loading process.",
    remediation: "Do not run the program; rebuild it from standard operators.",
    docs: r#"## What it does
Reports every `py_func` operator in any block of the `ProgramDesc`, with
its `forward_callable_id` and `backward_callable_id`.

## Why is this bad?
`py_func` (`paddle.static.py_func`) executes an arbitrary Python callable
on each run of the program. The callable is looked up by id in the
registry of the process that runs the program: a program that carries the
operator expects code supplied alongside it (a loader script, a pickle) to
be registered and run, and runs whatever sits at that id.

## Example
`op { type: "py_func" attrs { name: "forward_callable_id" i: 0 } }`

## How to fix
Reject the model; inference programs exported by `paddle.jit.save` never
contain `py_func`.

## References
- https://www.paddlepaddle.org.cn/documentation/docs/en/api/paddle/static/py_func_en.html
- CWE-94: Improper Control of Generation of Code
"#,
};

pub fn check(view: &PaddleProgram, location: &Location, out: &mut Vec<Finding>) {
    for op in view.kept.iter().filter(|o| o.op_type == "py_func").take(64) {
        let fwd = op.attr("forward_callable_id").unwrap_or("?");
        let bwd = op.attr("backward_callable_id").unwrap_or("?");
        out.push(
            Finding::new(
                &RULE,
                location.at(op.offset),
                format!("py_func operator #{} in block {} calls Python callable {fwd}", op.index, op.block),
            )
            .description(format!(
                "Block {} operator #{} is `py_func`, which calls Python callable id {fwd} (backward {bwd}) each time the program runs.",
                op.block, op.index
            ))
            .evidence("block", op.block)
            .evidence("op_index", op.index)
            .evidence("forward_callable_id", fwd)
            .evidence("backward_callable_id", bwd),
        );
    }
}
