//! The hardened pull reader every XML message goes through.
//!
//! quick-xml tokenizes; this layer adds what a peer-facing parser needs and
//! quick-xml leaves to its caller: the `Char` check over the whole input, the
//! limits, DOCTYPE rejection, reference checks (five entities and character
//! references, nothing else), namespace scoping, attribute syntax and
//! duplicates, and the one-root-element rule. Nothing here recurses and
//! nothing allocates per event once the stacks have grown to the document's
//! depth, so scanning a large `<data>` costs a tokenizer pass and no more.

use super::chars;
use super::escape;
pub use super::names::{Attr, Attrs};
use super::names::{check_declaration, check_name};
use super::{NsBinding, XML_NS, XMLNS_NS, XmlError, XmlLimits, error::clip};
use crate::Span;
use quick_xml::errors::{Error as QError, IllFormedError, SyntaxError};
use quick_xml::events::Event as QEvent;
use std::borrow::Cow;

/// The `<?xml ...?>` declaration, when the input has one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Declaration {
    /// `version`, e.g. `1.0`.
    pub version: String,
    /// `encoding`, e.g. `UTF-8` or `us-ascii`, as written.
    pub encoding: Option<String>,
    /// `standalone`, as written.
    pub standalone: Option<String>,
}

/// Which namespace a name is in (resolved while its element is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NsRef {
    None,
    Xml,
    Binding(usize),
}

/// A start tag (`<a ...>` or `<a .../>`).
#[derive(Debug, Clone, Copy)]
pub struct Tag<'a> {
    /// The qualified name as written, e.g. `nc:rpc`.
    pub name: &'a str,
    /// The prefix, `""` when there is none.
    pub prefix: &'a str,
    /// The local part.
    pub local: &'a str,
    /// The bytes of the start tag.
    pub span: Span,
    /// `true` for `<a/>`; an [`XmlEvent::End`] still follows.
    pub empty: bool,
    /// 1 for the root element.
    pub depth: usize,
    attrs: &'a str,
    attrs_offset: u64,
    ns: NsRef,
}

/// The end of an element (also sent after an empty-element tag).
#[derive(Debug, Clone, Copy)]
pub struct End<'a> {
    /// The qualified name.
    pub name: &'a str,
    /// The bytes of the end tag; empty, at the end of the start tag, for `<a/>`.
    pub span: Span,
    /// Offset of the element's start tag.
    pub start: u64,
    /// Depth of the element that ended (1 for the root).
    pub depth: usize,
}

