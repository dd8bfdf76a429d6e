//! Content sniffing: which format a buffer holds, from its bytes alone.

/// A format recognised from content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sniffed {
    Zip,
    Tar,
    Gzip,
    Zlib,
    Bzip2,
    Xz,
    Lzma,
    Zstd,
    Lz4,
    SevenZip,
    NumPy,
    Hdf5,
    Gguf,
    TfLite,
    /// A protobuf `ModelProto` (ONNX has no magic; see [`crate::onnx::sniff`]).
    Onnx,

    /// A TensorFlow protobuf (SavedModel, MetaGraph or GraphDef).
    TensorFlow(crate::tensorflow::TfKind),
    SafeTensors,
    PytorchLegacy,
    Pickle,
    FlaxMsgpack,
    OrbaxCheckpoint,
    XgboostJson,
    XgboostUbj,
    XgboostBinary,
    LightGbm,
    CatBoost,
    ExecuTorch,
    PytorchMobile,
    TensorRt,
    Rknn,
    CoreMl,
    Cntk,
    MxnetSymbol,
    MxnetParams,
    OpenVino,
    Pmml,
    Xml,
    PaddleModel,
    PaddleParams,
    Skops,
    Nemo,
    TorchServeMar,
    Llamafile,
    OciImage,
    Rds,
    RData,
    Torch7,
    Joblib,
    Dill,
    Python,
    ShellScript,
    Yaml,
    Toml,
    Ini,
    ModelCard,
    Elf,
    Pe,
    MachO,
    Json,
    Unknown,
}

/// Bytes of an XML document searched for its root element.
const SNIFF_XML_HEAD: usize = 1 << 20;

