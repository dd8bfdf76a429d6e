//! The symbolic pickle machine over arbitrary bytes: once with the default
//! limits (the production configuration) and once with tiny limits so the
//! limit paths (ops, nesting, memo, stack, streams, resync) are exercised too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_formats::Limits;
use sentrascan_formats::pickle::analyze;

fuzz_target!(|data: &[u8]| {
    let _ = analyze(data, &Limits::default());

    let tiny = Limits {
        max_pickle_ops: 10_000,
        max_memo_entries: 64,
        max_stack_depth: 256,
        max_container_items: 4,
        max_streams: 8,
        max_resync_scan_bytes: 4096,
        max_nested_depth: 1,
        max_nested_bytes: 4096,
        max_text_line: 256,
        expansion_threshold: 1_000,
        ..Limits::default()
    };
    let a = analyze(data, &tiny);
    // The op budget is shared by every stream, nested ones included, and is
    // checked before each opcode: it is never exceeded.
    assert!(
        a.ops <= tiny.max_pickle_ops,
        "ops {} over the budget",
        a.ops
    );
});
