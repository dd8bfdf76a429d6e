//! Configuration files (JSON, YAML, TOML, INI/`.cfg`) flattened into their
//! scalar values with key paths, plus the YAML tags they carry, so that the
//! rules can look at every value without knowing each dialect.
//!
//! Bounded: the input size is checked first, YAML is read from
//! `yaml-rust2`'s event stream (aliases are never expanded, so a
//! billion-laughs document costs its own size), every walk is iterative or
//! depth-limited, and the number of values is capped by
//! [`Limits::max_config_nodes`]. TOML is parsed by the `toml` crate (the
//! TOML 1.1 parser of the cargo team; it limits nesting itself); INI has no
//! standard, so this reads what Python's `configparser` reads: sections,
//! `key = value` / `key: value`, indented continuation lines, `#`/`;`
//! comments.

use yaml_rust2::parser::{Event, Parser};

use crate::Limits;

/// TOML values whose line is looked up (TOML values carry no spans).
const MAX_LOCATED: usize = 4096;

/// Which dialect a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    Json,
    Yaml,
    Toml,
    Ini,
}

impl ConfigKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKind::Json => "JSON",
            ConfigKind::Yaml => "YAML",
            ConfigKind::Toml => "TOML",
            ConfigKind::Ini => "INI",
        }
    }
}

/// One scalar value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigValue {
    /// `a.b[0].c`: mapping keys joined by dots, sequence indexes in brackets.
    pub path: String,
    /// The mapping key the value is under (`None` in a sequence).
    pub key: Option<String>,
    /// The scalar as text (`true`, `3`, `null` for JSON non-strings).
    pub value: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
}

