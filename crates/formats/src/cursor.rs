//! The bounded forward read shared by the hand-written binary readers.

/// The `n` bytes of `data` at `*pos`, advancing `*pos`, or `None` (and
/// `*pos` unchanged) when fewer than `n` bytes are left.
pub(crate) fn take<'a>(data: &'a [u8], pos: &mut usize, n: usize) -> Option<&'a [u8]> {
    let end = pos.checked_add(n)?;
    let bytes = data.get(*pos..end)?;
    *pos = end;
    Some(bytes)
}

/// Why [`ascii_word`] found no word.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum WordError {
    /// Only whitespace (or nothing) before the end of the data.
    Missing,
    /// Longer than the allowed length.
    TooLong,
}

/// The next whitespace-delimited word at `*pos` (after skipping whitespace),
/// at most `max_len` bytes, advancing `*pos` past it.
pub(crate) fn ascii_word<'a>(
    data: &'a [u8],
    pos: &mut usize,
    max_len: usize,
) -> Result<&'a [u8], WordError> {
    while data.get(*pos).is_some_and(|c| c.is_ascii_whitespace()) {
        *pos = pos.saturating_add(1);
    }
    let start = *pos;
    while data.get(*pos).is_some_and(|c| !c.is_ascii_whitespace()) {
        *pos = pos.saturating_add(1);
        if pos.saturating_sub(start) > max_len {
            return Err(WordError::TooLong);
        }
    }
    match data.get(start..*pos) {
        Some(w) if !w.is_empty() => Ok(w),
        _ => Err(WordError::Missing),
    }
}

#[cfg(test)]
mod tests {
    use super::{WordError, ascii_word};

    #[test]
    fn words_are_bounded() {
        let mut pos = 0;
        assert_eq!(ascii_word(b"  12 ab", &mut pos, 64), Ok(&b"12"[..]));
        assert_eq!(ascii_word(b"  12 ab", &mut pos, 64), Ok(&b"ab"[..]));
        assert_eq!(
            ascii_word(b"  12 ab", &mut pos, 64),
            Err(WordError::Missing)
        );
        let mut pos = 0;
        assert_eq!(ascii_word(b"abcdef", &mut pos, 3), Err(WordError::TooLong));
    }

    #[test]
    fn takes_within_bounds_only() {
        let mut pos = 1;
        assert_eq!(super::take(b"abcd", &mut pos, 2), Some(&b"bc"[..]));
        assert_eq!(pos, 3);
        assert_eq!(super::take(b"abcd", &mut pos, 2), None);
        assert_eq!(super::take(b"abcd", &mut pos, usize::MAX), None);
        assert_eq!(pos, 3);
    }
}
