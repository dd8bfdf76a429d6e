//! The symbolic machine on hand-assembled streams: each test pins one
//! resolution technique.

use sentrascan_formats::Limits;
use sentrascan_formats::pickle::{GlobalUse, ImportKind, analyze};

fn find<'a>(g: &'a [GlobalUse], dotted: &str) -> &'a GlobalUse {
    g.iter()
        .find(|u| u.dotted() == dotted)
        .unwrap_or_else(|| panic!("{dotted} not in {g:#?}"))
}

fn su(s: &str) -> Vec<u8> {
    let mut v = vec![0x8c, s.len() as u8];
    v.extend_from_slice(s.as_bytes());
    v
}

#[test]
fn protocol0_global_reduce_is_a_call_with_literal_args() {
    let a = analyze(b"cposix\nsystem\n(S'echo hi'\ntR.", &Limits::default());
    let g = find(&a.globals, "posix.system");
    assert_eq!(g.kind, ImportKind::Global);
    assert_eq!(g.calls, 1);
    let call = g.first_call.as_ref().unwrap();
    assert_eq!(call.opcode, "REDUCE");
    assert_eq!(call.args, "(\"echo hi\",)");
    assert_eq!(call.offset, 27);
    assert!(a.malformations.is_empty());
    assert_eq!(a.streams.len(), 1);
}

#[test]
fn stack_global_operands_come_from_memo_values_not_previous_opcodes() {
    // 'os' PUT 2, 'system' PUT 3, 'torch' PUT 0, 'LongStorage' PUT 1, GET 2 GET 3 STACK_GLOBAL
    let mut p = vec![0x80, 4];
    for (s, k) in [("os", 2u8), ("system", 3), ("torch", 0), ("LongStorage", 1)] {
        p.extend(su(s));
        p.extend([b'q', k, b'0']);
    }
    p.extend([b'h', 2, b'h', 3, 0x93]);
    p.extend(su("echo"));
    p.extend([0x85, b'R', b'.']);
    let a = analyze(&p, &Limits::default());
    let g = find(&a.globals, "os.system");
    assert_eq!(g.kind, ImportKind::StackGlobal);
    assert_eq!(g.calls, 1);
    assert!(a.globals.iter().all(|g| g.module != "torch"));
}

#[test]
fn getattr_on_import_module_derives_the_real_target() {
    // builtins.getattr(importlib.import_module('os'), 'system')('echo')
    let mut p = vec![0x80, 4];
    p.extend(su("builtins"));
    p.extend(su("getattr"));
    p.push(0x93);
    p.extend(su("importlib"));
    p.extend(su("import_module"));
    p.push(0x93);
    p.extend(su("os"));
    p.extend([0x85, b'R']);
    p.extend(su("system"));
    p.extend([0x86, b'R']);
    p.extend(su("echo"));
    p.extend([0x85, b'R', b'.']);
    let a = analyze(&p, &Limits::default());
    let derived = find(&a.globals, "os.system");
    assert_eq!(derived.kind, ImportKind::Derived);
    assert_eq!(derived.calls, 1);
    assert!(
        derived
            .via
            .as_deref()
            .unwrap()
            .contains("getattr(<module os>"),
        "{derived:?}"
    );
    assert_eq!(find(&a.globals, "builtins.getattr").calls, 1);
}

#[test]
fn computed_stack_global_operand_is_unresolved_but_evaluated() {
    // STACK_GLOBAL(str.join('', ['o','s']), 'system')
    let mut p = vec![0x80, 4];
    p.extend(su("builtins"));
    p.extend(su("str.join"));
    p.push(0x93);
    p.extend(su(""));
    p.extend([b']', b'(']);
    p.extend(su("o"));
    p.extend(su("s"));
    p.extend([b'e', 0x86, b'R']);
    p.extend(su("system"));
    p.push(0x93);
    p.extend(su("echo"));
    p.extend([0x85, b'R', b'.']);
    let a = analyze(&p, &Limits::default());
    assert_eq!(a.unresolved.len(), 1, "{:#?}", a.unresolved);
    assert_eq!(a.unresolved[0].opcode, "STACK_GLOBAL");
    assert_eq!(a.unresolved[0].computed.as_deref(), Some("os.system"));
    assert!(
        a.globals.iter().any(|g| g.dotted() == "os.system"
            && g.kind == ImportKind::StackGlobal
            && g.calls == 1)
    );
}

