//! The fast path for payloads: checks an element's content for
//! well-formedness and limits without producing events.
//!
//! A reply's `<data>` can be megabytes of configuration that the parser only
//! has to vouch for and hand on as a byte range. A general tokenizer spends
//! most of its time building events nobody reads (about 0.2-0.3 GB/s here);
//! this scanner jumps between the bytes that matter (`<`, `&`, `>`, quotes)
//! with `memchr` and applies the same rules as [`XmlReader`](super::XmlReader):
//! names, attribute syntax and duplicates, namespace prefixes bound,
//! predefined entities and character references only, no DOCTYPE, comments
//! without `--`, no `]]>` in text, matching end tags, and every limit. The
//! input was already checked for UTF-8 and XML characters. It keeps one
//! stack of open names (slices of the input) and allocates nothing else.

use super::names::{COLON, NAME_CHAR, START, check_declaration, check_name};
use super::{XmlError, XmlLimits, clip, escape};
use memchr::{memchr, memchr2, memchr3, memmem};

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Byte equality without a library call: names are short.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// High bit set in exactly the bytes of `x` that are zero.
#[inline]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The first `<`, `&` or `>`. Most text between tags is a few bytes of
/// indentation, so the first 64 bytes are searched a word at a time (no
/// call, no vector set-up) before handing over to `memchr3`.
#[inline]
fn find3(h: &[u8]) -> Option<usize> {
    let mut k = 0;
    while let Some(chunk) = h.get(k..k + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let m = zero_bytes(w ^ (ONES * u64::from(b'<')))
            | zero_bytes(w ^ (ONES * u64::from(b'&')))
            | zero_bytes(w ^ (ONES * u64::from(b'>')));
        if m != 0 {
            return Some(k + (m.trailing_zeros() / 8) as usize);
        }
        k += 8;
        if k >= 64 {
            return memchr3(b'<', b'&', b'>', &h[k..]).map(|j| j + k);
        }
    }
    h[k..]
        .iter()
        .position(|c| matches!(c, b'<' | b'&' | b'>'))
        .map(|j| j + k)
}

struct Open<'a> {
    name: &'a str,
    start: usize,
    /// Number of prefix declarations in force before this element.
    prefixes: usize,
}

/// Checks the content of the element `name` (start tag at `start`, ending
/// at `from`, at `depth`) up to its end tag, and returns the end tag's
/// range. `bound` says whether a prefix is declared around the element.
pub(crate) fn element_content(
    text: &str,
    from: usize,
    name: &str,
    start: u64,
    depth: usize,
    limits: &XmlLimits,
    bound: &dyn Fn(&str) -> bool,
) -> Result<(usize, usize), XmlError> {
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        limits,
        bound,
        open: Vec::new(),
        prefixes: Vec::new(),
        attr_names: Vec::new(),
        depth,
        run: None,
        after: from,
    };
    s.run(from, name, start)
}

