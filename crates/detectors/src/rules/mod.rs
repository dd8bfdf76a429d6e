//! Rule families, one module each, one file per rule.

pub mod archive;
pub mod gguf;
pub mod hdf5;
pub mod keras;
pub mod numpy;
pub mod onnx;
pub mod openvino;
pub mod paddle;
pub mod pmml;
pub mod skops;
pub mod xml;

pub mod pickle;
pub mod pytorch;
pub mod safetensors;
pub mod scanner;
pub mod template;
pub mod tensorflow;
pub mod tflite;
pub mod weights;