/// A YAML tag on a node (`!!python/object/apply:os.system`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigTag {
    pub path: String,
    /// The tag as written, with `!!` for the standard handle.
    pub tag: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigStatus {
    Parsed,
    /// The file does not parse; values before the error are kept (YAML, INI).
    Unparseable {
        message: String,
        line: u32,
    },
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// More values, or deeper nesting, than the limits allow.
    Limit {
        limit: &'static str,
        value: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigView {
    pub kind: ConfigKind,
    pub status: ConfigStatus,
    pub values: Vec<ConfigValue>,
    pub tags: Vec<ConfigTag>,
}

impl ConfigView {
    fn new(kind: ConfigKind) -> Self {
        ConfigView {
            kind,
            status: ConfigStatus::Parsed,
            values: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// The first value at exactly `path`.
    pub fn get(&self, path: &str) -> Option<&ConfigValue> {
        self.values.iter().find(|v| v.path == path)
    }
}

/// Parses `data` as `kind` and flattens it.
pub fn parse(kind: ConfigKind, data: &[u8], limits: &Limits) -> ConfigView {
    let mut view = ConfigView::new(kind);
    let limit = if kind == ConfigKind::Json {
        limits.max_json_bytes
    } else {
        limits.max_source_bytes
    };
    if data.len() as u64 > limit {
        view.status = ConfigStatus::TooLarge {
            size: data.len() as u64,
            limit,
        };
        return view;
    }
    let text = match std::str::from_utf8(data) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(e) => {
            view.status = ConfigStatus::Unparseable {
                message: format!("not UTF-8: {e}"),
                line: 0,
            };
            return view;
        }
    };
    match kind {
        ConfigKind::Json => json(text, limits, &mut view),
        ConfigKind::Yaml => yaml(text, 0, limits, &mut view),
        ConfigKind::Toml => toml_doc(text, limits, &mut view),
        ConfigKind::Ini => ini(text, limits, &mut view),
    }
    view
}

/// The YAML front matter of a Markdown file (`---` … `---` first), walked
/// like a YAML file with lines counted from the top of the file; `None`
/// when the file has no front matter.
pub fn front_matter(data: &[u8], limits: &Limits) -> Option<ConfigView> {
    let text =
        std::str::from_utf8(data.get(..data.len().min(crate::modelcard::MAX_README))?).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let front = crate::modelcard::front_matter_of(text)?;
    let mut view = ConfigView::new(ConfigKind::Yaml);
    yaml(front, 1, limits, &mut view);
    Some(view)
}

fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn push(view: &mut ConfigView, limits: &Limits, value: ConfigValue) -> bool {
    if view.values.len() as u64 >= limits.max_config_nodes {
        view.status = ConfigStatus::Limit {
            limit: "max_config_nodes",
            value: limits.max_config_nodes,
        };
        return false;
    }
    view.values.push(value);
    true
}

fn json(text: &str, limits: &Limits, view: &mut ConfigView) {
    // serde_json refuses nesting deeper than 128 itself.
    let root: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            view.status = ConfigStatus::Unparseable {
                message: e.to_string(),
                line: u32::try_from(e.line()).unwrap_or(0),
            };
            return;
        }
    };
    walk_tree(
        vec![(String::new(), None, &root)],
        |v| match v {
            serde_json::Value::Object(m) => Shape::Map(m.iter().collect()),
            serde_json::Value::Array(a) => Shape::Seq(a.iter().collect()),
            serde_json::Value::String(s) => Shape::Scalar(s.clone()),
            other => Shape::Scalar(other.to_string()),
        },
        |_, _| 0,
        limits,
        view,
    );
}

/// A node of a parsed tree (JSON or TOML), as the walk sees it.
enum Shape<'a, T> {
    Map(Vec<(&'a String, &'a T)>),
    Seq(Vec<&'a T>),
    Scalar(String),
}

/// Flattens a tree depth-first, in document order, into `view.values`;
/// `line` gives a value's line from its text and the values read so far.
fn walk_tree<'a, T>(
    roots: Vec<(String, Option<String>, &'a T)>,
    shape: impl Fn(&'a T) -> Shape<'a, T>,
    line: impl Fn(&str, usize) -> u32,
    limits: &Limits,
    view: &mut ConfigView,
) {
    let mut stack = roots;
    stack.reverse();
    while let Some((path, key, v)) = stack.pop() {
        let scalar = match shape(v) {
            Shape::Map(m) => {
                for (k, child) in m.into_iter().rev() {
                    stack.push((join_key(&path, k), Some(k.clone()), child));
                }
                continue;
            }
            Shape::Seq(a) => {
                for (i, child) in a.into_iter().enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), None, child));
                }
                continue;
            }
            Shape::Scalar(s) => s,
        };
        let line = line(&scalar, view.values.len());
        if !push(
            view,
            limits,
            ConfigValue {
                path,
                key,
                value: scalar,
                line,
            },
        ) {
            return;
        }
    }
}

enum Open {
    Seq(String, usize),
    /// The mapping's path and the key read, if its value is next.
    Map(String, Option<String>),
}

