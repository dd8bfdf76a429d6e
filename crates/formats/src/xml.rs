//! XML documents, read safely: a streaming tokenizer (quick-xml) that never
//! expands an entity, never reads a DTD and never fetches anything.
//!
//! The view is a flat list of elements (name, attributes, direct text,
//! parent) bounded by [`Limits`], plus everything in the prolog a risky
//! parser would act on: the DOCTYPE's external identifier, entity
//! declarations (general and parameter, internal and external) with the
//! references between them, processing instructions, and references to
//! entities the document uses. Entity references are recorded, never
//! replaced: `&lt;` and character references are decoded, anything else
//! stays as written. OpenVINO IR and PMML are read from this view
//! ([`crate::openvino`], [`crate::pmml`]).

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::Limits;

/// Bytes of direct text kept per element (the rest is counted, not kept).
pub const MAX_ELEMENT_TEXT: usize = 64 << 10;
/// Entity declarations, processing instructions and entity uses kept.
pub const MAX_DECLARATIONS: usize = 10_000;
/// Characters kept of an entity's replacement text or a PI's content.
const MAX_DECL_CHARS: usize = 4096;

/// Why the bytes are not readable XML at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    #[error("not an XML document (no root element)")]
    NoRoot,
    #[error("not UTF-8 XML: {reason}")]
    Encoding { reason: &'static str },
}

/// `SYSTEM "uri"` or `PUBLIC "id" "uri"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalId {
    pub public: Option<String>,
    pub system: String,
}

/// One `<!ENTITY …>` declaration of the internal subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityDecl {
    pub name: String,
    /// `<!ENTITY % name …>`: usable inside the DTD only.
    pub parameter: bool,
    /// The replacement text of an internal entity (truncated).
    pub value: Option<String>,
    /// Length of the replacement text as written.
    pub value_len: u64,
    /// A `SYSTEM`/`PUBLIC` entity: its content would be read from there.
    pub external: Option<ExternalId>,
    /// Entities referenced by the replacement text (`&x;` and `%x;`).
    pub references: Vec<String>,
    pub offset: u64,
}

/// The document type declaration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doctype {
    pub root: String,
    /// An external DTD subset a validating parser would fetch.
    pub external: Option<ExternalId>,
    pub entities: Vec<EntityDecl>,
    /// `%name;` references in the internal subset (they pull entity text into the DTD).
    pub parameter_references: Vec<String>,
    pub offset: u64,
}

/// `<?target content?>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingInstruction {
    pub target: String,
    pub content: String,
    pub offset: u64,
}

/// One element, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlElement {
    /// The qualified name as written (`xi:include`).
    pub name: String,
    /// The name without its prefix (`include`).
    pub local: String,
    /// 0 for the root.
    pub depth: u32,
    pub parent: Option<usize>,
    /// `(qualified name, decoded value)`, in order.
    pub attributes: Vec<(String, String)>,
    /// Direct text and CDATA content (truncated to [`MAX_ELEMENT_TEXT`]).
    pub text: String,
    pub offset: u64,
}

impl XmlElement {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name || local_name(k) == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed XML document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmlView {
    pub elements: Vec<XmlElement>,
    pub doctype: Option<Doctype>,
    pub processing_instructions: Vec<ProcessingInstruction>,
    /// `&name;` references to non-predefined entities in content or
    /// attributes, `(name, offset)`: a parser that expands them would
    /// substitute the declared text.
    pub entity_uses: Vec<(String, u64)>,
    /// The `<?xml … encoding="…"?>` declaration's encoding, if any.
    pub encoding: Option<String>,
    /// Where and why tokenizing stopped early (the view is partial).
    pub malformed: Option<(u64, String)>,
    /// Limits that stopped the walk, `(limit, value)`.
    pub limits_hit: Vec<(&'static str, u64)>,
}

impl XmlView {
    /// The root element.
    pub fn root(&self) -> Option<&XmlElement> {
        self.elements.first()
    }

    /// Children of element `index`, in order.
    pub fn children(&self, index: usize) -> impl Iterator<Item = (usize, &XmlElement)> {
        // Elements are in document order: the subtree ends at the first
        // element that is not deeper than `index`.
        let depth = self.elements.get(index).map_or(0, |e| e.depth);
        self.elements
            .iter()
            .enumerate()
            .skip(index.saturating_add(1))
            .take_while(move |(_, e)| e.depth > depth)
            .filter(move |(_, e)| e.parent == Some(index))
    }

