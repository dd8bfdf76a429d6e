//! Rule families, one module each, one file per rule.

pub mod archive;
pub mod cntk;
pub mod coreml;
pub mod executorch;
pub mod config;
pub mod executable;
pub mod gguf;
pub mod hdf5;
pub mod hfrepo;
pub mod keras;
pub mod llamafile;
pub mod mar;
pub mod mxnet;
pub mod nemo;
pub mod numpy;
pub mod oci;
pub mod onnx;
pub mod openvino;
pub mod paddle;
pub mod pmml;
pub mod skops;
pub mod xml;

pub mod pickle;
pub mod python;
pub mod pytorch;
pub mod rds;
pub mod rknn;
pub mod safetensors;
pub mod scanner;
pub mod secrets;
pub mod template;
pub mod tensorflow;
pub mod tensorrt;
pub mod tflite;
pub mod torch7;
