//! Property tests: every parser returns (an analysis, a view or an error)
//! on any input, never panics. Three input shapes:
//!
//! * arbitrary bytes, which mostly exercise the decoders' error paths;
//! * byte strings assembled from valid pickle opcodes with random operands
//!   (memo keys, importable names, nested-pickle carriers), which get deep
//!   into the symbolic machine, with and without the legacy PyTorch magic
//!   in front;
//! * well-formed zip archives with random bytes overwritten, which get past
//!   the end-record search into the directory and member readers.
//!
//! Case counts are kept small so the file runs in a few seconds in the
//! debug profile; `fuzz/` runs the same entry points under libFuzzer.

use proptest::collection::vec;
use proptest::prelude::*;

use sentrascan_formats::pickle::{self, Analyzer};
use sentrascan_formats::{
    Limits, catboost, flax, lightgbm, orbax, sniff, tar, torch, xgboost, zip,
};

/// Small limits so limit paths are reached with small inputs.
fn tiny() -> Limits {
    Limits {
        max_pickle_ops: 2_000,
        max_memo_entries: 16,
        max_stack_depth: 64,
        max_container_items: 3,
        max_streams: 4,
        max_resync_scan_bytes: 512,
        max_nested_depth: 1,
        max_nested_bytes: 512,
        max_text_line: 64,
        max_archive_entries: 8,
        max_member_bytes: 256,
        max_archive_bytes: 1024,
        expansion_threshold: 64,
        ..Limits::default()
    }
}

/// Runs every entry point of the crate on `data` under `limits`.
fn run_all(data: &[u8], limits: &Limits) {
    let a = pickle::analyze(data, limits);
    assert!(a.ops <= limits.max_pickle_ops);
    for s in &a.streams {
        assert!(
            s.start <= s.end && s.end <= data.len() as u64,
            "stream {}..{} in {} bytes",
            s.start,
            s.end,
            data.len()
        );
    }
    let _ = pickle::sniff(data);
    let _ = sniff::sniff(data);
    let _ = torch::sniff_legacy(data);
    let _ = torch::legacy_layout_follows(data);

    let mut an = Analyzer::new(limits);
    let _info = torch::analyze_legacy(data, &mut an, limits);
    let _ = an.finish();

    if let Ok(view) = zip::parse(data, limits) {
        let _ = torch::classify_zip(&view);
        for e in &view.entries {
            let _ = e.data_range(data.len() as u64);
            if let Ok(bytes) = zip::member_data(data, e, limits) {
                // Stored members are borrowed slices of the input; only
                // inflated ones are bounded by `max_member_bytes`.
                if e.method == 8 {
                    assert!(bytes.len() as u64 <= limits.max_member_bytes);
                }
            }
        }
    }
    // Flax/Orbax and the gradient-boosted tree readers.
    if let Ok(view) = flax::parse(data, 10_000) {
        for b in view.blobs.iter().chain(&view.pickled) {
            assert!(b.offset < data.len() as u64);
        }
    }
    let _ = (flax::sniff(data), orbax::sniff(data), orbax::parse(data));
    let _ = (xgboost::parse_json(data), xgboost::parse_ubj(data, 10_000));
    let _ = (
        xgboost::parse_binary(data),
        xgboost::sniff_bare_binary(data),
    );
    let _ = (lightgbm::parse(data), catboost::parse(data));
    if let Ok(entries) = tar::entries(data, limits) {
        for e in &entries {
            assert!(e.data.start <= e.data.end && e.data.end <= data.len() as u64);
        }
    }
}

fn check(data: &[u8]) {
    run_all(data, &Limits::default());
    run_all(data, &tiny());
}

/// Module/name lines a pickle may import: the machine evaluates several of
/// them specially (getattr, import_module, attrgetter, partial, join, …).
const NAMES: &[(&str, &str)] = &[
    ("os", "system"),
    ("posix", "system"),
    ("builtins", "getattr"),
    ("builtins", "eval"),
    ("__builtin__", "eval"),
    ("builtins", "str.join"),
    ("builtins", "str"),
    ("builtins", "bytes.decode"),
    ("importlib", "import_module"),
    ("builtins", "__import__"),
    ("pkgutil", "resolve_name"),
    ("pydoc", "locate"),
    ("operator", "attrgetter"),
    ("operator", "methodcaller"),
    ("operator", "add"),
    ("functools", "partial"),
    ("copyreg", "_reconstructor"),
    ("copyreg", "__newobj__"),
    ("codecs", "decode"),
    ("collections", "OrderedDict"),
    ("torch._utils", "_rebuild_tensor_v2"),
    ("torch", "FloatStorage"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("pickle", "loads"),
    ("x", "y.z"),
];

/// Text operands: identifiers the resolvers understand, encodings, and
/// carriers of embedded pickles (raw, base64, hex).
const STRINGS: &[&[u8]] = &[
    b"os",
    b"system",
    b"os:system",
    b"os.system",
    b"builtins.eval",
    b"eval",
    b"rot13",
    b"flfgrz",
    b"",
    b"storage",
    b"0",
    b"cpu",
    b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N.",
    b"cos\nsystem\n(S'id'\ntR.",
    b"gASVBQAAAAAAAABOLg==",
    b"80049505000000000000004e2e",
    b"63706f7369780a73797374656d0a2e",
];

fn bytes_operand() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::sample::select(STRINGS).prop_map(<[u8]>::to_vec),
        1 => vec(any::<u8>(), 0..12),
    ]
}