    /// True when `index` lies inside (or is) element `ancestor`.
    pub fn is_within(&self, mut index: usize, ancestor: usize) -> bool {
        loop {
            if index == ancestor {
                return true;
            }
            match self.elements.get(index).and_then(|e| e.parent) {
                Some(p) => index = p,
                None => return false,
            }
        }
    }

    /// The `/`-joined local names from the root to element `index`.
    pub fn path(&self, index: usize) -> String {
        let mut names = Vec::new();
        let mut at = Some(index);
        while let Some(i) = at {
            let Some(e) = self.elements.get(i) else { break };
            names.push(e.local.as_str());
            at = e.parent;
            if names.len() > 512 {
                break;
            }
        }
        names.reverse();
        names.join("/")
    }
}

/// The part of a qualified name after its prefix.
pub fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// True when `data` looks like an XML document: an XML declaration, or
/// (after a UTF-8 BOM and white space) a comment, DOCTYPE or element start.
pub fn sniff(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let start = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(data.len());
    let Some(rest) = data.get(start..) else {
        return false;
    };
    if rest.starts_with(b"<?xml") {
        return rest
            .get(5)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'?');
    }
    // Without a declaration: a root element (or DOCTYPE/comment before it)
    // and no binary bytes in the head.
    let head = rest.get(..rest.len().min(1024)).unwrap_or(rest);
    // Invalid UTF-8 (not merely a character cut at the end of the head) is binary.
    let invalid = matches!(std::str::from_utf8(head), Err(e) if e.error_len().is_some());
    if head.contains(&0) || invalid {
        return false;
    }
    if rest.starts_with(b"<!DOCTYPE") || rest.starts_with(b"<!--") {
        return true;
    }
    match rest.strip_prefix(b"<") {
        Some(r) => {
            let name_len = r
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.'))
                .count();
            name_len > 0
                && r.first()
                    .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
                && r.get(name_len)
                    .is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                && r.get(..name_len)
                    .is_some_and(|name| ends_like_xml(rest, name))
        }
        None => false,
    }
}

/// A document without a declaration must also end like one: with its root's
/// end tag, a self-closing tag, or a trailing comment or processing
/// instruction. Text that merely starts with a tag does not: a SentencePiece
/// vocabulary (`<unk>\t0\n<s>\t0\n…`) or an HTML fragment cut short.
fn ends_like_xml(doc: &[u8], root: &[u8]) -> bool {
    let end = doc
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i.saturating_add(1));
    let Some(body) = doc.get(..end) else {
        return false;
    };
    if body.ends_with(b"/>") || body.ends_with(b"-->") || body.ends_with(b"?>") {
        return true;
    }
    let Some(before) = body.strip_suffix(b">") else {
        return false;
    };
    let before = before.strip_suffix(b" ").unwrap_or(before);
    before
        .strip_suffix(root)
        .is_some_and(|b| b.ends_with(b"</"))
}

