//! ONNX007: an operator from a domain outside the ONNX standard and ONNX
//! Runtime's built-in contrib operators.

use sentrascan_formats::onnx::OpUse;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "ONNX007",
    name: "onnx-custom-operator-domain",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "onnx",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "The graph calls an operator from a custom domain, which only runs with a native or Python library registered by the loader.",
    remediation: "Find out which custom-op library the model expects and who ships it; load it only with a reviewed build of that library.",
    docs: r#"## What it does
Lists operators (one finding per domain and type, with the node count)
whose domain is not one of the ONNX standard domains (`""`, `ai.onnx`,
`ai.onnx.ml`, `ai.onnx.training`, `ai.onnx.preview.training`,
`ai.onnx.preview`) and that are not calls of model-local functions. ONNX
Runtime's built-in contrib operators (`com.microsoft` and its sub-domains,
from a reviewed list) are not reported; other `com.microsoft` operators and
PyTorch's ATen fallback (`org.pytorch.aten`) are reported at LOW, and any
other domain (including onnxruntime-extensions' `ai.onnx.contrib`) at
MEDIUM. Python operators are `ONNX006`.

## Why is this bad?
A custom operator is code outside the model: the loader must register a
shared library (`SessionOptions.register_custom_ops_library`) or Python
functions for it. The model tells the user to fetch and load that code,
and the operator's behaviour cannot be checked from the file.

## Example
`node { op_type: "Decrypt" domain: "com.example.private" }`

## How to fix
Confirm the custom-op library's origin; prefer a model built from standard
operators.

## References
- https://onnxruntime.ai/docs/reference/operators/add-custom-op.html
- https://github.com/microsoft/onnxruntime/blob/main/docs/ContribOperators.md
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

/// Domains of the ONNX standard.
pub const STANDARD_DOMAINS: &[&str] = &[
    "",
    "ai.onnx",
    "ai.onnx.ml",
    "ai.onnx.training",
    "ai.onnx.preview.training",
    "ai.onnx.preview",
];

/// ONNX Runtime's own domains for built-in contrib and layout operators.
const ORT_DOMAINS: &[&str] = &[
    "com.microsoft",
    "com.microsoft.nchwc",
    "com.microsoft.experimental",
    "com.microsoft.dml",
    "com.ms.internal.nhwc",
];

/// Domains of well-known runtimes' fallbacks, reported at LOW.
const KNOWN_FALLBACK_DOMAINS: &[&str] = &["org.pytorch.aten", "com.microsoft.extensions"];

/// ONNX Runtime contrib operators (ContribOperators.md), as of 1.20.
const ORT_CONTRIB_OPS: &[&str] = &[
    "Attention",
    "AttnLSTM",
    "BeamSearch",
    "BiasAdd",
    "BiasDropout",
    "BiasGelu",
    "BiasSoftmax",
    "BiasSplitGelu",
    "BitmaskBiasDropout",
    "BitmaskDropout",
    "CDist",
    "ComplexMul",
    "ComplexMulConj",
    "ConvTransposeWithDynamicPads",
    "CropAndResize",
    "DecoderAttention",
    "DecoderMaskedMultiHeadAttention",
    "DecoderMaskedSelfAttention",
    "DequantizeBFP",
    "DequantizeLinear",
    "DequantizeWithOrder",
    "DynamicQuantizeLSTM",
    "DynamicQuantizeMatMul",
    "DynamicTimeWarping",
    "EmbedLayerNormalization",
    "ExpandDims",
    "FastGelu",
    "FusedConv",
    "FusedGemm",
    "FusedMatMul",
    "FusedMatMulActivation",
    "GatedRelativePositionBias",
    "GatherBlockQuantized",
    "GatherND",
    "Gelu",
    "GemmFastGelu",
    "GemmFloat8",
    "GemmaRotaryEmbedding",
    "GreedySearch",
    "GridSample",
    "GroupNorm",
    "GroupQueryAttention",
    "Inverse",
    "Irfft",
    "LayerNormalization",
    "LongformerAttention",
    "MatMulBnb4",
    "MatMulFpQ4",
    "MatMulInteger16",
    "MatMulIntegerToFloat",
    "MatMulNBits",
    "MaxpoolWithMask",
    "MoE",
    "MulInteger",
    "MultiHeadAttention",
    "MurmurHash3",
    "NGramRepeatBlock",
    "NhwcConv",
    "NhwcFusedConv",
    "NhwcMaxPool",
    "PackedAttention",
    "PackedMultiHeadAttention",
    "Pad",
    "QAttention",
    "QEmbedLayerNormalization",
    "QGemm",
    "QLinearAdd",
    "QLinearAveragePool",
    "QLinearConcat",
    "QLinearConv",
    "QLinearGlobalAveragePool",
    "QLinearLeakyRelu",
    "QLinearMul",
    "QLinearReduceMean",
    "QLinearSigmoid",
    "QLinearSoftmax",
    "QLinearWhere",
    "QMoE",
    "QOrderedAttention",
    "QOrderedGelu",
    "QOrderedLayerNormalization",
    "QOrderedLongformerAttention",
    "QOrderedMatMul",
    "QuantizeBFP",
    "QuantizeLinear",
    "QuantizeWithOrder",
    "QuickGelu",
    "Range",
    "ReduceSumInteger",
    "RelativePositionBias",
    "RemovePadding",
    "RestorePadding",
    "Rfft",
    "RotaryEmbedding",
    "SampleOp",
    "Sampling",
    "SimplifiedLayerNormalization",
    "SkipGroupNorm",
    "SkipLayerNormalization",
    "SkipSimplifiedLayerNormalization",
    "Snpe",
    "SparseAttention",
    "SparseToDenseMatMul",
    "Tokenizer",
    "TorchEmbedding",
    "TransposeMatMul",
    "Trilu",
    "Unique",
    "UnfoldTensor",
    "WhisperBeamSearch",
    "WordConvEmbedding",
    "Crop",
    "ImageScaler",
    "Affine",
    "ParametricSoftplus",
    "Scale",
    "ScaledTanh",
    "ThresholdedRelu",
    "DynamicSlice",
    "GivenTensorFill",
    "MeanVarianceNormalization",
    "Upsample",
    "IsAllFinite",
    "ReorderInput",
    "ReorderOutput",
    "Conv",
    "MaxPool",
    "AveragePool",
    "GlobalMaxPool",
    "GlobalAveragePool",
    "Upsample",
    "QuickGeluGrad",
    "FastGeluGrad",
    "GeluGrad",
    "BiasGeluGrad_dX",
    "BiasFastGeluGrad_dX",
    "LayerNormalizationGrad",
    "SimplifiedLayerNormalizationGrad",
    "SoftmaxGrad_13",
    "DropoutGrad",
    "ConvGrad",
];

/// How an operator's domain is judged; `None` when it is not reported.
pub fn severity(op: &OpUse) -> Option<Severity> {
    if op.local_function || STANDARD_DOMAINS.contains(&op.domain.as_str()) {
        return None;
    }
    if ORT_DOMAINS.contains(&op.domain.as_str()) {
        return (!ORT_CONTRIB_OPS.contains(&op.op_type.as_str())).then_some(Severity::Low);
    }
    if KNOWN_FALLBACK_DOMAINS.contains(&op.domain.as_str()) {
        return Some(Severity::Low);
    }
    Some(Severity::Medium)
}

pub fn finding(location: &Location, op: &OpUse, severity: Severity) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("Graph calls custom operator `{}::{}`", op.domain, op.op_type),
    )
    .severity(severity)
    .description(format!(
        "{} node(s) call `{}` from domain `{}`, which is not an ONNX standard operator; the first is `{}` in graph `{}`.",
        op.count, op.op_type, op.domain, op.first_node, op.graph
    ))
    .evidence("op_type", op.op_type.clone())
    .evidence("domain", op.domain.clone())
    .evidence("nodes", op.count)
    .evidence("first_node", op.first_node.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(domain: &str, op_type: &str, local_function: bool) -> OpUse {
        OpUse {
            domain: domain.into(),
            op_type: op_type.into(),
            count: 1,
            first_node: "n".into(),
            graph: "main".into(),
            string_attributes: Vec::new(),
            local_function,
        }
    }

    #[test]
    fn domains() {
        assert_eq!(severity(&op("", "Gemm", false)), None);
        assert_eq!(
            severity(&op("ai.onnx.ml", "TreeEnsembleClassifier", false)),
            None
        );
        assert_eq!(severity(&op("com.microsoft", "FusedMatMul", false)), None);
        assert_eq!(
            severity(&op("com.microsoft", "Whatever", false)),
            Some(Severity::Low)
        );
        assert_eq!(
            severity(&op("org.pytorch.aten", "ATen", false)),
            Some(Severity::Low)
        );
        assert_eq!(
            severity(&op("com.example", "Decrypt", false)),
            Some(Severity::Medium)
        );
        assert_eq!(
            severity(&op("ai.onnx.contrib", "StringRegexReplace", false)),
            Some(Severity::Medium)
        );
        assert_eq!(severity(&op("pkg.custom", "Block", true)), None);
    }
}
