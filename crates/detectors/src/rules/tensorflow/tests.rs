use sentrascan_formats::tensorflow::proto::{AttrValue, DT_STRING, NodeDef, OpDef, TensorProto};
use sentrascan_formats::tensorflow::{Function, Graph, MetaGraph, Node, TfKind, TfView};
use sentrascan_types::{Finding, Location};

use super::check_tensorflow;

pub(crate) fn node(name: &str, op: &str, inputs: &[&str]) -> NodeDef {
    NodeDef {
        name: name.into(),
        op: op.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        ..NodeDef::default()
    }
}

pub(crate) fn s_attr(s: &str) -> AttrValue {
    AttrValue {
        s: Some(s.as_bytes().to_vec()),
        ..AttrValue::default()
    }
}

pub(crate) fn const_string(name: &str, value: &str) -> NodeDef {
    let mut n = node(name, "Const", &[]);
    n.attr.insert(
        "value".into(),
        AttrValue {
            tensor: Some(TensorProto {
                dtype: DT_STRING,
                string_val: vec![value.as_bytes().to_vec()],
            }),
            ..AttrValue::default()
        },
    );
    n
}

fn nodes(defs: Vec<NodeDef>) -> Vec<Node> {
    defs.into_iter()
        .enumerate()
        .map(|(i, def)| Node {
            def,
            offset: i as u64,
            complete: true,
        })
        .collect()
}

pub(crate) fn run(graph: Graph) -> Vec<Finding> {
    let view = TfView {
        kind: TfKind::GraphDef,
        schema_version: None,
        meta_graphs: vec![MetaGraph {
            graph,
            ..MetaGraph::default()
        }],
        keras_objects: Vec::new(),
        limits_hit: Vec::new(),
        problems: Vec::new(),
    };
    let mut out = Vec::new();
    check_tensorflow(&view, &Location::file("m.pb"), &mut out);
    out
}

pub(crate) fn run_graph(defs: Vec<NodeDef>) -> Vec<Finding> {
    run(Graph {
        nodes: nodes(defs),
        ..Graph::default()
    })
}

/// `"CODE SEVERITY"` per finding, sorted.
pub(crate) fn rules(out: &[Finding]) -> Vec<String> {
    let mut v: Vec<String> = out
        .iter()
        .map(|f| format!("{} {}", f.rule, f.severity))
        .collect();
    v.sort();
    v
}

#[test]
fn ordinary_ops_and_function_calls_give_nothing() {
    let f = Function {
        signature: OpDef {
            name: "__inference_call_42".into(),
            ..OpDef::default()
        },
        nodes: nodes(vec![node("m", "MatMul", &["x", "w"])]),
        ..Function::default()
    };
    let out = run(Graph {
        nodes: nodes(vec![
            node("x", "Placeholder", &[]),
            node("w", "VarHandleOp", &[]),
            node("c", "__inference_call_42", &["x", "w"]),
            node("s", "StatefulPartitionedCall", &["x", "w"]),
            node("a", "_Arg", &[]),
        ]),
        functions: vec![f],
        ..Graph::default()
    });
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn library_functions_are_walked_and_arguments_are_fed() {
    let mut read = node("r", "ReadFile", &["path"]);
    read.input = vec!["path".into()];
    let f = Function {
        signature: OpDef {
            name: "__inference_f_1".into(),
            input_arg: vec![sentrascan_formats::tensorflow::proto::ArgDef {
                name: "path".into(),
                r#type: DT_STRING,
            }],
            ..OpDef::default()
        },
        nodes: nodes(vec![read, node("p", "EagerPyFunc", &[])]),
        ..Function::default()
    };
    let out = run(Graph {
        functions: vec![f],
        ..Graph::default()
    });
    assert_eq!(rules(&out), ["TF001 CRITICAL", "TF003 MEDIUM"]);
    assert_eq!(out[0].evidence["scope"], "function `__inference_f_1`");
}

#[test]
fn tracing_is_bounded_and_survives_cycles() {
    let mut defs: Vec<NodeDef> = (0..200)
        .map(|i| node(&format!("n{i}"), "Identity", &[&format!("n{}", i + 1)]))
        .collect();
    defs.push(node("loop", "Identity", &["loop:0", "^n0"]));
    defs.push(node("r", "ReadFile", &["n0"]));
    defs.push(node("r2", "ReadFile", &["loop"]));
    let out = run_graph(defs);
    assert_eq!(rules(&out), ["TF003 MEDIUM", "TF003 MEDIUM"]);
}

#[test]
fn print_to_a_file_and_descriptor_files() {
    let mut p = node("p", "PrintV2", &["x"]);
    p.attr
        .insert("output_stream".into(), s_attr("file:///tmp/log"));
    let mut q = node("q", "PrintV2", &["x"]);
    q.attr.insert("output_stream".into(), s_attr("stderr"));
    let mut d = node("d", "DecodeProtoV2", &["x"]);
    d.attr
        .insert("descriptor_source".into(), s_attr("/tmp/desc.bin"));
    let mut e = node("e", "DecodeProtoV2", &["x"]);
    e.attr
        .insert("descriptor_source".into(), s_attr("local://"));
    let out = run_graph(vec![p, q, d, e]);
    assert_eq!(rules(&out), ["TF002 HIGH", "TF003 HIGH"]);
}
