//! Escaping for the writers and reference resolution for the reader.
//!
//! Only the five predefined entities and character references exist here;
//! there is no entity table to fill, so no input can make a reference expand
//! to more than one character.

use super::XmlError;
use super::error::clip;
use std::borrow::Cow;

/// Appends `s` escaped for character data: `&`, `<`, `>` and CR (which a
/// reader would otherwise normalize to LF) become references.
pub fn escape_text(out: &mut Vec<u8>, s: &str) {
    escape(out, s, false);
}

/// Appends `s` escaped for a double-quoted attribute value: as
/// [`escape_text`] plus `"`, TAB and LF, which attribute-value normalization
/// would otherwise turn into spaces.
pub fn escape_attr(out: &mut Vec<u8>, s: &str) {
    escape(out, s, true);
}

fn escape(out: &mut Vec<u8>, s: &str, attr: bool) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#13;",
            b'"' if attr => b"&quot;",
            b'\n' if attr => b"&#10;",
            b'\t' if attr => b"&#9;",
            _ => continue,
        };
        out.extend_from_slice(&bytes[last..i]);
        out.extend_from_slice(rep);
        last = i + 1;
    }
    out.extend_from_slice(&bytes[last..]);
}

/// Resolves the reference `name` (the text between `&` and `;`), which starts
/// at `offset`.
pub(crate) fn resolve(name: &str, offset: u64) -> Result<char, XmlError> {
    match name {
        "lt" => return Ok('<'),
        "gt" => return Ok('>'),
        "amp" => return Ok('&'),
        "apos" => return Ok('\''),
        "quot" => return Ok('"'),
        _ => {}
    }
    let Some(num) = name.strip_prefix('#') else {
        return Err(XmlError::UndeclaredEntity {
            offset,
            name: clip(name),
        });
    };
    let bad = || XmlError::InvalidCharRef {
        offset,
        reference: clip(name),
    };
    let (digits, radix) = match num.strip_prefix('x') {
        Some(h) => (h, 16),
        None => (num, 10),
    };
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let cp = u32::from_str_radix(digits, radix).map_err(|_| bad())?;
    match char::from_u32(cp) {
        Some(c) if is_xml_char(c) => Ok(c),
        _ => Err(bad()),
    }
}

/// The XML 1.0 `Char` production.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Unescapes the attribute value `raw` (which starts at byte `offset` of the
/// input): references resolved, literal TAB, LF, CR and CR LF each turned
/// into one space (W3C XML 1.0 §3.3.3), borrowing when nothing changes.
pub(crate) fn unescape_attr(raw: &str, offset: u64) -> Result<Cow<'_, str>, XmlError> {
    if !raw.contains(['&', '\r', '\n', '\t']) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut pos = offset;
    while let Some(i) = rest.find(['&', '\r', '\n', '\t']) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        pos += i as u64;
        let b = tail.as_bytes()[0];
        match b {
            b'&' => {
                let Some(end) = tail.find(';') else {
                    return Err(XmlError::Syntax {
                        offset: pos,
                        detail:
                            "'&' starts a reference with no ';' (escape a literal '&' as &amp;)"
                                .into(),
                    });
                };
                out.push(resolve(&tail[1..end], pos)?);
                rest = &tail[end + 1..];
                pos += end as u64 + 1;
            }
            b'\r' => {
                out.push(' ');
                let skip = if tail.as_bytes().get(1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &tail[skip..];
                pos += skip as u64;
            }
            _ => {
                out.push(' ');
                rest = &tail[1..];
                pos += 1;
            }
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// Appends literal character data (no references inside: the tokenizer
/// splits them out) to `out`, normalizing line ends.
pub(crate) fn push_text(out: &mut String, raw: &str) {
    if !raw.contains('\r') {
        out.push_str(raw);
        return;
    }
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            out.push('\n');
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_text_and_attr() {
        let mut out = Vec::new();
        escape_text(&mut out, "a<b>&c\"\r\n\t");
        assert_eq!(out, b"a&lt;b&gt;&amp;c\"&#13;\n\t");
        out.clear();
        escape_attr(&mut out, "a<\"\n\t'");
        assert_eq!(out, b"a&lt;&quot;&#10;&#9;'");
    }

    #[test]
    fn resolves_predefined_and_char_refs_only() {
        assert_eq!(resolve("amp", 0), Ok('&'));
        assert_eq!(resolve("#x41", 0), Ok('A'));
        assert_eq!(resolve("#65", 0), Ok('A'));
        assert!(matches!(
            resolve("lol9", 4),
            Err(XmlError::UndeclaredEntity { offset: 4, .. })
        ));
        for bad in [
            "#0",
            "#x0",
            "#xD800",
            "#xFFFE",
            "#x110000",
            "#",
            "#x",
            "#12a",
            "#x123456789",
        ] {
            assert!(
                matches!(resolve(bad, 0), Err(XmlError::InvalidCharRef { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn unescape_normalizes_attribute_whitespace_but_keeps_char_refs() {
        let v = unescape_attr("a\tb\r\nc&#10;d", 0).unwrap();
        assert_eq!(v, "a b c\nd");
        assert!(matches!(unescape_attr("x", 0).unwrap(), Cow::Borrowed(_)));
        let mut t = String::new();
        push_text(&mut t, "a\r\nb\rc");
        assert_eq!(t, "a\nb\nc");
    }

    #[test]
    fn unescape_reports_entity_offset() {
        let e = unescape_attr("ab&x;", 10).unwrap_err();
        assert_eq!(e.offset(), 12);
    }
}
