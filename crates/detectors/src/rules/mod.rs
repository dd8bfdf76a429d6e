//! Rule families, one module each, one file per rule.

pub mod archive;
pub mod flax;
pub mod gbt;
pub mod gguf;
pub mod hdf5;
pub mod keras;
pub mod numpy;
pub mod onnx;

pub mod pickle;
pub mod pytorch;
pub mod safetensors;
pub mod scanner;
pub mod template;
pub mod tensorflow;
pub mod tflite;
