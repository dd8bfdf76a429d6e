use super::proto::{AttrValue, MetaInfoDef, TensorProto, VersionDef};
use super::*;

fn key(number: u32, wire_type: u8) -> Vec<u8> {
    varint_bytes(u64::from(number) << 3 | u64::from(wire_type))
}

fn varint_bytes(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

fn bytes_field(number: u32, b: &[u8]) -> Vec<u8> {
    let mut out = key(number, 2);
    out.extend(varint_bytes(b.len() as u64));
    out.extend_from_slice(b);
    out
}

fn node(name: &str, op: &str, inputs: &[&str]) -> NodeDef {
    NodeDef {
        name: name.into(),
        op: op.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        ..NodeDef::default()
    }
}

fn const_string(name: &str, value: &str) -> NodeDef {
    let mut n = node(name, "Const", &[]);
    n.attr.insert(
        "value".into(),
        AttrValue {
            tensor: Some(TensorProto {
                dtype: proto::DT_STRING,
                string_val: vec![value.as_bytes().to_vec()],
            }),
            ..AttrValue::default()
        },
    );
    n
}

fn graph_bytes(nodes: &[NodeDef], functions: &[(&str, Vec<NodeDef>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for n in nodes {
        out.extend(bytes_field(1, &n.encode_to_vec()));
    }
    if !functions.is_empty() {
        let mut lib = Vec::new();
        for (name, body) in functions {
            let mut f = bytes_field(
                1,
                &OpDef {
                    name: name.to_string(),
                    ..OpDef::default()
                }
                .encode_to_vec(),
            );
            for n in body {
                f.extend(bytes_field(3, &n.encode_to_vec()));
            }
            lib.extend(bytes_field(1, &f));
        }
        out.extend(bytes_field(2, &lib));
    }
    out
}

fn meta_graph_bytes(graph: &[u8]) -> Vec<u8> {
    let info = MetaInfoDef {
        tags: vec!["serve".into()],
        tensorflow_version: "2.15.0".into(),
        ..MetaInfoDef::default()
    };
    let mut out = bytes_field(1, &info.encode_to_vec());
    out.extend(bytes_field(2, graph));
    out
}

fn saved_model_bytes(graph: &[u8]) -> Vec<u8> {
    let mut out = vec![0x08, 0x01];
    out.extend(bytes_field(2, &meta_graph_bytes(graph)));
    out
}

fn sample_graph() -> Vec<u8> {
    graph_bytes(
        &[
            node("x", "Placeholder", &[]),
            const_string("path", "/etc/passwd"),
            node("read", "ReadFile", &["path"]),
        ],
        &[("__inference_f_12", vec![node("py", "EagerPyFunc", &["x"])])],
    )
}

#[test]
fn sniffs_each_kind() {
    let g = sample_graph();
    assert_eq!(sniff(&g), Some(TfKind::GraphDef));
    assert_eq!(sniff(&meta_graph_bytes(&g)), Some(TfKind::MetaGraph));
    assert_eq!(sniff(&saved_model_bytes(&g)), Some(TfKind::SavedModel));
    // A MetaGraphDef whose first field is the graph.
    assert_eq!(sniff(&bytes_field(2, &g)), Some(TfKind::MetaGraph));
}

#[test]
fn does_not_sniff_other_content() {
    // ONNX ModelProto: ir_version 8, producer_name "pytorch", graph (7).
    let mut onnx = vec![0x08, 0x08];
    onnx.extend(bytes_field(2, b"pytorch"));
    onnx.extend(bytes_field(7, &bytes_field(1, b"node")));
    assert_eq!(sniff(&onnx), None);
    // Same with ir_version 1: producer_name is not a meta graph.
    onnx[1] = 0x01;
    assert_eq!(sniff(&onnx), None);
    for other in [
        &b"{\"a\": 1}"[..],
        b"# README\nhello",
        b"",
        b"\x80\x04K\x01.",
        b"PK\x03\x04",
        // A string field that holds text, not a node.
        &bytes_field(1, b"lenet")[..],
    ] {
        assert_eq!(sniff(other), None, "{other:?}");
    }
}

#[test]
fn parses_graph_functions_and_metadata() {
    let g = sample_graph();
    let view = parse(
        &saved_model_bytes(&g),
        TfKind::SavedModel,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(view.schema_version, Some(1));
    assert_eq!(view.meta_graphs.len(), 1);
    let m = &view.meta_graphs[0];
    assert_eq!(m.info.as_ref().unwrap().tags, ["serve"]);
    assert_eq!(m.graph.nodes.len(), 3);
    assert_eq!(m.graph.nodes[2].def.op, "ReadFile");
    assert_eq!(m.graph.nodes[2].def.input, ["path"]);
    assert!(m.graph.nodes.iter().all(|n| n.complete));
    let t = m.graph.nodes[1].def.attr["value"].tensor.as_ref().unwrap();
    assert_eq!(t.string_val, [b"/etc/passwd".to_vec()]);
    assert_eq!(m.graph.functions.len(), 1);
    assert_eq!(m.graph.functions[0].signature.name, "__inference_f_12");
    assert_eq!(m.graph.functions[0].nodes[0].def.op, "EagerPyFunc");
    assert_eq!(view.node_count(), 4);
    assert!(view.problems.is_empty() && view.limits_hit.is_empty());
}

#[test]
fn node_and_function_limits_stop_the_walk() {
    let g = sample_graph();
    let limits = Limits {
        max_tf_nodes: 2,
        ..Limits::default()
    };
    let view = parse(&g, TfKind::GraphDef, &limits).unwrap();
    assert_eq!(view.node_count(), 2);
    assert_eq!(view.limits_hit, [("max_tf_nodes", 2)]);
    let limits = Limits {
        max_tf_functions: 0,
        ..Limits::default()
    };
    let view = parse(&g, TfKind::GraphDef, &limits).unwrap();
    assert!(view.meta_graphs[0].graph.functions.is_empty());
    assert_eq!(view.limits_hit, [("max_tf_functions", 0)]);
}

#[test]
fn large_nodes_are_read_without_attributes() {
    let mut big = const_string("w", "x");
    big.attr.get_mut("value").unwrap().s = Some(vec![b'a'; MAX_FULL_NODE_BYTES]);
    let g = graph_bytes(&[big, node("r", "ReadFile", &["w"])], &[]);
    let view = parse(&g, TfKind::GraphDef, &Limits::default()).unwrap();
    let nodes = &view.meta_graphs[0].graph.nodes;
    assert_eq!(nodes.len(), 2);
    assert!(!nodes[0].complete && nodes[0].def.attr.is_empty());
    assert_eq!(
        (nodes[0].def.name.as_str(), nodes[0].def.op.as_str()),
        ("w", "Const")
    );
    assert!(nodes[1].complete);
}

#[test]
fn malformed_parts_are_recorded_and_earlier_nodes_kept() {
    let mut g = graph_bytes(&[node("a", "Const", &[])], &[]);
    // A node whose name field runs past its own end.
    g.extend(bytes_field(1, &[0x0a, 0x09, b'x']));
    // Then a truncated field.
    g.extend([0x0a, 0x7f]);
    let view = parse(&g, TfKind::GraphDef, &Limits::default()).unwrap();
    assert_eq!(view.meta_graphs[0].graph.nodes.len(), 1);
    assert_eq!(view.problems.len(), 2, "{:?}", view.problems);
    assert!(parse(&[0x0a, 0x7f], TfKind::GraphDef, &Limits::default()).is_err());
}

#[test]
fn truncation_at_every_offset_never_panics() {
    let data = saved_model_bytes(&sample_graph());
    for end in 0..=data.len() {
        let d = &data[..end];
        let _ = sniff(d);
        for kind in [
            TfKind::SavedModel,
            TfKind::MetaGraph,
            TfKind::GraphDef,
            TfKind::KerasMetadata,
        ] {
            let _ = parse(d, kind, &Limits::default());
        }
    }
}

#[test]
fn deeply_nested_attributes_are_an_error_not_a_crash() {
    // AttrValue.func (10) -> NameAttrList.attr (2) entry value (2) -> AttrValue ...
    let mut inner: Vec<u8> = Vec::new();
    for _ in 0..200 {
        let entry = [bytes_field(1, b"k"), bytes_field(2, &inner)].concat();
        let nal = bytes_field(2, &entry);
        inner = bytes_field(10, &nal);
    }
    let entry = [bytes_field(1, b"f"), bytes_field(2, &inner)].concat();
    let n = [
        bytes_field(1, b"n"),
        bytes_field(2, b"Op"),
        bytes_field(5, &entry),
    ]
    .concat();
    let g = bytes_field(1, &n);
    let view = parse(&g, TfKind::GraphDef, &Limits::default()).unwrap();
    assert!(view.meta_graphs[0].graph.nodes.is_empty());
    assert_eq!(view.problems.len(), 1);
}

#[test]
fn keras_metadata_by_name_and_structure() {
    let obj = SavedObject {
        node_id: 1,
        node_path: "root".into(),
        identifier: "_tf_keras_network".into(),
        metadata: "{\"class_name\": \"Sequential\"}".into(),
    };
    let data = bytes_field(1, &obj.encode_to_vec());
    assert_eq!(sniff(&data), None);
    assert!(sniff_keras_metadata(&data, "keras_metadata.pb"));
    assert!(!sniff_keras_metadata(&data, "other.pb"));
    assert!(!sniff_keras_metadata(b"hello", "keras_metadata.pb"));
    let view = parse(&data, TfKind::KerasMetadata, &Limits::default()).unwrap();
    assert_eq!(view.keras_objects, [obj]);
}

#[test]
fn op_names() {
    assert!(is_op_name(b"ReadFile"));
    assert!(is_op_name(b"_Arg"));
    assert!(is_op_name(b"Addons>Resampler"));
    assert!(!is_op_name(b""));
    assert!(!is_op_name(b"\n\x04"));
    assert!(!is_op_name(b"1abc"));
}

#[test]
fn reordered_fields_are_recognised_by_name() {
    let g = sample_graph();
    // Versions first, then the nodes: TensorFlow accepts any field order.
    let mut reordered = bytes_field(
        4,
        &VersionDef {
            producer: 1,
            min_consumer: 0,
        }
        .encode_to_vec(),
    );
    reordered.extend(&g);
    assert_eq!(sniff(&reordered), None);
    assert_eq!(sniff_named(&reordered, "frozen.pb"), Some(TfKind::GraphDef));
    assert_eq!(sniff_named(&reordered, "notes.txt"), None);
    // A SavedModel without its schema version.
    let sm = bytes_field(2, &meta_graph_bytes(&g));
    assert_eq!(sniff_named(&sm, "saved_model.pb"), Some(TfKind::SavedModel));
    assert_eq!(sniff_named(b"hello world", "saved_model.pb"), None);
    assert_eq!(sniff_named(&reordered, "x.meta"), None);
    // A SavedModel with no meta graph is a problem, not a clean file.
    let view = parse(&[0x08, 0x01], TfKind::SavedModel, &Limits::default()).unwrap();
    assert_eq!(view.problems.len(), 1);
}