struct Scanner<'a, 'l> {
    text: &'a str,
    b: &'a [u8],
    limits: &'l XmlLimits,
    bound: &'l dyn Fn(&str) -> bool,
    open: Vec<Open<'a>>,
    /// Prefixes declared inside the element (`""` for the default).
    prefixes: Vec<&'a str>,
    attr_names: Vec<(&'a str, usize)>,
    depth: usize,
    /// The current run of character data: where it started and its length.
    run: Option<(usize, usize)>,
    /// The position after the markup just read.
    after: usize,
}

fn syntax(offset: usize, detail: &str) -> XmlError {
    XmlError::Syntax {
        offset: offset as u64,
        detail: detail.to_owned(),
    }
}

impl<'a> Scanner<'a, '_> {
    fn str(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    #[inline]
    fn text_len(&mut self, at: usize, len: usize) -> Result<(), XmlError> {
        let (start, total) = match self.run {
            Some((s, t)) => (s, t + len),
            None => (at, len),
        };
        if total > self.limits.max_text_len {
            return Err(XmlError::TextTooLong {
                offset: start as u64,
                limit: self.limits.max_text_len,
            });
        }
        self.run = Some((start, total));
        Ok(())
    }

    fn run(
        &mut self,
        mut i: usize,
        outer: &'a str,
        outer_start: u64,
    ) -> Result<(usize, usize), XmlError> {
        let b = self.b;
        // Start of the current text segment (for `]]>`).
        let mut seg = i;
        loop {
            let Some(k) = find3(&b[i..]) else {
                if i < b.len() {
                    self.text_len(i, b.len() - i)?;
                }
                let (name, at) = match self.open.last() {
                    Some(o) => (o.name, o.start as u64),
                    None => (outer, outer_start),
                };
                return Err(XmlError::UnclosedElement {
                    offset: at,
                    name: clip(name),
                });
            };
            let p = i + k;
            if p > i {
                self.text_len(i, p - i)?;
            }
            match b[p] {
                b'>' => {
                    if p >= seg + 2 && &b[p - 2..p] == b"]]" {
                        return Err(XmlError::CdataEndInText {
                            offset: p as u64 - 2,
                        });
                    }
                    self.text_len(p, 1)?;
                    i = p + 1;
                }
                b'&' => {
                    let semi = match memchr2(b';', b'<', &b[p..]) {
                        Some(q) if b[p + q] == b';' => p + q,
                        _ => {
                            return Err(syntax(
                                p,
                                "'&' not followed by a reference ending in ';' (escape a literal '&' as &amp;)",
                            ));
                        }
                    };
                    let c = escape::resolve(self.str(p + 1, semi), p as u64)?;
                    self.text_len(p, c.len_utf8())?;
                    i = semi + 1;
                    seg = i;
                }
                _ => {
                    match b.get(p + 1) {
                        Some(b'/') => {
                            if let Some(end) = self.end_tag(p, outer)? {
                                return Ok((p, end));
                            }
                        }
                        Some(b'!') => self.bang(p)?,
                        Some(b'?') => self.pi(p)?,
                        _ => self.start_tag(p)?,
                    }
                    i = self.after;
                    seg = i;
                }
            }
        }
    }
}

impl<'a> Scanner<'a, '_> {
    /// `</name>` at `p`; `Some(end)` when it closes the outer element.
    fn end_tag(&mut self, p: usize, outer: &'a str) -> Result<Option<usize>, XmlError> {
        let b = self.b;
        // Fast path: `</expected>` exactly.
        let expected = self.open.last().map_or(outer, |o| o.name).as_bytes();
        let n = expected.len();
        if b.get(p + 2 + n) == Some(&b'>') && same(&b[p + 2..p + 2 + n], expected) {
            self.run = None;
            self.after = p + 3 + n;
            return Ok(match self.open.pop() {
                Some(o) => {
                    self.prefixes.truncate(o.prefixes);
                    None
                }
                None => Some(p + 3 + n),
            });
        }
        let Some(gt) = memchr(b'>', &b[p..]).map(|k| p + k) else {
            return Err(syntax(
                p,
                "an end tag is not closed with '>' (truncated message?)",
            ));
        };
        let found = self
            .str(p + 2, gt)
            .trim_end_matches([' ', '\t', '\r', '\n']);
        self.run = None;
        self.after = gt + 1;
        let expected = self.open.last().map_or(outer, |o| o.name);
        if found != expected {
            return Err(XmlError::MismatchedEndTag {
                offset: p as u64,
                expected: clip(expected),
                found: clip(found),
            });
        }
        match self.open.pop() {
            Some(o) => {
                self.prefixes.truncate(o.prefixes);
                Ok(None)
            }
            None => Ok(Some(gt + 1)),
        }
    }

