//! The reviewed lists of pickle globals: what is safe, what is dangerous.
//!
//! This is the one place these lists live. Matching works on the canonical
//! dotted path (`posix.system` is `os.system`, see
//! `sentrascan_formats::pickle::names`):
//! - a name with a component such as `__globals__` or `__subclasses__` is
//!   dangerous in any module: it reaches interpreter internals;
//! - a dangerous entry matches itself and everything below it (`os` covers
//!   `os.system` and `os.popen`); the attribute part of a dotted name is
//!   checked again on its own, so `pathlib` + `os.system` is `os.system`;
//! - a safe entry matches exactly; a safe class family matches a class name
//!   (capitalised, undotted) in a module under its prefix;
//! - everything else is unknown.
//!
//! Every change here is reviewed like code and covered by a test per class
//! of entry (see the tests at the bottom).

use sentrascan_formats::pickle::names::canonical_path;
use sentrascan_types::{Category, Severity};

/// How a global is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Safe,
    Dangerous(Danger),
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Danger {
    /// The entry that matched (`os`, `builtins.eval`).
    pub entry: &'static str,
    pub category: Category,
    /// What calling it can do, in a few words.
    pub effect: &'static str,
}

impl Danger {
    /// Code execution is critical; file and network access are high.
    pub fn severity(&self) -> Severity {
        match self.category {
            Category::FileSystemAccess | Category::NetworkOperations => Severity::High,
            _ => Severity::Critical,
        }
    }
}

use Category::{
    ArbitraryCodeExecution as ACE, CodeInjection as INJ, FileSystemAccess as FS,
    NetworkOperations as NET, OsCommandExecution as OS,
};