fn tag_text(tag: &yaml_rust2::parser::Tag) -> String {
    if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn yaml(text: &str, line_shift: u32, limits: &Limits, view: &mut ConfigView) {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut docs = 0usize;
    loop {
        let (event, marker) = match parser.next_token() {
            Ok(x) => x,
            Err(e) => {
                view.status = ConfigStatus::Unparseable {
                    message: e.to_string(),
                    line: u32::try_from(e.marker().line())
                        .unwrap_or(0)
                        .saturating_add(line_shift),
                };
                return;
            }
        };
        let line = u32::try_from(marker.line())
            .unwrap_or(0)
            .saturating_add(line_shift);
        // Where the node this event starts sits, and whether it is a key.
        let (path, key, is_key) = match stack.last_mut() {
            None => (format!("[{docs}]"), None, false),
            Some(Open::Seq(p, i)) => {
                let path = format!("{p}[{i}]");
                *i = i.saturating_add(1);
                (path, None, false)
            }
            Some(Open::Map(p, k)) => match k.take() {
                Some(k) => (join_key(p, &k), Some(k), false),
                None => (p.clone(), None, true),
            },
        };
        // Documents after the first are `[1]`, `[2]`…; the first has no prefix.
        let path = path.strip_prefix("[0]").map(str::to_string).unwrap_or(path);
        let path = path.strip_prefix('.').map(str::to_string).unwrap_or(path);
        let tag = match &event {
            Event::Scalar(_, _, _, t) | Event::SequenceStart(_, t) | Event::MappingStart(_, t) => {
                t.as_ref()
            }
            _ => None,
        };
        if let Some(t) = tag {
            view.tags.push(ConfigTag {
                path: path.clone(),
                tag: tag_text(t),
                line,
            });
        }
        match event {
            Event::StreamEnd => return,
            Event::DocumentEnd => {
                docs = docs.saturating_add(1);
                stack.clear();
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart => {}
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if is_key {
                    // A complex key: walk it, then read its value as `?`.
                    if let Some(Open::Map(_, k)) = stack.last_mut() {
                        *k = Some("?".into());
                    }
                }
                if stack.len() >= limits.max_syntax_depth as usize {
                    view.status = ConfigStatus::Limit {
                        limit: "max_syntax_depth",
                        value: u64::from(limits.max_syntax_depth),
                    };
                    return;
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(path, 0),
                    _ => Open::Map(path, None),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
            }
            Event::Scalar(s, ..) => {
                if is_key {
                    if let Some(Open::Map(_, k)) = stack.last_mut() {
                        *k = Some(s);
                    }
                } else if !push(
                    view,
                    limits,
                    ConfigValue {
                        path,
                        key,
                        value: s,
                        line,
                    },
                ) {
                    return;
                }
            }
            Event::Alias(_) => {
                if is_key && let Some(Open::Map(_, k)) = stack.last_mut() {
                    *k = Some("*".into());
                }
            }
        }
        if limits.out_of_time() {
            view.status = ConfigStatus::Limit {
                limit: "time_budget",
                value: 0,
            };
            return;
        }
    }
}

fn toml_doc(text: &str, limits: &Limits, view: &mut ConfigView) {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e
                .span()
                .and_then(|s| text.get(..s.start))
                .map(|before| before.matches('\n').count().saturating_add(1))
                .and_then(|l| u32::try_from(l).ok())
                .unwrap_or(0);
            view.status = ConfigStatus::Unparseable {
                message: e.message().to_string(),
                line,
            };
            return;
        }
    };
    walk_tree(
        table
            .iter()
            .map(|(k, v)| (k.clone(), Some(k.clone()), v))
            .collect(),
        |v| match v {
            toml::Value::Table(m) => Shape::Map(m.iter().collect()),
            toml::Value::Array(a) => Shape::Seq(a.iter().collect()),
            toml::Value::String(s) => Shape::Scalar(s.clone()),
            toml::Value::Integer(i) => Shape::Scalar(i.to_string()),
            toml::Value::Float(f) => Shape::Scalar(f.to_string()),
            toml::Value::Boolean(b) => Shape::Scalar(b.to_string()),
            toml::Value::Datetime(d) => Shape::Scalar(d.to_string()),
        },
        // Searching the text per value is quadratic: only the first values get lines.
        |scalar, n| {
            if n < MAX_LOCATED {
                line_of_text(text, scalar)
            } else {
                0
            }
        },
        limits,
        view,
    );
}

/// The line where `needle` first appears (TOML values carry no spans).
fn line_of_text(text: &str, needle: &str) -> u32 {
    if needle.is_empty() {
        return 0;
    }
    text.find(needle)
        .and_then(|at| text.get(..at))
        .map(|b| b.matches('\n').count().saturating_add(1))
        .and_then(|l| u32::try_from(l).ok())
        .unwrap_or(0)
}

