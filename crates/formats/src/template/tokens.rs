//! Facts from the token stream alone, for templates the parser rejects or
//! that are over a bound: `name.attr`, `x['key']`, `x|attr('key')`, calls,
//! string literals, and the first string after `import`, `include`,
//! `extends` and `from`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use minijinja::machinery::{Span, Token, tokenize};
use minijinja::syntax::SyntaxConfig;

use super::eval::decode_literal;
use super::{
    AccessChain, AccessKey, AccessVia, CHAIN_TEXT_CHARS, ChainRoot, KeyValue, LineIndex,
    LiteralKind, LoadKind, Spelling, Step, StepKind, StringLiteral, TemplateLimits, TemplateLoad,
    TemplateView, span_of,
};

/// Words that start statements or are operators, never variables.
const KEYWORDS: &[&str] = &[
    "for",
    "in",
    "if",
    "elif",
    "else",
    "endif",
    "endfor",
    "set",
    "endset",
    "not",
    "and",
    "or",
    "is",
    "macro",
    "endmacro",
    "call",
    "endcall",
    "filter",
    "endfilter",
    "with",
    "endwith",
    "block",
    "endblock",
    "extends",
    "include",
    "import",
    "from",
    "as",
    "recursive",
    "do",
    "raw",
    "endraw",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "autoescape",
    "endautoescape",
    "ignore",
    "missing",
    "without",
    "context",
    "break",
    "continue",
    "generation",
    "endgeneration",
    "scoped",
    "required",
];

struct OpenChain {
    root: ChainRoot,
    steps: Vec<Step>,
    start: Span,
    end: u32,
}

impl OpenChain {
    fn new(root: ChainRoot, start: Span) -> Self {
        OpenChain {
            root,
            steps: Vec::new(),
            start,
            end: start.end_offset,
        }
    }
}

/// What was open before a bracket: the chain and how many tokens the
/// bracket held.
struct Frame {
    chain: Option<OpenChain>,
    bracket: Token<'static>,
    tokens: usize,
    single_str: Option<(Option<String>, bool, Span)>,
    attr_filter: bool,
}

/// Gathers chains, literals and loads from tokens alone: `name.attr`,
/// `x['key']`, `x|attr('key')`, calls, string literals, and the first
/// string after `import`/`include`/`extends`/`from`.
pub(super) fn lexical_facts(
    source: &str,
    lines: &LineIndex,
    limits: &TemplateLimits,
    view: &mut TemplateView,
) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let mut lex = Lexical {
            source,
            lines,
            limits,
            view,
            facts: 0,
        };
        lex.run();
    }));
}

struct Lexical<'a, 'v> {
    source: &'a str,
    lines: &'a LineIndex,
    limits: &'a TemplateLimits,
    view: &'v mut TemplateView,
    facts: usize,
}

impl Lexical<'_, '_> {
    fn room(&mut self) -> bool {
        self.facts = self.facts.saturating_add(1);
        self.facts <= self.limits.max_facts
    }

    fn close(&mut self, chain: Option<OpenChain>) {
        let Some(c) = chain else {
            return;
        };
        if !self.room() {
            return;
        }
        let bound = match &c.root {
            ChainRoot::Name { name, .. } => self.view.bound_names.contains(name),
            _ => false,
        };
        let root = match c.root {
            ChainRoot::Name { name, alias_of, .. } => ChainRoot::Name {
                name,
                bound,
                alias_of,
            },
            other => other,
        };
        let text = self
            .source
            .get(c.start.start_offset as usize..c.end as usize)
            .map(|t| t.chars().take(CHAIN_TEXT_CHARS).collect())
            .unwrap_or_default();
        let mut span = span_of(self.lines, c.start);
        span.len = c.end.saturating_sub(c.start.start_offset);
        self.view.chains.push(AccessChain {
            span,
            root,
            steps: c.steps,
            text,
        });
    }

