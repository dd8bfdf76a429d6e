//! A small YAML tree whose every node knows its line and column, built from
//! yaml-rust2's marked events. Validation walks this tree, so each error can
//! point at the key or value it is about. Aliases are refused (a policy has
//! no use for them, and they are how billion-laughs documents grow), and
//! nesting is bounded.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::PolicyError;

/// Deepest nesting accepted; a policy needs four levels.
const MAX_DEPTH: usize = 32;

/// Line and column, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
}

impl From<Marker> for Span {
    fn from(m: Marker) -> Self {
        Span {
            line: m.line(),
            column: m.col().saturating_add(1),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar's text; `quoted` tells `"true"` (a string) from `true`.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Keys in document order.
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain empty scalar or `~`/`null`: YAML's null.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if text.is_empty() || text == "~" || text == "null")
    }

    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "nothing",
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

enum Frame {
    Seq(Span, Vec<Node>),
    Map(Span, Vec<(Node, Node)>, Option<Node>),
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    error: Option<(Span, String)>,
}

impl Builder {
    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, pairs, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => pairs.push((key, node)),
            },
        }
    }

    fn fail(&mut self, span: Span, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some((span, message.into()));
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let span = Span::from(mark);
        match ev {
            Event::DocumentStart => {
                self.documents = self.documents.saturating_add(1);
                if self.documents > 1 {
                    self.fail(
                        span,
                        "a policy file holds one YAML document, found a second",
                    );
                }
            }
            Event::Alias(_) => {
                self.fail(span, "YAML aliases (`*name`) are not allowed in a policy")
            }
            Event::Scalar(text, style, _, _) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                self.push_node(Node {
                    value: Value::Scalar { text, quoted },
                    span,
                });
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(span, format!("nesting deeper than {MAX_DEPTH} levels"));
                    return;
                }
                self.stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq(span, Vec::new())
                } else {
                    Frame::Map(span, Vec::new(), None)
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(span, items)) => Node {
                        value: Value::Seq(items),
                        span,
                    },
                    Some(Frame::Map(span, pairs, _)) => Node {
                        value: Value::Map(pairs),
                        span,
                    },
                    None => return,
                };
                self.push_node(node);
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

/// Parses `text` into a tree. An empty document is a null scalar.
pub fn parse(source: &str, text: &str) -> Result<Node, PolicyError> {
    let mut builder = Builder {
        stack: Vec::new(),
        root: None,
        documents: 0,
        error: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, true) {
        let span = Span::from(*e.marker());
        return Err(PolicyError::at(
            source,
            span,
            format!("invalid YAML: {}", e.info()),
        ));
    }
    if let Some((span, message)) = builder.error {
        return Err(PolicyError::at(source, span, message));
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Scalar {
            text: String::new(),
            quoted: false,
        },
        span: Span { line: 1, column: 1 },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_carry_their_line_and_column() {
        let n = parse("p", "policy:\n  name: x\n  list:\n    - a\n").unwrap();
        let Value::Map(top) = &n.value else { panic!() };
        let Value::Map(inner) = &top[0].1.value else {
            panic!()
        };
        assert_eq!(inner[0].0.span, Span { line: 2, column: 3 });
        let Value::Seq(items) = &inner[1].1.value else {
            panic!()
        };
        assert_eq!(items[0].span, Span { line: 4, column: 7 });
    }

    #[test]
    fn aliases_and_deep_nesting_are_refused() {
        let e = parse("p", "a: &x [1]\nb: *x\n").unwrap_err();
        assert!(e.to_string().contains("aliases"), "{e}");
        let deep = "[".repeat(40) + &"]".repeat(40);
        assert!(
            parse("p", &deep)
                .unwrap_err()
                .to_string()
                .contains("nesting")
        );
    }

    #[test]
    fn quoted_scalars_are_told_from_plain_ones() {
        let n = parse("p", "a: 'true'\nb: true\n").unwrap();
        let Value::Map(m) = &n.value else { panic!() };
        assert!(matches!(m[0].1.value, Value::Scalar { quoted: true, .. }));
        assert!(matches!(m[1].1.value, Value::Scalar { quoted: false, .. }));
    }
}
