//! `PKL` rules over the symbolic machine's view of a pickle.

pub mod pkl001_dangerous_global;
pub mod pkl002_unknown_global_imported;
pub mod pkl003_unknown_global_called;
pub mod pkl004_unresolved_callable;
pub mod pkl005_extension_registry;
pub mod pkl006_malformed;
pub mod pkl007_nested_pickle;
pub mod pkl008_expansion;
pub mod pkl009_setitem_on_non_dict;
pub mod pkl010_global_mutated;
pub mod pkl011_misplaced_proto;
pub mod pkl012_trailing_data;

use sentrascan_formats::pickle::{GlobalUse, PickleAnalysis};
use sentrascan_types::{Finding, Location};

/// Where the pickle sits and what loads it.
#[derive(Debug, Clone)]
pub struct PickleCtx<'a> {
    pub location: &'a Location,
    /// Scanner name reported (`pickle`, `pytorch_zip`, `pytorch_legacy`).
    pub scanner: &'static str,
    /// Inside a TorchScript archive: `__torch__` globals are the archive's own types.
    pub jit_types: bool,
}

/// Runs every pickle rule over `view`, and over each pickle nested in it.
pub fn check_pickle(view: &PickleAnalysis, ctx: &PickleCtx<'_>, out: &mut Vec<Finding>) {
    let start = out.len();
    pkl001_dangerous_global::check(view, ctx, out);
    pkl002_unknown_global_imported::check(view, ctx, out);
    pkl003_unknown_global_called::check(view, ctx, out);
    pkl004_unresolved_callable::check(view, ctx, out);
    pkl005_extension_registry::check(view, ctx, out);
    pkl006_malformed::check(view, ctx, out);
    pkl008_expansion::check(view, ctx, out);
    pkl009_setitem_on_non_dict::check(view, ctx, out);
    pkl010_global_mutated::check(view, ctx, out);
    pkl011_misplaced_proto::check(view, ctx, out);
    pkl012_trailing_data::check(view, ctx, out);
    pkl007_nested_pickle::check(view, ctx, out);
    for f in out.iter_mut().skip(start) {
        f.scanner = ctx.scanner.to_string();
    }
}

/// `posix system` as the specification's evidence writes an import.
pub(crate) fn import_evidence(g: &GlobalUse) -> String {
    format!("{} {}", g.module, g.name)
}

/// The location of a global's most telling use: its first call, else its import.
pub(crate) fn use_location(ctx: &PickleCtx<'_>, g: &GlobalUse) -> Location {
    ctx.location
        .at(g.first_call.as_ref().map(|c| c.offset).unwrap_or(g.offset))
}

/// Evidence shared by the global rules.
pub(crate) fn global_finding(f: Finding, g: &GlobalUse) -> Finding {
    let mut f = f
        .evidence("import", import_evidence(g))
        .evidence("opcode", g.kind.opcode())
        .evidence("import_offset", g.offset)
        .evidence("called", g.is_called());
    if let Some(c) = &g.first_call {
        f = f
            .evidence("call_opcode", c.opcode)
            .evidence("call_args", c.args.clone())
            .evidence("call_offset", c.offset)
            .evidence("calls", g.calls);
    }
    if let Some(v) = &g.via {
        f = f.evidence("via", v.clone());
    }
    f
}

/// `with ("echo",) at offset 0x1b` for descriptions.
pub(crate) fn call_phrase(g: &GlobalUse) -> String {
    match &g.first_call {
        Some(c) => format!(
            " with `{}` ({} at offset {:#x})",
            c.args, c.opcode, c.offset
        ),
        None => format!(" ({} at offset {:#x})", g.kind.opcode(), g.offset),
    }
}
