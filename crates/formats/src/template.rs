//! Jinja2 chat templates: the facts a template-injection check needs, read
//! from minijinja's syntax tree. Nothing is rendered.
//!
//! Chat templates come from GGUF (`tokenizer.chat_template`),
//! `tokenizer_config.json` (`chat_template`: a string, or a list of
//! `{name, template}`) and `.jinja` files. The Python servers that render
//! them use Jinja2, and outside its sandbox a template can walk from any
//! object to the interpreter: `''.__class__.__mro__[1].__subclasses__()`
//! (CVE-2024-34359). [`analyze`] parses with minijinja's parser, whose
//! grammar is Jinja2's for everything chat templates use, and records:
//!
//! - access chains, `root.attr[key]|attr(name)(args)…`, each step with its
//!   span. A name built from constants (`~`, `+`, `*`, `%`, `|format`,
//!   `|join`, `|replace`, `|reverse`, slices, `str` methods, `dict(k=…)`
//!   keys, `{% set %}` variables) is evaluated, and its spelling (plain,
//!   escaped or computed) is kept;
//! - every string literal, decoded with Python's rules as Jinja2 does
//!   (`\x5f`, `\u005f`, `\137`, `\N{LOW LINE}`);
//! - template loads (`import`, `from`, `include`, `extends`) and the names
//!   the template binds.
//!
//! Deciding what is dangerous is the detectors' job.
//!
//! Bounds: the parser recurses on prefix operators (`not not …`, `- - …`)
//! and drops its tree recursively, and its error path overflows a `u16`
//! column past 65,535 characters on one line. The source size, line length,
//! token count and operators per tag are therefore checked on the token
//! stream first, and a template over a limit is reported, not parsed. When
//! the parser rejects a template, the facts are gathered from the token
//! stream instead, so a payload in a broken template is still seen.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};

use minijinja::machinery::ast::{self, CallArg, Expr, Stmt};
use minijinja::machinery::{Span, Token, parse, tokenize};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::ValueKind;

use crate::Limits;

mod config;
mod eval;
mod tokens;

pub use config::{
    MAX_TOKENIZER_CONFIG_BYTES, TokenizerConfigError, templates_from_tokenizer_config,
};

use eval::{
    Decoded, Folded, MAX_FOLDED_ITEMS, Val, bounded_replace, brace_format, decode_literal,
    percent_format, py_capitalize, py_title, slice_val,
};
use tokens::lexical_facts;

/// Bounds for one template. [`Limits`] has no template fields yet, so
/// [`analyze`] uses these defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateLimits {
    /// Bytes of template source.
    pub max_source_bytes: usize,
    /// Characters on one line (minijinja's columns are `u16`).
    pub max_line_chars: usize,
    /// Tokens in the whole template.
    pub max_tokens: usize,
    /// Operators, brackets and keyword operators inside one `{{ }}` or
    /// `{% %}` tag: an upper bound on the depth of its expression tree.
    pub max_tag_operators: usize,
    /// Brackets open at once inside one tag.
    pub max_bracket_depth: usize,
    /// Chains, literals and loads recorded.
    pub max_facts: usize,
    /// Bytes of one string built while evaluating constant expressions.
    pub max_folded_len: usize,
}

impl Default for TemplateLimits {
    fn default() -> Self {
        TemplateLimits {
            max_source_bytes: 1 << 20,
            max_line_chars: 60_000,
            max_tokens: 250_000,
            max_tag_operators: 512,
            max_bracket_depth: 64,
            max_facts: 100_000,
            max_folded_len: 4096,
        }
    }
}

impl From<&Limits> for TemplateLimits {
    fn from(_: &Limits) -> Self {
        TemplateLimits::default()
    }
}

/// Where a fact is in the template source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TemplateSpan {
    /// Byte offset in the template source.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl TemplateSpan {
    /// Whether `other` lies within this span.
    pub fn contains(&self, other: &TemplateSpan) -> bool {
        let end = self.offset.saturating_add(self.len);
        other.offset >= self.offset && other.offset.saturating_add(other.len) <= end
    }
}

/// Whether the whole template was analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateStatus {
    /// Parsed; every fact comes from the syntax tree.
    Parsed,
    /// The parser rejected the template; the facts come from its tokens.
    Unparseable {
        message: String,
        /// 1-based line of the error, when the parser gave one.
        line: Option<u32>,
    },
    /// A bound stopped the analysis; the facts gathered so far are kept.
    LimitReached {
        limit: TemplateLimit,
        detail: String,
    },
}

/// The bound that stopped an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TemplateLimit {
    SourceBytes,
    LineLength,
    Tokens,
    TagOperators,
    BracketDepth,
    Facts,
}

impl TemplateLimit {
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateLimit::SourceBytes => "max_source_bytes",
            TemplateLimit::LineLength => "max_line_chars",
            TemplateLimit::Tokens => "max_tokens",
            TemplateLimit::TagOperators => "max_tag_operators",
            TemplateLimit::BracketDepth => "max_bracket_depth",
            TemplateLimit::Facts => "max_facts",
        }
    }
}

/// The facts of one template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateView {
    /// Bytes of template source.
    pub source_len: usize,
    pub status: TemplateStatus,
    /// Every variable reference and postfix chain, in source order of
    /// completion (inner chains first).
    pub chains: Vec<AccessChain>,
    /// Every string literal in an expression.
    pub literals: Vec<StringLiteral>,
    /// `import`, `from … import`, `include`, `extends`.
    pub loads: Vec<TemplateLoad>,
    /// Names the template assigns anywhere (`set`, `for`, `with`, macro
    /// names and arguments, import aliases).
    pub bound_names: BTreeSet<String>,
}

/// A variable or literal followed by attribute, item, filter and call steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessChain {
    pub span: TemplateSpan,
    pub root: ChainRoot,
    /// Steps from the root outwards.
    pub steps: Vec<Step>,
    /// The chain's source text, at most [`CHAIN_TEXT_CHARS`] characters.
    pub text: String,
}

/// Longest chain text kept.
pub const CHAIN_TEXT_CHARS: usize = 160;

/// What a chain starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainRoot {
    /// A variable. `bound` when the template assigns the name itself;
    /// `alias_of` when it was assigned another bare variable
    /// (`{% set x = lipsum %}`).
    Name {
        name: String,
        bound: bool,
        alias_of: Option<String>,
    },
    /// A literal: `''.`, `().`, `[].`, `{}.`, `1.`.
    Literal(LiteralKind),
    /// The output of a `{% filter %}` or `{% set %}` block.
    BlockOutput,
    /// Any other expression, or a token the fallback could not place.
    Expression,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LiteralKind {
    Str,
    Number,
    Bool,
    None,
    List,
    Tuple,
    Map,
}

/// One step of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// For an access, the span of the name or key; otherwise the node.
    pub span: TemplateSpan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// An attribute or item lookup.
    Access { via: AccessVia, key: AccessKey },
    /// A call. `string_args` holds each positional argument that
    /// evaluates to a string (`None` for the others), at most eight.
    Call { string_args: Vec<Option<String>> },
    /// A filter other than the attribute lookups it performs.
    Filter { name: String },
    /// `[a:b:c]`.
    Slice,
}

/// How a lookup is written. Jinja2 resolves all of them with `getattr`
/// when the item is missing, so `x['__class__']` is `x.__class__`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessVia {
    /// `x.name`
    Dot,
    /// `x[key]`
    Subscript,
    /// `x|attr(name)`
    AttrFilter,
    /// A filter that looks attributes up by name: `map(attribute=…)`,
    /// `map('attr', …)`, `selectattr`, `rejectattr`, `groupby`, `sort`,
    /// `unique`, `sum`, `min`, `max`.
    FilterArgument(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub value: KeyValue,
    pub spelling: Spelling,
}

impl AccessKey {
    /// The names this lookup may use: one, several for a loop variable, or
    /// none (an index, or a name not known before rendering).
    pub fn names(&self) -> Vec<&str> {
        match &self.value {
            KeyValue::Name(n) => vec![n.as_str()],
            KeyValue::OneOf(v) => v.iter().map(String::as_str).collect(),
            KeyValue::Index(_) | KeyValue::Unknown => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    Name(String),
    Index(i64),
    /// One of these names: a loop variable over constant strings
    /// (`{% for n in ['__class__'] %}{{ x[n] }}`).
    OneOf(Vec<String>),
    /// Not known before rendering.
    Unknown,
}

/// How the template spells a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spelling {
    /// An identifier or a string literal written out.
    Plain,
    /// A string literal using code-point escapes (`\x5f`, `\u005f`, `\137`,
    /// `\N{…}`).
    Escaped,
    /// Built by the listed operations (`~`, `|format`, `variable`, …).
    Computed { operations: Vec<String> },
    /// A variable or expression whose value comes from the render context.
    Variable,
}

/// A string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringLiteral {
    /// Decoded as Jinja2 decodes it; `None` when an escape cannot be
    /// decoded statically.
    pub value: Option<String>,
    pub span: TemplateSpan,
    /// Uses code-point escapes.
    pub escaped: bool,
    /// Part of an attribute or item name (already described by its chain).
    pub key_part: bool,
}

