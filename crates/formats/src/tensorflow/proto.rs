//! The subset of TensorFlow's protobuf messages the scan reads, written
//! from the field numbers of `saved_model.proto`, `meta_graph.proto`,
//! `graph.proto`, `node_def.proto`, `attr_value.proto`, `function.proto`,
//! `op_def.proto`, `tensor.proto`, `saver.proto`, `versions.proto` and
//! Keras's `saved_metadata.proto`.
//!
//! Only fields the rules look at are declared: prost skips undeclared
//! fields without allocating, so bulk data (`TensorProto.tensor_content`,
//! numeric `*_val` arrays, shapes, the stripped op list, the object graph)
//! costs nothing. Oneofs are declared as plain optional fields: on the wire
//! a oneof member is an ordinary field. Repeated messages that can be
//! numerous (graph nodes, library functions, meta graphs) are not declared
//! here; the walker in the parent module reads them one at a time so that
//! their count is bounded before anything is allocated.

use std::collections::BTreeMap;

/// `tensorflow.MetaGraphDef.MetaInfoDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MetaInfoDef {
    #[prost(string, tag = "1")]
    pub meta_graph_version: String,
    #[prost(string, repeated, tag = "4")]
    pub tags: Vec<String>,
    #[prost(string, tag = "5")]
    pub tensorflow_version: String,
    #[prost(string, tag = "6")]
    pub tensorflow_git_version: String,
}

/// `tensorflow.SaverDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SaverDef {
    #[prost(string, tag = "1")]
    pub filename_tensor_name: String,
    #[prost(string, tag = "2")]
    pub save_tensor_name: String,
    #[prost(string, tag = "3")]
    pub restore_op_name: String,
}

/// One `map<string, CollectionDef>` entry of a MetaGraphDef.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CollectionEntry {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<CollectionDef>,
}

/// `tensorflow.CollectionDef` (oneof kind: node_list = 1, bytes_list = 2).
#[derive(Clone, PartialEq, prost::Message)]
pub struct CollectionDef {
    #[prost(message, optional, tag = "1")]
    pub node_list: Option<StringList>,
    #[prost(message, optional, tag = "2")]
    pub bytes_list: Option<BytesList>,
}

/// `CollectionDef.NodeList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StringList {
    #[prost(string, repeated, tag = "1")]
    pub value: Vec<String>,
}

/// `CollectionDef.BytesList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct BytesList {
    #[prost(bytes = "vec", repeated, tag = "1")]
    pub value: Vec<Vec<u8>>,
}

/// One `map<string, SignatureDef>` entry of a MetaGraphDef.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignatureEntry {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<SignatureDef>,
}

/// `tensorflow.SignatureDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignatureDef {
    #[prost(btree_map = "string, message", tag = "1")]
    pub inputs: BTreeMap<String, TensorInfo>,
    #[prost(btree_map = "string, message", tag = "2")]
    pub outputs: BTreeMap<String, TensorInfo>,
    #[prost(string, tag = "3")]
    pub method_name: String,
}

/// `tensorflow.TensorInfo` (oneof encoding: name = 1).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorInfo {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(int32, tag = "2")]
    pub dtype: i32,
}

/// `tensorflow.AssetFileDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AssetFileDef {
    #[prost(message, optional, tag = "1")]
    pub tensor_info: Option<TensorInfo>,
    #[prost(string, tag = "2")]
    pub filename: String,
}

/// `tensorflow.VersionDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct VersionDef {
    #[prost(int32, tag = "1")]
    pub producer: i32,
    #[prost(int32, tag = "2")]
    pub min_consumer: i32,
}

/// `tensorflow.NodeDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeDef {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub op: String,
    #[prost(string, repeated, tag = "3")]
    pub input: Vec<String>,
    #[prost(string, tag = "4")]
    pub device: String,
    #[prost(btree_map = "string, message", tag = "5")]
    pub attr: BTreeMap<String, AttrValue>,
}

/// A NodeDef read without its attributes and inputs: used for nodes too
/// large to decode in full (constants holding weights).
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeHead {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub op: String,
    #[prost(string, tag = "4")]
    pub device: String,
}

/// `tensorflow.AttrValue`; its oneof members are declared as optional fields.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AttrValue {
    #[prost(message, optional, tag = "1")]
    pub list: Option<ListValue>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub s: Option<Vec<u8>>,
    #[prost(int64, optional, tag = "3")]
    pub i: Option<i64>,
    #[prost(bool, optional, tag = "5")]
    pub b: Option<bool>,
    #[prost(int32, optional, tag = "6")]
    pub r#type: Option<i32>,
    #[prost(message, optional, tag = "8")]
    pub tensor: Option<TensorProto>,
    #[prost(string, optional, tag = "9")]
    pub placeholder: Option<String>,
    #[prost(message, optional, tag = "10")]
    pub func: Option<NameAttrList>,
}

/// `AttrValue.ListValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ListValue {
    #[prost(bytes = "vec", repeated, tag = "2")]
    pub s: Vec<Vec<u8>>,
    #[prost(message, repeated, tag = "8")]
    pub tensor: Vec<TensorProto>,
    #[prost(message, repeated, tag = "9")]
    pub func: Vec<NameAttrList>,
}

/// `tensorflow.NameAttrList`: a function name and its attributes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NameAttrList {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(btree_map = "string, message", tag = "2")]
    pub attr: BTreeMap<String, AttrValue>,
}

/// `tensorflow.TensorProto`: the dtype and string values only
/// (`tensor_content` and the numeric arrays are skipped by prost).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorProto {
    #[prost(int32, tag = "1")]
    pub dtype: i32,
    #[prost(bytes = "vec", repeated, tag = "8")]
    pub string_val: Vec<Vec<u8>>,
}

/// `tensorflow.OpDef`: the signature of a library function.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OpDef {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, repeated, tag = "2")]
    pub input_arg: Vec<ArgDef>,
    #[prost(message, repeated, tag = "3")]
    pub output_arg: Vec<ArgDef>,
}

/// `OpDef.ArgDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArgDef {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(int32, tag = "3")]
    pub r#type: i32,
}

/// `tensorflow.GradientDef`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GradientDef {
    #[prost(string, tag = "1")]
    pub function_name: String,
    #[prost(string, tag = "2")]
    pub gradient_func: String,
}

/// Keras's `SavedObject` (one node of `keras_metadata.pb`'s `SavedMetadata`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct SavedObject {
    #[prost(int32, tag = "2")]
    pub node_id: i32,
    #[prost(string, tag = "3")]
    pub node_path: String,
    #[prost(string, tag = "4")]
    pub identifier: String,
    #[prost(string, tag = "5")]
    pub metadata: String,
}

/// `tensorflow.DataType` values the SBOM names.
pub fn dtype_name(t: i32) -> &'static str {
    match t {
        1 => "float32",
        2 => "float64",
        3 => "int32",
        4 => "uint8",
        5 => "int16",
        6 => "int8",
        7 => "string",
        8 => "complex64",
        9 => "int64",
        10 => "bool",
        14 => "bfloat16",
        17 => "uint16",
        19 => "float16",
        20 => "resource",
        21 => "variant",
        22 => "uint32",
        23 => "uint64",
        _ => "other",
    }
}

/// `DT_STRING`.
pub const DT_STRING: i32 = 7;
