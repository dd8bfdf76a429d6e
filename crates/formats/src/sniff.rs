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
    if crate::tar::sniff(data) {
        return Sniffed::Tar;
    }
    // HDF5 after a user block (512·2ⁿ bytes that libhdf5 skips); after tar,
    // whose first member's data starts at 512.
    if crate::hdf5::sniff(data) {
        return Sniffed::Hdf5;
    }
    if crate::safetensors::sniff(data) {
        return Sniffed::SafeTensors;
    }
    // Protobuf has no magic: TensorFlow's messages are recognised by the
    // shape of their first fields (before pickles, whose opcodes never start
    // a TensorFlow message).
    if let Some(kind) = crate::tensorflow::sniff(data) {
        return Sniffed::TensorFlow(kind);
    }
    if crate::onnx::sniff(data) {
        return Sniffed::Onnx;
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