/// A statement that loads another template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateLoad {
    pub kind: LoadKind,
    /// The template name, when it is a constant.
    pub target: Option<String>,
    /// Names imported by `from … import`.
    pub names: Vec<String>,
    pub span: TemplateSpan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoadKind {
    Import,
    FromImport,
    Include,
    Extends,
}

impl LoadKind {
    pub fn keyword(self) -> &'static str {
        match self {
            LoadKind::Import => "import",
            LoadKind::FromImport => "from",
            LoadKind::Include => "include",
            LoadKind::Extends => "extends",
        }
    }
}

impl TemplateView {
    fn new(source_len: usize) -> Self {
        TemplateView {
            source_len,
            status: TemplateStatus::Parsed,
            chains: Vec::new(),
            literals: Vec::new(),
            loads: Vec::new(),
            bound_names: BTreeSet::new(),
        }
    }

    /// Whether every fact of the template is in the view.
    pub fn is_complete(&self) -> bool {
        self.status == TemplateStatus::Parsed
    }
}

/// The facts of `source`, bounded by `limits`. Never panics: a template the
/// parser rejects or a bound stops is described by [`TemplateView::status`].
pub fn analyze(source: &str, limits: &Limits) -> TemplateView {
    analyze_with(source, &TemplateLimits::from(limits))
}

/// [`analyze`] with explicit template bounds.
pub fn analyze_with(source: &str, limits: &TemplateLimits) -> TemplateView {
    let mut view = TemplateView::new(source.len());
    if source.len() > limits.max_source_bytes {
        view.status = TemplateStatus::LimitReached {
            limit: TemplateLimit::SourceBytes,
            detail: format!(
                "template is {} bytes, over the {}-byte limit",
                source.len(),
                limits.max_source_bytes
            ),
        };
        return view;
    }
    if let Some((line, chars)) = longest_line(source, limits.max_line_chars) {
        view.status = TemplateStatus::LimitReached {
            limit: TemplateLimit::LineLength,
            detail: format!(
                "line {line} has more than {chars} characters, over the {}-character limit",
                limits.max_line_chars
            ),
        };
        return view;
    }
    let lines = LineIndex::new(source);
    match prescan(source, &lines, limits) {
        Prescan::Fits => {}
        Prescan::Over(limit, detail) => {
            view.status = TemplateStatus::LimitReached { limit, detail };
            lexical_facts(source, &lines, limits, &mut view);
            return view;
        }
        Prescan::Panicked => {
            view.status = TemplateStatus::Unparseable {
                message: "the template lexer failed".to_string(),
                line: None,
            };
            return view;
        }
    }
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        parse(source, "chat_template", SyntaxConfig::default()).map(|tree| {
            let mut walker = Walker::new(source, &lines, limits);
            walker.stmt(&tree);
            walker.finish()
        })
    }));
    match parsed {
        Ok(Ok(facts)) => {
            view = facts;
            view.source_len = source.len();
        }
        Ok(Err(err)) => {
            view.status = TemplateStatus::Unparseable {
                message: err
                    .detail()
                    .map_or_else(|| err.kind().to_string(), str::to_string),
                line: err.line().and_then(|l| u32::try_from(l).ok()),
            };
            lexical_facts(source, &lines, limits, &mut view);
        }
        Err(_) => {
            view.status = TemplateStatus::Unparseable {
                message: "the template parser failed".to_string(),
                line: None,
            };
            lexical_facts(source, &lines, limits, &mut view);
        }
    }
    view
}

/// The first line longer than `max` characters: (1-based line, `max`).
fn longest_line(source: &str, max: usize) -> Option<(usize, usize)> {
    source
        .split('\n')
        .enumerate()
        .find(|(_, l)| l.len() > max && l.chars().count() > max)
        .map(|(i, _)| (i.saturating_add(1), max))
}

/// Byte offsets of line starts, for 1-based line numbers past minijinja's
/// `u16` lines.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i.saturating_add(1)));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> u32 {
        u32::try_from(self.starts.partition_point(|&s| s <= offset)).unwrap_or(u32::MAX)
    }
}

enum Prescan {
    Fits,
    Over(TemplateLimit, String),
    Panicked,
}

