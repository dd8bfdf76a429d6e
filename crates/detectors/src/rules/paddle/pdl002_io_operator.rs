//! PDL002: operators that read or write files, or talk to the network.

use sentrascan_formats::paddle::PaddleProgram;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PDL002",
    name: "paddle-io-operator",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "paddle",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The program contains operators that write or read files (`save`, `load`, …) or send and receive over the network.",
    remediation: "Do not run the program; an inference program reads its inputs from `feed` and nothing else.",
    docs: r#"## What it does
Reports operators of types `save`, `save_combine`, `load`, `load_combine`,
`checkpoint_notify` (with their `file_path`) and the distributed
communication operators `send`, `recv`, `send_v2`, `recv_v2`,
`listen_and_serv`, `send_and_recv`, `send_barrier`, `fetch_barrier`.
Writes and network operators are HIGH; a load is HIGH when its path is
absolute or climbs out of the model's directory, MEDIUM otherwise.

## Why is this bad?
These operators run when the program runs: a `save` writes tensors to a
path of the model's choosing (overwriting files), a `load` reads one, and
the communication operators open connections or start a server. An
exported inference program never contains them.

## Example
`op { type: "save" attrs { name: "file_path" s: "/home/user/.bashrc" } }`

## How to fix
Reject the model, or re-export it with `paddle.jit.save`.

## References
- https://github.com/PaddlePaddle/Paddle/blob/develop/paddle/fluid/operators/save_op.cc
- CWE-73: External Control of File Name or Path
"#,
};

/// What an operator type does outside the program, if anything.
pub fn io_kind(op: &str) -> Option<&'static str> {
    Some(match op {
        "save" | "save_combine" | "checkpoint_notify" => "writes files",
        "load" | "load_combine" => "reads files",
        "send"
        | "recv"
        | "send_v2"
        | "recv_v2"
        | "listen_and_serv"
        | "send_and_recv"
        | "send_barrier"
        | "fetch_barrier"
        | "heter_listen_and_serv" => "communicates over the network",
        _ => return None,
    })
}

fn escapes(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (b.len() > 1
            && b.first().is_some_and(u8::is_ascii_alphabetic)
            && b.get(1) == Some(&b':'))
        || path.split(['/', '\\']).any(|p| p == "..")
}

pub fn check(view: &PaddleProgram, location: &Location, out: &mut Vec<Finding>) {
    for op in view.kept.iter().take(256) {
        let Some(kind) = io_kind(&op.op_type) else {
            continue;
        };
        let path = op
            .attr("file_path")
            .or_else(|| op.attr("dir"))
            .unwrap_or("");
        let severity = if kind == "reads files" && !escapes(path) {
            Severity::Medium
        } else {
            Severity::High
        };
        let category = if kind.contains("network") {
            Category::NetworkOperations
        } else {
            Category::FileSystemAccess
        };
        let target = if path.is_empty() {
            op.attr("endpoints")
                .or_else(|| op.attr("epmap"))
                .unwrap_or("")
                .to_string()
        } else {
            path.to_string()
        };
        out.push(
            Finding::new(
                &RULE,
                location.at(op.offset),
                if target.is_empty() {
                    format!("`{}` operator in block {} {kind}", op.op_type, op.block)
                } else {
                    format!(
                        "`{}` operator in block {} {kind}: `{target}`",
                        op.op_type, op.block
                    )
                },
            )
            .severity(severity)
            .category(category)
            .description(format!(
                "Block {} operator #{} is `{}`, which {kind} when the program runs{}.",
                op.block,
                op.index,
                op.op_type,
                if target.is_empty() {
                    String::new()
                } else {
                    format!(" (`{target}`)")
                }
            ))
            .evidence("op_type", op.op_type.clone())
            .evidence("block", op.block)
            .evidence("op_index", op.index)
            .evidence("target", target),
        );
    }
}