#[test]
fn payload_then_garbage_keeps_the_payload_and_reports_the_break() {
    let a = analyze(
        b"cposix\nsystem\n(S'echo'\ntR\xff\xfegarbage",
        &Limits::default(),
    );
    assert_eq!(find(&a.globals, "posix.system").calls, 1);
    assert_eq!(a.malformations.len(), 1);
    assert!(a.malformations[0].message.contains("invalid opcode"));
}

#[test]
fn second_concatenated_stream_is_analysed() {
    let mut p = b"\x80\x02]q\x00.".to_vec();
    p.extend_from_slice(b"cposix\nsystem\n(S'echo'\ntR.");
    let a = analyze(&p, &Limits::default());
    assert_eq!(a.streams.len(), 2);
    assert_eq!(find(&a.globals, "posix.system").calls, 1);
}

#[test]
fn hidden_stream_after_trailing_bytes_is_found() {
    let mut p = b"\x80\x02]q\x00.".to_vec();
    p.extend_from_slice(b"\x00\x01\x02 not a pickle \xff\xfe");
    p.extend_from_slice(b"cos\nsystem\n(S'echo'\ntR.");
    let a = analyze(&p, &Limits::default());
    assert_eq!(find(&a.globals, "os.system").calls, 1);
    assert_eq!(a.trailing.len(), 1);
    assert!(a.streams.iter().any(|s| s.resynced));
}

#[test]
fn billion_laughs_is_an_expansion() {
    let mut p = vec![0x80, 2, b']'];
    for _ in 0..40 {
        p.extend([b'2', 0x86]); // DUP, TUPLE2 -> (x, x)
    }
    p.push(b'.');
    let a = analyze(&p, &Limits::default());
    assert_eq!(a.expansions.len(), 1);
}

#[test]
fn missing_memo_key_is_unresolved_not_a_crash() {
    let p = [0x80, 4, b'h', 3, b'h', 4, 0x93, b')', b'R', b'.'];
    let a = analyze(&p, &Limits::default());
    assert!(a.unresolved.iter().any(|u| u.reason.contains("memo key 3")));
    assert!(a.unresolved.iter().any(|u| u.opcode == "STACK_GLOBAL"));
}

#[test]
fn base64_nested_pickle_is_analysed() {
    let inner = b"\x80\x02cposix\nsystem\nq\x00.";
    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(inner)
    };
    let mut p = vec![0x80, 2];
    p.push(b'X');
    p.extend((b64.len() as u32).to_le_bytes());
    p.extend(b64.as_bytes());
    p.push(b'.');
    let a = analyze(&p, &Limits::default());
    assert_eq!(a.nested.len(), 1);
    assert_eq!(a.nested[0].analysis.globals[0].dotted(), "posix.system");
}

#[test]
fn setitems_on_rebuilt_tensor_is_a_mutation() {
    let p = b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n)R(K\x01K\x02u.";
    let a = analyze(p, &Limits::default());
    assert!(!a.mutations.is_empty(), "{a:#?}");
}

#[test]
fn ext_opcode_is_recorded_and_call_marked() {
    let p = [0x80, 2, 0x82, 7, b')', b'R', b'.'];
    let a = analyze(&p, &Limits::default());
    assert_eq!(a.ext_refs.len(), 1);
    assert!(a.ext_refs[0].called);
}

fn binunicode(s: &[u8]) -> Vec<u8> {
    let mut p = vec![b'X'];
    p.extend((s.len() as u32).to_le_bytes());
    p.extend(s);
    p
}

