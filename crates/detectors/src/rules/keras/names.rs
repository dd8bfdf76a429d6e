//! The reviewed Keras lists: namespaces Keras trusts, built-in classes and
//! functions, names a Lambda's bytecode may use safely, and the Keras and
//! TensorFlow functions that load other models, fetch files or turn off
//! `safe_mode` (the gadgets of the published `safe_mode` bypasses). Dangerous
//! Python modules and builtins come from [`crate::pickle_globals`], the one
//! place those live.

use sentrascan_formats::pickle::names::canonical_module;
use sentrascan_types::Category;

use crate::pickle_globals::{self, DANGEROUS, DANGEROUS_DUNDERS, Tier};

/// Module roots whose classes Keras deserialises as its own.
const TRUSTED_ROOTS: &[&str] = &[
    "keras",
    "tf_keras",
    "tensorflow",
    "tf",
    "keras_hub",
    "keras_nlp",
    "keras_cv",
    "keras_rs",
];

/// Whether `module` is Keras, TensorFlow or an official Keras library.
pub(crate) fn is_trusted_module(module: &str) -> bool {
    let root = module.split('.').next().unwrap_or(module);
    TRUSTED_ROOTS.contains(&root)
}

/// Whether a `registered_name` of the form `package>Name` belongs to an
/// official Keras library.
pub(crate) fn is_trusted_registered(registered: &str) -> bool {
    match registered.split_once('>') {
        Some((package, _)) => TRUSTED_ROOTS.contains(&package),
        None => true,
    }
}

/// What a name in a configuration or in bytecode reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Runs commands or code, or touches files or the network.
    Dangerous {
        entry: String,
        category: Category,
        effect: &'static str,
    },
    /// A Keras or TensorFlow function that loads another model, fetches or
    /// writes files, runs Python or turns `safe_mode` off.
    Gadget {
        entry: String,
        effect: &'static str,
    },
    Safe,
    Unknown,
}

/// Keras and TensorFlow functions used by the published `safe_mode`
/// bypasses (CVE-2025-8747, CVE-2025-9906, CVE-2025-12058, CVE-2026-1462)
/// and TensorFlow's file and Python-call functions: last name component
/// and what calling it does.
const GADGETS: &[(&str, &str)] = &[
    (
        "load_model",
        "loads a second model, possibly with safe_mode off",
    ),
    (
        "load_model_from_hdf5",
        "loads a second model from an HDF5 file",
    ),
    ("load_weights", "reads weights from a path the config names"),
    (
        "get_file",
        "downloads a file from a URL or writes one to disk",
    ),
    (
        "enable_unsafe_deserialization",
        "turns safe_mode off for the rest of the process",
    ),
    (
        "set_global_attribute",
        "changes Keras global state (safe_mode)",
    ),
    ("deserialize_keras_object", "deserialises a nested config"),
    ("TFSMLayer", "loads a SavedModel from a path"),
    ("write_file", "writes a file"),
    ("read_file", "reads a file"),
    ("matching_files", "lists files"),
    ("GFile", "opens a file"),
    ("py_function", "calls a Python function"),
    ("py_func", "calls a Python function"),
    ("eager_py_func", "calls a Python function"),
    ("numpy_function", "calls a Python function"),
    ("load_op_library", "loads a native library"),
    ("load_library", "loads a native library"),
];

/// TensorFlow module paths whose every function touches files.
const GADGET_MODULES: &[(&str, &str)] = &[
    ("io.gfile", "reads, writes or deletes files"),
    ("saved_model", "loads or writes a SavedModel"),
    ("python.ops.script_ops", "calls a Python function"),
];

