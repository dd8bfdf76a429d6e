//! Python source, parsed (never run) into the calls it makes, with imports
//! and aliases resolved to dotted names (`import subprocess as sp;
//! sp.Popen(…)` is a call to `subprocess.Popen`).
//!
//! The parser is tree-sitter with the official `tree-sitter-python`
//! grammar: maintained by the tree-sitter organisation, fuzzed upstream,
//! it follows current Python syntax (match, walrus, PEP 695) and is
//! error-tolerant, so a file with one bad line still yields the calls of
//! every other line (and the view says the file did not parse cleanly).
//! `rustpython-parser` was the alternative; its repository is archived
//! since RustPython moved to ruff's parser, which is not published on
//! crates.io. Parsing is bounded by size, by a wall-clock budget (the
//! progress callback cancels it), and the tree is walked iteratively with a
//! depth limit; expression resolution recurses at most [`MAX_EXPR_DEPTH`].

use std::collections::BTreeMap;

use tree_sitter::{Node, ParseOptions, ParseState, Parser, Point};

use crate::Limits;

/// Nesting of expressions followed when resolving a callee or an argument.
const MAX_EXPR_DEPTH: usize = 48;
/// Longest argument or callee text kept as evidence.
const MAX_TEXT: usize = 160;
/// Calls kept per file (the count is exact).
const MAX_CALLS: usize = 20_000;
/// Strings passed to `exec`/`eval` are parsed as Python this deep.
const MAX_NESTED_SOURCE: u32 = 3;
/// Longest string literal kept as a value.
const MAX_LITERAL: usize = 64 << 10;

/// Why a file was not (completely) parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyStatus {
    Parsed,
    /// The parser recovered from syntax errors; the first is at `line`.
    SyntaxErrors {
        count: u32,
        line: u32,
    },
    NotUtf8,
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// The time budget ran out while parsing.
    Timeout,
    /// Nesting deeper than the walk follows (the deeper code is unseen).
    TooDeep {
        limit: u32,
    },
    /// More calls than are kept.
    TooManyCalls {
        limit: u64,
    },
}

/// What an argument is, as far as a reader can tell without running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    /// A string (or bytes) literal, concatenations of literals included.
    Str(String),
    /// A number, `True`, `False` or `None`.
    Constant(String),
    /// An expression that decodes data (`base64.b64decode(…)`,
    /// `zlib.decompress(…)`, a variable assigned from one): the decoder.
    Decoded(String),
    /// A name (a variable or a dotted reference).
    Name(String),
    /// Any other expression.
    Expr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyArg {
    pub value: ArgValue,
    /// The argument's source text, cut at [`MAX_TEXT`].
    pub text: String,
}

/// One call site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyCall {
    /// The resolved dotted name (`subprocess.Popen`, `eval`, `os.system`);
    /// builtins are bare, `posix`/`nt` are `os`.
    pub callee: String,
    /// The callee as written.
    pub written: String,
    pub line: u32,
    pub column: u32,
    /// Byte offset in the file.
    pub offset: u64,
    pub args: Vec<PyArg>,
    pub keywords: Vec<(String, PyArg)>,
    /// Set for calls found in a string that the file passes to
    /// `exec`/`eval`: that call's line.
    pub nested_in: Option<u32>,
}

impl PyCall {
    pub fn arg(&self, i: usize) -> Option<&PyArg> {
        self.args.get(i)
    }