fn ini(text: &str, limits: &Limits, view: &mut ConfigView) {
    let mut section = String::new();
    // The value being read: index into `view.values`.
    let mut open: Option<usize> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = u32::try_from(n.saturating_add(1)).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && let Some(v) = open.and_then(|i| view.values.get_mut(i)) {
            v.value.push('\n');
            v.value.push_str(trimmed);
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            section = name.trim().to_string();
            open = None;
            continue;
        }
        let split = trimmed.find(['=', ':']);
        let Some(at) = split else {
            // configparser allows keys without values only when told to;
            // anything else is a parse error there.
            view.status = ConfigStatus::Unparseable {
                message: format!("line {line} is neither a section, a key nor a continuation"),
                line,
            };
            return;
        };
        let key = trimmed.get(..at).unwrap_or("").trim().to_string();
        let value = trimmed
            .get(at.saturating_add(1)..)
            .unwrap_or("")
            .trim()
            .to_string();
        if !push(
            view,
            limits,
            ConfigValue {
                path: join_key(&section, &key),
                key: Some(key),
                value,
                line,
            },
        ) {
            return;
        }
        open = view.values.len().checked_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_paths_tags_and_lines() {
        let v = parse(
            ConfigKind::Yaml,
            b"model:\n  _target_: nemo.collections.asr.models.EncDecCTCModel\n  list:\n    - a\n    - !!python/object/apply:os.system [\"echo x\"]\nother: &x 1\nref: *x\n",
            &Limits::default(),
        );
        assert_eq!(v.status, ConfigStatus::Parsed);
        let t = v.get("model._target_").unwrap();
        assert_eq!(t.key.as_deref(), Some("_target_"));
        assert_eq!(t.line, 2);
        assert_eq!(v.get("model.list[0]").unwrap().value, "a");
        assert_eq!(v.tags[0].tag, "!!python/object/apply:os.system");
        assert_eq!(v.tags[0].path, "model.list[1]");
        assert_eq!(v.get("model.list[1][0]").unwrap().value, "echo x");
    }

    #[test]
    fn billion_laughs_costs_its_size() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let v = parse(ConfigKind::Yaml, doc.as_bytes(), &Limits::default());
        assert_eq!(v.values.len(), 10);
    }

    #[test]
    fn toml_json_ini() {
        let v = parse(
            ConfigKind::Toml,
            b"[project]\nname = \"x\"\n[project.scripts]\nrun = \"pkg.cli:main\"\n",
            &Limits::default(),
        );
        assert_eq!(v.get("project.scripts.run").unwrap().line, 4);
        let v = parse(
            ConfigKind::Json,
            br#"{"auto_map": {"AutoModel": "m.M"}, "x": [true]}"#,
            &Limits::default(),
        );
        assert_eq!(v.get("auto_map.AutoModel").unwrap().value, "m.M");
        assert_eq!(v.get("x[0]").unwrap().value, "true");
        let v = parse(
            ConfigKind::Ini,
            b"[metadata]\nname = x\n[options]\ninstall_requires =\n    torch\n    numpy\n",
            &Limits::default(),
        );
        assert_eq!(
            v.get("options.install_requires").unwrap().value,
            "\ntorch\nnumpy"
        );
        let v = parse(ConfigKind::Ini, b"[a]\nnot a key\n", &Limits::default());
        assert!(matches!(
            v.status,
            ConfigStatus::Unparseable { line: 2, .. }
        ));
    }

    #[test]
    fn limits() {
        let small = Limits {
            max_config_nodes: 2,
            ..Limits::default()
        };
        let v = parse(ConfigKind::Json, b"[1,2,3]", &small);
        assert!(matches!(v.status, ConfigStatus::Limit { .. }));
        let deep = "[".repeat(100_000);
        let v = parse(ConfigKind::Yaml, deep.as_bytes(), &Limits::default());
        assert!(!matches!(v.status, ConfigStatus::Parsed));
    }
}
