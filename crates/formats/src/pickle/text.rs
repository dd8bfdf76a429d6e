//! Decoding of protocol-0 text operands (quoted strings, raw-unicode-escape,
//! decimal integers), without Python.

/// Decodes a STRING operand: a Python repr in single or double quotes.
/// Returns `None` when the quoting is invalid (CPython raises there too).
pub fn decode_string_repr(line: &[u8]) -> Option<Vec<u8>> {
    let (&first, rest) = line.split_first()?;
    let (&last, body) = rest.split_last()?;
    if !(first == last && (first == b'\'' || first == b'"')) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut it = body.iter().copied().peekable();
    while let Some(c) = it.next() {
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push(b'\\');
            break;
        };
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'0'..=b'7' => {
                let mut v = u32::from(e.wrapping_sub(b'0'));
                for _ in 0..2 {
                    match it.peek() {
                        Some(&d @ b'0'..=b'7') => {
                            v = v
                                .wrapping_mul(8)
                                .wrapping_add(u32::from(d.wrapping_sub(b'0')));
                            it.next();
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let h = it.next().and_then(hex_val);
                let l = it.next().and_then(hex_val);
                match (h, l) {
                    (Some(h), Some(l)) => out.push(h.wrapping_mul(16).wrapping_add(l)),
                    _ => return None,
                }
            }
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'\\' | b'\'' | b'"' => out.push(e),
            b'\n' => {}
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// Decodes a UNICODE operand (raw-unicode-escape: latin-1 plus `\uXXXX` / `\UXXXXXXXX`).
pub fn decode_raw_unicode_escape(line: &[u8]) -> String {
    let mut out = String::with_capacity(line.len());
    let mut i = 0usize;
    while let Some(&c) = line.get(i) {
        if c == b'\\' {
            let width = match line.get(i.saturating_add(1)) {
                Some(b'u') => 4,
                Some(b'U') => 8,
                _ => 0,
            };
            if width > 0 {
                let start = i.saturating_add(2);
                let digits = line.get(start..start.saturating_add(width));
                let ch = digits
                    .and_then(|d| std::str::from_utf8(d).ok())
                    .and_then(|d| u32::from_str_radix(d, 16).ok())
                    .and_then(char::from_u32);
                if let Some(ch) = ch {
                    out.push(ch);
                    i = start.saturating_add(width);
                    continue;
                }
            }
        }
        out.push(char::from(c));
        i = i.saturating_add(1);
    }
    out
}

/// Parses a decimal integer line (INT, LONG, GET, PUT), with an optional
/// trailing `L` and surrounding whitespace. `None` if it is not an integer
/// or does not fit in i64 (`Some(Err(len))` gives the digit count then).
pub fn parse_int_line(line: &[u8]) -> Option<Result<i64, u64>> {
    let s = std::str::from_utf8(line).ok()?.trim();
    let s = s.strip_suffix('L').unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.parse::<i64>().map_err(|_| digits.len() as u64))
}

fn hex_val(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_repr_unescapes_python_escapes() {
        assert_eq!(decode_string_repr(b"'echo hi'").unwrap(), b"echo hi");
        assert_eq!(decode_string_repr(b"\"a\\x41\\n\\'\"").unwrap(), b"aA\n'");
        assert_eq!(decode_string_repr(b"'\\101'").unwrap(), b"A");
        assert!(decode_string_repr(b"'unterminated").is_none());
        assert!(decode_string_repr(b"x").is_none());
    }

    #[test]
    fn raw_unicode_escape_decodes_u_escapes() {
        assert_eq!(decode_raw_unicode_escape(b"os\\u002esystem"), "os.system");
        assert_eq!(decode_raw_unicode_escape(b"\\U0001F600!"), "\u{1F600}!");
        assert_eq!(decode_raw_unicode_escape(b"\\uZZZZ"), "\\uZZZZ");
    }

    #[test]
    fn int_lines() {
        assert_eq!(parse_int_line(b"42"), Some(Ok(42)));
        assert_eq!(parse_int_line(b"-7L"), Some(Ok(-7)));
        assert_eq!(
            parse_int_line(b"123456789012345678901234567890"),
            Some(Err(30))
        );
        assert_eq!(parse_int_line(b"4x"), None);
    }
}
