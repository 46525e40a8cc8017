//! Positions of borrowed slices within the message text.

/// Byte offset of `inner` (a sub-slice of `outer`) within `outer`.
pub(crate) fn offset_in(outer: &str, inner: &str) -> usize {
    let start = outer.as_ptr() as usize;
    let at = inner.as_ptr() as usize;
    at.checked_sub(start)
        .filter(|o| *o <= outer.len())
        .unwrap_or(0)
}
