//! The operators MXNet 1.x registers, as data (a bounded table of names
//! and of the prefixes its generated operator families share).
//!
//! A symbol file may only use registered operators: a name outside this
//! table needs an operator library (`mx.library.load`, native code) or a
//! newer/forked MXNet.

/// Operator names (`op` of a node).
pub const KNOWN_OPS: &[&str] = &[
    "null", "Activation", "BatchNorm", "BatchNorm_v1", "BilinearSampler", "BlockGrad",
    "Cast", "Concat", "Convolution", "Convolution_v1", "Correlation", "Crop", "Custom",
    "Deconvolution", "Dropout", "Embedding", "Flatten", "FullyConnected", "GridGenerator",
    "GroupNorm", "IdentityAttachKLSparseReg", "InstanceNorm", "L2Normalization",
    "LRN", "LayerNorm", "LeakyReLU", "LinearRegressionOutput", "LogisticRegressionOutput",
    "MAERegressionOutput", "MakeLoss", "Pad", "Pooling", "Pooling_v1", "RNN",
    "ROIPooling", "Reshape", "SVMOutput", "SequenceLast", "SequenceMask",
    "SequenceReverse", "SliceChannel", "Softmax", "SoftmaxActivation", "SoftmaxOutput",
    "SpatialTransformer", "SwapAxis", "UpSampling", "abs", "add_n", "arccos", "arccosh",
    "arcsin", "arcsinh", "arctan", "arctanh", "argmax", "argmax_channel", "argmin",
    "argsort", "batch_dot", "batch_take", "broadcast_axes", "broadcast_axis",
    "broadcast_like", "broadcast_to", "cast", "cast_storage", "cbrt", "ceil", "clip",
    "concat", "cos", "cosh", "crop", "degrees", "depth_to_space", "diag", "dot",
    "elemwise_add", "elemwise_div", "elemwise_mul", "elemwise_sub", "erf", "erfinv",
    "exp", "expand_dims", "expm1", "fill_element_0index", "fix", "flatten", "flip",
    "floor", "ftml_update", "ftrl_update", "gamma", "gammaln", "gather_nd",
    "hard_sigmoid", "identity", "khatri_rao", "log", "log10", "log1p", "log2",
    "log_softmax", "logical_not", "make_loss", "max", "max_axis", "mean", "min",
    "min_axis", "moments", "nanprod", "nansum", "negative", "norm", "one_hot",
    "ones_like", "pad", "pick", "prod", "radians", "rcbrt", "reciprocal", "relu",
    "repeat", "reshape", "reshape_like", "reverse", "rint", "round", "rsqrt",
    "scatter_nd", "sgd_update", "sgd_mom_update", "adam_update", "rmsprop_update",
    "shape_array", "shuffle", "sigmoid", "sign", "sin", "sinh", "size_array", "slice",
    "slice_axis", "slice_like", "smooth_l1", "softmax", "softmax_cross_entropy",
    "softmin", "softsign", "sort", "space_to_depth", "split", "sqrt", "square",
    "squeeze", "stack", "stop_gradient", "sum", "sum_axis", "swapaxes", "take", "tan",
    "tanh", "tile", "topk", "transpose", "trunc", "where", "zeros_like", "while_loop",
    "cond", "foreach", "amp_cast", "amp_multicast", "all_finite", "multi_all_finite",
    "Dropout", "sequence_mask", "erfinv", "digamma", "lamb_update_phase1",
    "lamb_update_phase2", "multi_sgd_update", "multi_sgd_mom_update", "signsgd_update",
    "signum_update", "nag_mom_update", "preloaded_multi_sgd_update",
];

/// Prefixes of generated operator families (contrib, NumPy, random,
/// linear algebra, image, quantisation, scalar and broadcast variants,
/// backward passes, internal helpers).
pub const KNOWN_PREFIXES: &[&str] = &[
    "_contrib_", "_np_", "_npi_", "_npx_", "_random_", "_sample_", "_linalg_", "linalg_",
    "_image_", "_sg_", "_backward_", "_copy", "_plus", "_minus", "_rminus", "_mul",
    "_div", "_rdiv", "_mod", "_rmod", "_power", "_rpower", "_maximum", "_minimum",
    "_hypot", "_equal", "_not_equal", "_greater", "_lesser", "_logical_", "_grad_add",
    "_zeros", "_ones", "_full", "_arange", "_linspace", "_eye", "_identity_with_attr_like_rhs",
    "_onehot_encode", "_square_sum", "_slice_assign", "_crop_assign", "_scatter_",
    "_set_value", "_split_v2", "_histogram", "_ravel_multi_index", "_unravel_index",
    "_shuffle", "_cvimdecode", "_cvimread", "_cvimresize", "_cvcopyMakeBorder",
    "_quantized_", "_FusedOp", "_CachedOp", "_rnn_param_concat", "_NoGradient",
    "_mp_", "_multi_", "_adamw_", "_mp_adamw_", "_sparse_", "_square_sum",
    "broadcast_", "elemwise_", "random_", "sample_", "_internal_",
];

/// Whether `op` is an operator MXNet registers.
pub fn is_known(op: &str) -> bool {
    KNOWN_OPS.contains(&op) || KNOWN_PREFIXES.iter().any(|p| op.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_prefixes() {
        assert!(is_known("Convolution"));
        assert!(is_known("_contrib_box_nms"));
        assert!(is_known("_np_reshape"));
        assert!(is_known("broadcast_add"));
        assert!(!is_known("VendorOp"));
        assert!(!is_known(""));
    }
}