/// The root element's local name, read from the first bytes only (for
/// sniffing; `None` when there is no element start in `data`).
pub fn root_name(data: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(data);
    reader.config_mut().check_end_names = false;
    for _ in 0..10_000 {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// Parses `data` into a bounded view. A tokenizer error after the root has
/// started leaves a partial view with [`XmlView::malformed`] set.
pub fn parse(data: &[u8], limits: &Limits) -> Result<XmlView, XmlError> {
    let body = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    if body.starts_with(b"\xff\xfe") || body.starts_with(b"\xfe\xff") || body.starts_with(b"\0<") {
        return Err(XmlError::Encoding {
            reason: "UTF-16 is not read",
        });
    }
    let bom = data.len().saturating_sub(body.len()) as u64;
    let mut reader = Reader::from_reader(body);
    {
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.check_comments = false;
        cfg.trim_text(false);
    }
    let mut view = XmlView::default();
    let mut stack: Vec<usize> = Vec::new();
    let mut text_total: u64 = 0;
    let mut ended = false;
    loop {
        if limits.out_of_time() {
            view.limits_hit.push(("time_budget", 0));
            break;
        }
        let pos = reader.buffer_position().saturating_add(bom);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                view.malformed = Some((reader.error_position().saturating_add(bom), e.to_string()));
                break;
            }
        };
        match event {
            Event::Eof => break,
            Event::Decl(d) => {
                if let Some(Ok(enc)) = d.encoding() {
                    view.encoding = Some(String::from_utf8_lossy(&enc).into_owned());
                }
            }
            Event::DocType(t) => {
                if view.doctype.is_none() {
                    view.doctype = Some(parse_doctype(&t, pos));
                }
            }
            Event::PI(pi) => {
                if view.processing_instructions.len() < MAX_DECLARATIONS {
                    view.processing_instructions.push(ProcessingInstruction {
                        target: String::from_utf8_lossy(pi.target()).into_owned(),
                        content: truncate(
                            String::from_utf8_lossy(pi.content()).trim(),
                            MAX_DECL_CHARS,
                        ),
                        offset: pos,
                    });
                }
            }
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let is_empty = matches!(ev, Event::Empty(_));
                let (Event::Start(e) | Event::Empty(e)) = ev else {
                    continue;
                };
                if ended {
                    view.malformed = Some((pos, "a second root element".into()));
                    break;
                }
                if view.elements.len() as u64 >= limits.max_xml_elements {
                    view.limits_hit
                        .push(("max_xml_elements", limits.max_xml_elements));
                    break;
                }
                let depth = stack.len() as u32;
                if depth >= limits.max_xml_depth {
                    view.limits_hit
                        .push(("max_xml_depth", u64::from(limits.max_xml_depth)));
                    break;
                }
                let mut attributes = Vec::new();
                let mut attrs = e.attributes();
                attrs.with_checks(false);
                let mut bad = None;
                for a in attrs {
                    if attributes.len() >= limits.max_xml_attributes {
                        view.limits_hit
                            .push(("max_xml_attributes", limits.max_xml_attributes as u64));
                        break;
                    }
                    match a {
                        Ok(a) => {
                            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                            let value = decode_text(&a.value, pos, &mut view.entity_uses);
                            text_total = text_total.saturating_add(value.len() as u64);
                            attributes.push((key, value));
                        }
                        Err(err) => {
                            bad = Some(err.to_string());
                            break;
                        }
                    }
                }
                if let Some(b) = bad {
                    view.malformed = Some((pos, b));
                    break;
                }
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let index = view.elements.len();
                view.elements.push(XmlElement {
                    name,
                    local,
                    depth,
                    parent: stack.last().copied(),
                    attributes,
                    text: String::new(),
                    offset: pos,
                });
                if is_empty {
                    if stack.is_empty() {
                        ended = true;
                    }
                } else {
                    stack.push(index);
                }
            }
            Event::End(_) => {
                stack.pop();
                if stack.is_empty() {
                    ended = true;
                }
            }
            Event::Text(t) => {
                let raw: &[u8] = &t;
                add_text(&mut view, &stack, raw, &mut text_total, pos);
            }
            Event::CData(t) => {
                let raw: &[u8] = &t;
                add_text(&mut view, &stack, raw, &mut text_total, pos);
            }
            Event::GeneralRef(r) => {
                let raw: &[u8] = &r;
                let mut s = Vec::with_capacity(raw.len().saturating_add(2));
                s.push(b'&');
                s.extend_from_slice(raw);
                s.push(b';');
                let decoded = decode_text(&s, pos, &mut view.entity_uses);
                add_text(&mut view, &stack, decoded.as_bytes(), &mut text_total, pos);
            }
            Event::Comment(_) => {}
        }
        if text_total > limits.max_xml_text_bytes {
            view.limits_hit
                .push(("max_xml_text_bytes", limits.max_xml_text_bytes));
            break;
        }
    }
    if view.elements.is_empty() && view.limits_hit.is_empty() {
        return Err(XmlError::NoRoot);
    }
    if view.malformed.is_none() && view.limits_hit.is_empty() && !stack.is_empty() {
        view.malformed = Some((
            data.len() as u64,
            "the document ends inside an element".into(),
        ));
    }
    Ok(view)
}

fn add_text(view: &mut XmlView, stack: &[usize], raw: &[u8], total: &mut u64, _pos: u64) {
    let Some(el) = stack.last().and_then(|i| view.elements.get_mut(*i)) else {
        return;
    };
    *total = total.saturating_add(raw.len() as u64);
    let room = MAX_ELEMENT_TEXT.saturating_sub(el.text.len());
    if room == 0 {
        return;
    }
    let piece = String::from_utf8_lossy(raw.get(..raw.len().min(room)).unwrap_or(raw));
    el.text.push_str(&piece);
}

