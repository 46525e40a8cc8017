//! Names, namespace declarations and attributes: the checks the event
//! reader and the payload scanner share.

use super::escape;
use super::{XML_NS, XMLNS_NS, XmlError, clip};
use std::borrow::Cow;

pub(crate) const START: u8 = 1;
const OTHER: u8 = 2;
pub(crate) const COLON: u8 = 3;

/// Per byte: 0 not in a name, `START` may start one, `OTHER` may follow
/// (digits, `-`, `.`), `COLON` the prefix separator. Bytes >= 0x80 belong to
/// non-ASCII characters, accepted as letters.
pub(crate) static NAME_CHAR: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            START
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            OTHER
        } else if c == b':' {
            COLON
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Checks a qualified name against the XML `Name` production (ASCII
/// punctuation and spacing excluded, non-ASCII letters allowed) and the
/// Namespaces in XML `QName` rule, and splits it into prefix and local part.
pub(crate) fn check_name(name: &str, offset: u64, max: usize) -> Result<(&str, &str), XmlError> {
    if name.len() > max {
        return Err(XmlError::NameTooLong { offset, limit: max });
    }
    let bad = || XmlError::InvalidName {
        offset,
        name: clip(name),
    };
    let bytes = name.as_bytes();
    let first = *bytes.first().ok_or_else(bad)?;
    if NAME_CHAR[first as usize] != START {
        return Err(bad());
    }
    let mut colon = false;
    for &b in bytes {
        match NAME_CHAR[b as usize] {
            0 => return Err(bad()),
            COLON => colon = true,
            _ => {}
        }
    }
    if !colon {
        return Ok(("", name));
    }
    match name.split_once(':') {
        None => Ok(("", name)),
        Some((p, l)) => {
            let lf = l.bytes().next().ok_or_else(bad)?;
            if l.contains(':') || lf.is_ascii_digit() || matches!(lf, b'-' | b'.') {
                return Err(bad());
            }
            Ok((p, l))
        }
    }
}

/// Checks the declaration of `prefix` (`""` for the default namespace) as
/// `uri`; `Ok(false)` when it binds nothing new (`xml` to its own namespace).
pub(crate) fn check_declaration(prefix: &str, uri: &str, offset: u64) -> Result<bool, XmlError> {
    let bad = |detail: &str| XmlError::BadNamespaceDeclaration {
        offset,
        detail: detail.to_owned(),
    };
    if prefix == "xmlns" {
        return Err(bad(
            "the prefix xmlns cannot be declared; remove xmlns:xmlns",
        ));
    }
    if prefix == "xml" {
        if uri != XML_NS {
            return Err(bad(
                "the prefix xml may only be bound to http://www.w3.org/XML/1998/namespace",
            ));
        }
        return Ok(false);
    }
    if uri == XML_NS || uri == XMLNS_NS {
        return Err(bad(
            "the xml and xmlns namespace names cannot be bound to another prefix",
        ));
    }
    if !prefix.is_empty() && uri.is_empty() {
        return Err(bad(
            "a prefix cannot be undeclared with an empty URI in XML 1.0; give it a namespace URI",
        ));
    }
    Ok(true)
}

/// One attribute of a [`Tag`](super::Tag).
#[derive(Debug, Clone, Copy)]
pub struct Attr<'a> {
    /// The qualified name as written.
    pub name: &'a str,
    /// The prefix, `""` when there is none.
    pub prefix: &'a str,
    /// The local part.
    pub local: &'a str,
    /// The value as written, references not resolved.
    pub raw_value: &'a str,
    /// Offset of the value's first byte.
    pub offset: u64,
    /// Offset of the name's first byte.
    pub name_offset: u64,
}

impl<'a> Attr<'a> {
    /// The value with references resolved and whitespace normalized.
    pub fn value(&self) -> Cow<'a, str> {
        // Checked when the tag was read, so this cannot fail; fall back to
        // the raw text rather than panic.
        escape::unescape_attr(self.raw_value, self.offset).unwrap_or(Cow::Borrowed(self.raw_value))
    }

    /// Whether this is a namespace declaration (`xmlns` or `xmlns:p`).
    pub fn is_xmlns(&self) -> bool {
        self.name == "xmlns" || self.prefix == "xmlns"
    }
}

/// Iterator over the attributes of a [`Tag`](super::Tag).
#[derive(Debug, Clone)]
pub struct Attrs<'a> {
    pub(crate) rest: &'a str,
    pub(crate) offset: u64,
}

impl<'a> Attrs<'a> {
    pub(crate) fn next_checked(&mut self) -> Result<Option<Attr<'a>>, XmlError> {
        let b = self.rest.as_bytes();
        let ws = b
            .iter()
            .position(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(b.len());
        if ws == b.len() {
            self.rest = "";
            return Ok(None);
        }
        let at = self.offset + ws as u64;
        if ws == 0 {
            return Err(XmlError::BadAttribute {
                offset: at,
                detail: "attributes must be separated from the name and from each other by whitespace",
            });
        }
        let name_end = b[ws..]
            .iter()
            .position(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'='))
            .map_or(b.len(), |p| ws + p);
        let mut i = name_end;
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return Err(XmlError::BadAttribute {
                offset: self.offset + i as u64,
                detail: "expected '=' and a quoted value after the attribute name",
            });
        }
        i += 1;
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
        }
        let quote = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(XmlError::BadAttribute {
                    offset: self.offset + i as u64,
                    detail: "attribute values must be quoted with \" or '",
                });
            }
        };
        let Some(close) = memchr::memchr(quote, &b[i + 1..]).map(|p| i + 1 + p) else {
            return Err(XmlError::BadAttribute {
                offset: self.offset + i as u64,
                detail: "attribute value has no closing quote",
            });
        };
        let name = &self.rest[ws..name_end];
        let (prefix, local) = name.split_once(':').unwrap_or(("", name));
        let attr = Attr {
            name,
            prefix,
            local,
            raw_value: &self.rest[i + 1..close],
            offset: self.offset + i as u64 + 1,
            name_offset: at,
        };
        self.rest = &self.rest[close + 1..];
        self.offset += close as u64 + 1;
        Ok(Some(attr))
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        self.next_checked().ok().flatten()
    }
}
