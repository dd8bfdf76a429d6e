//! The structured view of a pickle file that detectors consume.

use std::fmt;

/// Everything the symbolic machine learned about one buffer of pickle data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PickleAnalysis {
    /// Each pickle stream found, in order.
    pub streams: Vec<StreamInfo>,
    /// Every global imported or reached, deduplicated per (module, name, derivation).
    pub globals: Vec<GlobalUse>,
    /// Callables or global operands the machine could not resolve.
    pub unresolved: Vec<Unresolved>,
    pub malformations: Vec<Malformation>,
    pub ext_refs: Vec<ExtRef>,
    /// Persistent ids (PERSID/BINPERSID operands), in order, up to the limit.
    pub persistent_ids: Vec<PersistentId>,
    pub nested: Vec<NestedPickle>,
    pub expansions: Vec<Expansion>,
    /// Container or attribute writes on objects that should not receive them.
    pub mutations: Vec<Mutation>,
    pub proto_anomalies: Vec<ProtoAnomaly>,
    /// Bytes after a stream that are not a pickle.
    pub trailing: Vec<TrailingData>,
    /// A limit that stopped the analysis early: the view is incomplete.
    pub limit: Option<LimitHit>,
    /// Opcodes interpreted, nested streams included.
    pub ops: u64,
    /// NumPy arrays joblib stored inline, whose bytes were skipped.
    pub joblib_arrays: u64,
    /// String and bytes constants kept for the secret scan: at least
    /// [`MIN_KEPT_STRING`] bytes each, [`MAX_KEPT_STRING_BYTES`] in all.
    pub strings: Vec<PickleString>,
    /// Bytes constants whose first bytes are a validated executable header.
    pub executables: Vec<EmbeddedExecutable>,
    /// `torch._utils._rebuild_tensor_v2` calls (PyTorch tensors), in order,
    /// up to a limit: where each tensor's elements are in its storage.
    pub tensors: Vec<TensorRebuild>,
}

/// Shortest string constant kept for the secret scan.
pub const MIN_KEPT_STRING: usize = 12;
/// Longest string constant kept for the secret scan (longer ones are data).
pub const MAX_KEPT_STRING: usize = 64 << 10;
/// String bytes kept per analysis.
pub const MAX_KEPT_STRING_BYTES: usize = 4 << 20;

/// A string constant of the pickle (lossily decoded when not UTF-8).
#[derive(Debug, Clone, PartialEq)]
pub struct PickleString {
    /// Offset of the opcode that pushed it.
    pub offset: u64,
    pub text: String,
}

/// A bytes or string constant holding a native executable.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddedExecutable {
    pub offset: u64,
    pub len: u64,
    pub header: crate::executable::ExeHeader,
}

/// One tensor a PyTorch pickle rebuilds from a storage: the arguments of
/// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)`.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorRebuild {
    /// Offset of the call.
    pub offset: u64,
    /// The storage's persistent id (`('storage', type, key, location, numel)`).
    pub storage: Literal,
    /// Offset of the first element in the storage, in elements.
    pub storage_offset: i64,
    pub size: Vec<i64>,
    pub stride: Vec<i64>,
    /// The state-dict key the tensor was stored under, when the pickle set
    /// it directly as a dictionary item.
    pub name: Option<String>,
}

impl PickleAnalysis {
    /// True when no global, call or extension reference was seen anywhere.
    pub fn imports_nothing(&self) -> bool {
        self.globals.is_empty()
            && self.unresolved.is_empty()
            && self.ext_refs.is_empty()
            && self.nested.iter().all(|n| n.analysis.imports_nothing())
    }
}

/// One pickle stream: from its first opcode to STOP (or to where it broke).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    pub start: u64,
    /// Offset just past the last opcode decoded.
    pub end: u64,
    /// Protocol from the leading PROTO opcode; `None` for protocol 0/1 streams.
    pub protocol: Option<u8>,
    pub ops: u64,
    /// The stream ended with STOP.
    pub complete: bool,
    /// Found by searching data that followed a broken stream or trailing bytes.
    pub resynced: bool,
    /// The value STOP returned, reduced to a literal.
    pub result: Literal,
}

/// How a global came to be referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportKind {
    /// GLOBAL opcode (protocols 0 to 3).
    Global,
    /// STACK_GLOBAL opcode (protocol 4+).
    StackGlobal,
    /// INST opcode (import and instantiate).
    Inst,
    /// Reached at run time through a resolver (getattr, import_module, resolve_name, ...).
    Derived,
}

impl ImportKind {
    pub fn opcode(self) -> &'static str {
        match self {
            ImportKind::Global => "GLOBAL",
            ImportKind::StackGlobal => "STACK_GLOBAL",
            ImportKind::Inst => "INST",
            ImportKind::Derived => "REDUCE",
        }
    }
}

/// A global the pickle imports, and whether and how it is called.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalUse {
    /// Module as written (aliases such as `posix` are kept; see `names::canonical_module`).
    pub module: String,
    /// Qualified name as written; may be dotted (`os.system`) under protocol 4+.
    pub name: String,
    pub kind: ImportKind,
    /// For derived references: the expression that produced it.
    pub via: Option<String>,
    /// Offset of the first import.
    pub offset: u64,
    pub imports: u32,
    pub calls: u32,
    /// Calls that only construct an instance the way pickle rebuilds plain
    /// objects (NEWOBJ, NEWOBJ_EX, copyreg), running `__new__` but not `__init__`.
    pub constructs: u32,
    /// Calls whose literal arguments prove them inert (`setattr` of a plain
    /// name on an object this pickle built, dill's `_load_type('NoneType')`):
    /// what they return or call is recorded and classified on its own.
    pub inert_calls: u32,
    /// Times the global itself was stored as a value (in a container, an
    /// argument list or an object's state) instead of being called, so that
    /// something else may call it later with arguments nobody has seen.
    pub escapes: u32,
    pub first_call: Option<CallSite>,
}