/// Dangerous callables and modules: entry, category, effect.
pub const DANGEROUS: &[(&str, Category, &str)] = &[
    // Builtins that run code or resolve arbitrary objects.
    ("builtins.eval", ACE, "evaluates a Python expression"),
    ("builtins.exec", ACE, "executes Python code"),
    ("builtins.execfile", ACE, "executes a Python file"),
    ("builtins.compile", ACE, "compiles Python code"),
    ("builtins.__import__", ACE, "imports any module"),
    ("builtins.breakpoint", ACE, "starts a debugger"),
    ("builtins.input", ACE, "reads from the terminal"),
    (
        "builtins.getattr",
        INJ,
        "fetches any attribute of any object",
    ),
    ("builtins.setattr", INJ, "overwrites any attribute"),
    ("builtins.delattr", INJ, "deletes any attribute"),
    ("builtins.globals", INJ, "exposes the module namespace"),
    ("builtins.locals", INJ, "exposes the local namespace"),
    ("builtins.vars", INJ, "exposes an object's namespace"),
    (
        "builtins.dir",
        INJ,
        "enumerates attributes for gadget discovery",
    ),
    ("builtins.map", ACE, "calls a function on each item"),
    ("builtins.filter", ACE, "calls a function on each item"),
    ("builtins.apply", ACE, "calls any function"),
    ("builtins.reload", ACE, "re-imports a module"),
    ("builtins.exit", ACE, "terminates the interpreter"),
    ("builtins.quit", ACE, "terminates the interpreter"),
    ("builtins.help", ACE, "starts the interactive help pager"),
    ("builtins.open", FS, "opens a file"),
    (
        "builtins.memoryview",
        INJ,
        "exposes raw memory of an object",
    ),
    // Operating system and processes.
    ("os", OS, "runs commands and touches the file system"),
    ("subprocess", OS, "runs a command"),
    ("pty", OS, "spawns a shell"),
    ("_posixsubprocess", OS, "forks and executes a program"),
    ("multiprocessing", OS, "starts processes"),
    ("_multiprocessing", OS, "starts processes"),
    ("popen2", OS, "runs a command"),
    ("pexpect", OS, "spawns a command"),
    ("platform.popen", OS, "runs a command"),
    ("platform._syscmd_file", OS, "runs a command"),
    ("platform._syscmd_ver", OS, "runs a command"),
    ("asyncio", OS, "runs subprocesses and opens connections"),
    ("uuid._get_command_stdout", OS, "runs a command"),
    ("uuid._popen", OS, "runs a command"),
    ("uuid.getnode", OS, "runs a command"),
    ("_osx_support", OS, "runs a command"),
    ("_aix_support", OS, "runs a command"),
    ("_pyrepl", OS, "runs a pager command"),
    ("pipes", OS, "runs a shell pipeline"),
    ("mailcap", OS, "runs a command from mailcap"),
    ("imaplib.IMAP4_stream", OS, "runs a command as a connection"),
    ("webbrowser", OS, "launches a program"),
    ("signal", OS, "installs signal handlers"),
    ("_signal", OS, "installs signal handlers"),
    ("ctypes", OS, "loads native libraries and calls C"),
    ("_ctypes", OS, "loads native libraries and calls C"),
    ("cffi", OS, "loads native libraries and calls C"),
    ("_winapi", OS, "calls the Windows API"),
    ("IPython", OS, "runs shell commands and Python code"),
    ("sh", OS, "runs a command"),
    ("plumbum", OS, "runs a command"),
    ("fabric", OS, "runs commands locally or over SSH"),
    ("invoke", OS, "runs a command"),
    ("docker", OS, "runs containers"),
    ("msvcrt", OS, "calls the C runtime"),
    ("winreg", OS, "edits the registry"),
    ("_tkinter", ACE, "evaluates Tcl code"),
    ("tkinter", ACE, "evaluates Tcl code"),
    (
        "sys",
        ACE,
        "changes the interpreter (modules, hooks, paths)",
    ),
    ("gc", INJ, "reaches every live object"),
    ("inspect", INJ, "reaches frames and source"),
    ("atexit", ACE, "registers code to run at exit"),
    ("threading", ACE, "runs a callable in a thread"),
    ("_thread", ACE, "runs a callable in a thread"),
    ("sched", ACE, "schedules a callable"),
    ("weakref.finalize", ACE, "registers a callable"),
    ("contextlib.ExitStack", ACE, "calls registered callables"),
    ("contextvars.Context.run", ACE, "calls any callable"),
    // Code execution, importing, and nested deserialisation.
    ("runpy", ACE, "runs a module or script"),
    ("code", ACE, "runs Python code"),
    ("codeop", ACE, "compiles Python code"),
    ("importlib", ACE, "imports any module"),
    ("_frozen_importlib", ACE, "imports any module"),
    ("_frozen_importlib_external", ACE, "imports any module"),
    ("_imp", ACE, "imports any module"),
    ("imp", ACE, "imports any module"),
    ("zipimport", ACE, "imports code from an archive"),
    ("pkgutil", ACE, "resolves any callable by name"),
    ("pkg_resources", ACE, "loads entry points"),
    ("pydoc", ACE, "resolves names and runs a pager command"),
    ("marshal", ACE, "loads Python bytecode"),
    ("types.CodeType", ACE, "builds Python bytecode"),
    ("types.FunctionType", ACE, "builds a function from bytecode"),
    ("types.MethodType", ACE, "binds a callable"),
    ("types.LambdaType", ACE, "builds a function from bytecode"),
    ("types.ModuleType", ACE, "builds a module"),
    ("pickle", ACE, "deserialises another pickle"),
    ("_pickle", ACE, "deserialises another pickle"),
    ("pickletools", ACE, "deserialises another pickle"),
    ("shelve", ACE, "deserialises pickles from a file"),
    ("dill", ACE, "deserialises code"),
    ("cloudpickle", ACE, "rebuilds functions from bytecode"),
    ("joblib.load", ACE, "deserialises another pickle"),
    ("joblib._pickle_load", ACE, "deserialises another pickle"),
    (
        "joblib.numpy_pickle.load",
        ACE,
        "deserialises another pickle",
    ),
    ("numpy.load", ACE, "deserialises a pickle with allow_pickle"),
    (
        "numpy.f2py",
        ACE,
        "evaluates expressions and builds extensions",
    ),
    ("numpy.distutils", ACE, "runs build commands"),
    (
        "numpy.testing._private.utils.runstring",
        ACE,
        "executes Python code",
    ),
    ("numpy.lib.npyio.load", ACE, "deserialises a pickle"),
    ("pandas.read_pickle", ACE, "deserialises a pickle"),
    ("pandas.io.pickle", ACE, "deserialises a pickle"),
    ("yaml.load", ACE, "constructs arbitrary Python objects"),
    (
        "yaml.unsafe_load",
        ACE,
        "constructs arbitrary Python objects",
    ),
    ("yaml.full_load", ACE, "constructs Python objects"),
    ("yaml.load_all", ACE, "constructs arbitrary Python objects"),
    (
        "yaml.unsafe_load_all",
        ACE,
        "constructs arbitrary Python objects",
    ),
    (
        "yaml.UnsafeLoader",
        ACE,
        "constructs arbitrary Python objects",
    ),
    ("yaml.Loader", ACE, "constructs arbitrary Python objects"),
    ("operator.attrgetter", INJ, "fetches any attribute"),
    ("operator.itemgetter", INJ, "fetches items of namespaces"),
    ("operator.methodcaller", ACE, "calls any method"),
    ("operator.call", ACE, "calls any callable"),
    ("operator.getitem", INJ, "fetches items of namespaces"),
    ("operator.setitem", INJ, "overwrites items of namespaces"),
    ("functools.reduce", ACE, "calls a function repeatedly"),
    ("functools.cmp_to_key", ACE, "wraps a callable"),
    ("functools.singledispatch", ACE, "wraps a callable"),
    ("functools.lru_cache", ACE, "wraps a callable"),
    ("functools.cache", ACE, "wraps a callable"),
    ("functools.partialmethod", ACE, "binds a callable"),
    ("itertools.starmap", ACE, "calls a function on each item"),
    ("itertools.accumulate", ACE, "calls a function on each item"),
    (
        "itertools.filterfalse",
        ACE,
        "calls a function on each item",
    ),
    ("itertools.takewhile", ACE, "calls a function on each item"),
    ("itertools.dropwhile", ACE, "calls a function on each item"),
    ("itertools.groupby", ACE, "calls a function on each item"),
    (
        "copyreg.add_extension",
        INJ,
        "rewires the extension registry",
    ),
    (
        "copyreg.remove_extension",
        INJ,
        "rewires the extension registry",
    ),
    ("copyreg.pickle", INJ, "rewires reduction functions"),
    ("dataclasses._create_fn", ACE, "executes generated code"),
    ("typing._eval_type", ACE, "evaluates a string"),
    ("typing.get_type_hints", ACE, "evaluates annotation strings"),
    ("typing.ForwardRef", ACE, "evaluates a string"),
    (
        "string.Formatter",
        INJ,
        "reaches attributes through format fields",
    ),
    (
        "string.Template",
        INJ,
        "reaches attributes through substitutions",
    ),
    ("cProfile", ACE, "executes a statement"),
    ("profile", ACE, "executes a statement"),
    ("pstats", ACE, "loads marshalled data"),
    ("timeit", ACE, "executes a statement"),
    ("trace", ACE, "executes a statement"),
    ("bdb", ACE, "executes a statement"),
    ("pdb", ACE, "executes a statement"),
    ("doctest", ACE, "executes examples"),
    ("unittest", ACE, "loads and runs tests"),
    ("test", ACE, "runs test helpers that execute code"),
    ("idlelib", ACE, "executes code in IDLE helpers"),
    ("lib2to3", ACE, "evaluates grammar strings"),
    ("ensurepip", ACE, "runs pip"),
    ("pip", ACE, "installs and runs packages"),
    ("venv", ACE, "creates environments and runs commands"),
    ("setuptools", ACE, "runs build commands"),
    ("distutils", ACE, "runs build commands and writes files"),
    ("site", ACE, "executes .pth files and changes the path"),
    ("sysconfig", ACE, "reads build configuration"),
    ("compileall", ACE, "compiles source trees"),
    ("py_compile", ACE, "compiles source files"),
    ("_xxsubinterpreters", ACE, "runs code in a subinterpreter"),
    ("_interpreters", ACE, "runs code in a subinterpreter"),
    ("_interpqueues", ACE, "talks to subinterpreters"),
    ("mlflow.projects", ACE, "runs project entry points"),
    (
        "keras.models.load_model",
        ACE,
        "loads a model that may run code",
    ),
    ("keras.saving", ACE, "loads a model that may run code"),
    (
        "keras.config.enable_unsafe_deserialization",
        ACE,
        "turns off Keras safe mode",
    ),
    ("tensorflow.py_function", ACE, "calls Python from a graph"),
    (
        "tensorflow.numpy_function",
        ACE,
        "calls Python from a graph",
    ),
    ("jinja2", ACE, "renders templates that may run code"),
    (
        "transformers.dynamic_module_utils",
        ACE,
        "downloads and imports remote model code",
    ),
    (
        "diffusers.utils.dynamic_modules_utils",
        ACE,
        "downloads and imports remote pipeline code",
    ),
    ("torch.package", ACE, "imports code packaged with the model"),
    ("pandas.eval", ACE, "evaluates an expression"),
    ("pandas.core.computation", ACE, "evaluates an expression"),
    ("numexpr", ACE, "evaluates an expression"),
    ("sympy.sympify", ACE, "evaluates a string with eval"),
    ("sympy.parsing", ACE, "evaluates a string with eval"),
    ("jsonpickle", ACE, "deserialises arbitrary objects"),
    ("keras.utils.get_file", NET, "downloads a file"),
    ("tensorflow.keras.utils.get_file", NET, "downloads a file"),
    ("tensorflow.io", FS, "reads and writes files"),
    ("torch.load", ACE, "deserialises another pickle"),
    (
        "torch.serialization.load",
        ACE,
        "deserialises another pickle",
    ),
    (
        "torch.serialization._load",
        ACE,
        "deserialises another pickle",
    ),
    (
        "torch.serialization._legacy_load",
        ACE,
        "deserialises another pickle",
    ),
    (
        "torch.storage._load_from_bytes",
        ACE,
        "deserialises another pickle",
    ),
    ("torch.hub", ACE, "downloads and runs code"),
    ("torch.compile", ACE, "compiles and runs generated code"),
    ("torch.jit.load", ACE, "loads TorchScript"),
    ("torch.jit.annotations", ACE, "evaluates type strings"),
    ("torch.jit.unsupported_tensor_ops", ACE, "executes code"),
    ("torch.jit._script", ACE, "compiles source"),
    ("torch.jit.frontend", ACE, "compiles source"),
    ("torch._dynamo", ACE, "evaluates guard code"),
    ("torch._inductor", ACE, "compiles and runs generated code"),
    (
        "torch.fx.experimental.symbolic_shapes",
        ACE,
        "evaluates guard expressions",
    ),
    ("torch.fx.graph_module", ACE, "executes generated code"),
    ("torch.utils.collect_env", OS, "runs a command"),
    ("torch.utils.bottleneck", ACE, "executes a script"),
    (
        "torch.utils._config_module",
        ACE,
        "deserialises configuration pickles",
    ),
    (
        "torch.utils.data.datapipes.utils.decoder",
        ACE,
        "deserialises pickles",
    ),
    (
        "torch.utils.cpp_extension",
        OS,
        "compiles and loads native code",
    ),
    ("torch.distributed", ACE, "runs remote procedure calls"),
    ("torch.ops", ACE, "calls native operators"),
    ("torch.classes", ACE, "instantiates native classes"),
    ("torch._C._jit", ACE, "compiles and runs TorchScript"),
    ("torch.library", ACE, "registers native operators"),
    // File system.
    ("io.open", FS, "opens a file"),
    ("io.FileIO", FS, "opens a file"),
    ("io.open_code", FS, "opens a file"),
    ("codecs.open", FS, "opens a file"),
    ("pathlib.Path.open", FS, "opens a file"),
    ("pathlib.Path.write_text", FS, "writes a file"),
    ("pathlib.Path.write_bytes", FS, "writes a file"),
    ("pathlib.Path.read_text", FS, "reads a file"),
    ("pathlib.Path.read_bytes", FS, "reads a file"),
    ("pathlib.Path.unlink", FS, "deletes a file"),
    ("pathlib.Path.rmdir", FS, "deletes a directory"),
    ("pathlib.PosixPath.open", FS, "opens a file"),
    ("pathlib.PosixPath.write_text", FS, "writes a file"),
    ("pathlib.PosixPath.write_bytes", FS, "writes a file"),
    ("pathlib.PosixPath.read_text", FS, "reads a file"),
    ("pathlib.PosixPath.read_bytes", FS, "reads a file"),
    ("pathlib.PosixPath.unlink", FS, "deletes a file"),
    ("pathlib.WindowsPath.open", FS, "opens a file"),
    ("pathlib.WindowsPath.write_text", FS, "writes a file"),
    ("pathlib.WindowsPath.write_bytes", FS, "writes a file"),
    ("shutil", FS, "copies, moves or deletes files"),
    ("tempfile", FS, "creates files"),
    ("glob", FS, "lists the file system"),
    ("fileinput", FS, "reads files"),
    ("linecache", FS, "reads files"),
    ("filecmp", FS, "reads files"),
    ("fnmatch", FS, "matches file names"),
    ("mmap", FS, "maps files into memory"),
    ("dbm", FS, "opens database files"),
    ("sqlite3", FS, "opens database files"),
    ("_sqlite3", FS, "opens database files"),
    ("zipfile", FS, "reads and writes archives"),
    ("tarfile", FS, "reads and extracts archives"),
    ("logging.FileHandler", FS, "writes a file"),
    ("logging.handlers", FS, "writes files or sends logs"),
    ("logging.config", ACE, "configures handlers from code"),
    ("numpy.savetxt", FS, "writes a file"),
    ("numpy.save", FS, "writes a file"),
    ("numpy.fromfile", FS, "reads a file"),
    ("numpy.memmap", FS, "maps a file"),
    ("numpy.loadtxt", FS, "reads a file"),
    ("numpy.genfromtxt", FS, "reads a file"),
    ("numpy.ndarray.tofile", FS, "writes a file"),
    ("numpy.ndarray.dump", FS, "writes a file"),
    ("torch.save", FS, "writes a file"),
    ("pandas.read_csv", NET, "reads a file or URL"),
    ("pandas.io.parsers", NET, "reads a file or URL"),
    ("pandas.read_json", NET, "reads a file or URL"),
    ("pandas.read_html", NET, "reads a file or URL"),
    ("pandas.read_sql", NET, "queries a database"),
    ("argparse.FileType", FS, "opens a file"),
    // Network.
    ("socket", NET, "opens a network connection"),
    ("_socket", NET, "opens a network connection"),
    ("ssl", NET, "opens a TLS connection"),
    ("select", NET, "waits on sockets"),
    ("selectors", NET, "waits on sockets"),
    ("socketserver", NET, "serves connections"),
    ("http", NET, "makes HTTP requests or serves HTTP"),
    ("urllib", NET, "fetches URLs"),
    ("urllib3", NET, "fetches URLs"),
    ("requests", NET, "fetches URLs"),
    ("httpx", NET, "fetches URLs"),
    ("aiohttp", NET, "fetches URLs"),
    ("ftplib", NET, "opens FTP connections"),
    ("smtplib", NET, "sends mail"),
    ("poplib", NET, "opens POP connections"),
    ("imaplib", NET, "opens IMAP connections"),
    ("telnetlib", NET, "opens Telnet connections"),
    ("nntplib", NET, "opens NNTP connections"),
    ("xmlrpc", NET, "calls remote procedures"),
    ("paramiko", NET, "opens SSH connections"),
    ("boto3", NET, "calls cloud APIs"),
    ("botocore", NET, "calls cloud APIs"),
    ("huggingface_hub", NET, "downloads files"),
    ("transformers.utils.hub", NET, "downloads files"),
];