fn binbytes(s: &[u8]) -> Vec<u8> {
    let mut p = vec![b'B'];
    p.extend((s.len() as u32).to_le_bytes());
    p.extend(s);
    p
}

fn wrap(value: Vec<u8>) -> Vec<u8> {
    let mut p = vec![0x80, 2];
    p.extend(value);
    p.push(b'.');
    p
}

#[test]
fn url_safe_base64_of_a_protocol0_pickle_is_found() {
    use base64::Engine;
    let inner = b"cposix\nsystem\n(S'echo hi'\ntR.";
    let enc = base64::engine::general_purpose::URL_SAFE.encode(inner);
    let a = analyze(&wrap(binunicode(enc.as_bytes())), &Limits::default());
    assert_eq!(a.nested.len(), 1);
    assert_eq!(a.nested[0].encoding.as_str(), "base64");
    assert_eq!(a.nested[0].analysis.globals[0].calls, 1);
}

#[test]
fn zlib_and_gzip_wrapped_pickles_are_found() {
    use std::io::Write;
    let inner = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x04echo\x85R.";
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(inner).unwrap();
    let a = analyze(&wrap(binbytes(&z.finish().unwrap())), &Limits::default());
    assert_eq!(a.nested.len(), 1);
    assert_eq!(a.nested[0].encoding.as_str(), "zlib");
    let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    g.write_all(inner).unwrap();
    let a = analyze(&wrap(binbytes(&g.finish().unwrap())), &Limits::default());
    assert_eq!(a.nested[0].encoding.as_str(), "gzip");
    assert_eq!(find(&a.nested[0].analysis.globals, "os.system").calls, 1);
}

#[test]
fn ordinary_strings_are_not_nested_pickles() {
    for s in [
        &b"gAAAA this is not base64 at all"[..],
        b"0123456789abcdef0123456789abcdef",
        b"cat\ndog\n and more text",
    ] {
        let a = analyze(&wrap(binunicode(s)), &Limits::default());
        assert!(a.nested.is_empty(), "{:?}", String::from_utf8_lossy(s));
    }
}

#[test]
fn copyreg_reconstructor_base_init_is_a_call() {
    // copyreg._reconstructor(mypkg.Thing, subprocess.Popen, 'echo hi')
    let p = b"\x80\x02ccopyreg\n_reconstructor\ncmypkg\nThing\ncsubprocess\nPopen\nX\x07\x00\x00\x00echo hi\x87R.";
    let a = analyze(p, &Limits::default());
    let popen = find(&a.globals, "subprocess.Popen");
    assert_eq!(popen.calls, 1, "{popen:?}");
    assert_eq!(popen.first_call.as_ref().unwrap().args, "(\"echo hi\",)");
    assert_eq!(find(&a.globals, "mypkg.Thing").calls, 1);
}

#[test]
fn overlapping_probes_of_trailing_data_have_a_budget() {
    // A complete stream, then 30,000 PROTO headers whose streams never stop:
    // every probe would run to the end of the data (quadratic without a budget).
    let mut p = b"N.".to_vec();
    for _ in 0..30_000 {
        p.extend_from_slice(b"\x80\x02N");
    }
    let limits = Limits {
        max_resync_ops: 200_000,
        ..Limits::default()
    };
    let a = analyze(&p, &limits);
    assert_eq!(a.limit.as_ref().map(|l| l.limit), Some("max_resync_ops"));
    assert!(a.ops < 1_000_000, "{}", a.ops);
}