    pub fn keyword(&self, name: &str) -> Option<&PyArg> {
        self.keywords
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// An import statement's binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyImport {
    /// The dotted name imported (`os.path`, `subprocess.Popen`).
    pub target: String,
    /// The local name bound.
    pub local: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonView {
    pub status: PyStatus,
    pub imports: Vec<PyImport>,
    pub calls: Vec<PyCall>,
    /// Calls seen (kept or not).
    pub call_count: u64,
}

impl PythonView {
    fn empty(status: PyStatus) -> Self {
        PythonView {
            status,
            imports: Vec::new(),
            calls: Vec::new(),
            call_count: 0,
        }
    }
}

/// Functions whose result is decoded data: code hidden this way and then
/// executed is obfuscated on purpose.
pub const DECODERS: &[&str] = &[
    "base64.b64decode",
    "base64.b32decode",
    "base64.b16decode",
    "base64.a85decode",
    "base64.b85decode",
    "base64.decodebytes",
    "base64.decodestring",
    "base64.standard_b64decode",
    "base64.urlsafe_b64decode",
    "binascii.a2b_base64",
    "binascii.a2b_hex",
    "binascii.unhexlify",
    "bytes.fromhex",
    "bytearray.fromhex",
    "codecs.decode",
    "zlib.decompress",
    "gzip.decompress",
    "bz2.decompress",
    "lzma.decompress",
    "marshal.loads",
    "chr",
];

/// Parses `src` and lists its imports and calls.
pub fn analyze(src: &[u8], limits: &Limits) -> PythonView {
    analyze_nested(src, limits, 0)
}

fn analyze_nested(src: &[u8], limits: &Limits, depth: u32) -> PythonView {
    if src.len() as u64 > limits.max_source_bytes {
        return PythonView::empty(PyStatus::TooLarge {
            size: src.len() as u64,
            limit: limits.max_source_bytes,
        });
    }
    if std::str::from_utf8(src).is_err() {
        return PythonView::empty(PyStatus::NotUtf8);
    }
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return PythonView::empty(PyStatus::SyntaxErrors { count: 1, line: 0 });
    }
    let deadline = limits.deadline;
    let mut timed_out = false;
    let mut progress = |_: &ParseState| {
        let late = deadline.is_some_and(|d| std::time::Instant::now() >= d);
        timed_out |= late;
        late
    };
    let mut read = |at: usize, _: Point| src.get(at..).unwrap_or(&[]);
    let tree = parser.parse_with_options(
        &mut read,
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    let Some(tree) = tree else {
        return PythonView::empty(if timed_out {
            PyStatus::Timeout
        } else {
            PyStatus::SyntaxErrors { count: 1, line: 0 }
        });
    };
    let mut walk = Walk {
        src,
        limits,
        aliases: BTreeMap::new(),
        decoded: BTreeMap::new(),
        star: Vec::new(),
        view: PythonView::empty(PyStatus::Parsed),
        errors: 0,
        first_error: 0,
        too_deep: false,
        depth,
    };
    walk.run(tree.root_node());
    let mut view = walk.view;
    if view.status == PyStatus::Parsed {
        if walk.too_deep {
            view.status = PyStatus::TooDeep {
                limit: limits.max_syntax_depth,
            };
        } else if walk.errors > 0 {
            view.status = PyStatus::SyntaxErrors {
                count: walk.errors,
                line: walk.first_error,
            };
        }
    }
    view
}

struct Walk<'s, 'l> {
    src: &'s [u8],
    limits: &'l Limits,
    /// Local name → dotted name it stands for.
    aliases: BTreeMap<String, String>,
    /// Variable → the decoder its value came from.
    decoded: BTreeMap<String, String>,
    /// Modules imported with `from M import *`.
    star: Vec<String>,
    view: PythonView,
    errors: u32,
    first_error: u32,
    too_deep: bool,
    depth: u32,
}

fn line_of(node: Node<'_>) -> u32 {
    u32::try_from(node.start_position().row)
        .unwrap_or(u32::MAX)
        .saturating_add(1)
}

fn cut(s: &str) -> String {
    if s.len() <= MAX_TEXT {
        return s.to_string();
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    format!("{}…", s.get(..end).unwrap_or(""))
}

/// `posix.system` is `os.system`; `builtins.eval` is `eval`.
fn normalise(name: &str) -> String {
    for prefix in ["builtins.", "__builtins__.", "__builtin__."] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    for (from, to) in [
        ("posix.", "os."),
        ("nt.", "os."),
        ("cPickle.", "pickle."),
        ("_pickle.", "pickle."),
    ] {
        if let Some(rest) = name.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    name.to_string()
}

/// Names a star import of these modules could bind that matter here.
const STAR_MODULES: &[&str] = &[
    "os",
    "subprocess",
    "pty",
    "ctypes",
    "pickle",
    "marshal",
    "socket",
    "base64",
    "zlib",
];

impl<'s> Walk<'s, '_> {
    fn text(&self, node: Node<'_>) -> &'s str {
        node.utf8_text(self.src).unwrap_or("")
    }

    /// Pass 1 collects bindings (imports, aliases, decoded variables) in
    /// source order; pass 2 collects calls.
    fn run(&mut self, root: Node<'_>) {
        for pass in [1u8, 2] {
            if !self.pass(root, pass) {
                return;
            }
        }
        if self.view.call_count > MAX_CALLS as u64 && self.view.status == PyStatus::Parsed {
            self.view.status = PyStatus::TooManyCalls {
                limit: MAX_CALLS as u64,
            };
        }
    }

    /// One walk over the tree; false when the time budget ran out.
    fn pass(&mut self, root: Node<'_>, pass: u8) -> bool {
        let mut cursor = root.walk();
        let mut depth: u32 = 0;
        loop {
            let node = cursor.node();
            if pass == 1 {
                self.bind(node);
            } else {
                if node.is_error() || node.is_missing() {
                    self.errors = self.errors.saturating_add(1);
                    if self.first_error == 0 {
                        self.first_error = line_of(node);
                    }
                }
                if node.kind() == "call" {
                    self.call(node);
                }
            }
            let deeper = depth < self.limits.max_syntax_depth;
            if !deeper && node.child_count() > 0 {
                self.too_deep = true;
            }
            if deeper && cursor.goto_first_child() {
                depth = depth.saturating_add(1);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return true;
                }
                depth = depth.saturating_sub(1);
            }
            if self.limits.out_of_time() {
                self.view.status = PyStatus::Timeout;
                return false;
            }
        }
    }

    fn bind(&mut self, node: Node<'_>) {
        match node.kind() {
            "import_statement" => {
                let mut c = node.walk();
                for name in node.children_by_field_name("name", &mut c) {
                    let (target, local) = match name.kind() {
                        "aliased_import" => {
                            let target = name.child_by_field_name("name").map(|n| self.text(n));
                            let alias = name.child_by_field_name("alias").map(|n| self.text(n));
                            match (target, alias) {
                                (Some(t), Some(a)) => (t.to_string(), a.to_string()),
                                _ => continue,
                            }
                        }
                        _ => {
                            // `import os.path` binds `os`.
                            let t = self.text(name).to_string();
                            let first = t.split('.').next().unwrap_or(&t).to_string();
                            (first.clone(), first)
                        }
                    };
                    self.import(target, local, line_of(node));
                }
            }
            "import_from_statement" => {
                let Some(module) = node.child_by_field_name("module_name") else {
                    return;
                };
                let module = self.text(module).to_string();
                let mut c = node.walk();
                let mut any = false;
                for name in node.children_by_field_name("name", &mut c) {
                    any = true;
                    let (target, local) = match name.kind() {
                        "aliased_import" => {
                            let t = name.child_by_field_name("name").map(|n| self.text(n));
                            let a = name.child_by_field_name("alias").map(|n| self.text(n));
                            match (t, a) {
                                (Some(t), Some(a)) => (t.to_string(), a.to_string()),
                                _ => continue,
                            }
                        }
                        _ => {
                            let t = self.text(name).to_string();
                            (t.clone(), t)
                        }
                    };
                    self.import(format!("{module}.{target}"), local, line_of(node));
                }
                let mut c = node.walk();
                if !any
                    && node
                        .children(&mut c)
                        .any(|ch| ch.kind() == "wildcard_import")
                {
                    self.star.push(module.clone());
                    self.view.imports.push(PyImport {
                        target: format!("{module}.*"),
                        local: "*".into(),
                        line: line_of(node),
                    });
                }
            }
            "assignment" => {
                let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) else {
                    return;
                };
                if left.kind() != "identifier" {
                    return;
                }
                let name = self.text(left).to_string();
                if let Some(decoder) = self.decoder_in(right, 0) {
                    self.decoded.insert(name.clone(), decoder);
                }
                let target = match right.kind() {
                    "identifier" | "attribute" | "subscript" => self.resolve(right, 0),
                    // `m = __import__("os")`, `s = getattr(os, "system")`,
                    // `f = cffi.FFI()`: the name stands for what the call gives.
                    "call" => self.call_result(right, 0),
                    _ => None,
                };
                if let Some(t) = target.filter(|t| *t != name) {
                    self.aliases.insert(name, t);
                }
            }
            _ => {}
        }
    }

    fn import(&mut self, target: String, local: String, line: u32) {
        self.view.imports.push(PyImport {
            target: target.clone(),
            local: local.clone(),
            line,
        });
        if target != local {
            self.aliases.insert(local, target);
        } else {
            self.aliases.remove(&local);
        }
    }

    /// What a call expression evaluates to, when it names a module or an
    /// object: `__import__('os')` → `os`, `getattr(os, 'sys'+'tem')` →
    /// `os.system`, `importlib.import_module('os')` → `os`, `FFI()` → `cffi.FFI`.
    fn call_result(&self, node: Node<'_>, depth: usize) -> Option<String> {
        let func = node.child_by_field_name("function")?;
        let callee = self.resolve(func, depth.saturating_add(1))?;
        let args = self.arg_nodes(node);
        let lit = |i: usize| {
            args.get(i)
                .and_then(|n| self.literal(*n, depth.saturating_add(1)))
        };
        match callee.as_str() {
            "__import__" | "importlib.import_module" | "importlib.__import__" => lit(0),
            "getattr" => {
                let obj = args
                    .first()
                    .and_then(|n| self.resolve(*n, depth.saturating_add(1)))?;
                Some(normalise(&format!("{obj}.{}", lit(1)?)))
            }
            "globals" | "locals" | "vars" | "dir" => None,
            _ => Some(callee),
        }
    }

    /// The dotted name an expression stands for, if any.
    fn resolve(&self, node: Node<'_>, depth: usize) -> Option<String> {
        if depth > MAX_EXPR_DEPTH {
            return None;
        }
        let next = depth.saturating_add(1);
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if let Some(t) = self.aliases.get(name) {
                    return Some(normalise(t));
                }
                if let Some(m) = self
                    .star
                    .iter()
                    .find(|m| STAR_MODULES.contains(&m.as_str()))
                    .filter(|_| !is_builtin(name))
                {
                    return Some(normalise(&format!("{m}.{name}")));
                }
                Some(normalise(name))
            }
            "attribute" => {
                let obj = node.child_by_field_name("object")?;
                let attr = node.child_by_field_name("attribute")?;
                let base = self.resolve(obj, next)?;
                let attr = self.text(attr);
                if attr == "__dict__" {
                    return Some(base);
                }
                Some(normalise(&format!("{base}.{attr}")))
            }
            "call" => self.call_result(node, next),
            "subscript" => {
                // `__builtins__.__dict__['eval']`, `globals()['__builtins__']`.
                let value = node.child_by_field_name("value")?;
                let key = node.child_by_field_name("subscript")?;
                let key = self.literal(key, next)?;
                let base = if value.kind() == "call" {
                    let f = value.child_by_field_name("function")?;
                    match self.resolve(f, next)?.as_str() {
                        "globals" | "locals" => None,
                        "vars" => self
                            .arg_nodes(value)
                            .first()
                            .and_then(|n| self.resolve(*n, next)),
                        _ => return None,
                    }
                } else {
                    self.resolve(value, next)
                };
                Some(normalise(&match base {
                    Some(b) if b != "__builtins__" => format!("{b}.{key}"),
                    _ => key,
                }))
            }
            "parenthesized_expression" => node.named_child(0).and_then(|n| self.resolve(n, next)),
            _ => None,
        }
    }