/// Entries below a dangerous prefix that are inert and common.
const NOT_DANGEROUS: &[&str] = &["os.path.join", "os.path.basename", "os.path.dirname"];

/// Attribute names that reach interpreter internals from any object.
pub const DANGEROUS_DUNDERS: &[&str] = &[
    "__builtins__",
    "__dict__",
    "__globals__",
    "__getattribute__",
    "__getattr__",
    "__subclasses__",
    "__class__",
    "__mro__",
    "__base__",
    "__bases__",
    "__code__",
    "__closure__",
    "__func__",
    "__self__",
    "__import__",
    "__loader__",
    "__spec__",
    "__reduce__",
    "__reduce_ex__",
    "__init_subclass__",
    "__call__",
    "__get__",
    "__set__",
    "__setattr__",
    "__delattr__",
    "__module__",
    "__wrapped__",
];

/// Globals that real model pickles use and that are inert to import and call
/// as pickle calls them (canonical dotted paths, matched exactly).
pub const SAFE: &[&str] = &[
    // Containers and builtins used by pickle itself.
    "builtins.set",
    "builtins.frozenset",
    "builtins.complex",
    "builtins.slice",
    "builtins.bytearray",
    "builtins.bytes",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.int",
    "builtins.float",
    "builtins.str",
    "builtins.bool",
    "builtins.range",
    "builtins.object",
    // `type(name, bases, dict)` builds a class from values the pickle
    // already built (each reported where it is built); dill rebuilds
    // classes this way. The wrappers only wrap a callable reported on its own.
    "builtins.type",
    "builtins.staticmethod",
    "builtins.classmethod",
    "builtins.property",
    "types.NoneType",
    "types.EllipsisType",
    "types.NotImplementedType",
    "builtins.Ellipsis",
    "builtins.NotImplemented",
    "copyreg._reconstructor",
    "copyreg.__newobj__",
    "copyreg.__newobj_ex__",
    "codecs.encode",
    "collections.OrderedDict",
    "collections.defaultdict",
    "collections.Counter",
    "collections.deque",
    "functools.partial",
    "datetime.datetime",
    "datetime.date",
    "datetime.time",
    "datetime.timedelta",
    "datetime.timezone",
    "decimal.Decimal",
    "fractions.Fraction",
    "uuid.UUID",
    "argparse.Namespace",
    "pathlib.PosixPath",
    "pathlib.WindowsPath",
    "pathlib.PurePosixPath",
    "pathlib.PureWindowsPath",
    "pathlib.Path",
    "enum.Enum",
    "re._compile",
    // NumPy.
    "numpy.dtype",
    "numpy.ndarray",
    "numpy._core.multiarray._reconstruct",
    "numpy._core.multiarray.scalar",
    "numpy._core.numeric._frombuffer",
    "numpy.ma.core._mareconstruct",
    "numpy.random._pickle.__randomstate_ctor",
    "numpy.random._pickle.__bit_generator_ctor",
    "numpy.random._pickle.__generator_ctor",
    "numpy.random.mtrand.RandomState",
    "numpy.random._mt19937.MT19937",
    "numpy.random._pcg64.PCG64",
    "numpy.random._generator.Generator",
    "joblib.numpy_pickle.NumpyArrayWrapper",
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csc.csc_matrix",
    "scipy.sparse._coo.coo_matrix",
    // PyTorch tensors, storages and layouts.
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_nested_tensor",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_wrapper_subclass",
    "torch._utils._rebuild_device_tensor_from_numpy",
    "torch._tensor._rebuild_from_type_v2",
    "torch._tensor.Tensor",
    "torch.serialization._get_layout",
    "torch.Size",
    "torch.Tensor",
    "torch.device",
    "torch.dtype",
    "torch.layout",
    "torch.strided",
    "torch.sparse_coo",
    "torch.contiguous_format",
    "torch.channels_last",
    "torch.preserve_format",
    "torch.jit._pickle.build_intlist",
    "torch.jit._pickle.build_tensorlist",
    "torch.jit._pickle.build_doublelist",
    "torch.jit._pickle.build_boollist",
    "torch.jit._pickle.build_tensor_from_id",
    "torch.jit._pickle.restore_type_tag",
    "torch.storage.UntypedStorage",
    "torch.storage.TypedStorage",
    "torch.UntypedStorage",
    "torch.nn.parameter.Parameter",
    "torch.nn.parameter.Buffer",
    "torch.nn.parameter.UninitializedParameter",
    // Activation functions stored as module attributes (`nn.Transformer`
    // keeps `activation=F.relu`): pure tensor functions.
    "torch.nn.functional.relu",
    "torch.nn.functional.gelu",
    "torch.nn.functional.silu",
    "torch.nn.functional.elu",
    "torch.nn.functional.selu",
    "torch.nn.functional.leaky_relu",
    "torch.nn.functional.mish",
    "torch.nn.functional.hardswish",
    "torch.nn.functional.tanh",
    "torch.nn.functional.sigmoid",
    "torch.nn.functional.softmax",
    "torch.nn.functional.log_softmax",
    "torch.nn.functional.softplus",
    "torch.nn.functional.glu",
    "torch.tanh",
    "torch.sigmoid",
    "torch.relu",
    // Packed parameters of quantized modules (`torch.classes.quantized.*`):
    // an empty ScriptObject (it has no Python constructor) whose state goes
    // to a TorchBind class the loading process registered itself.
    "torch.ScriptObject",
    "torch.float32",
    "torch.float",
    "torch.float64",
    "torch.double",
    "torch.float16",
    "torch.half",
    "torch.bfloat16",
    "torch.int64",
    "torch.long",
    "torch.int32",
    "torch.int",
    "torch.int16",
    "torch.short",
    "torch.int8",
    "torch.uint8",
    "torch.bool",
    "torch.complex64",
    "torch.complex128",
    "torch.quint8",
    "torch.qint8",
    "torch.qint32",
    "torch.per_tensor_affine",
    "torch.per_channel_affine",
    // Hugging Face training state saved next to checkpoints.
    "transformers.training_args.TrainingArguments",
    "transformers.training_args.OptimizerNames",
    "transformers.trainer_utils.IntervalStrategy",
    "transformers.trainer_utils.HubStrategy",
    "transformers.trainer_utils.SaveStrategy",
    "transformers.trainer_utils.SchedulerType",
    "transformers.trainer_pt_utils.AcceleratorConfig",
    "accelerate.state.PartialState",
    "accelerate.utils.dataclasses.DistributedType",
    // Boosters inside pickled scikit-learn wrappers (`joblib.dump(XGBClassifier)`):
    // rebuilt with `__new__` and a `__setstate__` that hands the saved model
    // bytes to the library's own model reader; no constructor arguments run.
    "xgboost.core.Booster",
    "lightgbm.basic.Booster",
];