fn gadget(path: &str) -> Option<Reach> {
    let root = path.split('.').next().unwrap_or(path);
    if !TRUSTED_ROOTS.contains(&root) {
        return None;
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    if let Some((_, effect)) = GADGETS.iter().find(|(n, _)| *n == last) {
        return Some(Reach::Gadget {
            entry: path.to_string(),
            effect,
        });
    }
    GADGET_MODULES
        .iter()
        .find(|(m, _)| path.contains(&format!(".{m}.")))
        .map(|(_, effect)| Reach::Gadget {
            entry: path.to_string(),
            effect,
        })
}

fn dangerous(tier: Tier) -> Option<Reach> {
    match tier {
        Tier::Dangerous(d) => Some(Reach::Dangerous {
            entry: d.entry.to_string(),
            category: d.category,
            effect: d.effect,
        }),
        _ => None,
    }
}

/// Classifies a callable a configuration names: `module` (if any) and `name`
/// (which may itself be dotted).
pub(crate) fn classify_callable(module: Option<&str>, name: &str) -> Reach {
    let (module, name) = match module.filter(|m| !m.is_empty()) {
        Some(m) => (m.to_string(), name.to_string()),
        None => match name.rsplit_once('.') {
            Some((m, n)) => (m.to_string(), n.to_string()),
            None => {
                if BUILTIN_FUNCTIONS.contains(&name) || BUILTIN_CLASSES.contains(&name) {
                    return Reach::Safe;
                }
                return dangerous(pickle_globals::classify("builtins", name))
                    .unwrap_or(Reach::Unknown);
            }
        },
    };
    // Keras's own gadgets first: the pickle list names some of them too,
    // but as config entries they are safe_mode bypasses.
    let path = format!("{module}.{name}");
    if let Some(g) = gadget(&path) {
        return g;
    }
    if let Some(d) = dangerous(pickle_globals::classify(&module, &name)) {
        return d;
    }
    if is_trusted_module(&module) {
        return Reach::Safe;
    }
    match pickle_globals::classify(&module, &name) {
        Tier::Safe => Reach::Safe,
        _ => Reach::Unknown,
    }
}

/// A TensorFlow symbol named by a `TFOpLambda` (`math.add`, `io.write_file`).
pub(crate) fn classify_tf_symbol(symbol: &str) -> Reach {
    let path = format!("tensorflow.{symbol}");
    gadget(&path).unwrap_or(Reach::Safe)
}

/// Attribute names that run commands or code whatever object they are
/// looked up on (`os.system`, `subprocess.Popen`, `pty.spawn`).
const DANGEROUS_ATTRIBUTES: &[(&str, Category, &str)] = &[
    (
        "system",
        Category::OsCommandExecution,
        "runs a shell command",
    ),
    (
        "popen",
        Category::OsCommandExecution,
        "runs a shell command",
    ),
    ("Popen", Category::OsCommandExecution, "runs a command"),
    (
        "check_output",
        Category::OsCommandExecution,
        "runs a command",
    ),
    ("check_call", Category::OsCommandExecution, "runs a command"),
    (
        "getoutput",
        Category::OsCommandExecution,
        "runs a shell command",
    ),
    (
        "getstatusoutput",
        Category::OsCommandExecution,
        "runs a shell command",
    ),
    ("spawn", Category::OsCommandExecution, "spawns a process"),
    ("spawnv", Category::OsCommandExecution, "spawns a process"),
    ("spawnl", Category::OsCommandExecution, "spawns a process"),
    (
        "execv",
        Category::OsCommandExecution,
        "replaces the process",
    ),
    (
        "execve",
        Category::OsCommandExecution,
        "replaces the process",
    ),
    (
        "execl",
        Category::OsCommandExecution,
        "replaces the process",
    ),
    (
        "execvp",
        Category::OsCommandExecution,
        "replaces the process",
    ),
    (
        "execlp",
        Category::OsCommandExecution,
        "replaces the process",
    ),
    ("fork", Category::OsCommandExecution, "forks the process"),
    ("urlopen", Category::NetworkOperations, "opens a URL"),
    (
        "urlretrieve",
        Category::NetworkOperations,
        "downloads a URL",
    ),
    (
        "rmtree",
        Category::FileSystemAccess,
        "deletes a directory tree",
    ),
    ("unlink", Category::FileSystemAccess, "deletes a file"),
];

/// Names a Lambda's bytecode may use without review: backend and NumPy
/// math, activations, shape handling and harmless builtins. Anything else
/// is unknown (reviewed), and anything dangerous is critical.
const SAFE_CODE_NAMES: &[&str] = &[
    // Module aliases and namespaces.
    "tf",
    "K",
    "keras",
    "ops",
    "np",
    "numpy",
    "backend",
    "math",
    "nn",
    "linalg",
    "image",
    "activations",
    "layers",
    "random",
    "tensorflow",
    "jnp",
    "jax",
    "torch",
    // Builtins.
    "len",
    "range",
    "int",
    "float",
    "bool",
    "tuple",
    "list",
    "dict",
    "slice",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "isinstance",
    "zip",
    "enumerate",
    "reversed",
    "sorted",
    "any",
    "all",
    "None",
    "True",
    "False",
    "pow",
    "divmod",
    "map",
    "filter",
    // Activations.
    "relu",
    "relu6",
    "elu",
    "selu",
    "gelu",
    "celu",
    "silu",
    "swish",
    "mish",
    "sigmoid",
    "hard_sigmoid",
    "hard_swish",
    "hard_silu",
    "tanh",
    "softmax",
    "log_softmax",
    "softplus",
    "softsign",
    "leaky_relu",
    "exponential",
    "linear",
    "l2_normalize",
    "normalize",
    "glu",
    "log_sigmoid",
    "sparsemax",
    "identity",
    // Elementwise and reduction math.
    "add",
    "subtract",
    "multiply",
    "divide",
    "truediv",
    "floordiv",
    "negative",
    "reciprocal",
    "exp",
    "expm1",
    "log",
    "log1p",
    "log2",
    "log10",
    "sqrt",
    "rsqrt",
    "square",
    "power",
    "sign",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "atan2",
    "sinh",
    "cosh",
    "erf",
    "floor",
    "ceil",
    "clip",
    "clip_by_value",
    "clip_by_norm",
    "maximum",
    "minimum",
    "mean",
    "std",
    "var",
    "prod",
    "reduce_sum",
    "reduce_mean",
    "reduce_max",
    "reduce_min",
    "reduce_prod",
    "reduce_std",
    "reduce_variance",
    "reduce_logsumexp",
    "logsumexp",
    "cumsum",
    "cumprod",
    "argmax",
    "argmin",
    "top_k",
    "sort",
    "argsort",
    "norm",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "equal",
    "not_equal",
    "logical_and",
    "logical_or",
    "logical_not",
    "where",
    "matmul",
    "dot",
    "einsum",
    "tensordot",
    "batch_dot",
    "moments",
    "epsilon",
    "pi",
    "e",
    "inf",
    "nan",
    "isnan",
    "isfinite",
    // Shapes, types and construction.
    "shape",
    "int_shape",
    "get_shape",
    "as_list",
    "ndim",
    "size",
    "dtype",
    "cast",
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "int8",
    "int32",
    "int64",
    "uint8",
    "reshape",
    "expand_dims",
    "squeeze",
    "transpose",
    "permute_dimensions",
    "flatten",
    "batch_flatten",
    "concat",
    "concatenate",
    "stack",
    "unstack",
    "split",
    "tile",
    "repeat",
    "pad",
    "gather",
    "gather_nd",
    "one_hot",
    "ones",
    "zeros",
    "ones_like",
    "zeros_like",
    "fill",
    "constant",
    "convert_to_tensor",
    "stop_gradient",
    "broadcast_to",
    "newaxis",
    "boolean_mask",
    "sequence_mask",
    "slice",
    "strided_slice",
    "reverse",
    "flip",
    "roll",
    "resize",
    "resize_images",
    "arange",
    "linspace",
    "eye",
    "diag",
    "T",
    "shape_list",
];

fn bytecode_reach(name: &str) -> Reach {
    // Builtins that evaluate, import, open or reflect; `map` and `filter`
    // only call what the code already holds.
    if !matches!(name, "map" | "filter")
        && let Some(d) = dangerous(pickle_globals::classify("builtins", name))
    {
        return d;
    }
    if DANGEROUS_DUNDERS.contains(&name) {
        return Reach::Dangerous {
            entry: name.to_string(),
            category: Category::CodeInjection,
            effect: "reaches interpreter internals",
        };
    }
    if matches!(name, "builtins" | "__builtin__") {
        return Reach::Dangerous {
            entry: name.to_string(),
            category: Category::CodeInjection,
            effect: "reaches every builtin, eval and exec included",
        };
    }
    let module = canonical_module(name);
    if let Some((entry, category, effect)) = DANGEROUS
        .iter()
        .find(|(entry, _, _)| !entry.contains('.') && *entry == module)
    {
        return Reach::Dangerous {
            entry: entry.to_string(),
            category: *category,
            effect,
        };
    }
    if let Some((entry, category, effect)) =
        DANGEROUS_ATTRIBUTES.iter().find(|(n, _, _)| *n == name)
    {
        return Reach::Dangerous {
            entry: entry.to_string(),
            category: *category,
            effect,
        };
    }
    if let Some((entry, effect)) = GADGETS.iter().find(|(n, _)| *n == name) {
        return Reach::Gadget {
            entry: entry.to_string(),
            effect,
        };
    }
    if SAFE_CODE_NAMES.contains(&name) {
        Reach::Safe
    } else {
        Reach::Unknown
    }
}

/// Classifies a name a Lambda's bytecode uses (`co_names`: globals,
/// attributes, imported modules).
pub(crate) fn classify_code_name(name: &str) -> Reach {
    bytecode_reach(name)
}

/// Classifies a string constant of a Lambda: a dangerous module or dotted
/// path spelled as text (for `__import__` or `getattr`) is dangerous; other
/// strings are data.
pub(crate) fn classify_code_string(s: &str) -> Option<Reach> {
    if s.is_empty() || s.len() > 200 || s.chars().any(char::is_whitespace) {
        return None;
    }
    let reach = match s.rsplit_once('.') {
        Some((m, n)) => dangerous(pickle_globals::classify(m, n)).or_else(|| gadget(s))?,
        None => match bytecode_reach(s) {
            r @ Reach::Dangerous { .. } => r,
            _ => return None,
        },
    };
    Some(reach)
}

/// Optimizers tf.keras 2.11 to 2.15 saves under `Custom>` in HDF5 files.
pub(crate) const TF_KERAS_OPTIMIZERS: &[&str] = &[
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lion",
    "Nadam",
    "RMSprop",
    "SGD",
];

/// Classes Keras 3 exports from its layers, initializers, regularizers,
/// constraints, optimizers (and schedules), losses, metrics, activations,
/// models, dtype policies and quantizers (generated from Keras 3.12 with
/// `dir()`), plus tf.keras 2.x names Keras 3 dropped and Keras 3's
/// internal markers (`__tuple__`, `__numpy__`…).
pub(crate) const BUILTIN_CLASSES: &[&str] = &[
    "AUC",
    "AbsMaxQuantizer",
    "AbstractRNNCell",
    "Accuracy",
    "Activation",
    "ActivityRegularization",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Add",
    "AdditiveAttention",
    "AlphaDropout",
    "Attention",
    "AugMix",
    "AutoContrast",
    "Average",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "BatchNormalization",
    "BatchNormalizationV1",
    "BatchNormalizationV2",
    "Bidirectional",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryCrossentropyV2",
    "BinaryFocalCrossentropy",
    "BinaryIoU",
    "CTC",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "CategoryEncoding",
    "CenterCrop",
    "Circle",
    "Concatenate",
    "ConcordanceCorrelation",
    "Constant",
    "Constraint",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "CosineDecay",
    "CosineDecayRestarts",
    "CosineProximity",
    "CosineSimilarity",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "CuDNNGRU",
    "CuDNNLSTM",
    "CutMix",
    "DTypePolicy",
    "DTypePolicyMap",
    "Dense",
    "DenseFeatures",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "DeviceAwareLossScaleOptimizer",
    "Dice",
    "Discretization",
    "Dot",
    "Dropout",
    "ELU",
    "EinsumDense",
    "Embedding",
    "Equalization",
    "ExperimentalAdam",
    "ExponentialDecay",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Flatten",
    "FlaxLayer",
    "FloatDTypePolicy",
    "Ftrl",
    "Functional",
    "GPTQConfig",
    "GPTQDTypePolicy",
    "GRU",
    "GRUCell",
    "GRUV1",
    "GRUV2",
    "GaussianDropout",
    "GaussianNoise",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "GlorotNormal",
    "GlorotUniform",
    "GroupNormalization",
    "GroupQueryAttention",
    "HashedCrossing",
    "Hashing",
    "HeNormal",
    "HeUniform",
    "Hinge",
    "Huber",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "InputLayer",
    "InputSpec",
    "IntegerLookup",
    "InverseTimeDecay",
    "IoU",
    "JaxLayer",
    "KLDivergence",
    "KerasTensor",
    "L1",
    "L1L2",
    "L2",
    "LSTM",
    "LSTMCell",
    "LSTMV1",
    "LSTMV2",
    "Lamb",
    "Lambda",
    "Layer",
    "LayerNormalization",
    "LayerNormalizationV1",
    "LeakyReLU",
    "LearningRateSchedule",
    "LecunNormal",
    "LecunUniform",
    "LinearModel",
    "Lion",
    "LocallyConnected1D",
    "LocallyConnected2D",
    "LogCosh",
    "LogCoshError",
    "Loss",
    "LossScaleOptimizer",
    "LossScaleOptimizerV3",
    "Masking",
    "MaxNorm",
    "MaxNumBoundingBoxes",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "Maximum",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanRelativeError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "MeanTensor",
    "MelSpectrogram",
    "Metric",
    "MinMaxNorm",
    "Minimum",
    "MixUp",
    "Model",
    "MultiHeadAttention",
    "Multiply",
    "Muon",
    "Nadam",
    "NoisyDense",
    "NonNeg",
    "Normalization",
    "OneHotIoU",
    "OneHotMeanIoU",
    "Ones",
    "Optimizer",
    "Orthogonal",
    "OrthogonalInitializer",
    "OrthogonalRegularizer",
    "PReLU",
    "PearsonCorrelation",
    "PeepholeLSTMCell",
    "Permute",
    "PiecewiseConstantDecay",
    "Pipeline",
    "Poisson",
    "Policy",
    "PolynomialDecay",
    "Precision",
    "PrecisionAtRecall",
    "QuantizedDTypePolicy",
    "QuantizedFloat8DTypePolicy",
    "Quantizer",
    "R2Score",
    "RMSNormalization",
    "RMSprop",
    "RNN",
    "RaggedTensorSpec",
    "RandAugment",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomCrop",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomFlip",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHeight",
    "RandomHue",
    "RandomInvert",
    "RandomNormal",
    "RandomPerspective",
    "RandomPosterization",
    "RandomRotation",
    "RandomSaturation",
    "RandomSharpness",
    "RandomShear",
    "RandomTranslation",
    "RandomUniform",
    "RandomWidth",
    "RandomZoom",
    "ReLU",
    "Recall",
    "RecallAtPrecision",
    "Regularizer",
    "RepeatVector",
    "Rescaling",
    "Reshape",
    "Resizing",
    "ReversibleEmbedding",
    "RootMeanSquaredError",
    "SGD",
    "STFT",
    "STFTInitializer",
    "STFTSpectrogram",
    "SensitivityAtSpecificity",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "Sequential",
    "SimpleRNN",
    "SimpleRNNCell",
    "SlicingOpLambda",
    "Softmax",
    "Solarization",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTensorSpec",
    "SparseTopKCategoricalAccuracy",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "SpecificityAtSensitivity",
    "SpectralNormalization",
    "SquaredHinge",
    "StackedRNNCells",
    "StringLookup",
    "Subtract",
    "Sum",
    "SumOverBatchSize",
    "SumOverBatchSizeMetricWrapper",
    "SyncBatchNormalization",
    "TFOpLambda",
    "TFSMLayer",
    "TensorFlowOpLayer",
    "TensorSpec",
    "TextVectorization",
    "ThresholdedReLU",
    "TimeDistributed",
    "TopKCategoricalAccuracy",
    "TorchModuleWrapper",
    "TrueNegatives",
    "TruePositives",
    "TruncatedNormal",
    "Tversky",
    "TypeSpec",
    "UnitNorm",
    "UnitNormalization",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "VarianceScaling",
    "WideDeepModel",
    "Wrapper",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Zeros",
    "__bytes__",
    "__ellipsis__",
    "__keras_tensor__",
    "__numpy__",
    "__slice__",
    "__tensor__",
    "__tuple__",
    "__typespec__",
];

/// String identifiers Keras resolves to built-in functions and objects in
/// callable slots (`ALL_OBJECTS_DICT` of the same modules in Keras 3.12, plus
/// Keras 2 aliases such as `acc` and `logcosh`).
pub(crate) const BUILTIN_FUNCTIONS: &[&str] = &[
    "AUC",
    "Accuracy",
    "BCE",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "BinaryIoU",
    "CTC",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalHinge",
    "Circle",
    "ConcordanceCorrelation",
    "Constant",
    "Constraint",
    "CosineSimilarity",
    "Dice",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Hinge",
    "Huber",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "IoU",
    "KLD",
    "KLDivergence",
    "L1",
    "L1L2",
    "L2",
    "LecunNormal",
    "LecunUniform",
    "LogCosh",
    "LogCoshError",
    "Loss",
    "LossFunctionWrapper",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "MaxNorm",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "MinMaxNorm",
    "NonNeg",
    "OneHotIoU",
    "OneHotMeanIoU",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "OrthogonalRegularizer",
    "PearsonCorrelation",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "RandomNormal",
    "RandomUniform",
    "Recall",
    "RecallAtPrecision",
    "Regularizer",
    "RootMeanSquaredError",
    "STFT",
    "STFTInitializer",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "TruncatedNormal",
    "Tversky",
    "UnitNorm",
    "VarianceScaling",
    "Zeros",
    "acc",
    "accuracy",
    "adadelta",
    "adafactor",
    "adagrad",
    "adam",
    "adamax",
    "adamw",
    "auc",
    "bce",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "binary_io_u",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "ce",
    "celu",
    "circle",
    "concordance_correlation",
    "constant",
    "constraint",
    "cosine",
    "cosine_proximity",
    "cosine_similarity",
    "crossentropy",
    "ctc",
    "dice",
    "elu",
    "exponential",
    "f1_score",
    "f_beta_score",
    "false_negatives",
    "false_positives",
    "ftrl",
    "gelu",
    "glorot_normal",
    "glorot_uniform",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "he_normal",
    "he_uniform",
    "hinge",
    "huber",
    "identity",
    "initializer",
    "io_u",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "l1",
    "l1_l2",
    "l1l2",
    "l2",
    "leaky_relu",
    "lecun_normal",
    "lecun_uniform",
    "linear",
    "lion",
    "log_cosh",
    "log_cosh_error",
    "log_sigmoid",
    "log_softmax",
    "logcosh",
    "lossscaleoptimizer",
    "mae",
    "mape",
    "max_norm",
    "mean",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_io_u",
    "mean_metric_wrapper",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "metric",
    "min_max_norm",
    "mish",
    "mse",
    "msle",
    "nadam",
    "non_neg",
    "normal",
    "one",
    "one_hot_io_u",
    "one_hot_mean_io_u",
    "ones",
    "optimizer",
    "orthogonal",
    "orthogonal_regularizer",
    "pearson_correlation",
    "poisson",
    "precision",
    "precision_at_recall",
    "r2_score",
    "random_normal",
    "random_uniform",
    "recall",
    "recall_at_precision",
    "regularizer",
    "relu",
    "relu6",
    "rmsprop",
    "root_mean_squared_error",
    "selu",
    "sensitivity_at_specificity",
    "sgd",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "sparse_sigmoid",
    "sparse_top_k_categorical_accuracy",
    "sparsemax",
    "specificity_at_sensitivity",
    "squared_hinge",
    "squareplus",
    "stft",
    "sum",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
    "top_k_categorical_accuracy",
    "true_negatives",
    "true_positives",
    "truncated_normal",
    "tversky",
    "uniform",
    "unit_norm",
    "variance_scaling",
    "zero",
    "zeros",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callables_by_class() {
        assert!(matches!(
            classify_callable(Some("os"), "system"),
            Reach::Dangerous { .. }
        ));
        assert!(matches!(
            classify_callable(Some("builtins"), "exec"),
            Reach::Dangerous { .. }
        ));
        assert!(matches!(
            classify_callable(Some("keras.models"), "load_model"),
            Reach::Gadget { .. }
        ));
        assert!(matches!(
            classify_callable(Some("keras.src.utils.file_utils"), "get_file"),
            Reach::Gadget { .. }
        ));
        assert!(matches!(
            classify_callable(None, "keras.config.enable_unsafe_deserialization"),
            Reach::Gadget { .. }
        ));
        assert_eq!(
            classify_callable(Some("keras.activations"), "relu"),
            Reach::Safe
        );
        assert_eq!(classify_callable(None, "glorot_uniform"), Reach::Safe);
        assert_eq!(classify_callable(None, "acc"), Reach::Safe);
        assert_eq!(classify_callable(None, "my_loss"), Reach::Unknown);
        assert_eq!(
            classify_callable(Some("__main__"), "my_loss"),
            Reach::Unknown
        );
        assert!(matches!(
            classify_callable(None, "eval"),
            Reach::Dangerous { .. }
        ));
    }

    #[test]
    fn tf_symbols() {
        assert_eq!(classify_tf_symbol("math.add"), Reach::Safe);
        assert!(matches!(
            classify_tf_symbol("io.write_file"),
            Reach::Gadget { .. }
        ));
        assert!(matches!(
            classify_tf_symbol("io.gfile.remove"),
            Reach::Gadget { .. }
        ));
        assert!(matches!(
            classify_tf_symbol("compat.v1.py_func"),
            Reach::Gadget { .. }
        ));
    }

    #[test]
    fn bytecode_names() {
        for n in [
            "os",
            "posix",
            "subprocess",
            "eval",
            "exec",
            "__import__",
            "open",
            "system",
            "__globals__",
            "socket",
            "builtins",
        ] {
            assert!(
                matches!(classify_code_name(n), Reach::Dangerous { .. }),
                "{n}"
            );
        }
        assert!(matches!(
            classify_code_name("get_file"),
            Reach::Gadget { .. }
        ));
        for n in [
            "tf",
            "K",
            "relu",
            "reduce_mean",
            "expand_dims",
            "len",
            "map",
        ] {
            assert_eq!(classify_code_name(n), Reach::Safe, "{n}");
        }
        assert_eq!(classify_code_name("print"), Reach::Unknown);
        assert!(classify_code_string("os.system").is_some());
        assert!(classify_code_string("subprocess").is_some());
        assert!(classify_code_string("hello world").is_none());
        assert!(classify_code_string("relu").is_none());
    }

    #[test]
    fn namespaces() {
        assert!(is_trusted_module("keras.src.layers.core.dense"));
        assert!(is_trusted_module("tensorflow"));
        assert!(!is_trusted_module("kerasx"));
        assert!(!is_trusted_module("evil"));
        assert!(is_trusted_registered("keras_hub>BertBackbone"));
        assert!(!is_trusted_registered("MyPackage>MyLayer"));
        assert!(BUILTIN_CLASSES.contains(&"Dense"));
        assert!(BUILTIN_CLASSES.contains(&"Functional"));
        assert!(BUILTIN_FUNCTIONS.contains(&"relu"));
    }
}
