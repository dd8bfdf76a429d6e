//! LUA001: the file holds a Lua function (byte code compiled on load).

use sentrascan_formats::torch7::T7Function;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "LUA001",
    name: "lua-torch-serialised-function",
    family: super::FAMILY,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "torch7",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Lua function is serialised in the file: `torch.load` compiles its byte code, and it runs with full Lua powers when the object uses it.",
    remediation: "Do not load the file with Torch7/LuaJIT; models need no functions. Re-export the weights as plain tensors.",
    docs: r#"## What it does
Reports each object of type 6, 7 or 8 (`TYPE_FUNCTION`,
`TYPE_RECUR_FUNCTION`, `TYPE_LEGACY_RECUR_FUNCTION`): Lua byte code from
`string.dump`, with its upvalues. The message quotes the printable strings
of the byte code (names such as `os.execute` and constants).

## Why is this bad?
`torch.load` passes the byte code to `loadstring` and stores the function
in the loaded object (as a field, a hook or a metamethod). Lua byte code
has `os.execute`, `io.popen` and the FFI at hand, and LuaJIT byte code is
not verified at all: malformed byte code alone can corrupt memory. A model
never needs a function to be loaded.

## Example
An `nn.Module` whose `updateOutput` field is a function that calls
`os.execute("curl … | sh")`.

## How to fix
Treat the file as hostile; extract the tensors with a reader that does not
run Lua (such as this scanner's) and save them as SafeTensors.

## References
- https://github.com/torch/torch7/blob/master/File.lua
- CWE-502: Deserialization of Untrusted Data
"#,
};

pub fn finding(location: &Location, f: &T7Function) -> Finding {
    let strings: Vec<String> = f.strings.iter().take(8).cloned().collect();
    let shown = strings
        .iter()
        .take(4)
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    Finding::new(
        &RULE,
        location.at(f.offset),
        format!(
            "Serialised Lua function ({} byte code, {} bytes) is compiled on load",
            f.dialect, f.bytecode_len
        ),
    )
    .description(format!(
        "Type tag {} at offset {:#x} holds {} bytes of {} byte code{}.",
        f.tag,
        f.offset,
        f.bytecode_len,
        f.dialect,
        if shown.is_empty() {
            String::new()
        } else {
            format!(" with strings {shown}")
        }
    ))
    .evidence("dialect", f.dialect.clone())
    .evidence("bytecode_len", f.bytecode_len)
    .evidence("strings", strings)
}
