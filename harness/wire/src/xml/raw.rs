//! An element kept as the bytes it arrived as.
//!
//! Payloads such as `<data>`, an rpc's operation or a Junos reply body are
//! scanned (for well-formedness and limits) but not turned into a tree while
//! the message is parsed: most callers forward or compare them, and a
//! megabyte of configuration would cost far more as a tree than as a slice.
//! Cut from a [`Bytes`] input, the slice is zero-copy. The namespace bindings
//! the element inherited are kept with it, so it can be parsed on its own
//! later ([`RawElement::to_element`]).

use super::reader::{End, Tag, XmlEvent, XmlReader};
use super::{Element, NsBinding, QName, XmlError, XmlLimits};
use crate::Span;
use bytes::Bytes;
use std::ops::Range;

/// Where a parser takes raw slices from: a borrowed slice (slices are
/// copied) or a shared [`Bytes`] (slices are zero-copy).
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    Slice(&'a [u8]),
    Shared(&'a Bytes),
}

impl Source<'_> {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Source::Slice(s) => s,
            Source::Shared(b) => b,
        }
    }

    pub(crate) fn bytes(&self, span: Span) -> Bytes {
        let (a, b) = (span.start as usize, span.end as usize);
        match self {
            Source::Slice(s) => s.get(a..b).map(Bytes::copy_from_slice).unwrap_or_default(),
            Source::Shared(bytes) => {
                if a <= b && b <= bytes.len() {
                    bytes.slice(a..b)
                } else {
                    Bytes::new()
                }
            }
        }
    }
}

/// An element as raw bytes, with its name, namespace and inherited scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawElement {
    /// The name as written.
    pub name: QName,
    /// The namespace the name resolves to.
    pub namespace: Option<String>,
    /// The whole element, start tag to end tag.
    pub raw: Bytes,
    /// The content between the tags, as a range of `raw` (empty for `<a/>`).
    pub content: Range<usize>,
    /// Where the element was in the message it was parsed from.
    pub span: Span,
    /// Namespace bindings declared by its ancestors and in scope at the
    /// element, needed to read it on its own.
    pub scope: Vec<NsBinding>,
}

impl RawElement {
    /// Parses `input` as one element and keeps it raw (zero-copy).
    pub fn parse(input: Bytes, limits: &XmlLimits) -> Result<RawElement, XmlError> {
        Self::parse_with_scope(input, Vec::new(), limits)
    }

    /// As [`RawElement::parse`], for a fragment that relies on bindings
    /// declared outside it.
    pub fn parse_with_scope(
        input: Bytes,
        scope: Vec<NsBinding>,
        limits: &XmlLimits,
    ) -> Result<RawElement, XmlError> {
        let src = Source::Shared(&input);
        let mut r = XmlReader::with_scope(&input, &scope, limits)?;
        let tag = loop {
            match r.next_event()? {
                XmlEvent::Start(t) => break t,
                XmlEvent::Eof => {
                    return Err(XmlError::NoRootElement {
                        offset: input.len() as u64,
                    });
                }
                _ => {}
            }
        };
        let mut el = Self::read(&mut r, &tag, src)?;
        r.finish()?;
        el.scope = scope;
        Ok(el)
    }

    /// Reads the element `tag` (whose `Start` the reader just returned) to
    /// its end, checking it, and keeps it raw.
    pub(crate) fn read(
        r: &mut XmlReader<'_>,
        tag: &Tag<'_>,
        src: Source<'_>,
    ) -> Result<RawElement, XmlError> {
        let name = QName {
            prefix: (!tag.prefix.is_empty()).then(|| tag.prefix.to_owned()),
            local: tag.local.to_owned(),
        };
        let namespace = r.namespace(tag).map(str::to_owned);
        let scope = r.outer_scope(tag);
        let end = r.skip_raw(tag)?;
        Ok(Self::from_parts(name, namespace, tag, &end, scope, src))
    }

    fn from_parts(
        name: QName,
        namespace: Option<String>,
        tag: &Tag<'_>,
        end: &End<'_>,
        scope: Vec<NsBinding>,
        src: Source<'_>,
    ) -> RawElement {
        let span = Span::new(tag.span.start, end.span.end);
        let raw = src.bytes(span);
        let content = if tag.empty {
            0..0
        } else {
            let a = (tag.span.end - span.start) as usize;
            let b = (end.span.start - span.start) as usize;
            a..b.max(a)
        };
        RawElement {
            name,
            namespace,
            raw,
            content,
            span,
            scope,
        }
    }

    /// The content between the start and end tags.
    pub fn content_bytes(&self) -> Bytes {
        if self.content.start <= self.content.end && self.content.end <= self.raw.len() {
            self.raw.slice(self.content.clone())
        } else {
            Bytes::new()
        }
    }

    /// Parses the element into a tree.
    pub fn to_element(&self, limits: &XmlLimits) -> Result<Element, XmlError> {
        Element::parse_with_scope(&self.raw, &self.scope, limits)
            .map_err(|e| e.shifted(self.span.start))
    }

    /// A raw element holding `el` as written by [`Element::write`].
    pub fn from_element(el: &Element) -> RawElement {
        let raw = Bytes::from(el.to_bytes());
        let content = match (memchr::memchr(b'>', &raw), raw.ends_with(b"/>")) {
            (_, true) => 0..0,
            (Some(gt), false) => {
                let close = memchr::memrchr(b'<', &raw).unwrap_or(raw.len());
                (gt + 1)..close.max(gt + 1)
            }
            (None, false) => 0..0,
        };
        RawElement {
            name: el.name.clone(),
            namespace: el.namespace.clone(),
            span: Span::new(0, raw.len() as u64),
            raw,
            content,
            scope: Vec::new(),
        }
    }

    /// Whether the element is `local` in namespace `ns`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.name.local == local && self.namespace.as_deref() == Some(ns)
    }

    /// Appends the raw bytes.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.raw);
    }
}
