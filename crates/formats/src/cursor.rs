//! The bounded forward read shared by the hand-written binary readers.

/// The `n` bytes of `data` at `*pos`, advancing `*pos`, or `None` (and
/// `*pos` unchanged) when fewer than `n` bytes are left.
pub(crate) fn take<'a>(data: &'a [u8], pos: &mut usize, n: usize) -> Option<&'a [u8]> {
    let end = pos.checked_add(n)?;
    let bytes = data.get(*pos..end)?;
    *pos = end;
    Some(bytes)
}

#[cfg(test)]
mod tests {
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