    fn run(&mut self) {
        let mut tokens: Vec<(Token<'_>, Span)> = Vec::new();
        for item in tokenize(self.source, false, SyntaxConfig::default()) {
            match item {
                Ok(t) if tokens.len() < self.limits.max_tokens => tokens.push(t),
                _ => break,
            }
        }
        // Names bound by `set`/`for`, so gadget roots can be told apart.
        for w in tokens.windows(2) {
            if let [
                (Token::Ident("set" | "for" | "as"), _),
                (Token::Ident(name), _),
            ] = w
            {
                self.view.bound_names.insert((*name).to_string());
            }
        }
        let mut current: Option<OpenChain> = None;
        let mut stack: Vec<Frame> = Vec::new();
        let mut prev: Option<&Token<'_>> = None;
        let mut after_block_start = false;
        let mut pending_load: Option<(LoadKind, Span)> = None;
        let mut i = 0usize;
        while let Some((token, span)) = tokens.get(i) {
            i = i.saturating_add(1);
            if let Some(f) = stack.last_mut() {
                f.tokens = f.tokens.saturating_add(1);
            }
            let starts_statement = after_block_start;
            after_block_start = matches!(token, Token::BlockStart);
            match token {
                Token::Str(_) | Token::String(_) => {
                    let decoded = self
                        .source
                        .get(span.start_offset as usize..span.end_offset as usize)
                        .and_then(decode_literal);
                    let (value, escaped) = match decoded {
                        Some(d) => (d.value, d.escaped),
                        None => (
                            match token {
                                Token::Str(s) => Some((*s).to_string()),
                                Token::String(s) => Some(s.to_string()),
                                _ => None,
                            },
                            false,
                        ),
                    };
                    if let Some((kind, load_span)) = pending_load.take()
                        && self.room()
                    {
                        self.view.loads.push(TemplateLoad {
                            kind,
                            target: value.clone(),
                            names: Vec::new(),
                            span: span_of(self.lines, load_span),
                        });
                    }
                    let key_part = stack
                        .last()
                        .is_some_and(|f| f.attr_filter || matches!(f.bracket, Token::BracketOpen));
                    if let Some(f) = stack.last_mut() {
                        f.single_str = (f.tokens == 1).then(|| (value.clone(), escaped, *span));
                    }
                    if self.room() {
                        self.view.literals.push(StringLiteral {
                            value,
                            span: span_of(self.lines, *span),
                            escaped,
                            key_part,
                        });
                    }
                    let c = current.take();
                    self.close(c);
                    current = Some(OpenChain::new(ChainRoot::Literal(LiteralKind::Str), *span));
                }
                Token::Ident(word) => {
                    if starts_statement {
                        pending_load = match *word {
                            "import" => Some((LoadKind::Import, *span)),
                            "include" => Some((LoadKind::Include, *span)),
                            "extends" => Some((LoadKind::Extends, *span)),
                            "from" => Some((LoadKind::FromImport, *span)),
                            _ => None,
                        };
                    }
                    match prev {
                        Some(Token::Dot) => {
                            if let Some(c) = current.as_mut() {
                                c.steps.push(Step {
                                    kind: StepKind::Access {
                                        via: AccessVia::Dot,
                                        key: AccessKey {
                                            value: KeyValue::Name((*word).to_string()),
                                            spelling: Spelling::Plain,
                                        },
                                    },
                                    span: span_of(self.lines, *span),
                                });
                                c.end = span.end_offset;
                            }
                        }
                        Some(Token::Pipe) => {
                            if *word == "attr"
                                && matches!(tokens.get(i), Some((Token::ParenOpen, _)))
                            {
                                // `|attr(`: the bracket frame records the name.
                                i = i.saturating_add(1);
                                stack.push(Frame {
                                    chain: current.take(),
                                    bracket: Token::ParenOpen,
                                    tokens: 0,
                                    single_str: None,
                                    attr_filter: true,
                                });
                            } else if let Some(c) = current.as_mut() {
                                c.steps.push(Step {
                                    kind: StepKind::Filter {
                                        name: (*word).to_string(),
                                    },
                                    span: span_of(self.lines, *span),
                                });
                                c.end = span.end_offset;
                            }
                        }
                        _ if KEYWORDS.contains(word) => {
                            let c = current.take();
                            self.close(c);
                        }
                        _ => {
                            let c = current.take();
                            self.close(c);
                            let root = ChainRoot::Name {
                                name: (*word).to_string(),
                                bound: false,
                                alias_of: None,
                            };
                            current = Some(OpenChain::new(root, *span));
                        }
                    }
                }
                Token::Dot | Token::Pipe => {
                    if current.is_none() {
                        current = Some(OpenChain::new(ChainRoot::Expression, *span));
                    }
                }
                Token::BracketOpen | Token::ParenOpen => {
                    let follows_value = matches!(
                        prev,
                        Some(
                            Token::Ident(_)
                                | Token::Str(_)
                                | Token::String(_)
                                | Token::BracketClose
                                | Token::ParenClose
                        )
                    );
                    let chain = if follows_value {
                        current.take()
                    } else {
                        let c = current.take();
                        self.close(c);
                        None
                    };
                    stack.push(Frame {
                        chain,
                        bracket: if matches!(token, Token::BracketOpen) {
                            Token::BracketOpen
                        } else {
                            Token::ParenOpen
                        },
                        tokens: 0,
                        single_str: None,
                        attr_filter: false,
                    });
                }
                Token::BracketClose | Token::ParenClose => {
                    let inner = current.take();
                    let Some(frame) = stack.pop() else {
                        self.close(inner);
                        prev = Some(token);
                        continue;
                    };
                    // A lone string between the brackets is a key, not a chain.
                    let lone = frame.tokens == 2 && frame.single_str.is_some();
                    if !lone {
                        self.close(inner);
                    }
                    let mut chain = frame.chain;
                    let step_span = span_of(self.lines, *span);
                    let step = match (&frame.bracket, frame.attr_filter) {
                        (_, true) => Some(StepKind::Access {
                            via: AccessVia::AttrFilter,
                            key: lexical_key(&frame.single_str, lone),
                        }),
                        (Token::BracketOpen, false) => Some(StepKind::Access {
                            via: AccessVia::Subscript,
                            key: lexical_key(&frame.single_str, lone),
                        }),
                        _ => Some(StepKind::Call {
                            string_args: Vec::new(),
                        }),
                    };
                    match (chain.as_mut(), step) {
                        (Some(c), Some(kind)) => {
                            c.steps.push(Step {
                                kind,
                                span: step_span,
                            });
                            c.end = span.end_offset;
                        }
                        (None, _) if matches!(token, Token::ParenClose) => {
                            // A parenthesised expression can start a chain.
                            chain = Some(OpenChain::new(ChainRoot::Expression, *span));
                        }
                        _ => {}
                    }
                    current = chain;
                }
                _ => {
                    let c = current.take();
                    self.close(c);
                }
            }
            prev = Some(token);
        }
        let c = current.take();
        self.close(c);
        while let Some(frame) = stack.pop() {
            self.close(frame.chain);
        }
    }
}

fn lexical_key(single: &Option<(Option<String>, bool, Span)>, lone: bool) -> AccessKey {
    match single {
        Some((value, escaped, _)) if lone => AccessKey {
            value: value.clone().map_or(KeyValue::Unknown, KeyValue::Name),
            spelling: if *escaped {
                Spelling::Escaped
            } else {
                Spelling::Plain
            },
        },
        _ => AccessKey {
            value: KeyValue::Unknown,
            spelling: Spelling::Variable,
        },
    }
}
