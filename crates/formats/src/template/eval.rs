//! Python and Jinja2 semantics for the analyser: string literals decoded as
//! Jinja2 decodes them, and constant expressions evaluated the way a render
//! would, within bounds. Nothing here calls into a template engine.

use std::collections::BTreeSet;

/// A string token's text decoded as Jinja2 decodes it (Python's
/// `unicode-escape`), adjacent literals joined.
pub(super) struct Decoded {
    pub(super) value: Option<String>,
    pub(super) escaped: bool,
    pub(super) segments: usize,
}

/// `raw` is the source of one or more adjacent quoted literals.
pub(super) fn decode_literal(raw: &str) -> Option<Decoded> {
    let mut out = String::new();
    let mut valid = true;
    let mut escaped = false;
    let mut segments = 0usize;
    let mut chars = raw.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(quote) = chars.next() else {
            break;
        };
        if quote != '\'' && quote != '"' {
            return None;
        }
        segments = segments.saturating_add(1);
        loop {
            let c = chars.next()?;
            if c == quote {
                break;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let e = chars.next()?;
            match e {
                '\n' => {}
                '\r' => {
                    chars.next_if_eq(&'\n');
                }
                '\\' | '\'' | '"' => out.push(e),
                'a' => out.push('\x07'),
                'b' => out.push('\x08'),
                'f' => out.push('\x0c'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'v' => out.push('\x0b'),
                '0'..='7' => {
                    escaped = true;
                    let mut code = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                code = code.saturating_mul(8).saturating_add(d);
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    match char::from_u32(code) {
                        Some(ch) => out.push(ch),
                        None => valid = false,
                    }
                }
                'x' | 'u' | 'U' => {
                    escaped = true;
                    let digits = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let mut code = 0u32;
                    for _ in 0..digits {
                        match chars.peek().and_then(|d| d.to_digit(16)) {
                            Some(d) => {
                                code = code.saturating_mul(16).saturating_add(d);
                                chars.next();
                            }
                            None => valid = false,
                        }
                    }
                    match char::from_u32(code) {
                        Some(ch) if valid => out.push(ch),
                        _ => valid = false,
                    }
                }
                'N' => {
                    escaped = true;
                    let mut name = String::new();
                    if chars.next_if_eq(&'{').is_some() {
                        loop {
                            match chars.peek() {
                                Some('}') => {
                                    chars.next();
                                    break;
                                }
                                Some(&c) if c != quote && name.len() < 128 => {
                                    name.push(c);
                                    chars.next();
                                }
                                _ => break,
                            }
                        }
                    }
                    match char_by_name(&name) {
                        Some(ch) => out.push(ch),
                        None => valid = false,
                    }
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
    }
    (segments > 0).then_some(Decoded {
        value: valid.then_some(out),
        escaped,
        segments,
    })
}

/// The few Unicode names that spell identifiers (`\N{LOW LINE}`).
pub(super) fn char_by_name(name: &str) -> Option<char> {
    let name = name.to_ascii_uppercase();
    let digit = |d: &str| {
        [
            "ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE",
        ]
        .iter()
        .position(|n| *n == d)
        .and_then(|p| char::from_digit(u32::try_from(p).ok()?, 10))
    };
    let letter = |l: &str| {
        let mut cs = l.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if c.is_ascii_uppercase() => Some(c),
            _ => None,
        }
    };
    match name.as_str() {
        "LOW LINE" => Some('_'),
        "FULL STOP" => Some('.'),
        "SPACE" => Some(' '),
        "APOSTROPHE" => Some('\''),
        "QUOTATION MARK" => Some('"'),
        "SOLIDUS" => Some('/'),
        "REVERSE SOLIDUS" => Some('\\'),
        "VERTICAL LINE" => Some('|'),
        "HYPHEN-MINUS" => Some('-'),
        n => {
            if let Some(l) = n.strip_prefix("LATIN SMALL LETTER ") {
                letter(l).map(|c| c.to_ascii_lowercase())
            } else if let Some(l) = n.strip_prefix("LATIN CAPITAL LETTER ") {
                letter(l)
            } else {
                n.strip_prefix("DIGIT ").and_then(digit)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Str(String),
    Int(i64),
    Bool(bool),
    None,
    List(Vec<Val>),
    Tuple(Vec<Val>),
    Map(Vec<(Val, Val)>),
}

/// Most items kept in an evaluated list or map.
pub(super) const MAX_FOLDED_ITEMS: usize = 256;

impl Val {
    pub(super) fn is_stringy(&self) -> bool {
        match self {
            Val::Str(_) => true,
            Val::List(v) | Val::Tuple(v) => v.iter().any(|x| matches!(x, Val::Str(_))),
            _ => false,
        }
    }

    /// Python `str()`.
    pub(super) fn to_text(&self) -> String {
        match self {
            Val::Str(s) => s.clone(),
            Val::Int(i) => i.to_string(),
            Val::Bool(true) => "True".to_string(),
            Val::Bool(false) => "False".to_string(),
            Val::None => "None".to_string(),
            _ => self.repr(),
        }
    }

    /// Python `repr()`.
    pub(super) fn repr(&self) -> String {
        match self {
            Val::Str(s) => py_repr_str(s),
            Val::List(v) => format!("[{}]", join_repr(v)),
            Val::Tuple(v) if v.len() == 1 => format!("({},)", join_repr(v)),
            Val::Tuple(v) => format!("({})", join_repr(v)),
            Val::Map(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{}: {}", k.repr(), v.repr()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => other.to_text(),
        }
    }

    /// The items Python iterates over (map keys, string characters).
    pub(super) fn items(&self) -> Option<Vec<Val>> {
        match self {
            Val::Str(s) => Some(s.chars().map(|c| Val::Str(c.to_string())).collect()),
            Val::List(v) | Val::Tuple(v) => Some(v.clone()),
            Val::Map(m) => Some(m.iter().map(|(k, _)| k.clone()).collect()),
            _ => None,
        }
    }
}

pub(super) fn join_repr(v: &[Val]) -> String {
    v.iter().map(Val::repr).collect::<Vec<_>>().join(", ")
}

pub(super) fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len().saturating_add(2));
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A statically evaluated expression: its value when known, and how it was
/// built.
#[derive(Debug, Clone, Default)]
pub(super) struct Folded {
    pub(super) val: Option<Val>,
    pub(super) ops: BTreeSet<&'static str>,
    pub(super) escaped: bool,
    /// The values a loop variable takes, when its loop is over constants.
    pub(super) candidates: Vec<String>,
}

impl Folded {
    pub(super) fn known(val: Val) -> Self {
        Folded {
            val: Some(val),
            ..Folded::default()
        }
    }

    pub(super) fn absorb(&mut self, other: &Folded) {
        self.ops.extend(other.ops.iter().copied());
        self.escaped |= other.escaped;
    }

    /// Built by string operations (or from an escaped literal).
    pub(super) fn is_string_building(&self) -> bool {
        self.escaped || !self.ops.is_empty()
    }

    pub(super) fn stringy(&self) -> bool {
        self.is_string_building() || self.val.as_ref().is_some_and(Val::is_stringy)
    }
}

pub(super) fn slice_indices(
    len: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
) -> Option<Vec<usize>> {
    let n = i64::try_from(len).ok()?;
    if step == 0 {
        return None;
    }
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let norm = |v: i64| if v < 0 { v.checked_add(n) } else { Some(v) };
    let mut out = Vec::new();
    if step > 0 {
        let a = clamp(norm(start.unwrap_or(0))?, 0, n);
        let b = clamp(norm(stop.unwrap_or(n))?, 0, n);
        let mut i = a;
        while i < b {
            out.push(usize::try_from(i).ok()?);
            i = i.checked_add(step)?;
        }
    } else {
        let last = n.checked_sub(1)?;
        let a = match start {
            Some(v) => clamp(norm(v)?, -1, last),
            None => last,
        };
        let b = match stop {
            Some(v) => clamp(norm(v)?, -1, last),
            None => -1,
        };
        let mut i = a;
        while i > b {
            out.push(usize::try_from(i).ok()?);
            i = i.checked_add(step)?;
        }
    }
    Some(out)
}

/// `v[start:stop:step]` for strings, lists and tuples.
pub(super) fn slice_val(v: &Val, start: Option<i64>, stop: Option<i64>, step: i64) -> Option<Val> {
    let items = v.items()?;
    let idx = slice_indices(items.len(), start, stop, step)?;
    let picked = idx.into_iter().filter_map(|i| items.get(i).cloned());
    Some(match v {
        Val::Str(_) => Val::Str(picked.map(|x| x.to_text()).collect()),
        Val::Tuple(_) => Val::Tuple(picked.collect()),
        _ => Val::List(picked.collect()),
    })
}

/// The pairs of an evaluated map, in order.
pub(super) type MapItems = [(Val, Val)];

/// Python `%` formatting of `fmt` with `args`.
pub(super) fn percent_format(fmt: &str, args: &Val, cap: usize) -> Option<String> {
    let (positional, mapping): (Vec<Val>, Option<&MapItems>) = match args {
        Val::Tuple(v) => (v.clone(), None),
        Val::Map(m) => (Vec::new(), Some(m.as_slice())),
        other => (vec![other.clone()], None),
    };
    let mut next = positional.iter();
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() > cap {
            return None;
        }
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut arg: Option<Val> = None;
        if chars.next_if_eq(&'(').is_some() {
            let mut key = String::new();
            loop {
                match chars.next()? {
                    ')' => break,
                    k => key.push(k),
                }
            }
            let found = mapping?
                .iter()
                .find(|(k, _)| *k == Val::Str(key.clone()))
                .map(|(_, v)| v.clone())?;
            arg = Some(found);
        }
        let mut left = false;
        let mut zero = false;
        while let Some(f) = chars.next_if(|f| matches!(f, '-' | '+' | ' ' | '#' | '0')) {
            left |= f == '-';
            zero |= f == '0';
        }
        let mut width = 0usize;
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            width = width
                .checked_mul(10)?
                .checked_add(usize::try_from(d.to_digit(10)?).ok()?)?;
        }
        if width > cap {
            return None;
        }
        let mut precision: Option<usize> = None;
        if chars.next_if_eq(&'.').is_some() {
            let mut p = 0usize;
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                p = p
                    .checked_mul(10)?
                    .checked_add(usize::try_from(d.to_digit(10)?).ok()?)?;
            }
            precision = Some(p);
        }
        while chars.next_if(|l| matches!(l, 'h' | 'l' | 'L')).is_some() {}
        let conv = chars.next()?;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let value = match arg {
            Some(v) => v,
            None if mapping.is_some() => return None,
            None => next.next()?.clone(),
        };
        let as_int = |v: &Val| match v {
            Val::Int(i) => Some(*i),
            Val::Bool(b) => Some(i64::from(*b)),
            _ => None,
        };
        let mut text = match conv {
            's' => value.to_text(),
            'r' | 'a' => value.repr(),
            'c' => match &value {
                Val::Int(i) => char::from_u32(u32::try_from(*i).ok()?)?.to_string(),
                Val::Str(s) if s.chars().count() == 1 => s.clone(),
                _ => return None,
            },
            'd' | 'i' | 'u' => as_int(&value)?.to_string(),
            'x' => format!("{:x}", as_int(&value)?),
            'X' => format!("{:X}", as_int(&value)?),
            'o' => format!("{:o}", as_int(&value)?),
            _ => return None,
        };
        if let (Some(p), 's' | 'r' | 'a') = (precision, conv) {
            text = text.chars().take(p).collect();
        }
        let count = text.chars().count();
        if count < width {
            let pad = width.saturating_sub(count);
            let numeric = matches!(conv, 'd' | 'i' | 'u' | 'x' | 'X' | 'o');
            if left {
                text.push_str(&" ".repeat(pad));
            } else if zero && numeric {
                text = format!("{}{text}", "0".repeat(pad));
            } else {
                text = format!("{}{text}", " ".repeat(pad));
            }
        }
        out.push_str(&text);
    }
    if mapping.is_none() && next.next().is_some() {
        return None;
    }
    (out.len() <= cap).then_some(out)
}

/// Python `str.format` with positional and keyword arguments; format
/// specifications are not evaluated.
pub(super) fn brace_format(
    fmt: &str,
    args: &[Val],
    kwargs: &[(String, Val)],
    cap: usize,
) -> Option<String> {
    let mut out = String::new();
    let mut auto = 0usize;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() > cap {
            return None;
        }
        match c {
            '{' if chars.next_if_eq(&'{').is_some() => out.push('{'),
            '}' if chars.next_if_eq(&'}').is_some() => out.push('}'),
            '{' => {
                let mut field = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        f => field.push(f),
                    }
                }
                let (name, conv) = match field.split_once('!') {
                    Some((n, c)) => (n.to_string(), Some(c.to_string())),
                    None => (field, None),
                };
                if name.contains(':') || name.contains('.') || name.contains('[') {
                    return None;
                }
                let value = if name.is_empty() {
                    let v = args.get(auto)?;
                    auto = auto.checked_add(1)?;
                    v
                } else if let Ok(i) = name.parse::<usize>() {
                    args.get(i)?
                } else {
                    &kwargs.iter().find(|(k, _)| *k == name)?.1
                };
                match conv.as_deref() {
                    None | Some("s") => out.push_str(&value.to_text()),
                    Some("r" | "a") => out.push_str(&value.repr()),
                    _ => return None,
                }
            }
            '}' => return None,
            c => out.push(c),
        }
    }
    (out.len() <= cap).then_some(out)
}