/// Decodes the predefined entities and character references; any other
/// `&name;` stays as written and is recorded in `uses`.
fn decode_text(raw: &[u8], pos: u64, uses: &mut Vec<(String, u64)>) -> String {
    let text = String::from_utf8_lossy(raw);
    if !text.contains('&') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        let end = after.find(';').filter(|e| *e <= 64);
        let Some(end) = end else {
            out.push('&');
            rest = after.get(1..).unwrap_or("");
            continue;
        };
        let name = after.get(1..end).unwrap_or("");
        let decoded = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") || n.starts_with("#X") => n
                .get(2..)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
            n if n.starts_with('#') => n
                .get(1..)
                .and_then(|d| d.parse::<u32>().ok())
                .and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => out.push(c),
            None => {
                if !name.starts_with('#') && uses.len() < MAX_DECLARATIONS {
                    uses.push((name.to_string(), pos));
                }
                out.push_str(after.get(..=end).unwrap_or(""));
            }
        }
        rest = after.get(end.saturating_add(1)..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    s.get(..end).unwrap_or("").to_string()
}

/// A cursor over the DOCTYPE's text (everything between `<!DOCTYPE` and `>`).
struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a [u8] {
        self.s.get(self.at..).unwrap_or(&[])
    }
    fn eof(&self) -> bool {
        self.at >= self.s.len()
    }
    fn bump(&mut self, n: usize) {
        self.at = self.at.saturating_add(n).min(self.s.len());
    }
    fn ws(&mut self) {
        while self.rest().first().is_some_and(u8::is_ascii_whitespace) {
            self.bump(1);
        }
    }
    fn name(&mut self) -> String {
        let n = self
            .rest()
            .iter()
            .take_while(|b| {
                !b.is_ascii_whitespace() && !matches!(b, b'>' | b'[' | b'"' | b'\'' | b';')
            })
            .count();
        let out = String::from_utf8_lossy(self.rest().get(..n).unwrap_or(&[])).into_owned();
        self.bump(n);
        out
    }
    /// A quoted literal (either quote), or `None` when none starts here.
    fn literal(&mut self) -> Option<(String, usize)> {
        let q = *self.rest().first().filter(|b| matches!(b, b'"' | b'\''))?;
        self.bump(1);
        let n = self
            .rest()
            .iter()
            .position(|b| *b == q)
            .unwrap_or(self.rest().len());
        let raw = self.rest().get(..n).unwrap_or(&[]);
        let out = (String::from_utf8_lossy(raw).into_owned(), n);
        self.bump(n.saturating_add(1));
        Some(out)
    }
    fn keyword(&mut self, k: &[u8]) -> bool {
        if self.rest().starts_with(k) {
            self.bump(k.len());
            true
        } else {
            false
        }
    }
    fn external_id(&mut self) -> Option<ExternalId> {
        if self.keyword(b"SYSTEM") {
            self.ws();
            let (system, _) = self.literal().unwrap_or_default();
            return Some(ExternalId {
                public: None,
                system,
            });
        }
        if self.keyword(b"PUBLIC") {
            self.ws();
            let (public, _) = self.literal().unwrap_or_default();
            self.ws();
            let (system, _) = self.literal().unwrap_or_default();
            return Some(ExternalId {
                public: Some(public),
                system,
            });
        }
        None
    }
    /// Skips to just after the next `>` outside quotes.
    fn skip_decl(&mut self) {
        let mut quote: Option<u8> = None;
        while let Some(&b) = self.rest().first() {
            self.bump(1);
            match (quote, b) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => return,
                _ => {}
            }
        }
    }
    fn skip_past(&mut self, end: &[u8]) {
        match memchr::memmem::find(self.rest(), end) {
            Some(i) => self.bump(i.saturating_add(end.len())),
            None => self.at = self.s.len(),
        }
    }
}

/// Entity names referenced by `&x;` or `%x;` in a replacement text.
fn references_in(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = 0usize;
    while i < b.len() {
        if matches!(b.get(i), Some(b'&' | b'%')) {
            let start = i.saturating_add(1);
            let len = b
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .take_while(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, b'_' | b'-' | b'.' | b':')
                        || **c >= 0x80
                })
                .count();
            let end = start.saturating_add(len);
            if len > 0 && b.get(end) == Some(&b';') {
                let name = String::from_utf8_lossy(b.get(start..end).unwrap_or(&[])).into_owned();
                if !matches!(name.as_str(), "lt" | "gt" | "amp" | "quot" | "apos")
                    && out.len() < 256
                {
                    out.push(name);
                }
            }
            i = end.max(start);
        } else {
            i = i.saturating_add(1);
        }
    }
    out
}