/// What [`XmlReader::next_event`] returns.
#[derive(Debug, Clone, Copy)]
pub enum XmlEvent<'a> {
    /// A start tag.
    Start(Tag<'a>),
    /// The end of the element opened by the matching `Start`.
    End(End<'a>),
    /// Literal character data (no references inside; CR not yet normalized)
    /// and its offset.
    Text(&'a str, u64),
    /// A resolved entity or character reference inside character data.
    Ref(char, u64),
    /// The content of a CDATA section and its offset.
    CData(&'a str, u64),
    /// The end of the input, after the root element.
    Eof,
}

#[derive(Debug)]
struct Binding<'a> {
    prefix: Cow<'a, str>,
    uri: Cow<'a, str>,
}

#[derive(Debug)]
struct Open<'a> {
    name: &'a str,
    start: u64,
    bindings: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prolog,
    Root,
    Epilog,
}

/// A pull reader over one complete XML document (or fragment with inherited
/// namespace bindings), enforcing [`XmlLimits`].
pub struct XmlReader<'a> {
    text: &'a str,
    /// Where the document starts (after a byte-order mark).
    bom: u64,
    /// The input offset of the tokenizer's position 0 (it is restarted after
    /// a payload is scanned by the fast path).
    base: u64,
    qx: quick_xml::Reader<&'a [u8]>,
    limits: XmlLimits,
    stack: Vec<Open<'a>>,
    bindings: Vec<Binding<'a>>,
    inherited: usize,
    pending_end: Option<u64>,
    swallow_end: bool,
    events_only: bool,
    phase: Phase,
    text_run: Option<(u64, usize)>,
    attr_names: Vec<(&'a str, u64)>,
    decl: Option<Declaration>,
}

impl<'a> XmlReader<'a> {
    /// A reader over `input`; checks its size and characters first.
    pub fn new(input: &'a [u8], limits: &XmlLimits) -> Result<Self, XmlError> {
        Self::with_scope(input, &[], limits)
    }

    /// A reader over a fragment cut from a larger document, with the
    /// namespace bindings its ancestors declared.
    pub fn with_scope(
        input: &'a [u8],
        scope: &[NsBinding],
        limits: &XmlLimits,
    ) -> Result<Self, XmlError> {
        if input.len() > limits.max_size {
            return Err(XmlError::TooLarge {
                size: input.len() as u64,
                limit: limits.max_size,
            });
        }
        let text = chars::check(input, 0)?;
        let bom = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        let body = input.get(bom..).unwrap_or_default();
        let qx = tokenizer(body);
        let bindings = scope
            .iter()
            .map(|b| Binding {
                prefix: Cow::Owned(b.prefix.clone().unwrap_or_default()),
                uri: Cow::Owned(b.uri.clone()),
            })
            .collect::<Vec<_>>();
        Ok(XmlReader {
            text,
            bom: bom as u64,
            base: bom as u64,
            qx,
            limits: *limits,
            stack: Vec::with_capacity(16),
            inherited: bindings.len(),
            bindings,
            pending_end: None,
            swallow_end: false,
            events_only: false,
            phase: Phase::Prolog,
            text_run: None,
            attr_names: Vec::new(),
            decl: None,
        })
    }

    /// The whole input as text.
    pub fn input(&self) -> &'a str {
        self.text
    }

    /// Makes [`skip_raw`](Self::skip_raw) read events like
    /// [`skip`](Self::skip): the reference the fast scanner is checked
    /// against by the fuzz oracles.
    pub fn use_events_only(&mut self) {
        self.events_only = true;
    }

    /// The limits in force.
    pub fn limits(&self) -> &XmlLimits {
        &self.limits
    }

    /// The XML declaration, once read.
    pub fn declaration(&self) -> Option<&Declaration> {
        self.decl.as_ref()
    }

    /// Current depth: the number of open elements.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The next event.
    pub fn next_event(&mut self) -> Result<XmlEvent<'a>, XmlError> {
        if let Some(at) = self.pending_end.take() {
            return Ok(XmlEvent::End(self.close(Span::new(at, at))));
        }
        loop {
            let pos = self.qx.buffer_position();
            let ev = match self.qx.read_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.map_err(e)),
            };
            let end = self.qx.buffer_position();
            let (from, to) = (self.base + pos, self.base + end);
            match ev {
                QEvent::Start(_) | QEvent::Empty(_) => {
                    let empty = matches!(ev, QEvent::Empty(_));
                    self.text_run = None;
                    let tag = self.open(from, to, empty)?;
                    if empty {
                        self.pending_end = Some(to);
                    }
                    return Ok(XmlEvent::Start(tag));
                }
                QEvent::End(_) if self.swallow_end => self.swallow_end = false,
                QEvent::End(_) => {
                    self.text_run = None;
                    let found = self
                        .slice(from + 2, to.saturating_sub(1))
                        .trim_end_matches([' ', '\t', '\r', '\n']);
                    match self.stack.last() {
                        None => {
                            return Err(XmlError::UnexpectedEndTag {
                                offset: from,
                                found: clip(found),
                            });
                        }
                        Some(open) if open.name != found => {
                            return Err(XmlError::MismatchedEndTag {
                                offset: from,
                                expected: clip(open.name),
                                found: clip(found),
                            });
                        }
                        Some(_) => {}
                    }
                    return Ok(XmlEvent::End(self.close(Span::new(from, to))));
                }
                QEvent::Text(_) => {
                    let t = self.slice(from, to);
                    if self.phase != Phase::Root {
                        if t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                            continue;
                        }
                        return Err(self.outside(from));
                    }
                    self.count_text(from, t.len())?;
                    if let Some(i) = find_cdata_end(t) {
                        return Err(XmlError::CdataEndInText {
                            offset: from + i as u64,
                        });
                    }
                    return Ok(XmlEvent::Text(t, from));
                }
                QEvent::CData(_) => {
                    if self.phase != Phase::Root {
                        return Err(self.outside(from));
                    }
                    let t = self.slice(from + 9, to.saturating_sub(3));
                    self.count_text(from, t.len())?;
                    return Ok(XmlEvent::CData(t, from + 9));
                }
                QEvent::GeneralRef(_) => {
                    if self.phase != Phase::Root {
                        return Err(self.outside(from));
                    }
                    let name = self.slice(from + 1, to.saturating_sub(1));
                    let c = escape::resolve(name, from)?;
                    self.count_text(from, c.len_utf8())?;
                    return Ok(XmlEvent::Ref(c, from));
                }
                QEvent::Comment(_) => continue,
                QEvent::Decl(d) => {
                    if from != self.bom {
                        return Err(XmlError::BadDeclaration {
                            offset: from,
                            detail: "it must be the very first thing in the input; remove it or move it to the start".into(),
                        });
                    }
                    self.decl = Some(read_decl(&d, from)?);
                }
                QEvent::PI(p) => {
                    check_name(p.target(), from + 2, self.limits.max_name_len)?;
                    if p.target().eq_ignore_ascii_case("xml") {
                        return Err(XmlError::BadDeclaration {
                            offset: from,
                            detail: "the processing-instruction target 'xml' is reserved; write the declaration as <?xml version=\"1.0\"?> at the start".into(),
                        });
                    }
                }
                QEvent::DocType(_) => return Err(XmlError::Doctype { offset: from }),
                QEvent::Eof => {
                    if let Some(open) = self.stack.last() {
                        return Err(XmlError::UnclosedElement {
                            offset: open.start,
                            name: clip(open.name),
                        });
                    }
                    if self.phase == Phase::Prolog {
                        return Err(XmlError::NoRootElement { offset: to });
                    }
                    return Ok(XmlEvent::Eof);
                }
            }
        }
    }

    /// The namespace of `tag` (valid until its `End`).
    pub fn namespace(&self, tag: &Tag<'_>) -> Option<&str> {
        self.ns_str(tag.ns)
    }

    /// The namespace of `attr` of the most recently opened element (valid
    /// until its `End`). Unprefixed attributes are in no namespace.
    pub fn attr_namespace(&self, attr: &Attr<'_>) -> Option<&str> {
        if attr.is_xmlns() {
            return Some(XMLNS_NS);
        }
        match attr.prefix {
            "" => None,
            "xml" => Some(XML_NS),
            p => self.lookup(p).and_then(|i| self.ns_str(NsRef::Binding(i))),
        }
    }

    /// The attributes of `tag`, in document order (already checked).
    pub fn attributes(&self, tag: &Tag<'a>) -> Attrs<'a> {
        Attrs {
            rest: tag.attrs,
            offset: tag.attrs_offset,
        }
    }

    /// The value of the unprefixed attribute `local` of `tag`.
    pub fn attribute(&self, tag: &Tag<'a>, local: &str) -> Option<Cow<'a, str>> {
        self.attributes(tag)
            .find(|a| a.prefix.is_empty() && a.local == local)
            .map(|a| a.value())
    }

    /// Namespace bindings in scope around the element `tag` (those declared
    /// by its ancestors and inherited ones, the innermost per prefix), for
    /// cutting the element out as a self-contained fragment.
    pub fn outer_scope(&self, tag: &Tag<'_>) -> Vec<NsBinding> {
        let until = self
            .stack
            .get(tag.depth.saturating_sub(1))
            .map_or(self.bindings.len(), |o| o.bindings);
        let mut out: Vec<NsBinding> = Vec::new();
        for b in self.bindings.iter().take(until).rev() {
            let prefix = (!b.prefix.is_empty()).then(|| b.prefix.to_string());
            if out.iter().all(|o| o.prefix != prefix) {
                out.push(NsBinding {
                    prefix,
                    uri: b.uri.to_string(),
                });
            }
        }
        out.reverse();
        out
    }

    /// Reads past the rest of the element `tag` (whose `Start` was just
    /// returned) and returns its `End`.
    pub fn skip(&mut self, tag: &Tag<'_>) -> Result<End<'a>, XmlError> {
        loop {
            if let XmlEvent::End(e) = self.next_event()?
                && e.depth == tag.depth
            {
                return Ok(e);
            }
        }
    }

    /// As [`skip`](Self::skip), checking the element's content with the
    /// fast scanner (same rules and limits, no events): the path for large
    /// payloads such as `<data>`.
    pub fn skip_raw(&mut self, tag: &Tag<'_>) -> Result<End<'a>, XmlError> {
        if self.events_only
            || tag.empty
            || self.pending_end.is_some()
            || self.stack.len() != tag.depth
        {
            return self.skip(tag);
        }
        let bindings = &self.bindings;
        let bound = |p: &str| bindings.iter().any(|b| b.prefix == p);
        let (end_start, end_end) = super::scan::element_content(
            self.text,
            tag.span.end as usize,
            tag.name,
            tag.span.start,
            tag.depth,
            &self.limits,
            &bound,
        )?;
        // Restart the tokenizer at the end tag (already checked) rather than
        // after it: a fresh tokenizer would drop a U+FEFF found at its start.
        let body = self.text.as_bytes().get(end_start..).unwrap_or_default();
        self.qx = tokenizer(body);
        self.base = end_start as u64;
        self.swallow_end = true;
        Ok(self.close(Span::new(end_start as u64, end_end as u64)))
    }

    /// Reads the rest of the element `tag` and returns its character data
    /// (child elements are skipped) and its `End`.
    pub fn text_of(&mut self, tag: &Tag<'_>) -> Result<(String, End<'a>), XmlError> {
        let mut out = String::new();
        loop {
            match self.next_event()? {
                XmlEvent::End(e) if e.depth == tag.depth => return Ok((out, e)),
                XmlEvent::Text(t, _) if self.stack.len() == tag.depth => {
                    escape::push_text(&mut out, t)
                }
                XmlEvent::CData(t, _) if self.stack.len() == tag.depth => {
                    escape::push_text(&mut out, t)
                }
                XmlEvent::Ref(c, _) if self.stack.len() == tag.depth => out.push(c),
                _ => {}
            }
        }
    }

    /// Reads to the end of the input; only whitespace, comments and
    /// processing instructions may follow the root element.
    pub fn finish(&mut self) -> Result<(), XmlError> {
        loop {
            match self.next_event()? {
                XmlEvent::Eof => return Ok(()),
                XmlEvent::Start(t) => {
                    return Err(XmlError::ContentAfterRoot {
                        offset: t.span.start,
                    });
                }
                _ => {}
            }
        }
    }

    fn outside(&self, offset: u64) -> XmlError {
        if self.phase == Phase::Epilog {
            XmlError::ContentAfterRoot { offset }
        } else {
            XmlError::TextOutsideRoot { offset }
        }
    }

    fn slice(&self, from: u64, to: u64) -> &'a str {
        self.text
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    fn count_text(&mut self, at: u64, len: usize) -> Result<(), XmlError> {
        let (start, total) = match self.text_run {
            Some((s, t)) => (s, t.saturating_add(len)),
            None => (at, len),
        };
        if total > self.limits.max_text_len {
            return Err(XmlError::TextTooLong {
                offset: start,
                limit: self.limits.max_text_len,
            });
        }
        self.text_run = Some((start, total));
        Ok(())
    }

    fn ns_str(&self, ns: NsRef) -> Option<&str> {
        match ns {
            NsRef::None => None,
            NsRef::Xml => Some(XML_NS),
            NsRef::Binding(i) => self
                .bindings
                .get(i)
                .map(|b| b.uri.as_ref())
                .filter(|u| !u.is_empty()),
        }
    }

    fn lookup(&self, prefix: &str) -> Option<usize> {
        self.bindings.iter().rposition(|b| b.prefix == prefix)
    }

    fn close(&mut self, span: Span) -> End<'a> {
        let depth = self.stack.len();
        let (name, start) = match self.stack.pop() {
            Some(open) => {
                self.bindings.truncate(open.bindings.max(self.inherited));
                (open.name, open.start)
            }
            None => ("", span.start),
        };
        if self.stack.is_empty() {
            self.phase = Phase::Epilog;
        }
        self.text_run = None;
        End {
            name,
            span,
            start,
            depth,
        }
    }

    fn open(&mut self, from: u64, to: u64, empty: bool) -> Result<Tag<'a>, XmlError> {
        if self.phase == Phase::Epilog {
            return Err(XmlError::ContentAfterRoot { offset: from });
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(XmlError::TooDeep {
                offset: from,
                limit: self.limits.max_depth,
            });
        }
        let inner_end = to.saturating_sub(if empty { 2 } else { 1 });
        let content = self.slice(from + 1, inner_end);
        let name_len = content
            .bytes()
            .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(content.len());
        let (name, attrs) = content.split_at(name_len);
        let (prefix, local) = check_name(name, from + 1, self.limits.max_name_len)?;
        let attrs_offset = from + 1 + name_len as u64;
        let bindings_before = self.bindings.len();
        self.scan_attrs(attrs, attrs_offset, from)?;
        let ns = match prefix {
            "" => match self.lookup("") {
                Some(i) => NsRef::Binding(i),
                None => NsRef::None,
            },
            "xml" => NsRef::Xml,
            "xmlns" => {
                return Err(XmlError::BadNamespaceDeclaration {
                    offset: from + 1,
                    detail: "the prefix xmlns is reserved and cannot name an element".into(),
                });
            }
            p => match self.lookup(p) {
                Some(i) => NsRef::Binding(i),
                None => {
                    return Err(XmlError::UnboundPrefix {
                        offset: from + 1,
                        prefix: clip(p),
                    });
                }
            },
        };
        self.stack.push(Open {
            name,
            start: from,
            bindings: bindings_before,
        });
        self.phase = Phase::Root;
        Ok(Tag {
            name,
            prefix,
            local,
            span: Span::new(from, to),
            empty,
            depth: self.stack.len(),
            attrs,
            attrs_offset,
            ns,
        })
    }

    fn scan_attrs(&mut self, attrs: &'a str, base: u64, tag_at: u64) -> Result<(), XmlError> {
        self.attr_names.clear();
        let mut it = Attrs {
            rest: attrs,
            offset: base,
        };
        let mut count = 0usize;
        while let Some(a) = it.next_checked()? {
            count += 1;
            if count > self.limits.max_attributes {
                return Err(XmlError::TooManyAttributes {
                    offset: tag_at,
                    limit: self.limits.max_attributes,
                });
            }
            let name_at = a.name_offset;
            check_name(a.name, name_at, self.limits.max_name_len)?;
            if a.raw_value.len() > self.limits.max_attribute_len {
                return Err(XmlError::AttributeTooLong {
                    offset: a.offset,
                    limit: self.limits.max_attribute_len,
                });
            }
            if let Some(i) = memchr::memchr(b'<', a.raw_value.as_bytes()) {
                return Err(XmlError::LtInAttribute {
                    offset: a.offset + i as u64,
                });
            }
            let value = if a.raw_value.contains('&') || a.raw_value.contains(['\t', '\n', '\r']) {
                escape::unescape_attr(a.raw_value, a.offset)?
            } else {
                Cow::Borrowed(a.raw_value)
            };
            if self.attr_names.iter().any(|(n, _)| *n == a.name) {
                return Err(XmlError::DuplicateAttribute {
                    offset: name_at,
                    name: clip(a.name),
                });
            }
            self.attr_names.push((a.name, name_at));
            if a.is_xmlns() {
                self.declare(a.local, a.name == "xmlns", value, name_at)?;
            }
        }
        // Prefixed attribute names must be bound, by this element or above.
        for k in 0..self.attr_names.len() {
            let (name, at) = self.attr_names[k];
            if let Some((p, _)) = name.split_once(':')
                && p != "xml"
                && p != "xmlns"
                && self.lookup(p).is_none()
            {
                return Err(XmlError::UnboundPrefix {
                    offset: at,
                    prefix: clip(p),
                });
            }
        }
        Ok(())
    }

    fn declare(
        &mut self,
        local: &'a str,
        default: bool,
        uri: Cow<'a, str>,
        offset: u64,
    ) -> Result<(), XmlError> {
        let prefix = if default { "" } else { local };
        if check_declaration(prefix, &uri, offset)? {
            self.bindings.push(Binding {
                prefix: Cow::Borrowed(prefix),
                uri,
            });
        }
        Ok(())
    }

    fn map_err(&self, e: QError) -> XmlError {
        let offset = self.base + self.qx.error_position();
        match e {
            QError::Syntax(SyntaxError::UnclosedDoctype)
            | QError::IllFormed(IllFormedError::MissingDoctypeName) => XmlError::Doctype { offset },
            QError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                XmlError::MismatchedEndTag {
                    offset,
                    expected: clip(&expected),
                    found: clip(&found),
                }
            }
            QError::IllFormed(IllFormedError::UnmatchedEndTag(found)) => {
                XmlError::UnexpectedEndTag {
                    offset,
                    found: clip(&found),
                }
            }
            QError::IllFormed(IllFormedError::UnclosedReference) => XmlError::Syntax {
                offset,
                detail:
                    "'&' not followed by a reference ending in ';' (escape a literal '&' as &amp;)"
                        .into(),
            },
            QError::Syntax(SyntaxError::UnclosedTag) => XmlError::Syntax {
                offset,
                detail:
                    "a tag is not closed with '>' before the end of the input (truncated message?)"
                        .into(),
            },
            other => XmlError::Syntax {
                offset,
                detail: other.to_string(),
            },
        }
    }
}