/// A text line (no newline) for INT, LONG, FLOAT, STRING, UNICODE, PERSID, GET, PUT.
fn line_operand() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (0u8..10).prop_map(|k| k.to_string().into_bytes()),
        Just(b"01".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"123456789012345678901234567890L".to_vec()),
        Just(b"1.5".to_vec()),
        Just(b"nan".to_vec()),
        Just(b"'os'".to_vec()),
        Just(b"'system'".to_vec()),
        Just(b"'\\x80\\x02N.'".to_vec()),
        Just(b"\"a\\nb\"".to_vec()),
        Just(b"\\u0041\\U0001f600".to_vec()),
        vec(
            any::<u8>().prop_filter("no newline", |b| *b != b'\n'),
            0..10
        ),
    ]
}

fn counted(op: u8, width: usize, body: Vec<u8>) -> Vec<u8> {
    let mut v = vec![op];
    v.extend_from_slice(&(body.len() as u64).to_le_bytes()[..width]);
    v.extend(body);
    v
}

/// One opcode with a valid (or occasionally deliberately wrong) operand.
fn opcode() -> impl Strategy<Value = Vec<u8>> {
    // Opcodes without operands.
    const BARE: &[u8] =
        b"(.012NRab}d]el)otsu\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98Q";
    prop_oneof![
        // Structure and calls dominate: that is where the machine's logic is.
        8 => prop::sample::select(BARE).prop_map(|b| vec![b]),
        4 => (prop::sample::select(NAMES), any::<bool>()).prop_map(|((m, n), inst)| {
            format!("{}{m}\n{n}\n", if inst { 'i' } else { 'c' }).into_bytes()
        }),
        4 => bytes_operand().prop_map(|b| counted(0x8c, 1, b)),
        2 => bytes_operand().prop_map(|b| counted(b'X', 4, b)),
        1 => bytes_operand().prop_map(|b| counted(b'U', 1, b)),
        1 => bytes_operand().prop_map(|b| counted(b'C', 1, b)),
        1 => bytes_operand().prop_map(|b| counted(b'B', 4, b)),
        1 => bytes_operand().prop_map(|b| counted(b'T', 4, b)),
        1 => bytes_operand().prop_map(|b| counted(0x8d, 8, b)),
        1 => bytes_operand().prop_map(|b| counted(0x8e, 8, b)),
        1 => bytes_operand().prop_map(|b| counted(0x96, 8, b)),
        1 => vec(any::<u8>(), 0..12).prop_map(|b| counted(0x8a, 1, b)),
        1 => vec(any::<u8>(), 0..40).prop_map(|b| counted(0x8b, 4, b)),
        // Memo traffic with small keys, so GETs find PUTs.
        3 => (prop::sample::select(&b"hq"[..]), 0u8..6).prop_map(|(op, k)| vec![op, k]),
        1 => (prop::sample::select(&b"jr"[..]), 0u32..6).prop_map(|(op, k)| {
            let mut v = vec![op];
            v.extend(k.to_le_bytes());
            v
        }),
        // Text-line operands.
        3 => (prop::sample::select(&b"FILPSVgp"[..]), line_operand()).prop_map(|(op, mut l)| {
            l.insert(0, op);
            l.push(b'\n');
            l
        }),
        // Fixed-width operands.
        1 => any::<i32>().prop_map(|i| {
            let mut v = vec![b'J'];
            v.extend(i.to_le_bytes());
            v
        }),
        1 => any::<u8>().prop_map(|i| vec![b'K', i]),
        1 => any::<u16>().prop_map(|i| {
            let mut v = vec![b'M'];
            v.extend(i.to_le_bytes());
            v
        }),
        1 => any::<f64>().prop_map(|f| {
            let mut v = vec![b'G'];
            v.extend(f.to_be_bytes());
            v
        }),
        1 => (0u8..8).prop_map(|p| vec![0x80, p]),
        1 => any::<u8>().prop_map(|c| vec![0x82, c]),
        1 => any::<u16>().prop_map(|c| {
            let mut v = vec![0x83];
            v.extend(c.to_le_bytes());
            v
        }),
        1 => any::<u32>().prop_map(|c| {
            let mut v = vec![0x84];
            v.extend(c.to_le_bytes());
            v
        }),
        1 => (0u64..64).prop_map(|n| {
            let mut v = vec![0x95];
            v.extend(n.to_le_bytes());
            v
        }),
        // Now and then, raw garbage between opcodes.
        1 => vec(any::<u8>(), 1..6),
    ]
}