fn parse_doctype(raw: &[u8], offset: u64) -> Doctype {
    let mut c = Cursor { s: raw, at: 0 };
    let mut dt = Doctype {
        offset,
        ..Doctype::default()
    };
    c.ws();
    dt.root = c.name();
    c.ws();
    dt.external = c.external_id();
    c.ws();
    if !c.keyword(b"[") {
        return dt;
    }
    while !c.eof() {
        c.ws();
        let here = offset.saturating_add(c.at as u64);
        if c.keyword(b"]") {
            break;
        }
        if c.keyword(b"<!--") {
            c.skip_past(b"-->");
        } else if c.keyword(b"<?") {
            c.skip_past(b"?>");
        } else if c.keyword(b"<!ENTITY") {
            c.ws();
            let parameter = c.keyword(b"%");
            c.ws();
            let name = c.name();
            c.ws();
            let mut decl = EntityDecl {
                name,
                parameter,
                value: None,
                value_len: 0,
                external: None,
                references: Vec::new(),
                offset: here,
            };
            if let Some((value, len)) = c.literal() {
                decl.references = references_in(&value);
                decl.value_len = len as u64;
                decl.value = Some(truncate(&value, MAX_DECL_CHARS));
            } else {
                decl.external = c.external_id();
            }
            c.skip_decl();
            if dt.entities.len() < MAX_DECLARATIONS {
                dt.entities.push(decl);
            }
        } else if c.rest().starts_with(b"<!") {
            c.skip_decl();
        } else if c.keyword(b"%") {
            let name = c.name();
            c.keyword(b";");
            if dt.parameter_references.len() < MAX_DECLARATIONS {
                dt.parameter_references.push(name);
            }
        } else {
            c.bump(1);
        }
    }
    dt
}

/// How far the internal entities would expand if a parser replaced them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    /// The entity whose replacement is longest, and that length in bytes
    /// (saturating).
    pub largest: Option<(String, u64)>,
    /// Deepest chain of entities referencing entities.
    pub depth: u32,
    /// An entity refers to itself, directly or through others.
    pub recursive: Option<String>,
}

