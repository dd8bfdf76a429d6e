//! Our own subset of `onnx.proto` (proto2), as prost messages.
//!
//! Only the fields the scan reads are declared; prost skips the others
//! without allocating. In particular no bulk tensor payload is declared
//! (`raw_data` 9, `float_data` 4, `int32_data` 5, `string_data` 6,
//! `int64_data` 7, `double_data` 10, `uint64_data` 11), so a model with
//! hundreds of megabytes of inline weights does not double in memory.
//! Strings are declared as bytes: proto2 does not promise UTF-8, and a
//! model whose names are not UTF-8 must still be read (lossily).
//!
//! Field numbers are those of `onnx/onnx.proto` (IR version 10/11).

/// `ModelProto`: the file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ModelProto {
    #[prost(int64, tag = "1")]
    pub ir_version: i64,
    #[prost(bytes = "vec", tag = "2")]
    pub producer_name: Vec<u8>,
    #[prost(bytes = "vec", tag = "3")]
    pub producer_version: Vec<u8>,
    #[prost(bytes = "vec", tag = "4")]
    pub domain: Vec<u8>,
    #[prost(int64, tag = "5")]
    pub model_version: i64,
    #[prost(bytes = "vec", tag = "6")]
    pub doc_string: Vec<u8>,
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
    #[prost(message, repeated, tag = "14")]
    pub metadata_props: Vec<StringStringEntryProto>,
    #[prost(message, repeated, tag = "25")]
    pub functions: Vec<FunctionProto>,
}

/// `OperatorSetIdProto`: one opset import.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OperatorSetIdProto {
    #[prost(bytes = "vec", tag = "1")]
    pub domain: Vec<u8>,
    #[prost(int64, tag = "2")]
    pub version: i64,
}

/// `StringStringEntryProto`: metadata and external-data key/value pairs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StringStringEntryProto {
    #[prost(bytes = "vec", tag = "1")]
    pub key: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

/// `GraphProto`: the main graph and every subgraph.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    #[prost(bytes = "vec", tag = "2")]
    pub name: Vec<u8>,
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    #[prost(bytes = "vec", tag = "10")]
    pub doc_string: Vec<u8>,
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "15")]
    pub sparse_initializer: Vec<SparseTensorProto>,
    #[prost(message, repeated, tag = "16")]
    pub metadata_props: Vec<StringStringEntryProto>,
}

/// `NodeProto`: one operator call.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeProto {
    #[prost(bytes = "vec", tag = "3")]
    pub name: Vec<u8>,
    #[prost(bytes = "vec", tag = "4")]
    pub op_type: Vec<u8>,
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
    #[prost(bytes = "vec", tag = "6")]
    pub doc_string: Vec<u8>,
    #[prost(bytes = "vec", tag = "7")]
    pub domain: Vec<u8>,
    #[prost(message, repeated, tag = "9")]
    pub metadata_props: Vec<StringStringEntryProto>,
}

/// `AttributeProto`: only the forms that can hold graphs, tensors or text.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AttributeProto {
    #[prost(bytes = "vec", tag = "1")]
    pub name: Vec<u8>,
    #[prost(bytes = "vec", tag = "4")]
    pub s: Vec<u8>,
    #[prost(message, optional, boxed, tag = "5")]
    pub t: Option<Box<TensorProto>>,
    #[prost(message, optional, boxed, tag = "6")]
    pub g: Option<Box<GraphProto>>,
    #[prost(bytes = "vec", repeated, tag = "9")]
    pub strings: Vec<Vec<u8>>,
    #[prost(message, repeated, tag = "10")]
    pub tensors: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    pub graphs: Vec<GraphProto>,
    #[prost(int32, tag = "20")]
    pub r#type: i32,
    #[prost(message, optional, boxed, tag = "22")]
    pub sparse_tensor: Option<Box<SparseTensorProto>>,
    #[prost(message, repeated, tag = "23")]
    pub sparse_tensors: Vec<SparseTensorProto>,
}

/// `TensorProto` without its payload fields (see the module docs).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    pub dims: Vec<i64>,
    #[prost(int32, tag = "2")]
    pub data_type: i32,
    #[prost(bytes = "vec", tag = "8")]
    pub name: Vec<u8>,
    #[prost(message, repeated, tag = "13")]
    pub external_data: Vec<StringStringEntryProto>,
    #[prost(int32, tag = "14")]
    pub data_location: i32,
}

/// `TensorProto.DataLocation.EXTERNAL`.
pub const DATA_LOCATION_EXTERNAL: i32 = 1;

/// `SparseTensorProto`: values and indices are tensors that may be external.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SparseTensorProto {
    #[prost(message, optional, tag = "1")]
    pub values: Option<TensorProto>,
    #[prost(message, optional, tag = "2")]
    pub indices: Option<TensorProto>,
    #[prost(int64, repeated, tag = "3")]
    pub dims: Vec<i64>,
}

/// `ValueInfoProto`: a graph input or output.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ValueInfoProto {
    #[prost(bytes = "vec", tag = "1")]
    pub name: Vec<u8>,
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
}

/// `TypeProto`: tensors in detail; other kinds are only named.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TypeProto {
    #[prost(message, optional, tag = "1")]
    pub tensor_type: Option<TypeTensor>,
    #[prost(message, optional, tag = "4")]
    pub sequence_type: Option<Opaque>,
    #[prost(message, optional, tag = "5")]
    pub map_type: Option<Opaque>,
    #[prost(message, optional, tag = "8")]
    pub sparse_tensor_type: Option<TypeTensor>,
    #[prost(message, optional, tag = "9")]
    pub optional_type: Option<Opaque>,
}

/// `TypeProto.Tensor` (and `TypeProto.SparseTensor`, which has the same fields).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TypeTensor {
    #[prost(int32, tag = "1")]
    pub elem_type: i32,
    #[prost(message, optional, tag = "2")]
    pub shape: Option<TensorShapeProto>,
}

/// `TensorShapeProto`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<Dimension>,
}

/// `TensorShapeProto.Dimension`: a number or a symbolic name.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Dimension {
    #[prost(int64, optional, tag = "1")]
    pub dim_value: Option<i64>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub dim_param: Option<Vec<u8>>,
}

/// A message whose contents the scan does not need.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Opaque {}

/// `FunctionProto`: a model-local function.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FunctionProto {
    #[prost(bytes = "vec", tag = "1")]
    pub name: Vec<u8>,
    #[prost(message, repeated, tag = "7")]
    pub node: Vec<NodeProto>,
    #[prost(bytes = "vec", tag = "8")]
    pub doc_string: Vec<u8>,
    #[prost(message, repeated, tag = "9")]
    pub opset_import: Vec<OperatorSetIdProto>,
    #[prost(bytes = "vec", tag = "10")]
    pub domain: Vec<u8>,
}