/// A stream: optional PROTO header, opcodes, usually a STOP.
fn pickle_stream() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::option::of(2u8..=5),
        vec(opcode(), 0..48),
        any::<bool>(),
    )
        .prop_map(|(proto, ops, stop)| {
            let mut out = Vec::new();
            if let Some(p) = proto {
                out.extend([0x80, p]);
            }
            for op in ops {
                out.extend(op);
            }
            if stop {
                out.push(b'.');
            }
            out
        })
}

/// One to three streams back to back, sometimes after the legacy magic.
fn pickle_file() -> impl Strategy<Value = Vec<u8>> {
    (any::<bool>(), vec(pickle_stream(), 1..4)).prop_map(|(legacy, streams)| {
        let mut out = Vec::new();
        if legacy {
            out.extend_from_slice(torch::LEGACY_MAGIC);
            out.extend_from_slice(b"\x80\x02M\xe9\x03.");
        }
        for s in streams {
            out.extend(s);
        }
        out
    })
}

/// A stored or deflated zip archive built by hand, `torch.save`-shaped.
fn zip_archive(members: &[(String, Vec<u8>, bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, deflate) in members {
        let body = if *deflate {
            use std::io::Write;
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.clone()
        };
        let method: u16 = if *deflate { 8 } else { 0 };
        let crc = zip::crc32(data);
        let offset = out.len() as u32;
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(method.to_le_bytes());
        out.extend([0u8; 4]);
        out.extend(crc.to_le_bytes());
        out.extend((body.len() as u32).to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name.as_bytes());
        out.extend(&body);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(0x031eu16.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(method.to_le_bytes());
        central.extend([0u8; 4]);
        central.extend(crc.to_le_bytes());
        central.extend((body.len() as u32).to_le_bytes());
        central.extend((data.len() as u32).to_le_bytes());
        central.extend((name.len() as u16).to_le_bytes());
        central.extend([0u8; 8]);
        central.extend((0o100644u32 << 16).to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const MEMBER_NAMES: &[&str] = &[
    "archive/data.pkl",
    "archive/version",
    "archive/data/0",
    "archive/code/m.py",
    "archive/constants.pkl",
    "x/../y",
];

/// Leading bytes that steer `sniff` and the readers into each format.
const MAGICS: &[&[u8]] = &[
    b"\x80\x02",
    b"\x80\x05",
    b"PK\x03\x04",
    b"PK\x05\x06",
    torch::LEGACY_MAGIC,
    b"c",
    b"(",
    b"CBM1",
    b"binf",
    b"bs64",
    b"tree\nversion=v4\n",
    b"{L\x00\x00\x00\x00\x00\x00\x00\x07learner{",
    b"{\"learner\":{",
    b"\x82\xa6params\x81",
];

/// A small PyTorch-like zip (pickle members and raw records) with a few
/// bytes overwritten at random positions.
fn mutated_zip() -> impl Strategy<Value = Vec<u8>> {
    let member = (
        prop::sample::select(MEMBER_NAMES),
        prop_oneof![pickle_stream(), vec(any::<u8>(), 0..32)],
        any::<bool>(),
    )
        .prop_map(|(n, d, z)| (n.to_string(), d, z));
    (
        vec(member, 1..4),
        vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    )
        .prop_map(|(members, flips)| {
            let mut z = zip_archive(&members);
            for (i, b) in flips {
                let i = i.index(z.len());
                z[i] = b;
            }
            z
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in vec(any::<u8>(), 0..2048)) {
        check(&data);
    }

    #[test]
    fn arbitrary_bytes_after_a_format_magic_never_panic(
        magic in prop::sample::select(MAGICS),
        rest in vec(any::<u8>(), 0..1024),
    ) {
        let mut data = magic.to_vec();
        data.extend(rest);
        check(&data);
    }

    #[test]
    fn opcode_built_pickles_never_panic(data in pickle_file()) {
        check(&data);
    }

    #[test]
    fn mutated_zip_archives_never_panic(data in mutated_zip()) {
        check(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// A tar header block (ustar magic at 257) followed by random bytes:
    /// gets the `tar` crate past its first checksum now and then.
    #[test]
    fn tar_shaped_bytes_never_panic(
        name in "[a-z_/]{1,20}",
        size in 0u64..2048,
        kind in prop::sample::select(&b"0125LKx"[..]),
        body in vec(any::<u8>(), 0..2048),
    ) {
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..107].copy_from_slice(b"0000644");
        h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
        h[156] = kind;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        let mut data = h.to_vec();
        data.extend(body);
        check(&data);
    }
}

#[test]
fn known_tricky_inputs_never_panic() {
    let cases: &[&[u8]] = &[
        b"",
        b".",
        b"]2a.",                       // a list that contains itself
        b"}2q\x002s.",                 // a dict that holds itself as a key and value
        b"(((((((((((((((((((((((((.", // marks without values
        b"\x80\x02R.",                 // REDUCE on an empty stack
        b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xffN.",
        b"\x8e\xff\xff\xff\xff\xff\xff\xff\x7f",
        b"PK\x05\x06\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\0\0",
    ];
    for c in cases {
        check(c);
    }
}
