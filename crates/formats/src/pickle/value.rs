//! Symbolic values on the machine's stack and memo.

use std::cell::RefCell;
use std::rc::Rc;

use super::view::Literal;

/// A string that is either borrowed from the input or decoded into an owned buffer.
#[derive(Debug, Clone)]
pub(crate) enum Text<'a> {
    Borrowed(&'a str),
    Owned(Rc<str>),
}

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Blob<'a> {
    Borrowed(&'a [u8]),
}

impl Blob<'_> {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Blob::Borrowed(b) => b,
        }
    }
}

/// An imported (or derived) global, with its index in the analysis.
#[derive(Debug)]
pub(crate) struct GlobalRef {
    pub module: String,
    pub name: String,
    pub index: usize,
}

impl GlobalRef {
    pub(crate) fn path(&self) -> String {
        super::names::canonical_path(&self.module, &self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerKind {
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
}

#[derive(Debug)]
pub(crate) enum ObjKind {
    Container(ContainerKind),
    /// What calling (or instantiating) a global returned.
    Result(Rc<GlobalRef>),
}

#[derive(Debug)]
pub(crate) struct Obj<'a> {
    pub kind: ObjKind,
    /// The first items, for evidence; `len` is exact.
    pub items: Vec<Value<'a>>,
    pub len: u64,
    /// Elements reachable, counted through shared references (expansion detection).
    pub weight: u64,
    /// For call results: the first arguments of the call.
    pub args: Vec<Value<'a>>,
    /// The last state BUILD applied to the object.
    pub state: Option<Value<'a>>,
}

/// A symbolic value.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    None,
    Bool(bool),
    Int(i64),
    /// Integer wider than 64 bits: its hex rendering.
    BigInt(Rc<str>),
    Float(f64),
    Str(Text<'a>),
    Bytes(Blob<'a>),
    /// A string computed at run time by a call (join, concatenation, decoding).
    Computed(Rc<str>),
    Global(Rc<GlobalRef>),
    /// A module object returned by `importlib.import_module` and friends.
    Module(Rc<str>),
    AttrGetter(Rc<[String]>),
    MethodCaller(Rc<(String, Value<'a>)>),
    Partial(Rc<(Value<'a>, Vec<Value<'a>>)>),
    Obj(Rc<RefCell<Obj<'a>>>),
    Persistent(Rc<Literal>),
    Ext(u64),
    Buffer,
    /// Nothing is known; whatever produced it was recorded already.
    Unknown,
}

impl<'a> Value<'a> {
    pub(crate) fn container(kind: ContainerKind, items: Vec<Value<'a>>, cap: usize) -> Self {
        let len = items.len() as u64;
        let weight = items.iter().fold(1u64, |w, v| w.saturating_add(v.weight()));
        let mut items = items;
        items.truncate(cap);
        Value::Obj(Rc::new(RefCell::new(Obj {
            kind: ObjKind::Container(kind),
            items,
            len,
            weight,
            args: Vec::new(),
            state: None,
        })))
    }

    pub(crate) fn result_of(global: Rc<GlobalRef>) -> Self {
        Self::result_with(global, Vec::new())
    }

    /// The result of calling `global` with `args` (the first few are kept).
    pub(crate) fn result_with(global: Rc<GlobalRef>, mut args: Vec<Value<'a>>) -> Self {
        args.truncate(8);
        Value::Obj(Rc::new(RefCell::new(Obj {
            kind: ObjKind::Result(global),
            items: Vec::new(),
            len: 0,
            weight: 1,
            args,
            state: None,
        })))
    }

    /// The callable whose result this is, as a canonical dotted path.
    /// The global whose call produced this object.
    pub(crate) fn result_global(&self) -> Option<Rc<GlobalRef>> {
        match self {
            Value::Obj(o) => match &o.try_borrow().ok()?.kind {
                ObjKind::Result(g) => Some(g.clone()),
                ObjKind::Container(_) => None,
            },
            _ => None,
        }
    }

    pub(crate) fn result_path(&self) -> Option<String> {
        match self {
            Value::Obj(o) => match &o.try_borrow().ok()?.kind {
                ObjKind::Result(g) => Some(g.path()),
                ObjKind::Container(_) => None,
            },
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Key/value pairs of a dict value.
    pub(crate) fn dict_pairs(&self) -> Vec<(Value<'a>, Value<'a>)> {
        let items = match self {
            Value::Obj(o) => match o.try_borrow() {
                Ok(o) if matches!(o.kind, ObjKind::Container(ContainerKind::Dict)) => {
                    o.items.clone()
                }
                _ => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        let mut out = Vec::with_capacity(items.len() / 2);
        let mut it = items.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            out.push((k, v));
        }
        out
    }

    pub(crate) fn weight(&self) -> u64 {
        match self {
            Value::Obj(o) => o.try_borrow().map(|o| o.weight).unwrap_or(1),
            _ => 1,
        }
    }

    pub(crate) fn as_text(&self) -> Option<&str> {
        match self {
            Value::Str(t) => Some(t.as_str()),
            _ => None,
        }
    }

    /// Any string-like value, including computed ones.
    pub(crate) fn any_text(&self) -> Option<&str> {
        match self {
            Value::Str(t) => Some(t.as_str()),
            Value::Computed(s) => Some(s),
            _ => None,
        }
    }

    /// Items of a tuple/list value (the arguments of a call).
    pub(crate) fn items(&self) -> Vec<Value<'a>> {
        match self {
            Value::Obj(o) => match o.try_borrow() {
                Ok(o) if matches!(o.kind, ObjKind::Container(_)) => o.items.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// Reduce to a literal for evidence, bounded in depth.
    pub(crate) fn to_literal(&self, depth: u32) -> Literal {
        match self {
            Value::None => Literal::None,
            Value::Bool(b) => Literal::Bool(*b),
            Value::Int(i) => Literal::Int(*i),
            Value::BigInt(s) => Literal::Other(format!("int {s}")),
            Value::Float(f) => Literal::Float(*f),
            Value::Str(t) => Literal::Str(clip(t.as_str())),
            Value::Computed(s) => Literal::Str(clip(s)),
            Value::Bytes(b) => {
                let b = b.as_bytes();
                Literal::Bytes(b.get(..b.len().min(4096)).unwrap_or(b).to_vec())
            }
            Value::Global(g) => Literal::Global(g.path()),
            Value::Module(m) => Literal::Other(format!("module {m}")),
            Value::AttrGetter(a) => Literal::Other(format!("attrgetter({})", a.join(", "))),
            Value::MethodCaller(m) => Literal::Other(format!("methodcaller({:?})", m.0)),
            Value::Partial(_) => Literal::Other("functools.partial object".into()),
            Value::Persistent(p) => Literal::Other(format!("persistent_load({p})")),
            Value::Ext(c) => Literal::Other(format!("extension {c}")),
            Value::Buffer => Literal::Other("out-of-band buffer".into()),
            Value::Unknown => Literal::Other("unknown".into()),
            Value::Obj(o) => {
                let Ok(o) = o.try_borrow() else {
                    return Literal::Other("recursive".into());
                };
                match &o.kind {
                    ObjKind::Result(g) => Literal::Call(g.path()),
                    ObjKind::Container(kind) => {
                        if depth == 0 {
                            return Literal::Other(format!(
                                "{} of {} items",
                                kind_name(*kind),
                                o.len
                            ));
                        }
                        let items: Vec<Literal> = o
                            .items
                            .iter()
                            .map(|v| v.to_literal(depth.saturating_sub(1)))
                            .collect();
                        match kind {
                            ContainerKind::List => Literal::List(items),
                            ContainerKind::Tuple => Literal::Tuple(items),
                            ContainerKind::Set | ContainerKind::FrozenSet => Literal::Set(items),
                            ContainerKind::Dict => {
                                let mut pairs = Vec::with_capacity(items.len() / 2);
                                let mut it = items.into_iter();
                                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                                    pairs.push((k, v));
                                }
                                Literal::Dict(pairs)
                            }
                        }
                    }
                }
            }
        }
    }
}

fn kind_name(k: ContainerKind) -> &'static str {
    match k {
        ContainerKind::List => "list",
        ContainerKind::Tuple => "tuple",
        ContainerKind::Dict => "dict",
        ContainerKind::Set => "set",
        ContainerKind::FrozenSet => "frozenset",
    }
}

fn clip(s: &str) -> String {
    if s.len() <= 4096 {
        s.to_string()
    } else {
        let mut end = 4096;
        while !s.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        s.get(..end).unwrap_or("").to_string()
    }
}