pub(super) fn py_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_alpha = false;
    for c in s.chars() {
        if prev_alpha {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_alpha = c.is_alphabetic();
    }
    out
}

pub(super) fn py_capitalize(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(first) => first
            .to_uppercase()
            .chain(cs.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// `s.replace(old, new, count)` when the result fits in `cap` bytes.
pub(super) fn bounded_replace(
    s: &str,
    old: &str,
    new: &str,
    count: Option<i64>,
    cap: usize,
) -> Option<String> {
    let matches = if old.is_empty() {
        s.chars().count().checked_add(1)?
    } else {
        s.matches(old).count()
    };
    let n = match count {
        Some(c) if c >= 0 => matches.min(usize::try_from(c).ok()?),
        _ => matches,
    };
    let len = s
        .len()
        .checked_sub(n.checked_mul(old.len())?)?
        .checked_add(n.checked_mul(new.len())?)?;
    if len > cap {
        return None;
    }
    Some(s.replacen(old, new, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_brace_formatting_follow_python() {
        let cap = 4096;
        assert_eq!(
            percent_format(
                "%s-%r-%c-%d-%5s|%-3s|%03d",
                &Val::Tuple(vec![
                    Val::Str("a".into()),
                    Val::Str("b".into()),
                    Val::Int(95),
                    Val::Int(7),
                    Val::Str("x".into()),
                    Val::Str("y".into()),
                    Val::Int(5)
                ]),
                cap
            )
            .as_deref(),
            Some("a-'b'-_-7-    x|y  |005")
        );
        assert_eq!(
            percent_format(
                "%(a)s%%",
                &Val::Map(vec![(Val::Str("a".into()), Val::Int(1))]),
                cap
            )
            .as_deref(),
            Some("1%")
        );
        assert_eq!(
            percent_format("%s", &Val::Tuple(vec![Val::Int(1), Val::Int(2)]), cap),
            None
        );
        assert_eq!(
            brace_format(
                "{}{1}{name!r}{{",
                &[Val::Str("a".into()), Val::Int(2)],
                &[("name".into(), Val::Str("n".into()))],
                cap
            )
            .as_deref(),
            Some("a2'n'{")
        );
        assert_eq!(slice_indices(5, None, None, -1), Some(vec![4, 3, 2, 1, 0]));
        assert_eq!(slice_indices(5, Some(1), Some(-1), 2), Some(vec![1, 3]));
        assert_eq!(
            bounded_replace("abc", "", "-", None, cap).as_deref(),
            Some("-a-b-c-")
        );
        assert_eq!(
            bounded_replace("aaaa", "a", "b", Some(2), cap).as_deref(),
            Some("bbaa")
        );
        assert_eq!(
            bounded_replace("aaaa", "a", &"b".repeat(2000), None, cap),
            None
        );
    }

    #[test]
    fn python_escapes_decode_and_adjacent_literals_join() {
        let d = decode_literal(r#"'\x5f\u005f' "\137\N{LOW LINE}\\n""#).unwrap();
        assert_eq!(d.value.as_deref(), Some("____\\n"));
        assert!(d.escaped);
        assert_eq!(d.segments, 2);
        assert!(decode_literal(r"'\x5'").unwrap().value.is_none());
        assert!(
            decode_literal(r"'\N{NO SUCH NAME}'")
                .unwrap()
                .value
                .is_none()
        );
        assert!(decode_literal("not a literal").is_none());
    }
}