/// Counts tokens, and the operators of each tag, before the parser sees
/// the template. A lexer error is left for the parser to report.
fn prescan(source: &str, lines: &LineIndex, limits: &TemplateLimits) -> Prescan {
    let scanned = catch_unwind(AssertUnwindSafe(|| {
        let mut tokens = 0usize;
        let mut operators = 0usize;
        let mut brackets = 0usize;
        for item in tokenize(source, false, SyntaxConfig::default()) {
            let Ok((token, span)) = item else {
                break;
            };
            tokens = tokens.saturating_add(1);
            if tokens > limits.max_tokens {
                return Prescan::Over(
                    TemplateLimit::Tokens,
                    format!("more than {} tokens", limits.max_tokens),
                );
            }
            match token {
                Token::VariableStart | Token::BlockStart => {
                    operators = 0;
                    brackets = 0;
                }
                Token::BracketClose | Token::ParenClose | Token::BraceClose => {
                    brackets = brackets.saturating_sub(1);
                }
                t if nests(&t) => {
                    operators = operators.saturating_add(1);
                    if operators > limits.max_tag_operators {
                        return Prescan::Over(
                            TemplateLimit::TagOperators,
                            format!(
                                "a tag on line {} has more than {} operators",
                                lines.line(span.start_offset as usize),
                                limits.max_tag_operators
                            ),
                        );
                    }
                    if matches!(t, Token::BracketOpen | Token::ParenOpen | Token::BraceOpen) {
                        brackets = brackets.saturating_add(1);
                        if brackets > limits.max_bracket_depth {
                            return Prescan::Over(
                                TemplateLimit::BracketDepth,
                                format!(
                                    "a tag on line {} nests brackets more than {} deep",
                                    lines.line(span.start_offset as usize),
                                    limits.max_bracket_depth
                                ),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        Prescan::Fits
    }));
    scanned.unwrap_or(Prescan::Panicked)
}

/// Tokens that can add a level to an expression tree.
fn nests(token: &Token<'_>) -> bool {
    match token {
        Token::Ident(word) => matches!(*word, "not" | "if" | "else" | "and" | "or" | "is" | "in"),
        Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::FloorDiv
        | Token::Pow
        | Token::Mod
        | Token::Dot
        | Token::Tilde
        | Token::Pipe
        | Token::Eq
        | Token::Ne
        | Token::Gt
        | Token::Gte
        | Token::Lt
        | Token::Lte
        | Token::BracketOpen
        | Token::ParenOpen
        | Token::BraceOpen => true,
        _ => false,
    }
}

// The tree walker.

/// Deepest walk; the prescan and the parser's own guard keep templates below it.
const MAX_WALK_DEPTH: usize = 1024;

/// Deepest constant evaluation: deeper names are unknown (and computed).
const MAX_FOLD_DEPTH: usize = 64;

/// Names of filters that build or reshape strings: a key built with one of
/// them is computed.
const STRING_FILTERS: &[(&str, &str)] = &[
    ("format", "|format"),
    ("join", "|join"),
    ("replace", "|replace"),
    ("reverse", "|reverse"),
    ("lower", "|lower"),
    ("upper", "|upper"),
    ("trim", "|trim"),
    ("title", "|title"),
    ("capitalize", "|capitalize"),
    ("string", "|string"),
    ("first", "|first"),
    ("last", "|last"),
    ("list", "|list"),
    ("center", "|center"),
    ("urlencode", "|urlencode"),
    ("tojson", "|tojson"),
    ("safe", "|safe"),
    ("escape", "|escape"),
    ("e", "|e"),
];

/// Filters that look attributes up by a name given as an argument.
const ATTRIBUTE_FILTERS: &[&str] = &[
    "map",
    "selectattr",
    "rejectattr",
    "groupby",
    "sort",
    "unique",
    "sum",
    "min",
    "max",
];

/// `str` methods evaluated on constant strings.
const STRING_METHODS: &[(&str, &str)] = &[
    ("format", ".format()"),
    ("join", ".join()"),
    ("replace", ".replace()"),
    ("lower", ".lower()"),
    ("upper", ".upper()"),
    ("strip", ".strip()"),
    ("lstrip", ".lstrip()"),
    ("rstrip", ".rstrip()"),
    ("title", ".title()"),
    ("capitalize", ".capitalize()"),
    ("swapcase", ".swapcase()"),
];

struct Walker<'s, 'l> {
    source: &'s str,
    lines: &'l LineIndex,
    limits: &'l TemplateLimits,
    view: TemplateView,
    /// Constant values of `set` variables, by path (`x`, `ns.attr`).
    env: HashMap<String, Folded>,
    /// Variables set to another bare variable (`{% set x = lipsum %}`).
    aliases: HashMap<String, String>,
    depth: usize,
    /// Inside an attribute or item name.
    in_key: bool,
    facts: usize,
    stopped: bool,
}

impl<'s, 'l> Walker<'s, 'l> {
    fn new(source: &'s str, lines: &'l LineIndex, limits: &'l TemplateLimits) -> Self {
        Walker {
            source,
            lines,
            limits,
            view: TemplateView::new(source.len()),
            env: HashMap::new(),
            aliases: HashMap::new(),
            depth: 0,
            in_key: false,
            facts: 0,
            stopped: false,
        }
    }

    fn finish(mut self) -> TemplateView {
        let bound = &self.view.bound_names;
        for chain in &mut self.view.chains {
            if let ChainRoot::Name { name, bound: b, .. } = &mut chain.root {
                *b = bound.contains(name.as_str());
            }
        }
        self.view
    }

    fn span(&self, s: Span) -> TemplateSpan {
        span_of(self.lines, s)
    }

    fn text(&self, s: Span) -> String {
        let start = s.start_offset as usize;
        let end = s.end_offset as usize;
        self.source
            .get(start..end)
            .map(|t| t.chars().take(CHAIN_TEXT_CHARS).collect())
            .unwrap_or_default()
    }

    /// Counts one fact; false once the bound is reached.
    fn room(&mut self) -> bool {
        if self.stopped {
            return false;
        }
        self.facts = self.facts.saturating_add(1);
        if self.facts > self.limits.max_facts {
            self.stop(
                TemplateLimit::Facts,
                format!("more than {} facts", self.limits.max_facts),
            );
            return false;
        }
        true
    }

    fn stop(&mut self, limit: TemplateLimit, detail: String) {
        if !self.stopped {
            self.stopped = true;
            self.view.status = TemplateStatus::LimitReached { limit, detail };
        }
    }

    fn enter(&mut self) -> bool {
        if self.stopped {
            return false;
        }
        self.depth = self.depth.saturating_add(1);
        if self.depth > MAX_WALK_DEPTH {
            self.stop(
                TemplateLimit::TagOperators,
                format!("syntax tree deeper than {MAX_WALK_DEPTH}"),
            );
            self.depth = self.depth.saturating_sub(1);
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn bind(&mut self, target: &Expr<'_>) {
        match target {
            Expr::Var(v) => {
                self.view.bound_names.insert(v.id.to_string());
            }
            Expr::Tuple(t) => {
                for item in &t.items {
                    self.bind(item);
                }
            }
            Expr::List(l) => {
                for item in &l.items {
                    self.bind(item);
                }
            }
            _ => {}
        }
    }

    fn stmts(&mut self, body: &[Stmt<'_>]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, stmt: &Stmt<'_>) {
        if !self.enter() {
            return;
        }
        match stmt {
            Stmt::Template(t) => self.stmts(&t.children),
            Stmt::EmitExpr(e) => self.expr(&e.expr),
            Stmt::EmitRaw(_) | Stmt::Continue(_) | Stmt::Break(_) => {}
            Stmt::ForLoop(f) => {
                self.expr(&f.iter);
                self.bind(&f.target);
                self.forget(&f.target);
                self.loop_variable(&f.target, &f.iter);
                if let Some(filter) = &f.filter_expr {
                    self.expr(filter);
                }
                self.stmts(&f.body);
                self.stmts(&f.else_body);
            }
            Stmt::IfCond(i) => {
                self.expr(&i.expr);
                self.stmts(&i.true_body);
                self.stmts(&i.false_body);
            }
            Stmt::WithBlock(w) => {
                for (target, value) in &w.assignments {
                    self.expr(value);
                    self.bind(target);
                    self.assign(target, value);
                }
                self.stmts(&w.body);
            }
            Stmt::Set(s) => {
                self.expr(&s.expr);
                if !matches!(s.target, Expr::Var(_)) {
                    self.expr(&s.target);
                }
                self.bind(&s.target);
                self.assign(&s.target, &s.expr);
            }
            Stmt::SetBlock(s) => {
                self.bind(&s.target);
                self.forget(&s.target);
                if let Some(filter) = &s.filter {
                    self.expr(filter);
                }
                self.stmts(&s.body);
                self.assign_block(&s.target, &s.body);
            }
            Stmt::AutoEscape(a) => {
                self.expr(&a.enabled);
                self.stmts(&a.body);
            }
            Stmt::FilterBlock(f) => {
                self.expr(&f.filter);
                self.stmts(&f.body);
            }
            Stmt::Block(b) => self.stmts(&b.body),
            Stmt::Import(i) => {
                self.expr(&i.expr);
                self.load(LoadKind::Import, &i.expr, Vec::new(), stmt_span(stmt));
                self.bind(&i.name);
                self.forget(&i.name);
            }
            Stmt::FromImport(f) => {
                self.expr(&f.expr);
                let mut names = Vec::new();
                for (name, alias) in &f.names {
                    if let Expr::Var(v) = name {
                        names.push(v.id.to_string());
                    }
                    let local = alias.as_ref().unwrap_or(name);
                    self.bind(local);
                    self.forget(local);
                }
                self.load(LoadKind::FromImport, &f.expr, names, stmt_span(stmt));
            }
            Stmt::Extends(e) => {
                self.expr(&e.name);
                self.load(LoadKind::Extends, &e.name, Vec::new(), stmt_span(stmt));
            }
            Stmt::Include(i) => {
                self.expr(&i.name);
                self.load(LoadKind::Include, &i.name, Vec::new(), stmt_span(stmt));
            }
            Stmt::Macro(m) => self.macro_decl(m),
            Stmt::CallBlock(c) => {
                self.call_chain(&c.call, c.call.span());
                self.macro_decl(&c.macro_decl);
            }
            Stmt::Do(d) => self.call_chain(&d.call, d.call.span()),
        }
        self.leave();
    }

    /// `{% for n in ['a', 'b'] %}`: `n` is one of the strings.
    fn loop_variable(&mut self, target: &Expr<'_>, iter: &Expr<'_>) {
        let Expr::Var(v) = target else {
            return;
        };
        let folded = self.fold(iter, 0);
        let Some(Val::List(items) | Val::Tuple(items)) = &folded.val else {
            return;
        };
        let candidates: Option<Vec<String>> = items
            .iter()
            .map(|i| match i {
                Val::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        if let Some(candidates) = candidates.filter(|c| !c.is_empty()) {
            let mut f = Folded {
                candidates,
                ..Folded::default()
            };
            f.absorb(&folded);
            f.ops.insert("loop variable");
            self.env.insert(v.id.to_string(), f);
        }
    }

    fn macro_decl(&mut self, m: &ast::Macro<'_>) {
        self.view.bound_names.insert(m.name.to_string());
        for arg in &m.args {
            self.bind(arg);
            self.forget(arg);
        }
        for default in &m.defaults {
            self.expr(default);
        }
        self.stmts(&m.body);
    }

    fn load(&mut self, kind: LoadKind, target: &Expr<'_>, names: Vec<String>, span: Option<Span>) {
        if !self.room() {
            return;
        }
        let target_value = match self.fold(target, 0).val {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        };
        let span = span.unwrap_or_else(|| target.span());
        self.view.loads.push(TemplateLoad {
            kind,
            target: target_value,
            names,
            span: self.span(span),
        });
    }

    /// The `env` path of an assignment target (`x`, `ns.attr`).
    fn path(target: &Expr<'_>) -> Option<String> {
        match target {
            Expr::Var(v) => Some(v.id.to_string()),
            Expr::GetAttr(g) => match &g.expr {
                Expr::Var(v) => Some(format!("{}.{}", v.id, g.name)),
                _ => None,
            },
            _ => None,
        }
    }

    fn forget(&mut self, target: &Expr<'_>) {
        match target {
            Expr::Tuple(t) => {
                for item in &t.items {
                    self.forget(item);
                }
            }
            _ => {
                if let Some(path) = Self::path(target) {
                    self.env.remove(&path);
                    self.aliases.remove(&path);
                }
            }
        }
    }

    fn assign(&mut self, target: &Expr<'_>, value: &Expr<'_>) {
        let Some(path) = Self::path(target) else {
            self.forget(target);
            return;
        };
        let alias = match value {
            Expr::Var(v) => Some(
                self.aliases
                    .get(v.id)
                    .cloned()
                    .unwrap_or_else(|| v.id.to_string()),
            ),
            _ => None,
        };
        let folded = self.fold(value, 0);
        self.forget(target);
        if folded.val.is_some() || folded.is_string_building() {
            self.env.insert(path.clone(), folded);
        }
        if let Some(a) = alias {
            self.aliases.insert(path, a);
        }
    }

    /// `{% set x %}text{% endset %}`: a constant when the body is.
    fn assign_block(&mut self, target: &Expr<'_>, body: &[Stmt<'_>]) {
        let Some(path) = Self::path(target) else {
            return;
        };
        let mut text = String::new();
        let mut folded = Folded::default();
        for s in body {
            let part = match s {
                Stmt::EmitRaw(r) => Some(r.raw.to_string()),
                Stmt::EmitExpr(e) => {
                    let f = self.fold(&e.expr, 0);
                    folded.absorb(&f);
                    f.val.map(|v| v.to_text())
                }
                _ => None,
            };
            match part {
                Some(p) if text.len().saturating_add(p.len()) <= self.limits.max_folded_len => {
                    text.push_str(&p);
                }
                _ => return,
            }
        }
        folded.val = Some(Val::Str(text));
        folded.ops.insert("set block");
        self.env.insert(path, folded);
    }

    fn literal(&mut self, c: &ast::Spanned<ast::Const>) {
        if c.value.kind() != ValueKind::String || !self.room() {
            return;
        }
        let span = c.span();
        let decoded = self.decode(span, c.value.as_str());
        self.view.literals.push(StringLiteral {
            value: decoded.value,
            span: self.span(span),
            escaped: decoded.escaped,
            key_part: self.in_key,
        });
    }

    /// A string constant decoded from its source; minijinja's value when
    /// the source is not a plain run of quoted literals.
    fn decode(&self, span: Span, parsed: Option<&str>) -> Decoded {
        self.source
            .get(span.start_offset as usize..span.end_offset as usize)
            .and_then(decode_literal)
            .unwrap_or_else(|| Decoded {
                value: parsed.map(str::to_string),
                escaped: false,
                segments: 1,
            })
    }

    fn expr(&mut self, e: &Expr<'_>) {
        if !self.enter() {
            return;
        }
        match e {
            Expr::Var(v) => self.push_chain(self.root_name(v.id), Vec::new(), v.span()),
            Expr::Const(c) => self.literal(c),
            Expr::Slice(_) | Expr::GetAttr(_) | Expr::GetItem(_) | Expr::Call(_) => {
                self.chain(e, Vec::new(), e.span());
            }
            Expr::Filter(f) => {
                if f.expr.is_some() {
                    self.chain(e, Vec::new(), e.span());
                } else {
                    // `{% filter … %}`: the filter applies to block output.
                    let steps = self.filter_steps(f);
                    self.push_chain(ChainRoot::BlockOutput, steps, f.span());
                }
            }
            Expr::UnaryOp(_) | Expr::BinOp(_) | Expr::IfExpr(_) => self.operators(e),
            Expr::Compare(c) => {
                self.expr(&c.expr);
                for op in &c.ops {
                    self.expr(&op.expr);
                }
            }
            Expr::Test(t) => {
                self.expr(&t.expr);
                self.call_args(&t.args);
            }
            Expr::List(l) => {
                for item in &l.items {
                    self.expr(item);
                }
            }
            Expr::Tuple(t) => {
                for item in &t.items {
                    self.expr(item);
                }
            }
            Expr::Map(m) => {
                for (k, v) in m.keys.iter().zip(&m.values) {
                    self.expr(k);
                    self.expr(v);
                }
            }
        }
        self.leave();
    }

    /// Operator spines (`a ~ b ~ c`, `not not x`, `a if b else c if d …`)
    /// walked in a loop: the parser builds them as deep as they are long.
    fn operators(&mut self, e: &Expr<'_>) {
        let mut pending: Vec<&Expr<'_>> = Vec::new();
        let mut cur = e;
        loop {
            match cur {
                Expr::UnaryOp(u) => cur = &u.expr,
                Expr::BinOp(b) => {
                    pending.push(&b.right);
                    cur = &b.left;
                }
                Expr::IfExpr(i) => {
                    if let Some(f) = &i.false_expr {
                        pending.push(f);
                    }
                    pending.push(&i.test_expr);
                    cur = &i.true_expr;
                }
                other => {
                    self.expr(other);
                    break;
                }
            }
        }
        while let Some(next) = pending.pop() {
            self.operators(next);
        }
    }

    fn root_name(&self, name: &str) -> ChainRoot {
        ChainRoot::Name {
            name: name.to_string(),
            bound: false,
            alias_of: self.aliases.get(name).cloned(),
        }
    }

    fn call_args(&mut self, args: &[CallArg<'_>]) {
        let in_key = std::mem::replace(&mut self.in_key, false);
        for arg in args {
            match arg {
                CallArg::Pos(e)
                | CallArg::Kwarg(_, e)
                | CallArg::PosSplat(e)
                | CallArg::KwargSplat(e) => {
                    self.expr(e);
                }
            }
        }
        self.in_key = in_key;
    }

    /// Walks the argument expressions of a key and returns the key.
    fn key(&mut self, e: &Expr<'_>) -> AccessKey {
        let in_key = std::mem::replace(&mut self.in_key, true);
        self.expr(e);
        self.in_key = in_key;
        key_of(e, &self.fold(e, 0))
    }

    fn call_chain(&mut self, call: &ast::Spanned<ast::Call<'_>>, outer: Span) {
        self.call_args(&call.args);
        let step = Step {
            kind: StepKind::Call {
                string_args: self.string_args(&call.args),
            },
            span: self.span(call.span()),
        };
        self.chain(&call.expr, vec![vec![step]], outer);
    }

    fn string_args(&mut self, args: &[CallArg<'_>]) -> Vec<Option<String>> {
        args.iter()
            .filter_map(|a| match a {
                CallArg::Pos(e) => Some(e),
                _ => None,
            })
            .take(8)
            .map(|e| match self.fold(e, 0).val {
                Some(Val::Str(s)) => Some(s.chars().take(CHAIN_TEXT_CHARS).collect()),
                _ => None,
            })
            .collect()
    }

    /// Unwinds a postfix chain from its outermost node; `outer_steps` are
    /// steps already taken outside `start`, outermost group first.
    fn chain(&mut self, start: &Expr<'_>, mut groups: Vec<Vec<Step>>, outer: Span) {
        let mut cur = start;
        let mut root = None;
        loop {
            if self.stopped {
                return;
            }
            match cur {
                Expr::GetAttr(g) => {
                    let span = name_span(g.span(), g.name);
                    groups.push(vec![Step {
                        kind: StepKind::Access {
                            via: AccessVia::Dot,
                            key: AccessKey {
                                value: KeyValue::Name(g.name.to_string()),
                                spelling: Spelling::Plain,
                            },
                        },
                        span: self.span(span),
                    }]);
                    cur = &g.expr;
                }
                Expr::GetItem(g) => {
                    let key = self.key(&g.subscript_expr);
                    groups.push(vec![Step {
                        kind: StepKind::Access {
                            via: AccessVia::Subscript,
                            key,
                        },
                        span: self.span(g.subscript_expr.span()),
                    }]);
                    cur = &g.expr;
                }
                Expr::Call(c) => {
                    self.call_args(&c.args);
                    let string_args = self.string_args(&c.args);
                    groups.push(vec![Step {
                        kind: StepKind::Call { string_args },
                        span: self.span(c.span()),
                    }]);
                    cur = &c.expr;
                }
                Expr::Slice(s) => {
                    for part in [&s.start, &s.stop, &s.step].into_iter().flatten() {
                        self.expr(part);
                    }
                    groups.push(vec![Step {
                        kind: StepKind::Slice,
                        span: self.span(s.span()),
                    }]);
                    cur = &s.expr;
                }
                Expr::Filter(f) => {
                    let steps = self.filter_steps(f);
                    groups.push(steps);
                    match &f.expr {
                        Some(inner) => cur = inner,
                        None => {
                            root = Some(ChainRoot::BlockOutput);
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        let root = match root {
            Some(r) => r,
            None => match cur {
                Expr::Var(v) => self.root_name(v.id),
                Expr::Const(c) => {
                    self.literal(c);
                    ChainRoot::Literal(match c.value.kind() {
                        ValueKind::String => LiteralKind::Str,
                        ValueKind::Bool => LiteralKind::Bool,
                        ValueKind::None | ValueKind::Undefined => LiteralKind::None,
                        _ => LiteralKind::Number,
                    })
                }
                Expr::List(_) | Expr::Tuple(_) | Expr::Map(_) => {
                    self.expr(cur);
                    ChainRoot::Literal(match cur {
                        Expr::List(_) => LiteralKind::List,
                        Expr::Tuple(_) => LiteralKind::Tuple,
                        _ => LiteralKind::Map,
                    })
                }
                other => {
                    self.expr(other);
                    ChainRoot::Expression
                }
            },
        };
        let steps: Vec<Step> = groups.into_iter().rev().flatten().collect();
        // A postfix node's span starts at its own operator, not at the root.
        let whole = if root == ChainRoot::BlockOutput {
            outer
        } else {
            join_spans(cur.span(), outer)
        };
        self.push_chain(root, steps, whole);
    }

    fn push_chain(&mut self, root: ChainRoot, steps: Vec<Step>, outer: Span) {
        if !self.room() {
            return;
        }
        let chain = AccessChain {
            span: self.span(outer),
            root,
            steps,
            text: self.text(outer),
        };
        self.view.chains.push(chain);
    }

    /// The steps a filter takes, in the order it takes them.
    fn filter_steps(&mut self, f: &ast::Spanned<ast::Filter<'_>>) -> Vec<Step> {
        let span = self.span(f.span());
        let positional: Vec<&Expr<'_>> = f
            .args
            .iter()
            .filter_map(|a| match a {
                CallArg::Pos(e) => Some(e),
                _ => None,
            })
            .collect();
        let kwarg = |name: &str| {
            f.args.iter().find_map(|a| match a {
                CallArg::Kwarg(k, e) if *k == name => Some(e),
                _ => None,
            })
        };
        let mut steps = Vec::new();
        if f.name == "attr" {
            let (key, key_span) = match positional.first() {
                Some(arg) => (self.key(arg), self.span(arg.span())),
                None => (
                    AccessKey {
                        value: KeyValue::Unknown,
                        spelling: Spelling::Variable,
                    },
                    span,
                ),
            };
            self.call_args_except(&f.args, positional.first().copied());
            steps.push(Step {
                kind: StepKind::Access {
                    via: AccessVia::AttrFilter,
                    key,
                },
                span: key_span,
            });
            return steps;
        }
        let mut attribute: Option<&Expr<'_>> = None;
        if ATTRIBUTE_FILTERS.contains(&f.name) {
            attribute = kwarg("attribute");
            if attribute.is_none() {
                match f.name {
                    "selectattr" | "rejectattr" | "groupby" => {
                        attribute = positional.first().copied()
                    }
                    "map" => {
                        let first = positional.first().map(|e| self.fold(e, 0).val);
                        if let Some(Some(Val::Str(s))) = first
                            && s == "attr"
                        {
                            attribute = positional.get(1).copied();
                        }
                    }
                    _ => {}
                }
            }
        }
        steps.push(Step {
            kind: StepKind::Filter {
                name: f.name.to_string(),
            },
            span,
        });
        self.call_args_except(&f.args, attribute);
        if let Some(attr) = attribute {
            let key = self.key(attr);
            let key_span = self.span(attr.span());
            let via = AccessVia::FilterArgument(f.name.to_string());
            // Jinja2 splits `attribute='a.b.0'` on dots.
            let parts: Vec<AccessKey> = match &key.value {
                KeyValue::Name(path) if path.contains('.') => path
                    .split('.')
                    .map(|p| AccessKey {
                        value: p
                            .parse::<i64>()
                            .map_or_else(|_| KeyValue::Name(p.to_string()), KeyValue::Index),
                        spelling: key.spelling.clone(),
                    })
                    .collect(),
                _ => vec![key],
            };
            for key in parts {
                steps.push(Step {
                    kind: StepKind::Access {
                        via: via.clone(),
                        key,
                    },
                    span: key_span,
                });
            }
        }
        steps
    }

    fn call_args_except(&mut self, args: &[CallArg<'_>], skip: Option<&Expr<'_>>) {
        let in_key = std::mem::replace(&mut self.in_key, false);
        for arg in args {
            let e = match arg {
                CallArg::Pos(e)
                | CallArg::Kwarg(_, e)
                | CallArg::PosSplat(e)
                | CallArg::KwargSplat(e) => e,
            };
            if skip.is_some_and(|s| std::ptr::eq(s, e)) {
                continue;
            }
            self.expr(e);
        }
        self.in_key = in_key;
    }

    // -- constant evaluation --------------------------------------------

    fn fold(&self, e: &Expr<'_>, depth: usize) -> Folded {
        if depth > MAX_FOLD_DEPTH {
            // Too deep to evaluate: unknown, and built, so a name made this
            // way is reported rather than trusted.
            let mut f = Folded::default();
            f.ops.insert("deep expression");
            return f;
        }
        let d = depth.saturating_add(1);
        let cap = self.limits.max_folded_len;
        match e {
            Expr::Const(c) => self.fold_const(c),
            Expr::Var(_) | Expr::GetAttr(_) => self.fold_path(e),
            Expr::List(l) => self.fold_items(&l.items, d, false),
            Expr::Tuple(t) => self.fold_items(&t.items, d, true),
            Expr::Map(m) => self.fold_map(m, d),
            Expr::UnaryOp(u) => self.fold_unary(u, d),
            Expr::BinOp(b) => self.fold_binop(b, d, cap),
            Expr::Filter(f) => self.fold_filter(f, d, cap),
            Expr::GetItem(g) => self.fold_item(g, d),
            Expr::Slice(s) => self.fold_slice(s, d),
            Expr::Call(c) => self.fold_call(c, d, cap),
            Expr::IfExpr(i) => {
                let mut out = Folded::default();
                out.absorb(&self.fold(&i.true_expr, d));
                if let Some(f) = &i.false_expr {
                    out.absorb(&self.fold(f, d));
                }
                out
            }
            Expr::Compare(_) | Expr::Test(_) => Folded::default(),
        }
    }

    fn fold_const(&self, c: &ast::Spanned<ast::Const>) -> Folded {
        match c.value.kind() {
            ValueKind::String => {
                let decoded = self.decode(c.span(), c.value.as_str());
                let mut f = Folded {
                    val: decoded.value.map(Val::Str),
                    escaped: decoded.escaped,
                    ..Folded::default()
                };
                if decoded.segments > 1 {
                    f.ops.insert("adjacent literals");
                }
                f
            }
            ValueKind::Bool => Folded::known(Val::Bool(c.value.is_true())),
            ValueKind::None => Folded::known(Val::None),
            ValueKind::Number if c.value.is_integer() => match i64::try_from(c.value.clone()) {
                Ok(i) => Folded::known(Val::Int(i)),
                Err(_) => Folded::default(),
            },
            _ => Folded::default(),
        }
    }

    fn fold_path(&self, e: &Expr<'_>) -> Folded {
        match Self::path(e).and_then(|p| self.env.get(&p)) {
            Some(known) => {
                let mut f = known.clone();
                f.ops.insert("variable");
                f
            }
            None => Folded::default(),
        }
    }

    fn fold_map(&self, m: &ast::Map<'_>, d: usize) -> Folded {
        let mut out = Folded::default();
        let mut pairs = Vec::new();
        let mut all = m.keys.len() <= MAX_FOLDED_ITEMS;
        for (k, v) in m.keys.iter().zip(&m.values) {
            let fk = self.fold(k, d);
            let fv = self.fold(v, d);
            out.absorb(&fk);
            out.absorb(&fv);
            match (fk.val, fv.val) {
                (Some(k), Some(v)) if all => pairs.push((k, v)),
                _ => all = false,
            }
        }
        if all {
            out.val = Some(Val::Map(pairs));
        }
        out
    }

    fn fold_unary(&self, u: &ast::UnaryOp<'_>, d: usize) -> Folded {
        let inner = self.fold(&u.expr, d);
        let val = match (&u.op, &inner.val) {
            (ast::UnaryOpKind::Neg, Some(Val::Int(i))) => i.checked_neg().map(Val::Int),
            (ast::UnaryOpKind::Not, Some(Val::Bool(b))) => Some(Val::Bool(!b)),
            _ => None,
        };
        Folded { val, ..inner }
    }

    fn fold_item(&self, g: &ast::GetItem<'_>, d: usize) -> Folded {
        let base = self.fold(&g.expr, d);
        let sub = self.fold(&g.subscript_expr, d);
        let mut out = Folded::default();
        out.absorb(&base);
        out.absorb(&sub);
        if base.stringy() {
            out.ops.insert("[]");
        }
        out.val = match (base.val, sub.val) {
            (Some(Val::Map(m)), Some(k)) => m.into_iter().find(|(mk, _)| *mk == k).map(|(_, v)| v),
            (Some(b), Some(Val::Int(i))) => b.items().and_then(|items| {
                let n = i64::try_from(items.len()).ok()?;
                let idx = if i < 0 { i.checked_add(n)? } else { i };
                items.get(usize::try_from(idx).ok()?).cloned()
            }),
            _ => None,
        };
        out
    }

    fn fold_slice(&self, s: &ast::Slice<'_>, d: usize) -> Folded {
        let base = self.fold(&s.expr, d);
        let mut out = Folded::default();
        out.absorb(&base);
        if base.stringy() {
            out.ops.insert("[::]");
        }
        let bound = |x: &Option<Expr<'_>>| -> Option<Option<i64>> {
            match x {
                None => Some(None),
                Some(e) => match self.fold(e, d).val {
                    Some(Val::Int(i)) => Some(Some(i)),
                    Some(Val::None) => Some(None),
                    _ => None,
                },
            }
        };
        if let (Some(b), Some(start), Some(stop), Some(step)) = (
            base.val.as_ref(),
            bound(&s.start),
            bound(&s.stop),
            bound(&s.step),
        ) {
            out.val = slice_val(b, start, stop, step.unwrap_or(1));
        }
        out
    }

    fn fold_items(&self, items: &[Expr<'_>], d: usize, tuple: bool) -> Folded {
        let mut out = Folded::default();
        let mut vals = Vec::new();
        let mut all = items.len() <= MAX_FOLDED_ITEMS;
        for item in items {
            let f = self.fold(item, d);
            out.absorb(&f);
            match f.val {
                Some(v) if all => vals.push(v),
                _ => all = false,
            }
        }
        if all {
            out.val = Some(if tuple {
                Val::Tuple(vals)
            } else {
                Val::List(vals)
            });
        }
        out
    }

    fn fold_binop(&self, b: &ast::BinOp<'_>, d: usize, cap: usize) -> Folded {
        let l = self.fold(&b.left, d);
        let r = self.fold(&b.right, d);
        let mut out = Folded::default();
        out.absorb(&l);
        out.absorb(&r);
        let stringy = l.stringy() || r.stringy();
        let fits = |s: String| (s.len() <= cap).then_some(Val::Str(s));
        let (op, val): (Option<&'static str>, Option<Val>) = match b.op {
            ast::BinOpKind::Concat => (
                Some("~"),
                match (&l.val, &r.val) {
                    (Some(a), Some(c)) => fits(format!("{}{}", a.to_text(), c.to_text())),
                    _ => None,
                },
            ),
            ast::BinOpKind::Add => (
                stringy.then_some("+"),
                match (&l.val, &r.val) {
                    (Some(Val::Str(a)), Some(Val::Str(c))) => fits(format!("{a}{c}")),
                    (Some(Val::Int(a)), Some(Val::Int(c))) => a.checked_add(*c).map(Val::Int),
                    (Some(Val::List(a)), Some(Val::List(c)))
                        if a.len().saturating_add(c.len()) <= MAX_FOLDED_ITEMS =>
                    {
                        Some(Val::List(a.iter().chain(c).cloned().collect()))
                    }
                    _ => None,
                },
            ),
            ast::BinOpKind::Sub => (
                None,
                match (&l.val, &r.val) {
                    (Some(Val::Int(a)), Some(Val::Int(c))) => a.checked_sub(*c).map(Val::Int),
                    _ => None,
                },
            ),
            ast::BinOpKind::Mul => (
                stringy.then_some("*"),
                match (&l.val, &r.val) {
                    (Some(Val::Str(s)), Some(Val::Int(n)))
                    | (Some(Val::Int(n)), Some(Val::Str(s))) => {
                        let n = usize::try_from(*n).unwrap_or(0);
                        s.len()
                            .checked_mul(n)
                            .filter(|len| *len <= cap)
                            .map(|_| Val::Str(s.repeat(n)))
                    }
                    (Some(Val::Int(a)), Some(Val::Int(c))) => a.checked_mul(*c).map(Val::Int),
                    _ => None,
                },
            ),
            ast::BinOpKind::Rem => (
                stringy.then_some("%"),
                match (&l.val, &r.val) {
                    (Some(Val::Str(f)), Some(args)) => percent_format(f, args, cap).map(Val::Str),
                    (Some(Val::Int(a)), Some(Val::Int(c))) if *c != 0 => {
                        a.checked_rem_euclid(*c).map(|m| {
                            // Python's modulo takes the sign of the divisor.
                            if m != 0 && *c < 0 {
                                Val::Int(m.saturating_add(*c))
                            } else {
                                Val::Int(m)
                            }
                        })
                    }
                    _ => None,
                },
            ),
            _ => (None, None),
        };
        if let Some(op) = op {
            out.ops.insert(op);
        }
        out.val = val;
        out
    }

    fn fold_filter(&self, f: &ast::Filter<'_>, d: usize, cap: usize) -> Folded {
        let Some(inner) = &f.expr else {
            return Folded::default();
        };
        let base = self.fold(inner, d);
        let mut out = Folded::default();
        out.absorb(&base);
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        for a in &f.args {
            match a {
                CallArg::Pos(e) => {
                    let fa = self.fold(e, d);
                    out.absorb(&fa);
                    args.push(fa.val);
                }
                CallArg::Kwarg(k, e) => {
                    let fa = self.fold(e, d);
                    out.absorb(&fa);
                    kwargs.push((k.to_string(), fa.val));
                }
                _ => return out,
            }
        }
        if let Some((_, op)) = STRING_FILTERS.iter().find(|(n, _)| *n == f.name) {
            out.ops.insert(*op);
        }
        let str_arg = |i: usize| match args.get(i) {
            Some(Some(Val::Str(s))) => Some(s.clone()),
            _ => None,
        };
        let Some(v) = base.val else {
            return out;
        };
        out.val = match f.name {
            "format" => {
                let all: Option<Vec<Val>> = args.iter().cloned().collect();
                match (&v, all) {
                    (Val::Str(fmt), Some(a)) if kwargs.is_empty() => {
                        percent_format(fmt, &Val::Tuple(a), cap).map(Val::Str)
                    }
                    (Val::Str(fmt), Some(a)) if a.is_empty() => {
                        let m: Option<Vec<(Val, Val)>> = kwargs
                            .iter()
                            .map(|(k, v)| v.clone().map(|v| (Val::Str(k.clone()), v)))
                            .collect();
                        m.and_then(|m| percent_format(fmt, &Val::Map(m), cap))
                            .map(Val::Str)
                    }
                    _ => None,
                }
            }
            "join" => {
                let sep = if args.is_empty() {
                    Some(String::new())
                } else {
                    str_arg(0)
                };
                match (v.items(), sep, kwargs.is_empty()) {
                    (Some(items), Some(sep), true) => {
                        let parts: Vec<String> = items.iter().map(Val::to_text).collect();
                        let joined = parts.join(&sep);
                        (joined.len() <= cap).then_some(Val::Str(joined))
                    }
                    _ => None,
                }
            }
            "replace" => match (&v, str_arg(0), str_arg(1)) {
                (Val::Str(s), Some(old), Some(new)) => {
                    let count = match args.get(2) {
                        Some(Some(Val::Int(c))) => Some(*c),
                        None => None,
                        _ => return out,
                    };
                    bounded_replace(s, &old, &new, count, cap).map(Val::Str)
                }
                _ => None,
            },
            "reverse" => match &v {
                Val::Str(s) => Some(Val::Str(s.chars().rev().collect())),
                other => other.items().map(|mut i| {
                    i.reverse();
                    Val::List(i)
                }),
            },
            "lower" => {
                Some(Val::Str(v.to_text().to_lowercase())).filter(|_| matches!(v, Val::Str(_)))
            }
            "upper" => {
                Some(Val::Str(v.to_text().to_uppercase())).filter(|_| matches!(v, Val::Str(_)))
            }
            "trim" => match &v {
                Val::Str(s) => Some(Val::Str(s.trim().to_string())),
                _ => None,
            },
            "title" => match &v {
                Val::Str(s) => Some(Val::Str(py_title(s))),
                _ => None,
            },
            "capitalize" => match &v {
                Val::Str(s) => Some(Val::Str(py_capitalize(s))),
                _ => None,
            },
            "string" => {
                let s = v.to_text();
                (s.len() <= cap).then_some(Val::Str(s))
            }
            "first" => v.items().and_then(|i| i.first().cloned()),
            "last" => v.items().and_then(|i| i.last().cloned()),
            "list" => v.items().map(Val::List),
            "int" => match &v {
                Val::Int(i) => Some(Val::Int(*i)),
                Val::Str(s) => s.trim().parse::<i64>().ok().map(Val::Int),
                Val::Bool(b) => Some(Val::Int(i64::from(*b))),
                _ => None,
            },
            "length" | "count" => v
                .items()
                .and_then(|i| i64::try_from(i.len()).ok())
                .map(Val::Int),
            _ => None,
        };
        out
    }

    fn fold_call(&self, c: &ast::Call<'_>, d: usize, cap: usize) -> Folded {
        let mut out = Folded::default();
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        let mut complete = true;
        for a in &c.args {
            match a {
                CallArg::Pos(e) => {
                    let f = self.fold(e, d);
                    out.absorb(&f);
                    match f.val {
                        Some(v) => args.push(v),
                        None => complete = false,
                    }
                }
                CallArg::Kwarg(k, e) => {
                    let f = self.fold(e, d);
                    out.absorb(&f);
                    match f.val {
                        Some(v) => kwargs.push((k.to_string(), v)),
                        None => complete = false,
                    }
                }
                _ => complete = false,
            }
        }
        match &c.expr {
            Expr::Var(v) if v.id == "dict" && args.is_empty() => {
                out.ops.insert("dict() keys");
                if complete && kwargs.len() <= MAX_FOLDED_ITEMS {
                    out.val = Some(Val::Map(
                        kwargs.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
                    ));
                }
                out
            }
            Expr::GetAttr(g) => {
                let base = self.fold(&g.expr, d);
                out.absorb(&base);
                let Some((_, op)) = STRING_METHODS.iter().find(|(n, _)| *n == g.name) else {
                    return out;
                };
                if !base.stringy() {
                    return out;
                }
                out.ops.insert(*op);
                let (Some(Val::Str(s)), true) = (&base.val, complete) else {
                    return out;
                };
                let text = |i: usize| match args.get(i) {
                    Some(Val::Str(a)) => Some(a.as_str()),
                    _ => None,
                };
                out.val = match g.name {
                    "format" => brace_format(s, &args, &kwargs, cap),
                    "join" => args.first().and_then(Val::items).map(|items| {
                        items
                            .iter()
                            .map(Val::to_text)
                            .collect::<Vec<_>>()
                            .join(s.as_str())
                    }),
                    "replace" => match (text(0), text(1)) {
                        (Some(old), Some(new)) => {
                            let count = match args.get(2) {
                                Some(Val::Int(n)) => Some(*n),
                                _ => None,
                            };
                            bounded_replace(s, old, new, count, cap)
                        }
                        _ => None,
                    },
                    "lower" => Some(s.to_lowercase()),
                    "upper" => Some(s.to_uppercase()),
                    "strip" => Some(match text(0) {
                        Some(set) => s.trim_matches(|c| set.contains(c)).to_string(),
                        None => s.trim().to_string(),
                    }),
                    "lstrip" => Some(match text(0) {
                        Some(set) => s.trim_start_matches(|c| set.contains(c)).to_string(),
                        None => s.trim_start().to_string(),
                    }),
                    "rstrip" => Some(match text(0) {
                        Some(set) => s.trim_end_matches(|c| set.contains(c)).to_string(),
                        None => s.trim_end().to_string(),
                    }),
                    "title" => Some(py_title(s)),
                    "capitalize" => Some(py_capitalize(s)),
                    "swapcase" => Some(
                        s.chars()
                            .flat_map(|c| {
                                if c.is_uppercase() {
                                    c.to_lowercase().collect::<Vec<_>>()
                                } else {
                                    c.to_uppercase().collect::<Vec<_>>()
                                }
                            })
                            .collect(),
                    ),
                    _ => None,
                }
                .filter(|r| r.len() <= cap)
                .map(Val::Str);
                out
            }
            _ => out,
        }
    }
}

fn key_of(e: &Expr<'_>, folded: &Folded) -> AccessKey {
    let value = match &folded.val {
        Some(Val::Str(s)) => KeyValue::Name(s.clone()),
        Some(Val::Int(i)) => KeyValue::Index(*i),
        Some(Val::Bool(b)) => KeyValue::Index(i64::from(*b)),
        None if !folded.candidates.is_empty() => KeyValue::OneOf(folded.candidates.clone()),
        _ => KeyValue::Unknown,
    };
    let spelling = match e {
        Expr::Const(_) if folded.escaped && folded.ops.is_empty() => Spelling::Escaped,
        Expr::Const(_) if folded.ops.is_empty() => Spelling::Plain,
        _ if folded.is_string_building() => {
            let mut operations: Vec<String> = folded.ops.iter().map(|s| s.to_string()).collect();
            if folded.escaped {
                operations.push("escape sequences".to_string());
            }
            Spelling::Computed { operations }
        }
        _ if folded.val.is_some() => Spelling::Plain,
        _ => Spelling::Variable,
    };
    AccessKey { value, spelling }
}

fn span_of(lines: &LineIndex, s: Span) -> TemplateSpan {
    TemplateSpan {
        offset: s.start_offset,
        len: s.end_offset.saturating_sub(s.start_offset),
        line: lines.line(s.start_offset as usize),
        column: u32::from(s.start_col).saturating_add(1),
    }
}

/// From the earlier start to the later end.
fn join_spans(a: Span, b: Span) -> Span {
    let first = if a.start_offset <= b.start_offset {
        a
    } else {
        b
    };
    let end = if a.end_offset >= b.end_offset { a } else { b };
    Span {
        start_line: first.start_line,
        start_col: first.start_col,
        start_offset: first.start_offset,
        end_line: end.end_line,
        end_col: end.end_col,
        end_offset: end.end_offset,
    }
}

/// The span of `name` at the end of an attribute lookup's span.
fn name_span(whole: Span, name: &str) -> Span {
    let len = u32::try_from(name.len()).unwrap_or(u32::MAX);
    let chars = u16::try_from(name.chars().count()).unwrap_or(u16::MAX);
    Span {
        start_line: whole.end_line,
        start_col: whole.end_col.saturating_sub(chars),
        start_offset: whole.end_offset.saturating_sub(len),
        end_line: whole.end_line,
        end_col: whole.end_col,
        end_offset: whole.end_offset,
    }
}

fn stmt_span(s: &Stmt<'_>) -> Option<Span> {
    match s {
        Stmt::Import(x) => Some(x.span()),
        Stmt::FromImport(x) => Some(x.span()),
        Stmt::Extends(x) => Some(x.span()),
        Stmt::Include(x) => Some(x.span()),
        _ => None,
    }
}

/// Every distinct attribute or item name a view resolves (each candidate
/// of a loop variable included), with how often it is looked up.
pub fn resolved_names(view: &TemplateView) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for chain in &view.chains {
        for step in &chain.steps {
            if let StepKind::Access { key, .. } = &step.kind {
                for n in key.names() {
                    let count: &mut usize = names.entry(n.to_string()).or_default();
                    *count = count.saturating_add(1);
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(src: &str) -> TemplateView {
        analyze(src, &Limits::default())
    }

    fn names(src: &str) -> Vec<String> {
        resolved_names(&view(src)).into_keys().collect()
    }

    fn keys(src: &str) -> Vec<(KeyValue, Spelling)> {
        view(src)
            .chains
            .iter()
            .flat_map(|c| c.steps.iter())
            .filter_map(|s| match &s.kind {
                StepKind::Access { key, .. } => Some((key.value.clone(), key.spelling.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn cve_2024_34359_chain_is_one_chain_from_a_string_literal() {
        let v = view("{{ ''.__class__.__mro__[1].__subclasses__() }}");
        assert_eq!(v.status, TemplateStatus::Parsed);
        let chain = v.chains.iter().find(|c| c.steps.len() == 5).unwrap();
        assert_eq!(chain.root, ChainRoot::Literal(LiteralKind::Str));
        assert_eq!(chain.text, "''.__class__.__mro__[1].__subclasses__()");
        let kinds: Vec<String> = chain
            .steps
            .iter()
            .map(|s| match &s.kind {
                StepKind::Access { key, .. } => format!("{:?}", key.value),
                StepKind::Call { .. } => "call".to_string(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "Name(\"__class__\")",
                "Name(\"__mro__\")",
                "Index(1)",
                "Name(\"__subclasses__\")",
                "call"
            ]
        );
        let first = &chain.steps[0];
        assert_eq!((first.span.line, first.span.column), (1, 7));
        assert_eq!(first.span.offset, 6);
        assert_eq!(first.span.len, 9);
    }

    #[test]
    fn names_built_from_constants_are_evaluated() {
        for (src, op) in [
            ("{{ x['__cla' ~ 'ss__'] }}", "~"),
            ("{{ x['__cla' + 'ss__'] }}", "+"),
            ("{{ x|attr('_' * 2 ~ 'class' ~ '_' * 2) }}", "*"),
            (
                "{{ x|attr('%c%cclass%c%c'|format(95,95,95,95)) }}",
                "|format",
            ),
            ("{{ x|attr('%s%sclass%s%s' % ('_','_','_','_')) }}", "%"),
            ("{{ x|attr(['_','_','class','_','_']|join) }}", "|join"),
            ("{{ x|attr('XXclassXX'|replace('X','_')) }}", "|replace"),
            ("{{ x|attr('__ssalc__'|reverse) }}", "|reverse"),
            ("{{ x|attr('__ssalc__'[::-1]) }}", "[::]"),
            ("{{ x|attr('{0}{0}class{0}{0}'.format('_')) }}", ".format()"),
            ("{{ x|attr(dict(__cla=1, ss__=2)|join) }}", "dict() keys"),
            (
                "{% set a = '__cla' %}{% set b = a ~ 'ss__' %}{{ x[b] }}",
                "variable",
            ),
            ("{{ x|attr('__CLASS__'|lower) }}", "|lower"),
            ("{{ x['__cla' 'ss__'] }}", "adjacent literals"),
            ("{% set a %}__class__{% endset %}{{ x[a] }}", "set block"),
        ] {
            let got = keys(src);
            let found = got.iter().any(|(v, s)| {
                *v == KeyValue::Name("__class__".into())
                    && matches!(s, Spelling::Computed { operations } if operations.iter().any(|o| o == op))
            });
            assert!(found, "{src}: {got:?}");
        }
    }

    #[test]
    fn python_escapes_are_decoded_and_marked() {
        for src in [
            r"{{ x|attr('\x5f\x5fclass\x5f\x5f') }}",
            r"{{ x['\u005f\u005fclass\u005f\u005f'] }}",
            r"{{ x['\U0000005f\U0000005fclass\U0000005f\U0000005f'] }}",
            r"{{ x['\137\137class\137\137'] }}",
            r"{{ x['\N{LOW LINE}\N{low line}class\N{LOW LINE}\N{LOW LINE}'] }}",
        ] {
            assert_eq!(
                keys(src),
                [(KeyValue::Name("__class__".into()), Spelling::Escaped)],
                "{src}"
            );
        }
        // `\n` and `\"` are ordinary escapes, not obfuscation.
        let v = view(r#"{{ "a\n\"b\"" }}"#);
        assert_eq!(v.literals[0].value.as_deref(), Some("a\n\"b\""));
        assert!(!v.literals[0].escaped);
    }

    #[test]
    fn loop_variables_over_constants_are_one_of_their_values() {
        let got = keys("{% for n in ['__class__', '__base__'] %}{{ x[n] }}{% endfor %}");
        assert_eq!(
            got[0].0,
            KeyValue::OneOf(vec!["__class__".into(), "__base__".into()])
        );
        assert!(
            matches!(&got[0].1, Spelling::Computed { operations } if operations.iter().any(|o| o == "loop variable"))
        );
        let got = keys("{% for m in messages %}{{ x[m] }}{% endfor %}");
        assert_eq!(got, [(KeyValue::Unknown, Spelling::Variable)]);
    }

    #[test]
    fn data_keys_from_variables_are_not_computed_names() {
        let got = keys("{{ messages[loop.index0 + 1].role }}{{ message[key] }}{{ messages[-1] }}");
        assert!(
            got.contains(&(KeyValue::Unknown, Spelling::Variable)),
            "{got:?}"
        );
        assert!(
            got.contains(&(KeyValue::Index(-1), Spelling::Plain)),
            "{got:?}"
        );
        assert!(
            !got.iter()
                .any(|(_, s)| matches!(s, Spelling::Computed { .. } | Spelling::Escaped)),
            "{got:?}"
        );
    }

    #[test]
    fn filters_that_take_attribute_names_are_accesses() {
        assert_eq!(
            names(
                "{{ xs|map(attribute='__class__.__name__')|list }}{{ xs|selectattr('_x') }}{{ xs|map('attr', '__dict__') }}"
            ),
            ["__class__", "__dict__", "__name__", "_x"]
        );
    }

    #[test]
    fn roots_know_bound_names_and_aliases() {
        let v = view(
            "{% set ns = namespace(a=1) %}{{ ns.a }}{% set x = lipsum %}{{ x.__globals__ }}{{ cycler.__init__ }}",
        );
        let roots: Vec<&ChainRoot> = v
            .chains
            .iter()
            .filter(|c| !c.steps.is_empty())
            .map(|c| &c.root)
            .collect();
        assert!(roots.contains(&&ChainRoot::Name {
            name: "namespace".into(),
            bound: false,
            alias_of: None
        }));
        assert!(roots.contains(&&ChainRoot::Name {
            name: "ns".into(),
            bound: true,
            alias_of: None
        }));
        assert!(roots.contains(&&ChainRoot::Name {
            name: "x".into(),
            bound: true,
            alias_of: Some("lipsum".into())
        }));
        assert!(roots.contains(&&ChainRoot::Name {
            name: "cycler".into(),
            bound: false,
            alias_of: None
        }));
    }

    #[test]
    fn comments_and_raw_blocks_are_not_code() {
        let v = view("{# ''.__class__ #}{% raw %}{{ ''.__class__ }}{% endraw %}hello");
        assert_eq!(v.status, TemplateStatus::Parsed);
        assert!(v.chains.is_empty() && v.literals.is_empty());
    }

    #[test]
    fn loads_are_recorded() {
        let v = view(
            "{% import 'os' as os %}{% from 'subprocess' import check_output as co %}{% include 'x.j2' %}",
        );
        let loads: Vec<(LoadKind, Option<&str>)> = v
            .loads
            .iter()
            .map(|l| (l.kind, l.target.as_deref()))
            .collect();
        assert_eq!(
            loads,
            [
                (LoadKind::Import, Some("os")),
                (LoadKind::FromImport, Some("subprocess")),
                (LoadKind::Include, Some("x.j2"))
            ]
        );
        assert_eq!(v.loads[1].names, ["check_output"]);
        assert!(v.bound_names.contains("os") && v.bound_names.contains("co"));
    }

    #[test]
    fn call_arguments_keep_their_strings() {
        let v = view("{{ os.popen('echo sentrascan-fixture').read() }}");
        let chain = v.chains.iter().find(|c| c.steps.len() == 4).unwrap();
        assert!(
            matches!(&chain.steps[1].kind, StepKind::Call { string_args } if string_args == &[Some("echo sentrascan-fixture".to_string())])
        );
        // The argument is a literal but not part of a name.
        assert!(v.literals.iter().all(|l| !l.key_part));
    }

    #[test]
    fn unparseable_templates_fall_back_to_tokens() {
        let v = view(
            "{% for x in ().__class__.__base__.__subclasses__() %}{{ x|attr('\\x5f\\x5fname\\x5f\\x5f') }}{% endif %}",
        );
        assert!(
            matches!(v.status, TemplateStatus::Unparseable { .. }),
            "{:?}",
            v.status
        );
        let n = resolved_names(&v);
        for want in ["__class__", "__base__", "__subclasses__", "__name__"] {
            assert!(n.contains_key(want), "{want} missing from {n:?}");
        }
        let v = view("{% include 'x' %}{{ cycler.__init__ }}{% if %}");
        assert_eq!(v.loads.len(), 1);
        assert!(v.chains.iter().any(
            |c| matches!(&c.root, ChainRoot::Name { name, .. } if name == "cycler")
                && c.steps.len() == 1
        ));
    }

    #[test]
    fn hostile_nesting_is_refused_before_parsing() {
        for src in [
            format!("{{{{ {}x }}}}", "not \n".repeat(20_000)),
            format!("{{{{ {}x }}}}", "-\n".repeat(20_000)),
            format!("{{{{ x{} }}}}", " ~ x\n".repeat(20_000)),
            format!("{{{{ x{} }}}}", ".a\n".repeat(20_000)),
            format!("{{{{ {} 1 }}}}", "1 if x else \n".repeat(20_000)),
        ] {
            let v = view(&src);
            assert!(
                matches!(
                    v.status,
                    TemplateStatus::LimitReached {
                        limit: TemplateLimit::TagOperators,
                        ..
                    }
                ),
                "{:?}",
                v.status
            );
        }
        let deep = format!(
            "{}{}",
            "{% if x %}\n".repeat(10_000),
            "{% endif %}\n".repeat(10_000)
        );
        assert!(matches!(
            view(&deep).status,
            TemplateStatus::Unparseable { .. }
        ));
    }

    /// The deepest shapes the bounds allow, together, on the 2 MiB stack
    /// of a test thread in a debug build.
    #[test]
    fn deepest_allowed_template_is_walked_on_a_small_stack() {
        let limits = TemplateLimits::default();
        let ops = limits.max_tag_operators;
        let brackets = limits.max_bracket_depth;
        let keys = format!(
            "{{{{ x{}1{} }}}}",
            "[x".repeat(brackets),
            "]".repeat(brackets)
        );
        let calls = format!(
            "{{{{ {}1{} }}}}",
            "x|attr(".repeat(brackets / 2),
            ")".repeat(brackets / 2)
        );
        let nots = format!("{{{{ {}x }}}}", "not ".repeat(ops));
        let concat = format!("{{{{ y[x{}] }}}}", " ~ 'a'".repeat(ops.saturating_sub(2)));
        let attrs = format!("{{{{ x{} }}}}", ".__class__".repeat(ops));
        let body = [keys, calls, nots, concat, attrs].concat();
        let src = format!(
            "{}{}{}",
            "{% if x %}".repeat(80),
            body,
            "{% endif %}".repeat(80)
        );
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let v = analyze_with(&src, &limits);
                (v.status, v.chains.iter().map(|c| c.steps.len()).max())
            })
            .unwrap();
        let (status, longest) = handle.join().unwrap();
        assert_eq!(status, TemplateStatus::Parsed);
        assert_eq!(longest, Some(ops));
    }

    #[test]
    fn long_lines_and_large_sources_are_limits_not_panics() {
        // minijinja overflows a u16 column on a lexer error past 65,535 columns.
        let long = format!("{}{{{{ 'abc", "x".repeat(70_000));
        assert!(matches!(
            view(&long).status,
            TemplateStatus::LimitReached {
                limit: TemplateLimit::LineLength,
                ..
            }
        ));
        let big = "a".repeat((1 << 20) + 1);
        assert!(matches!(
            view(&big).status,
            TemplateStatus::LimitReached {
                limit: TemplateLimit::SourceBytes,
                ..
            }
        ));
        let limits = TemplateLimits {
            max_facts: 3,
            ..TemplateLimits::default()
        };
        let v = analyze_with("{{ a }}{{ b }}{{ c }}{{ d }}{{ e }}", &limits);
        assert!(matches!(
            v.status,
            TemplateStatus::LimitReached {
                limit: TemplateLimit::Facts,
                ..
            }
        ));
        assert_eq!(v.chains.len(), 3);
    }

    #[test]
    fn tokenizer_config_forms() {
        let s = br#"{"chat_template": "{{ x }}", "bos_token": "<s>"}"#;
        assert_eq!(
            templates_from_tokenizer_config(s).unwrap(),
            [("default".to_string(), "{{ x }}".to_string())]
        );
        let l = br#"{"chat_template": [{"name": "default", "template": "a"}, {"name": "rag", "template": "b"}]}"#;
        assert_eq!(templates_from_tokenizer_config(l).unwrap().len(), 2);
        assert!(
            templates_from_tokenizer_config(br#"{"model_max_length": 4}"#)
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            templates_from_tokenizer_config(b"[1]"),
            Err(TokenizerConfigError::NotAnObject)
        ));
        assert!(matches!(
            templates_from_tokenizer_config(b"{\"chat_template\": 3}"),
            Err(TokenizerConfigError::BadChatTemplate { .. })
        ));
        assert!(matches!(
            templates_from_tokenizer_config(b"{\"chat_template\": [{\"name\": \"x\"}]}"),
            Err(TokenizerConfigError::BadTemplateEntry {
                index: 0,
                field: "template"
            })
        ));
        assert!(matches!(
            templates_from_tokenizer_config(b"{"),
            Err(TokenizerConfigError::NotJson { .. })
        ));
    }
}