/// Module prefixes whose classes (capitalised, undotted names) are inert to
/// instantiate the way pickle does (`__new__`, then `__setstate__`).
pub const SAFE_CLASS_FAMILIES: &[&str] = &[
    "torch.nn.modules.",
    "torch.optim.",
    "torch.nn.utils.parametrize",
    "sklearn.",
    "xgboost.sklearn",
    "lightgbm.sklearn",
];

/// Module prefixes of model-zoo classes that full-model pickles reference.
/// Their classes are inert when rebuilt the way pickle rebuilds plain
/// objects (`__new__` through NEWOBJ or copyreg, then `__setstate__`), but
/// calling them runs their constructors, so a REDUCE, OBJ or INST call of
/// one stays unknown.
pub const SAFE_WHEN_CONSTRUCTED: &[&str] = &[
    "torchvision.models.",
    "torchvision.ops.",
    "torchvision.transforms.",
    "transformers.models.",
    "transformers.activations",
    "transformers.pytorch_utils",
    "timm.models.",
    "timm.layers.",
    "torch.ao.nn.",
    "torch.nn.quantized.",
    "torch.nn.intrinsic.",
    "ultralytics.nn.",
    // CatBoost's scikit-learn wrappers: NEWOBJ, then a `__setstate__` that
    // hands the saved model bytes to CatBoost's own model reader.
    "catboost.core.",
];