impl GlobalUse {
    pub fn dotted(&self) -> String {
        if self.name.is_empty() {
            self.module.clone()
        } else {
            format!("{}.{}", self.module, self.name)
        }
    }

    pub fn is_called(&self) -> bool {
        self.calls > 0
    }

    /// Called, but only ever constructed as pickle constructs plain objects.
    pub fn only_constructed(&self) -> bool {
        self.calls == self.constructs
    }

    /// Called, every call proven inert by its arguments, and never passed
    /// on as a value: the global does nothing beyond what is recorded.
    pub fn only_inert_calls(&self) -> bool {
        self.calls > 0 && self.inert_calls == self.calls && self.escapes == 0
    }
}

/// Where and how a callable was invoked.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSite {
    pub offset: u64,
    /// REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST, or the resolver that invoked it.
    pub opcode: &'static str,
    /// The literal arguments, rendered like Python.
    pub args: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub offset: u64,
    pub opcode: &'static str,
    pub reason: String,
    /// What the machine could compute of the value anyway (e.g. a joined string).
    pub computed: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Malformation {
    pub offset: u64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExtRef {
    pub offset: u64,
    pub code: u64,
    pub called: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersistentId {
    pub offset: u64,
    pub id: Literal,
}

/// How an embedded pickle was encoded inside its carrier value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NestedEncoding {
    Raw,
    Base64,
    Hex,
    Zlib,
    Gzip,
}

impl NestedEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            NestedEncoding::Raw => "raw",
            NestedEncoding::Base64 => "base64",
            NestedEncoding::Hex => "hex",
            NestedEncoding::Zlib => "zlib",
            NestedEncoding::Gzip => "gzip",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NestedPickle {
    /// Offset of the opcode that pushed the carrier string.
    pub offset: u64,
    pub encoding: NestedEncoding,
    pub length: u64,
    pub analysis: Box<PickleAnalysis>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub offset: u64,
    /// Elements counted through shared references.
    pub logical_size: u64,
    pub stream_bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    pub offset: u64,
    /// SETITEM, SETITEMS, APPEND, APPENDS, ADDITEMS or BUILD.
    pub opcode: &'static str,
    /// What is mutated: the callable whose result it is, or the global itself.
    pub target: MutationTarget,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MutationTarget {
    /// The result of calling this global (`torch._utils._rebuild_tensor_v2`).
    CallResult(String),
    /// An imported global itself (class, function or module).
    Global(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProtoAnomaly {
    pub offset: u64,
    pub protocol: u64,
    pub problem: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrailingData {
    pub offset: u64,
    pub length: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LimitHit {
    pub limit: &'static str,
    pub value: u64,
    pub offset: u64,
}

/// A value reduced to what can be shown and reasoned about after the scan.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Literal {
    #[default]
    None,
    Bool(bool),
    Int(i64),
    /// An integer too large for i64, with its byte length.
    BigInt(u64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<Literal>),
    List(Vec<Literal>),
    Dict(Vec<(Literal, Literal)>),
    Set(Vec<Literal>),
    /// A reference to an imported global.
    Global(String),
    /// The result of calling the named callable.
    Call(String),
    /// Something else, described.
    Other(String),
}

impl Literal {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Literal::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Literal::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Python-like rendering, cut to `max` characters.
    pub fn render(&self, max: usize) -> String {
        let mut s = self.to_string();
        if s.chars().count() > max {
            s = s.chars().take(max).collect::<String>() + "…";
        }
        s
    }
}

fn write_seq(
    f: &mut fmt::Formatter<'_>,
    open: &str,
    items: &[Literal],
    close: &str,
) -> fmt::Result {
    f.write_str(open)?;
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{it}")?;
    }
    f.write_str(close)
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::None => f.write_str("None"),
            Literal::Bool(true) => f.write_str("True"),
            Literal::Bool(false) => f.write_str("False"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::BigInt(n) => write!(f, "<int of {n} bytes>"),
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::Str(s) => write!(f, "{s:?}"),
            Literal::Bytes(b) => {
                f.write_str("b\"")?;
                for &c in b.iter().take(256) {
                    if c.is_ascii_graphic() || c == b' ' {
                        if c == b'"' || c == b'\\' {
                            f.write_str("\\")?;
                        }
                        write!(f, "{}", c as char)?;
                    } else {
                        write!(f, "\\x{c:02x}")?;
                    }
                }
                f.write_str("\"")
            }
            Literal::Tuple(items) if items.len() == 1 => write_seq(f, "(", items, ",)"),
            Literal::Tuple(items) => write_seq(f, "(", items, ")"),
            Literal::List(items) => write_seq(f, "[", items, "]"),
            Literal::Set(items) => write_seq(f, "{", items, "}"),
            Literal::Dict(pairs) => {
                f.write_str("{")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Literal::Global(g) => f.write_str(g),
            Literal::Call(g) => write!(f, "{g}(…)"),
            Literal::Other(d) => write!(f, "<{d}>"),
        }
    }
}
