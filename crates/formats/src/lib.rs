//! Bounded parsers that turn model-file bytes into structured views.
//!
//! Nothing here executes, imports or unpickles anything: the pickle
//! "machine" is a symbolic interpreter that only records what a real
//! unpickler *would* import and call. Every parser takes the bytes and a
//! [`Limits`] and returns a typed view; every length read from a file is
//! checked against the limits and the bytes actually present before anything
//! is allocated, recursion is depth-limited, and hostile input yields an
//! error or an anomaly in the view, never a panic.
//!
//! The crate has no file-system or network access: callers hand it bytes
//! (typically a memory map) and decide what to do with the views.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::arithmetic_side_effects
    )
)]

pub mod catboost;
pub mod compress;
pub mod coreml;
mod cursor;
pub mod executable;
pub mod executorch;
mod flatbuf;
pub mod flax;
pub mod gbt;
pub mod gguf;
pub mod hdf5;
pub mod keras;
pub mod lightgbm;
pub mod limits;
pub mod llamafile;
pub mod mar;
pub mod modelcard;
pub mod msgpack;
pub mod nemo;
pub mod npy;
pub mod oci;
pub mod onnx;
pub mod openvino;
pub mod orbax;
pub mod paddle;
pub mod pmml;
pub mod skops;
pub mod xml;

pub mod cntk;
pub mod config;
pub mod mxnet;
pub mod pickle;
pub mod pymarshal;
pub mod python;
pub mod rds;
pub mod rknn;
pub mod safetensors;
pub mod secrets;
pub mod sevenz;
pub mod sniff;
pub mod tar;
pub mod template;
pub mod tensorflow;
pub mod tensorrt;
pub mod tflite;
pub mod torch;
pub mod torch7;
pub mod ubjson;
pub mod weights;
pub mod xgboost;
pub mod zip;

pub use limits::Limits;