    /// `<!--`, `<![CDATA[` or a forbidden `<!...>` at `p`.
    fn bang(&mut self, p: usize) -> Result<(), XmlError> {
        let b = self.b;
        let rest = &b[p..];
        if rest.starts_with(b"<!--") {
            // The first "--" after the opener must be the start of "-->".
            let Some(q) = memmem::find(&b[p + 4..], b"--").map(|k| p + 4 + k) else {
                return Err(syntax(p, "comment not closed"));
            };
            if b.get(q + 2) != Some(&b'>') {
                let detail = match memmem::find(&b[q..], b"-->") {
                    Some(_) => "ill-formed document: forbidden string `--` was found in a comment",
                    None => "comment not closed",
                };
                return Err(syntax(if detail.contains("--") { q } else { p }, detail));
            }
            self.after = q + 3;
            return Ok(());
        }
        if rest.starts_with(b"<![CDATA[") {
            let Some(q) = memmem::find(&b[p + 9..], b"]]>").map(|k| p + 9 + k) else {
                return Err(syntax(p, "CDATA section not closed"));
            };
            self.text_len(p, q - (p + 9))?;
            self.after = q + 3;
            return Ok(());
        }
        if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            return Err(XmlError::Doctype { offset: p as u64 });
        }
        Err(syntax(
            p,
            "unknown markup after '<!' (only comments and CDATA sections are allowed)",
        ))
    }

    /// A processing instruction at `p`.
    fn pi(&mut self, p: usize) -> Result<(), XmlError> {
        let b = self.b;
        let Some(q) = memmem::find(&b[p + 2..], b"?>").map(|k| p + 2 + k) else {
            return Err(syntax(p, "processing instruction not closed"));
        };
        let body = &b[p + 2..q];
        let target = &body[..body.iter().position(|c| is_ws(*c)).unwrap_or(body.len())];
        check_name(
            self.str(p + 2, p + 2 + target.len()),
            p as u64 + 2,
            self.limits.max_name_len,
        )?;
        if target.eq_ignore_ascii_case(b"xml") {
            return Err(XmlError::BadDeclaration {
                offset: p as u64,
                detail:
                    "it must be the very first thing in the input; the target 'xml' is reserved"
                        .into(),
            });
        }
        self.after = q + 2;
        Ok(())
    }

    fn prefix_bound(&self, prefix: &str) -> bool {
        self.prefixes.contains(&prefix) || (self.bound)(prefix)
    }

    /// A start tag at `p`.
    fn start_tag(&mut self, p: usize) -> Result<(), XmlError> {
        let b = self.b;
        self.run = None;
        if self.depth + self.open.len() >= self.limits.max_depth {
            return Err(XmlError::TooDeep {
                offset: p as u64,
                limit: self.limits.max_depth,
            });
        }
        // One pass over the name with the name-character table; anything
        // unusual (a colon, a bad first byte, a stray character, length)
        // goes through the full check for its error or its prefix.
        let mut e = p + 1;
        let mut plain = true;
        while let Some(&c) = b.get(e) {
            match NAME_CHAR[c as usize] {
                0 => break,
                COLON => plain = false,
                _ => {}
            }
            e += 1;
        }
        // As the event reader sees it, a name runs to whitespace or the
        // tag's end: `<a/ >` names "a/".
        let stop_ok = match b.get(e) {
            Some(b'/') => b.get(e + 1) == Some(&b'>'),
            c => c.is_none_or(|c| is_ws(*c) || *c == b'>'),
        };
        let name_end = if stop_ok {
            e
        } else {
            plain = false;
            let stop = |k: usize| {
                let c = b[k];
                is_ws(c) || c == b'>' || (c == b'/' && b.get(k + 1) == Some(&b'>'))
            };
            (p + 1..b.len()).find(|&k| stop(k)).unwrap_or(b.len())
        };
        let name = self.str(p + 1, name_end);
        let first_ok = b
            .get(p + 1)
            .is_some_and(|c| NAME_CHAR[*c as usize] == START);
        let prefix = if plain && first_ok && name.len() <= self.limits.max_name_len {
            ""
        } else {
            check_name(name, p as u64 + 1, self.limits.max_name_len)?.0
        };
        let prefixes_before = self.prefixes.len();
        self.attr_names.clear();
        let mut i = name_end;
        let empty = loop {
            let ws_start = i;
            while b.get(i).is_some_and(|c| is_ws(*c)) {
                i += 1;
            }
            match b.get(i) {
                None => {
                    return Err(syntax(
                        p,
                        "a tag is not closed with '>' before the end of the input (truncated message?)",
                    ));
                }
                Some(b'>') => break false,
                Some(b'/') if b.get(i + 1) == Some(&b'>') => break true,
                Some(_) if i == ws_start => {
                    return Err(XmlError::BadAttribute {
                        offset: i as u64,
                        detail: "attributes must be separated from the name and from each other by whitespace",
                    });
                }
                Some(_) => {}
            }
            i = self.attribute(p, i)?;
        };
        // Names must use bound prefixes (declarations on this tag count).
        match prefix {
            "" | "xml" => {}
            "xmlns" => {
                return Err(XmlError::BadNamespaceDeclaration {
                    offset: p as u64 + 1,
                    detail: "the prefix xmlns is reserved and cannot name an element".into(),
                });
            }
            pf if !self.prefix_bound(pf) => {
                return Err(XmlError::UnboundPrefix {
                    offset: p as u64 + 1,
                    prefix: clip(pf),
                });
            }
            _ => {}
        }
        for k in 0..self.attr_names.len() {
            let (an, at) = self.attr_names[k];
            if let Some((pf, _)) = an.split_once(':')
                && pf != "xml"
                && pf != "xmlns"
                && !self.prefix_bound(pf)
            {
                return Err(XmlError::UnboundPrefix {
                    offset: at as u64,
                    prefix: clip(pf),
                });
            }
        }
        if empty {
            self.prefixes.truncate(prefixes_before);
            self.after = i + 2;
        } else {
            self.open.push(Open {
                name,
                start: p,
                prefixes: prefixes_before,
            });
            self.after = i + 1;
        }
        Ok(())
    }

    /// One attribute starting at `i` in the tag at `tag`; returns the
    /// position after its closing quote.
    fn attribute(&mut self, tag: usize, i: usize) -> Result<usize, XmlError> {
        let b = self.b;
        let name_end = i + b[i..]
            .iter()
            .position(|c| is_ws(*c) || matches!(c, b'=' | b'>' | b'/'))
            .unwrap_or(b.len() - i);
        let name = self.str(i, name_end);
        let mut j = name_end;
        while b.get(j).is_some_and(|c| is_ws(*c)) {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            return Err(XmlError::BadAttribute {
                offset: j as u64,
                detail: "expected '=' and a quoted value after the attribute name",
            });
        }
        j += 1;
        while b.get(j).is_some_and(|c| is_ws(*c)) {
            j += 1;
        }
        let quote = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(XmlError::BadAttribute {
                    offset: j as u64,
                    detail: "attribute values must be quoted with \" or '",
                });
            }
        };
        let Some(close) = memchr(quote, &b[j + 1..]).map(|k| j + 1 + k) else {
            return Err(XmlError::BadAttribute {
                offset: j as u64,
                detail: "attribute value has no closing quote",
            });
        };
        if self.attr_names.len() >= self.limits.max_attributes {
            return Err(XmlError::TooManyAttributes {
                offset: tag as u64,
                limit: self.limits.max_attributes,
            });
        }
        check_name(name, i as u64, self.limits.max_name_len)?;
        let v0 = j + 1;
        let raw = self.str(v0, close);
        if raw.len() > self.limits.max_attribute_len {
            return Err(XmlError::AttributeTooLong {
                offset: v0 as u64,
                limit: self.limits.max_attribute_len,
            });
        }
        if let Some(k) = memchr(b'<', raw.as_bytes()) {
            return Err(XmlError::LtInAttribute {
                offset: (v0 + k) as u64,
            });
        }
        let is_decl = name == "xmlns" || name.starts_with("xmlns:");
        if memchr(b'&', raw.as_bytes()).is_some() || is_decl {
            let value = escape::unescape_attr(raw, v0 as u64)?;
            if self.attr_names.iter().any(|(n, _)| *n == name) {
                return Err(XmlError::DuplicateAttribute {
                    offset: i as u64,
                    name: clip(name),
                });
            }
            if is_decl {
                let prefix = name.strip_prefix("xmlns:").unwrap_or("");
                if check_declaration(prefix, &value, i as u64)? {
                    self.prefixes.push(prefix);
                }
            }
        } else if self.attr_names.iter().any(|(n, _)| *n == name) {
            return Err(XmlError::DuplicateAttribute {
                offset: i as u64,
                name: clip(name),
            });
        }
        self.attr_names.push((name, i));
        Ok(close + 1)
    }
}