/// Expanded sizes of the general and parameter entities, computed from
/// the declarations alone (memoised; cycles are reported, not followed).
pub fn expansion(dt: &Doctype) -> Expansion {
    use std::collections::BTreeMap;
    // Later declarations of a name are ignored by XML parsers: first wins.
    let mut by_name: BTreeMap<(bool, &str), &EntityDecl> = BTreeMap::new();
    for e in &dt.entities {
        by_name.entry((e.parameter, e.name.as_str())).or_insert(e);
    }
    let mut memo: BTreeMap<(bool, &str), (u64, u32)> = BTreeMap::new();
    let mut out = Expansion::default();

    fn size<'a>(
        key: (bool, &'a str),
        by_name: &std::collections::BTreeMap<(bool, &'a str), &'a EntityDecl>,
        memo: &mut std::collections::BTreeMap<(bool, &'a str), (u64, u32)>,
        visiting: &mut Vec<(bool, &'a str)>,
        out: &mut Expansion,
    ) -> (u64, u32) {
        if let Some(v) = memo.get(&key) {
            return *v;
        }
        let Some(decl) = by_name.get(&key) else {
            return (0, 0);
        };
        if visiting.contains(&key) || visiting.len() > 64 {
            if out.recursive.is_none() {
                out.recursive = Some(key.1.to_string());
            }
            return (0, 0);
        }
        visiting.push(key);
        let mut total = decl.value_len;
        let mut depth = 0u32;
        for r in &decl.references {
            // `%x;` in a value names a parameter entity, `&x;` a general one;
            // the list keeps names only, so try both (general first).
            let k = if by_name.contains_key(&(false, r.as_str())) {
                (false, r.as_str())
            } else {
                (true, r.as_str())
            };
            let (s, d) = size(k, by_name, memo, visiting, out);
            // The reference (`&name;`) is replaced by the entity's expansion.
            total = total
                .saturating_sub(r.len().saturating_add(2) as u64)
                .saturating_add(s);
            depth = depth.max(d.saturating_add(1));
        }
        visiting.pop();
        memo.insert(key, (total, depth));
        (total, depth)
    }

    let keys: Vec<(bool, &str)> = by_name.keys().copied().collect();
    for k in keys {
        let mut visiting = Vec::new();
        let (s, d) = size(k, &by_name, &mut memo, &mut visiting, &mut out);
        if out.largest.as_ref().is_none_or(|(_, l)| s > *l) {
            out.largest = Some((k.1.to_string(), s));
        }
        out.depth = out.depth.max(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_xml() {
        assert!(sniff(b"<?xml version=\"1.0\"?><a/>"));
        assert!(sniff(
            b"\xef\xbb\xbf<net name=\"x\" version=\"11\"><layers/></net>\n"
        ));
        assert!(sniff(
            b"  <PMML xmlns=\"http://www.dmg.org/PMML-4_4\">\n</PMML >"
        ));
        assert!(sniff(b"<root a=\"1\"/>"));
        assert!(sniff(b"<r>x</r>\n<!-- trailing comment -->\n"));
        // Without a declaration, a document must end like one.
        assert!(!sniff(b"<net name=\"x\" version=\"11\">"));
        // A SentencePiece vocabulary (`spm.vocab`): piece, tab, score.
        assert!(!sniff(
            b"<unk>\t0\n<s>\t0\n</s>\t0\n\xe2\x96\x81\t-2.25\ni\t-2.51\n"
        ));
        // With a declaration the document is XML even when cut short (and reported malformed).
        assert!(sniff(b"<?xml version=\"1.0\"?><net name=\"x\">"));
        assert!(!sniff(b"<html"));
        assert!(!sniff(b"{\"a\": 1}"));
        assert!(!sniff(b"< a>"));
        assert_eq!(
            root_name(b"<?xml version='1.0'?><!-- c --><x:PMML/>").as_deref(),
            Some("PMML")
        );
    }

    #[test]
    fn doctype_entities_are_recorded_not_expanded() {
        let doc = br#"<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd" [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY % p SYSTEM "file:///etc/passwd">
  <!ENTITY x SYSTEM "file:///etc/hostname">
  %p;
]>
<r attr="&b;">&x;&lt;</r>"#;
        let v = parse(doc, &Limits::default()).unwrap();
        let dt = v.doctype.as_ref().unwrap();
        assert_eq!(dt.root, "r");
        assert_eq!(
            dt.external.as_ref().unwrap().system,
            "http://127.0.0.1:9/x.dtd"
        );
        assert_eq!(dt.entities.len(), 4);
        assert!(dt.entities[2].parameter);
        assert_eq!(
            dt.entities[3].external.as_ref().unwrap().system,
            "file:///etc/hostname"
        );
        assert_eq!(dt.parameter_references, vec!["p".to_string()]);
        assert_eq!(v.elements[0].attr("attr"), Some("&b;"));
        assert_eq!(v.elements[0].text, "&x;<");
        let uses: Vec<&str> = v.entity_uses.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(uses, vec!["b", "x"]);
        let e = expansion(dt);
        assert_eq!(e.largest, Some(("b".to_string(), 100)));
        assert_eq!(e.depth, 1);
    }

    #[test]
    fn recursive_entities_are_found() {
        let dt = parse_doctype(b" r [<!ENTITY a \"&b;\"><!ENTITY b \"&a;\">]", 0);
        assert!(expansion(&dt).recursive.is_some());
    }

    #[test]
    fn limits_stop_the_walk() {
        let mut doc = String::from("<a>");
        for _ in 0..100 {
            doc.push_str("<b/>");
        }
        doc.push_str("</a>");
        let limits = Limits {
            max_xml_elements: 10,
            ..Limits::default()
        };
        let v = parse(doc.as_bytes(), &limits).unwrap();
        assert_eq!(v.elements.len(), 10);
        assert_eq!(v.limits_hit, vec![("max_xml_elements", 10)]);
        let deep = "<a>".repeat(100);
        let limits = Limits {
            max_xml_depth: 20,
            ..Limits::default()
        };
        let v = parse(deep.as_bytes(), &limits).unwrap();
        assert_eq!(v.limits_hit, vec![("max_xml_depth", 20)]);
    }

    #[test]
    fn tree_shape() {
        let v = parse(b"<a><b x='1'/><c>t<d/>u</c></a>", &Limits::default()).unwrap();
        let names: Vec<&str> = v.elements.iter().map(|e| e.local.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(v.elements[3].parent, Some(2));
        assert_eq!(v.elements[2].text, "tu");
        assert_eq!(v.path(3), "a/c/d");
        assert!(v.malformed.is_none());
        let bad = parse(b"<a><b></a>", &Limits::default()).unwrap();
        assert!(bad.malformed.is_some());
    }
}