fn dill_fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/dill")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn dill_data_reconstructors_are_inert_and_resolve_what_they_reach() {
    // `dill.dumps` of a training state: a `__main__` class rebuilt by value,
    // namedtuples, a lock, NoneType and builtin types.
    let a = analyze(
        &dill_fixture("benign_dill_training_state.pkl"),
        &Limits::default(),
    );
    for g in a.globals.iter().filter(|g| g.module == "dill._dill") {
        assert!(g.only_inert_calls(), "{g:#?}");
    }
    assert!(find(&a.globals, "builtins.setattr").only_inert_calls());
    let none = find(&a.globals, "types.NoneType");
    assert_eq!(none.kind, ImportKind::Derived);
    assert_eq!(
        none.via.as_deref(),
        Some("dill._dill._load_type(\"NoneType\")")
    );
    assert_eq!(find(&a.globals, "builtins.type").calls, 1);
    assert!(a.unresolved.is_empty(), "{:#?}", a.unresolved);
}

#[test]
fn dill_namedtuple_import_is_a_resolver() {
    let a = analyze(
        &dill_fixture("PKL001_dill_namedtuple_resolves_os_system.pkl"),
        &Limits::default(),
    );
    let g = find(&a.globals, "os.system");
    assert_eq!(g.kind, ImportKind::Derived);
    assert_eq!(g.calls, 1);
    assert!(
        g.via
            .as_deref()
            .unwrap()
            .starts_with("dill._dill._create_namedtuple(\"system\"")
    );
    assert_eq!(
        g.first_call.as_ref().unwrap().args,
        "(\"echo sentrascan-fixture\",)"
    );
}

#[test]
fn an_inert_call_does_not_clear_a_global_that_is_also_passed_on() {
    let a = analyze(
        &dill_fixture("PKL001_setattr_passed_on_as_a_value.pkl"),
        &Limits::default(),
    );
    let g = find(&a.globals, "builtins.setattr");
    assert_eq!((g.calls, g.inert_calls), (1, 1));
    // Once into `partial`'s argument tuple, once (inside the partial) into the list.
    assert_eq!(g.escapes, 2);
    assert!(!g.only_inert_calls());
    // setattr on a library class is never inert.
    let a = analyze(
        &dill_fixture("PKL001_setattr_patches_library_class.pkl"),
        &Limits::default(),
    );
    let g = find(&a.globals, "builtins.setattr");
    assert_eq!((g.calls, g.inert_calls), (1, 0));
}

#[test]
fn a_main_namedtuple_called_rather_than_constructed_is_the_loaders_global() {
    // `_create_namedtuple('Popen', ('x',), '__main__')` returns
    // `__main__.Popen` when the loading program imported it; REDUCE calls it.
    let mut p = b"\x80\x02cdill._dill\n_create_namedtuple\n(".to_vec();
    p.extend(su("Popen"));
    p.extend(b"(");
    p.extend(su("x"));
    p.extend(b"t");
    p.extend(su("__main__"));
    p.extend(b"tR(");
    p.extend(su("echo"));
    p.extend(b"tR.");
    let a = analyze(&p, &Limits::default());
    let g = find(&a.globals, "__main__.Popen");
    assert_eq!((g.kind, g.calls), (ImportKind::Derived, 1));
    assert!(find(&a.globals, "dill._dill._create_namedtuple").only_inert_calls());
    // Constructed the way dill constructs namedtuples (NEWOBJ): inert.
    let p2: Vec<u8> = {
        let mut q = p.clone();
        let n = q.len();
        q[n - 2] = 0x81; // NEWOBJ instead of REDUCE
        q
    };
    let a = analyze(&p2, &Limits::default());
    assert!(
        a.globals.iter().all(|g| g.module != "__main__"),
        "{:#?}",
        a.globals
    );
}

#[test]
fn subclassing_calls_each_base() {
    // type('X', (logging.Handler,), {}) runs the base's metaclass and
    // __init_subclass__.
    let mut p = b"\x80\x02cbuiltins\ntype\n(".to_vec();
    p.extend(su("X"));
    p.extend(b"clogging\nHandler\n\x85}tR.");
    let a = analyze(&p, &Limits::default());
    assert_eq!(find(&a.globals, "logging.Handler").calls, 1);
}