pub(crate) fn find_cdata_end(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'>', b.get(from..)?) {
        let at = from + i;
        if at >= 2 && b.get(at - 2..at) == Some(b"]]") {
            return Some(at - 2);
        }
        from = at + 1;
    }
    None
}

/// A quick-xml tokenizer over `body`. End-tag matching is done here, not
/// by quick-xml, so the tokenizer can be restarted mid-document.
fn tokenizer(body: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut qx = quick_xml::Reader::from_reader(body);
    let cfg = qx.config_mut();
    cfg.check_end_names = false;
    cfg.allow_unmatched_ends = true;
    cfg.check_comments = true;
    cfg.expand_empty_elements = false;
    cfg.trim_text(false);
    qx
}

fn read_decl(d: &quick_xml::events::BytesDecl<'_>, offset: u64) -> Result<Declaration, XmlError> {
    let bad = |detail: String| XmlError::BadDeclaration { offset, detail };
    let version = d
        .version()
        .map_err(|e| bad(format!("{e}; write <?xml version=\"1.0\"?>")))?
        .into_owned();
    if !(version.starts_with("1.")
        && version.len() > 2
        && version[2..].bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad(format!(
            "version {version:?} is not XML 1.x; use version=\"1.0\""
        )));
    }
    let encoding = match d.encoding() {
        None => None,
        Some(Ok(e)) => Some(e.into_owned()),
        Some(Err(e)) => return Err(bad(format!("{e}"))),
    };
    let standalone = match d.standalone() {
        None => None,
        Some(Ok(s)) => Some(s.into_owned()),
        Some(Err(e)) => return Err(bad(format!("{e}"))),
    };
    Ok(Declaration {
        version,
        encoding,
        standalone,
    })
}