/// Classifies a global by its name and by how the pickle uses it.
pub fn classify_use(g: &sentrascan_formats::pickle::GlobalUse) -> Tier {
    match classify(&g.module, &g.name) {
        Tier::Unknown if g.only_constructed() && is_class_name(&g.name) => {
            let m = canonical_module(&g.module);
            if SAFE_WHEN_CONSTRUCTED
                .iter()
                .any(|p| m.starts_with(p) || m == p.trim_end_matches('.'))
            {
                Tier::Safe
            } else {
                Tier::Unknown
            }
        }
        t => t,
    }
}

fn is_class_name(name: &str) -> bool {
    !name.contains('.') && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

/// Storage and legacy tensor classes: `torch.FloatStorage`, `torch.FloatTensor`.
fn is_torch_storage(path: &str) -> bool {
    path.strip_prefix("torch.").is_some_and(|n| {
        (n.ends_with("Storage") || n.ends_with("Tensor"))
            && !n.contains('.')
            && n.chars().next().is_some_and(|c| c.is_ascii_uppercase())
    })
}

/// TorchScript class types (`__torch__.…`), which `torch.jit.load` resolves
/// from the archive's own `code/` (analysed by PT001), not by importing.
pub fn is_torchscript_type(module: &str) -> bool {
    module == "__torch__" || module.starts_with("__torch__.")
}

fn prefix_match(path: &str, entry: &str) -> bool {
    path == entry || (path.starts_with(entry) && path.as_bytes().get(entry.len()) == Some(&b'.'))
}

fn dangerous_entry(path: &str) -> Option<Danger> {
    if NOT_DANGEROUS.contains(&path) {
        return None;
    }
    DANGEROUS
        .iter()
        .filter(|(entry, _, _)| prefix_match(path, entry))
        .max_by_key(|(entry, _, _)| entry.len())
        .map(|&(entry, category, effect)| Danger {
            entry,
            category,
            effect,
        })
}

/// Classifies `module` + `name` as written in the pickle.
pub fn classify(module: &str, name: &str) -> Tier {
    let path = canonical_path(module, name);
    if let Some(d) = path.split('.').find(|c| DANGEROUS_DUNDERS.contains(c)) {
        let entry = DANGEROUS_DUNDERS
            .iter()
            .find(|x| **x == d)
            .copied()
            .unwrap_or("__dict__");
        return Tier::Dangerous(Danger {
            entry,
            category: INJ,
            effect: "reaches interpreter internals",
        });
    }
    if SAFE.contains(&path.as_str()) || is_torch_storage(&path) {
        return Tier::Safe;
    }
    if let Some(d) = dangerous_entry(&path) {
        return Tier::Dangerous(d);
    }
    // The attribute part of a dotted name, checked on its own: `pathlib` +
    // `os.system` reaches `os.system` through pathlib's `os` attribute.
    let parts: Vec<&str> = name.split('.').collect();
    for i in 0..parts.len().saturating_sub(1) {
        let (Some(head), Some(rest)) = (parts.get(i), parts.get(i.saturating_add(1)..)) else {
            break;
        };
        if let Some(d) = dangerous_entry(&canonical_path(head, &rest.join("."))) {
            return Tier::Dangerous(d);
        }
    }
    if is_class_name(name) {
        let m = canonical_module(module);
        if SAFE_CLASS_FAMILIES
            .iter()
            .any(|p| m.starts_with(p) || m == p.trim_end_matches('.'))
        {
            return Tier::Safe;
        }
    }
    Tier::Unknown
}

fn canonical_module(m: &str) -> &str {
    sentrascan_formats::pickle::names::canonical_module(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn danger(m: &str, n: &str) -> Danger {
        match classify(m, n) {
            Tier::Dangerous(d) => d,
            other => panic!("{m}.{n} is {other:?}"),
        }
    }

    #[test]
    fn module_wildcards_cover_members_and_submodules() {
        assert_eq!(danger("os", "system").entry, "os");
        assert_eq!(
            danger("asyncio.unix_events", "_UnixSubprocessTransport._start").entry,
            "asyncio"
        );
        assert_eq!(danger("torch.utils.collect_env", "run").category, OS);
        assert_eq!(danger("subprocess", "Popen").severity(), Severity::Critical);
    }

    #[test]
    fn aliases_resolve_before_matching() {
        assert_eq!(danger("posix", "system").entry, "os");
        assert_eq!(danger("nt", "system").entry, "os");
        assert_eq!(danger("__builtin__", "eval").entry, "builtins.eval");
        assert_eq!(
            danger("_operator", "methodcaller").entry,
            "operator.methodcaller"
        );
        assert_eq!(danger("_io", "FileIO").severity(), Severity::High);
    }

    #[test]
    fn exact_entries_match_only_their_callable() {
        assert_eq!(danger("builtins", "getattr").entry, "builtins.getattr");
        assert_eq!(classify("builtins", "set"), Tier::Safe);
        assert_eq!(classify("builtins", "print"), Tier::Unknown);
        assert_eq!(danger("pkgutil", "resolve_name").entry, "pkgutil");
    }

    #[test]
    fn dotted_names_are_checked_on_their_own() {
        assert_eq!(danger("pathlib", "os.system").entry, "os");
        assert_eq!(danger("torch", "hub.load").entry, "torch.hub");
        assert_eq!(danger("logging", "os.system").entry, "os");
        assert_eq!(
            danger("code", "InteractiveInterpreter.runcode").entry,
            "code"
        );
    }

    #[test]
    fn dunder_components_are_dangerous_anywhere() {
        assert_eq!(danger("builtins", "__dict__").entry, "__dict__");
        assert_eq!(danger("numpy", "__builtins__").entry, "__builtins__");
        assert_eq!(
            danger("torch._utils", "_rebuild_tensor_v2.__globals__").entry,
            "__globals__"
        );
    }

    #[test]
    fn third_party_command_and_eval_gadgets() {
        assert_eq!(danger("IPython.utils.process", "system").category, OS);
        assert_eq!(
            danger(
                "transformers.dynamic_module_utils",
                "get_class_from_dynamic_module"
            )
            .severity(),
            Severity::Critical
        );
        assert_eq!(danger("pandas", "eval").entry, "pandas.eval");
        assert_eq!(danger("keras.utils", "get_file").severity(), Severity::High);
    }

    #[test]
    fn file_and_network_access_are_high() {
        assert_eq!(danger("shutil", "copy").severity(), Severity::High);
        assert_eq!(
            danger("socket", "create_connection").severity(),
            Severity::High
        );
        assert_eq!(danger("builtins", "open").severity(), Severity::High);
    }

    #[test]
    fn safe_globals_of_real_models() {
        for (m, n) in [
            ("torch._utils", "_rebuild_tensor_v2"),
            ("torch", "FloatStorage"),
            ("torch", "BFloat16Storage"),
            ("collections", "OrderedDict"),
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "dtype"),
            ("copy_reg", "_reconstructor"),
            ("__builtin__", "set"),
            ("_codecs", "encode"),
            ("torch.nn.modules.linear", "Linear"),
            ("sklearn.pipeline", "Pipeline"),
            ("sklearn.linear_model._logistic", "LogisticRegression"),
        ] {
            assert_eq!(classify(m, n), Tier::Safe, "{m}.{n}");
        }
    }

    #[test]
    fn safe_classes_do_not_cover_their_attributes_or_functions() {
        assert!(matches!(
            classify("numpy", "ndarray.tofile"),
            Tier::Dangerous(_)
        ));
        assert_eq!(
            classify("sklearn.utils._testing", "assert_run_python_script"),
            Tier::Unknown
        );
        assert_eq!(
            classify("torch.nn.modules.linear", "Linear.forward"),
            Tier::Unknown
        );
        assert_eq!(classify("torch", "Evil"), Tier::Unknown);
    }

    fn used(
        module: &str,
        name: &str,
        calls: u32,
        constructs: u32,
    ) -> sentrascan_formats::pickle::GlobalUse {
        sentrascan_formats::pickle::GlobalUse {
            module: module.into(),
            name: name.into(),
            kind: sentrascan_formats::pickle::ImportKind::Global,
            via: None,
            offset: 0,
            imports: 1,
            calls,
            constructs,
            inert_calls: 0,
            escapes: 0,
            first_call: None,
        }
    }

    #[test]
    fn model_zoo_classes_are_safe_only_when_constructed() {
        assert_eq!(
            classify_use(&used("torchvision.models.resnet", "ResNet", 1, 1)),
            Tier::Safe
        );
        assert_eq!(
            classify_use(&used(
                "transformers.models.bert.modeling_bert",
                "BertModel",
                0,
                0
            )),
            Tier::Safe
        );
        assert_eq!(
            classify_use(&used("torchvision.models.resnet", "ResNet", 2, 1)),
            Tier::Unknown
        );
        assert_eq!(
            classify_use(&used("torchvision.models", "resnet50", 1, 0)),
            Tier::Unknown
        );
        assert_eq!(classify_use(&used("mypkg", "Net", 1, 1)), Tier::Unknown);
    }

    #[test]
    fn unknown_globals_stay_unknown() {
        assert_eq!(classify("mypkg.models", "Thing"), Tier::Unknown);
        assert_eq!(classify("__main__", "Net"), Tier::Unknown);
        assert_eq!(classify("os.path", "join"), Tier::Unknown);
    }
}