    fn arg_nodes<'t>(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let Some(args) = call.child_by_field_name("arguments") else {
            return Vec::new();
        };
        let mut c = args.walk();
        args.named_children(&mut c)
            .filter(|n| n.kind() != "comment")
            .collect()
    }

    /// The value of a string expression made of literals.
    fn literal(&self, node: Node<'_>, depth: usize) -> Option<String> {
        if depth > MAX_EXPR_DEPTH {
            return None;
        }
        let next = depth.saturating_add(1);
        match node.kind() {
            "string" => string_value(node, self.src),
            "concatenated_string" => {
                let mut c = node.walk();
                let mut s = String::new();
                for part in node.named_children(&mut c) {
                    s.push_str(&self.literal(part, next)?);
                }
                Some(s)
            }
            "binary_operator" => {
                let op = node.child_by_field_name("operator")?;
                if self.text(op) != "+" {
                    return None;
                }
                let mut s = self.literal(node.child_by_field_name("left")?, next)?;
                s.push_str(&self.literal(node.child_by_field_name("right")?, next)?);
                (s.len() <= MAX_LITERAL).then_some(s)
            }
            "parenthesized_expression" => node.named_child(0).and_then(|n| self.literal(n, next)),
            _ => None,
        }
    }

    /// The decoder whose output `node` carries, if any.
    fn decoder_in(&self, node: Node<'_>, depth: usize) -> Option<String> {
        if depth > MAX_EXPR_DEPTH {
            return None;
        }
        match node.kind() {
            "call" => {
                if let Some(f) = node.child_by_field_name("function")
                    && let Some(name) = self.resolve(f, depth.saturating_add(1))
                    && let Some(d) = DECODERS.iter().find(|d| **d == name)
                {
                    return Some((*d).to_string());
                }
            }
            "identifier" => {
                if let Some(d) = self.decoded.get(self.text(node)) {
                    return Some(d.clone());
                }
            }
            _ => {}
        }
        let mut c = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut c).collect();
        children
            .into_iter()
            .find_map(|ch| self.decoder_in(ch, depth.saturating_add(1)))
    }

    fn arg(&self, node: Node<'_>) -> PyArg {
        let text = cut(self.text(node));
        let value = if let Some(s) = self.literal(node, 0) {
            ArgValue::Str(s)
        } else if matches!(node.kind(), "integer" | "float" | "true" | "false" | "none") {
            ArgValue::Constant(self.text(node).to_string())
        } else if let Some(d) = self.decoder_in(node, 0) {
            ArgValue::Decoded(d)
        } else if matches!(node.kind(), "identifier" | "attribute") {
            ArgValue::Name(
                self.resolve(node, 0)
                    .unwrap_or_else(|| self.text(node).to_string()),
            )
        } else {
            ArgValue::Expr
        };
        PyArg { value, text }
    }

    fn call(&mut self, node: Node<'_>) {
        self.view.call_count = self.view.call_count.saturating_add(1);
        if self.view.calls.len() >= MAX_CALLS {
            return;
        }
        let Some(func) = node.child_by_field_name("function") else {
            return;
        };
        let Some(callee) = self.resolve(func, 0) else {
            return;
        };
        let mut args = Vec::new();
        let mut keywords = Vec::new();
        for a in self.arg_nodes(node) {
            if a.kind() == "keyword_argument" {
                if let (Some(k), Some(v)) = (
                    a.child_by_field_name("name"),
                    a.child_by_field_name("value"),
                ) {
                    keywords.push((self.text(k).to_string(), self.arg(v)));
                }
            } else {
                args.push(self.arg(a));
            }
        }
        let line = line_of(node);
        let call = PyCall {
            callee: callee.clone(),
            written: cut(self.text(func)),
            line,
            column: u32::try_from(node.start_position().column)
                .unwrap_or(u32::MAX)
                .saturating_add(1),
            offset: node.start_byte() as u64,
            args,
            keywords,
            nested_in: None,
        };
        // Code in a string handed to exec/eval is Python too: read it.
        let nested_src = match (callee.as_str(), call.args.first()) {
            (
                "exec" | "eval" | "compile",
                Some(PyArg {
                    value: ArgValue::Str(s),
                    ..
                }),
            ) if self.depth < MAX_NESTED_SOURCE => Some(s.clone()),
            _ => None,
        };
        self.view.calls.push(call);
        if let Some(code) = nested_src {
            let inner = analyze_nested(code.as_bytes(), self.limits, self.depth.saturating_add(1));
            for mut c in inner.calls {
                c.nested_in = Some(line);
                c.line = line;
                c.offset = node.start_byte() as u64;
                if self.view.calls.len() < MAX_CALLS {
                    self.view.calls.push(c);
                }
            }
        }
    }
}

fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "eval"
            | "exec"
            | "compile"
            | "open"
            | "getattr"
            | "__import__"
            | "print"
            | "len"
            | "range"
            | "globals"
            | "locals"
            | "vars"
            | "chr"
            | "bytes"
            | "bytearray"
            | "str"
            | "int"
            | "super"
            | "isinstance"
            | "dict"
            | "list"
            | "tuple"
            | "set"
            | "float"
            | "type"
    )
}

/// The value of a plain string literal (no f-string interpolation).
fn string_value(node: Node<'_>, src: &[u8]) -> Option<String> {
    let mut out = String::new();
    let mut raw = false;
    let mut c = node.walk();
    for part in node.children(&mut c) {
        let text = part.utf8_text(src).ok()?;
        match part.kind() {
            "string_start" => raw = text.to_ascii_lowercase().contains('r'),
            "string_content" => out.push_str(text),
            "escape_sequence" if raw => out.push_str(text),
            "escape_sequence" => out.push_str(&unescape(text)),
            "string_end" => {}
            "interpolation" => return None,
            _ => out.push_str(text),
        }
        if out.len() > MAX_LITERAL {
            return None;
        }
    }
    Some(out)
}

fn unescape(esc: &str) -> String {
    let body = esc.get(1..).unwrap_or("");
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    let c = match body.chars().next() {
        Some('n') => Some('\n'),
        Some('t') => Some('\t'),
        Some('r') => Some('\r'),
        Some('0') if body.len() == 1 => Some('\0'),
        Some('x') | Some('u') | Some('U') => body.get(1..).and_then(hex),
        Some(c @ ('\\' | '\'' | '"')) => Some(c),
        Some('\n') => return String::new(),
        _ => None,
    };
    c.map(String::from).unwrap_or_else(|| esc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(src: &str) -> Vec<String> {
        analyze(src.as_bytes(), &Limits::default())
            .calls
            .into_iter()
            .map(|c| c.callee)
            .collect()
    }

    #[test]
    fn resolves_aliases() {
        let c = calls(
            "import os as o\nfrom subprocess import Popen as P\nimport importlib\n\
             o.system('x')\nP(['x'])\nm = __import__('o' + 's')\nm.popen('x')\n\
             importlib.import_module('pty').spawn('sh')\n\
             getattr(__builtins__, 'ev' + 'al')('1')\n\
             f = getattr(o, 'system')\nf('y')\n\
             __builtins__.__dict__['exec']('z')\nimport posix\nposix.system('w')\n",
        );
        for want in [
            "os.system",
            "subprocess.Popen",
            "os.popen",
            "pty.spawn",
            "eval",
            "exec",
        ] {
            assert!(c.contains(&want.to_string()), "{want} in {c:?}");
        }
        assert_eq!(c.iter().filter(|x| *x == "os.system").count(), 3, "{c:?}");
    }

    #[test]
    fn decoded_arguments_and_nested_code() {
        let v = analyze(
            b"import base64\np = base64.b64decode('ZWNobyB4')\nexec(p)\nexec(\"import os; os.system('x')\")\n",
            &Limits::default(),
        );
        let exec = v.calls.iter().find(|c| c.callee == "exec").unwrap();
        assert_eq!(
            exec.args[0].value,
            ArgValue::Decoded("base64.b64decode".into())
        );
        assert!(
            v.calls
                .iter()
                .any(|c| c.callee == "os.system" && c.nested_in == Some(4))
        );
    }

    #[test]
    fn syntax_errors_and_size() {
        let v = analyze(
            b"def f(:\n  pass\nimport os\nos.system('x')\n",
            &Limits::default(),
        );
        assert!(matches!(v.status, PyStatus::SyntaxErrors { .. }));
        let v = analyze(b"\xff\xfe", &Limits::default());
        assert_eq!(v.status, PyStatus::NotUtf8);
        let small = Limits {
            max_source_bytes: 4,
            ..Limits::default()
        };
        assert!(matches!(
            analyze(b"print(1)", &small).status,
            PyStatus::TooLarge { .. }
        ));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let src = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
        let v = analyze(src.as_bytes(), &Limits::default());
        assert!(matches!(
            v.status,
            PyStatus::TooDeep { .. } | PyStatus::Parsed
        ));
    }
}