pub fn sniff(data: &[u8]) -> Sniffed {
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    if crate::torch::sniff_legacy(data) {
        return Sniffed::PytorchLegacy;
    }
    if data.starts_with(&[0x1f, 0x8b]) {
        return Sniffed::Gzip;
    }
    if data.starts_with(b"BZh") && data.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        return Sniffed::Bzip2;
    }
    if data.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        return Sniffed::Xz;
    }
    if data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Sniffed::Zstd;
    }
    if data.starts_with(&[0x04, 0x22, 0x4d, 0x18]) {
        return Sniffed::Lz4;
    }
    if data.starts_with(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c]) {
        return Sniffed::SevenZip;
    }
    if data.starts_with(b"\x93NUMPY") {
        return Sniffed::NumPy;
    }
    if data.starts_with(b"\x89HDF\r\n\x1a\n") {
        return Sniffed::Hdf5;
    }
    if data.starts_with(b"GGUF") {
        return Sniffed::Gguf;
    }
    if data.get(4..8) == Some(b"TFL3") {
        return Sniffed::TfLite;
    }
    if crate::rds::sniff_rds(data) {
        return Sniffed::Rds;
    }
    if crate::rds::sniff_rdata(data) {
        return Sniffed::RData;
    }
    if crate::mxnet::sniff_params(data) {
        return Sniffed::MxnetParams;
    }
    if crate::cntk::sniff_legacy(data) {
        return Sniffed::Cntk;
    }
    if crate::executorch::sniff(data) {
        return Sniffed::ExecuTorch;
    }
    if crate::tensorrt::sniff(data) {
        return Sniffed::TensorRt;
    }
    if crate::rknn::sniff(data) {
        return Sniffed::Rknn;
    }
    if crate::tar::sniff(data) {
        return Sniffed::Tar;
    }
    // HDF5 after a user block (512·2ⁿ bytes that libhdf5 skips); after tar,
    // whose first member's data starts at 512.
    if crate::hdf5::sniff(data) {
        return Sniffed::Hdf5;
    }
    // A script's interpreter line (after the binary formats a polyglot may hide).
    if data.starts_with(b"#!") {
        let line = data.get(..data.len().min(256)).unwrap_or(data);
        let line = line.split(|b| *b == b'\n').next().unwrap_or(line);
        return if memchr::memmem::find(line, b"python").is_some() {
            Sniffed::Python
        } else {
            Sniffed::ShellScript
        };
    }
    if crate::safetensors::sniff(data) {
        return Sniffed::SafeTensors;
    }
    // Paddle's program and parameters have fixed first fields (block 0 with
    // parent -1; a version-0 LoDTensor record); before TensorFlow, whose
    // GraphDef also starts with field 1.
    if crate::paddle::sniff_program(data) {
        return Sniffed::PaddleModel;
    }
    if crate::paddle::sniff_params(data) {
        return Sniffed::PaddleParams;
    }
    // XML, refined by its root element (`<` is no protobuf or pickle start).
    if crate::xml::sniff(data) {
        let head = data.get(..data.len().min(SNIFF_XML_HEAD)).unwrap_or(data);
        return match crate::xml::root_name(head).as_deref() {
            Some("net") => Sniffed::OpenVino,
            Some("PMML") => Sniffed::Pmml,
            _ => Sniffed::Xml,
        };
    }
    // Protobuf has no magic: TensorFlow's messages are recognised by the
    // shape of their first fields (before pickles, whose opcodes never start
    // a TensorFlow message).
    if crate::cntk::sniff(data) {
        return Sniffed::Cntk;
    }
    if let Some(kind) = crate::tensorflow::sniff(data) {
        return Sniffed::TensorFlow(kind);
    }
    if crate::onnx::sniff(data) {
        return Sniffed::Onnx;
    }
    // Torch7's first type tag (3 or 4, then index 1) is no pickle opcode.
    if crate::torch7::sniff(data) {
        return Sniffed::Torch7;
    }
    // Core ML has no magic either: a specification version, then only
    // `Model` fields, one numbered 200 or above (never ONNX or TensorFlow).
    if crate::coreml::sniff(data) {
        return Sniffed::CoreMl;
    }
    if data.starts_with(crate::catboost::MAGIC) {
        return Sniffed::CatBoost;
    }
    if crate::xgboost::sniff_binary(data) {
        return Sniffed::XgboostBinary;
    }
    if crate::xgboost::sniff_ubj(data) {
        return Sniffed::XgboostUbj;
    }
    if crate::lightgbm::sniff(data) {
        return Sniffed::LightGbm;
    }
    // Before pickles: a MessagePack map's first byte (0x80-0x8f) is also a
    // pickle opcode; Flax state is a single map that is the whole file.
    if crate::flax::sniff(data) {
        return Sniffed::FlaxMsgpack;
    }
    if crate::pickle::sniff(data) {
        return Sniffed::Pickle;
    }

    // Native executables: headers validated field by field, so a stray
    // `MZ` or `\x7fELF` is not enough. Before the zip search: a program
    // with an archive appended (a self-extractor, a llamafile) is a program
    // first (the llamafile refinement then looks at its zip).
    if let Some(h) =
        crate::executable::sniff_header(data.get(..data.len().min(64 << 10)).unwrap_or(data))
    {
        return match h.format {
            crate::executable::ExeFormat::Elf => Sniffed::Elf,
            crate::executable::ExeFormat::Pe => Sniffed::Pe,
            _ => Sniffed::MachO,
        };
    }
    // Weak two-byte magics, checked after pickles (whose MARK is a valid zlib CMF).
    match crate::compress::sniff(data) {
        Some(crate::compress::Compression::Zlib) => return Sniffed::Zlib,
        Some(crate::compress::Compression::Lzma) => return Sniffed::Lzma,
        _ => {}
    }
    if crate::zip::sniff(data) {
        return Sniffed::Zip;
    }
    if crate::xgboost::sniff_json(data) {
        return Sniffed::XgboostJson;
    }
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') && crate::orbax::sniff(data) {
        return Sniffed::OrbaxCheckpoint;
    }
    if matches!(first, Some(b'{') | Some(b'['))
        && std::str::from_utf8(data.get(..data.len().min(4096)).unwrap_or(&[])).is_ok()
    {
        if crate::mxnet::sniff_symbol(data) {
            return Sniffed::MxnetSymbol;
        }
        return Sniffed::Json;
    }
    Sniffed::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert_eq!(
            sniff(b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N."),
            Sniffed::Pickle
        );
        assert_eq!(sniff(b"cposix\nsystem\n(S'echo'\ntR."), Sniffed::Pickle);
        assert_eq!(sniff(b"(lp0\nI1\na."), Sniffed::Pickle);
        assert_eq!(sniff(crate::torch::LEGACY_MAGIC), Sniffed::PytorchLegacy);
        assert_eq!(sniff(b"# README\nhello"), Sniffed::Unknown);
        assert_eq!(sniff(b"{\"a\": 1}"), Sniffed::Json);
        assert_eq!(sniff(b"\x93NUMPY\x01\x00"), Sniffed::NumPy);
        assert_eq!(sniff(b"X\n\0\0\0\x03\0\x04\x02\x02"), Sniffed::Rds);
        assert_eq!(sniff(b"RDX3\nX\n\0\0\0\x03"), Sniffed::RData);
        assert_eq!(sniff(b"B\0C\0N\0\0\0B\0V\0"), Sniffed::Cntk);
        assert_eq!(
            sniff(b"\x12\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
            Sniffed::MxnetParams
        );
        assert_eq!(
            sniff(b"{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"inputs\": []}]}"),
            Sniffed::MxnetSymbol
        );
        assert_eq!(
            sniff(b"#!/usr/bin/env python3\nimport os\n"),
            Sniffed::Python
        );
        assert_eq!(sniff(b"#!/bin/sh\necho hi\n"), Sniffed::ShellScript);
    }

    #[test]
    fn sniffs_flax_and_tree_models() {
        assert_eq!(sniff(b"CBM1\x04\x00\x00\x00abcd"), Sniffed::CatBoost);
        assert_eq!(sniff(b"binf\x00\x00"), Sniffed::XgboostBinary);
        assert_eq!(
            sniff(b"{L\x00\x00\x00\x00\x00\x00\x00\x07learner{}}"),
            Sniffed::XgboostUbj
        );
        assert_eq!(
            sniff(b"{\"learner\": {}, \"version\": [2, 1, 4]}"),
            Sniffed::XgboostJson
        );
        assert_eq!(sniff(b"tree\nversion=v4\nnum_class=1\n"), Sniffed::LightGbm);
        assert_eq!(
            sniff(
                br#"{"item_handlers": "orbax.checkpoint.PyTreeCheckpointHandler", "metrics": {}}"#
            ),
            Sniffed::OrbaxCheckpoint
        );
        // {"w": ExtType(1, packb(((1,), "int8", b"\x07")))}
        let flax = b"\x81\xa1w\xc7\x0b\x01\x93\x91\x01\xa4int8\xc4\x01\x07";
        assert_eq!(sniff(flax), Sniffed::FlaxMsgpack);
        // A pickle that starts with PROTO (a MessagePack empty map) stays a pickle.
        assert_eq!(
            sniff(b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N."),
            Sniffed::Pickle
        );
    }
}
