//! RFC 6241 messages: `<hello>`, `<rpc>`, `<rpc-reply>` (with `<ok/>`, data
//! and `<rpc-error>`) and RFC 5277 `<notification>`.
//!
//! [`parse`] reads one message (the payload of one RFC 6242 frame) through the
//! hardened [`xml`](crate::xml) layer. What cannot be read at all is an
//! [`XmlError`]; a readable message that breaks a content rule (a missing
//! `message-id`, the wrong namespace, `<ok/>` next to data, an unknown
//! `error-tag`...) comes back with [`Violation`]s in [`Parsed`], so a
//! lenient caller can still act on it and a strict one can refuse it.
//!
//! Payloads are not turned into trees while parsing: an rpc's operation, a
//! reply's `<data>` and a notification's event are [`RawElement`]s, byte
//! ranges of the input (zero-copy with [`parse_bytes`]), checked for
//! well-formedness and limits by one scan and parsed further only when a
//! caller asks ([`RawElement::to_element`]).
//!
//! Every message type has a writer; what the writer produces parses back to
//! the same message. The `<rpc>` attributes are kept in order so a server can
//! echo them on its `<rpc-reply>`, as RFC 6241 §4.2 requires.
//!
//! [`Violation`]: crate::Violation

mod error;
pub mod fuzz;
mod hello;
mod notification;
mod reply;
mod rpc;
pub mod rules;

pub use error::{ErrorInfo, ErrorMessage, ErrorSeverity, ErrorTag, ErrorType, RpcError};
pub use hello::Hello;
pub use notification::Notification;
pub use reply::RpcReply;
pub use rpc::Rpc;

use crate::xml::{
    Attribute, RawElement, Tag, XmlError, XmlEvent, XmlLimits, XmlReader, raw::Source,
};
use crate::{Rule, Scope, Span, Violation};
use bytes::Bytes;

/// The namespace of NETCONF protocol elements (RFC 6241 §3.1).
pub const BASE_NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
/// The namespace of `<notification>` (RFC 5277 §4).
pub const NOTIFICATION_NS: &str = "urn:ietf:params:xml:ns:netconf:notification:1.0";
/// The base:1.0 capability (end-of-message framing).
pub const BASE_1_0: &str = "urn:ietf:params:netconf:base:1.0";
/// The base:1.1 capability (chunked framing once both peers announce it).
pub const BASE_1_1: &str = "urn:ietf:params:netconf:base:1.1";

/// A message and the content rules it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// What was read.
    pub message: T,
    /// Rules broken by the message, in document order.
    pub violations: Vec<Violation>,
}

/// One NETCONF message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// `<hello>`.
    Hello(Hello),
    /// `<rpc>`.
    Rpc(Rpc),
    /// `<rpc-reply>`.
    RpcReply(RpcReply),
    /// `<notification>`.
    Notification(Notification),
}

impl Message {
    /// `hello`, `rpc`, `rpc-reply` or `notification`.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Hello(_) => "hello",
            Message::Rpc(_) => "rpc",
            Message::RpcReply(_) => "rpc-reply",
            Message::Notification(_) => "notification",
        }
    }

    /// The message-id of an rpc or rpc-reply.
    pub fn message_id(&self) -> Option<&str> {
        match self {
            Message::Rpc(m) => m.message_id.as_deref(),
            Message::RpcReply(m) => m.message_id.as_deref(),
            _ => None,
        }
    }

    /// Appends the message as XML (no declaration, no framing).
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Message::Hello(m) => m.write(out),
            Message::Rpc(m) => m.write(out),
            Message::RpcReply(m) => m.write(out),
            Message::Notification(m) => m.write(out),
        }
    }

    /// The message as XML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

macro_rules! into_message {
    ($($t:ident),*) => {$(
        impl From<$t> for Message {
            fn from(m: $t) -> Self {
                Message::$t(m)
            }
        }
    )*};
}
into_message!(Hello, Rpc, RpcReply, Notification);

/// Parses one NETCONF message. Raw payloads are copied out of `input`; use
/// [`parse_bytes`] to share them instead.
pub fn parse(input: &[u8], limits: &XmlLimits) -> Result<Parsed<Message>, XmlError> {
    parse_source(Source::Slice(input), limits)
}

/// Parses one NETCONF message held in `input`; raw payloads (`<data>`, the
/// operation, error-info, events) are zero-copy slices of it.
pub fn parse_bytes(input: &Bytes, limits: &XmlLimits) -> Result<Parsed<Message>, XmlError> {
    parse_source(Source::Shared(input), limits)
}

fn parse_source(src: Source<'_>, limits: &XmlLimits) -> Result<Parsed<Message>, XmlError> {
    parse_with(Ctx::new(src, limits)?)
}

/// As [`parse`], checking payloads with the event reader instead of the
/// fast scanner (the reference for the fuzz oracle).
pub(crate) fn parse_events_only(
    input: &[u8],
    limits: &XmlLimits,
) -> Result<Parsed<Message>, XmlError> {
    let mut cx = Ctx::new(Source::Slice(input), limits)?;
    cx.r.use_events_only();
    parse_with(cx)
}

fn parse_with(mut cx: Ctx<'_>) -> Result<Parsed<Message>, XmlError> {
    let root = cx.root()?;
    let message = match root.local {
        "hello" => Message::Hello(hello::read(&mut cx, &root)?),
        "rpc" => Message::Rpc(rpc::read(&mut cx, &root)?),
        "rpc-reply" => Message::RpcReply(reply::read(&mut cx, &root)?),
        "notification" => Message::Notification(notification::read(&mut cx, &root)?),
        other => {
            return Err(XmlError::UnexpectedElement {
                offset: root.span.start,
                found: crate::xml::clip(other),
                expected: "a NETCONF message: <hello>, <rpc>, <rpc-reply> or <notification>",
            });
        }
    };
    cx.finish(message)
}

/// Parsing state shared by the message readers.
pub(crate) struct Ctx<'a> {
    pub(crate) r: XmlReader<'a>,
    pub(crate) src: Source<'a>,
    pub(crate) v: Vec<Violation>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(src: Source<'a>, limits: &XmlLimits) -> Result<Self, XmlError> {
        Self::with_scope(src, &[], limits)
    }

    pub(crate) fn with_scope(
        src: Source<'a>,
        scope: &[crate::xml::NsBinding],
        limits: &XmlLimits,
    ) -> Result<Self, XmlError> {
        let r = match src {
            Source::Slice(s) => XmlReader::with_scope(s, scope, limits)?,
            Source::Shared(b) => XmlReader::with_scope(b, scope, limits)?,
        };
        Ok(Ctx {
            r,
            src,
            v: Vec::new(),
        })
    }

    /// Reads to the root element and checks the declared encoding.
    pub(crate) fn root(&mut self) -> Result<Tag<'a>, XmlError> {
        let root = loop {
            match self.r.next_event()? {
                XmlEvent::Start(t) => break t,
                XmlEvent::Eof => {
                    return Err(XmlError::NoRootElement {
                        offset: self.src.as_slice().len() as u64,
                    });
                }
                _ => {}
            }
        };
        if let Some(enc) = self.r.declaration().and_then(|d| d.encoding.clone()) {
            let e = enc.to_ascii_lowercase();
            if !matches!(e.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii") {
                self.push(
                    rules::ENCODING_NOT_UTF8,
                    Span::new(0, root.span.start),
                    format!("the XML declaration says encoding=\"{enc}\""),
                );
            }
        }
        Ok(root)
    }

    pub(crate) fn finish<T>(mut self, message: T) -> Result<Parsed<T>, XmlError> {
        self.r.finish()?;
        Ok(Parsed {
            message,
            violations: self.v,
        })
    }

    pub(crate) fn push(&mut self, rule: Rule, span: Span, detail: impl Into<String>) {
        self.v
            .push(Violation::new(rule, Scope::Message, detail).at(span));
    }

    pub(crate) fn warn(&mut self, rule: Rule, span: Span, detail: impl Into<String>) {
        self.v.push(
            Violation::new(rule, Scope::Message, detail)
                .at(span)
                .warning(),
        );
    }

    /// Reports `tag` unless it is in `ns`.
    pub(crate) fn expect_ns(&mut self, tag: &Tag<'_>, ns: &str, rule: Rule) {
        let found = self.r.namespace(tag);
        if found != Some(ns) {
            let detail = match found {
                Some(f) => format!("<{}> is in namespace {f:?}, not {ns:?}", tag.name),
                None => format!("<{}> is in no namespace, not {ns:?}", tag.name),
            };
            self.push(rule, tag.span, detail);
        }
    }

    /// The attributes of `tag` in order, with `message-id` split out.
    pub(crate) fn envelope_attributes(&self, tag: &Tag<'a>) -> (Option<String>, Vec<Attribute>) {
        self.split_attributes(tag, true)
    }

    /// All attributes of `tag` in order.
    pub(crate) fn envelope_attributes_all(
        &self,
        tag: &Tag<'a>,
    ) -> (Option<String>, Vec<Attribute>) {
        self.split_attributes(tag, false)
    }

    fn split_attributes(&self, tag: &Tag<'a>, split_id: bool) -> (Option<String>, Vec<Attribute>) {
        let mut id = None;
        let mut attrs = Vec::new();
        for a in self.r.attributes(tag) {
            if split_id && a.prefix.is_empty() && a.local == "message-id" {
                id = Some(a.value().into_owned());
            } else {
                attrs.push(Attribute {
                    name: crate::xml::QName::parse(a.name),
                    namespace: self.r.attr_namespace(&a).map(str::to_owned),
                    value: a.value().into_owned(),
                });
            }
        }
        (id, attrs)
    }

    /// Reads the children of `tag`, handing each child's start tag to
    /// `child` (which may consume the child; what it leaves is skipped).
    /// Non-whitespace character data is reported once as `text_rule`.
    pub(crate) fn children(
        &mut self,
        tag: &Tag<'a>,
        text_rule: Option<Rule>,
        mut child: impl FnMut(&mut Self, Tag<'a>) -> Result<(), XmlError>,
    ) -> Result<crate::xml::End<'a>, XmlError> {
        let mut reported = false;
        loop {
            match self.r.next_event()? {
                XmlEvent::End(e) if e.depth == tag.depth => return Ok(e),
                XmlEvent::Start(t) => {
                    child(self, t)?;
                    if self.r.depth() >= t.depth {
                        self.r.skip(&t)?;
                    }
                }
                XmlEvent::Text(s, at) if !reported && !s.trim_ascii().is_empty() => {
                    if let Some(rule) = text_rule {
                        reported = true;
                        self.push(
                            rule,
                            Span::new(at, at + s.len() as u64),
                            format!("character data inside <{}>", tag.name),
                        );
                    }
                }
                XmlEvent::Ref(_, at) | XmlEvent::CData(_, at) if !reported => {
                    if let Some(rule) = text_rule {
                        reported = true;
                        self.push(
                            rule,
                            Span::new(at, at + 1),
                            format!("character data inside <{}>", tag.name),
                        );
                    }
                }
                XmlEvent::Eof => {
                    return Err(XmlError::UnclosedElement {
                        offset: tag.span.start,
                        name: crate::xml::clip(tag.name),
                    });
                }
                _ => {}
            }
        }
    }

    /// The trimmed text of the leaf `tag`.
    pub(crate) fn leaf(&mut self, tag: &Tag<'a>) -> Result<String, XmlError> {
        let (text, _) = self.r.text_of(tag)?;
        Ok(trimmed(text))
    }

    /// Keeps the element `tag` raw.
    pub(crate) fn raw(&mut self, tag: &Tag<'a>) -> Result<RawElement, XmlError> {
        RawElement::read(&mut self.r, tag, self.src)
    }
}

/// `s` without leading and trailing XML whitespace, reusing the allocation
/// when nothing is cut.
pub(crate) fn trimmed(s: String) -> String {
    let t = s.trim_matches([' ', '\t', '\r', '\n']);
    if t.len() == s.len() { s } else { t.to_owned() }
}

/// Writes `<prefix:local message-id=... attrs...>`, declaring `ns` for the
/// prefix unless an attribute already does.
pub(crate) fn write_open(
    out: &mut Vec<u8>,
    prefix: Option<&str>,
    local: &str,
    ns: Option<&str>,
    message_id: Option<&str>,
    attrs: &[Attribute],
) -> String {
    let declared = attrs.iter().any(|a| a.declares() == Some(prefix));
    // A prefix with no namespace to bind it to cannot be written.
    let prefix = prefix.filter(|_| declared || ns.is_some());
    let name = match prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_owned(),
    };
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    if let Some(id) = message_id {
        crate::xml::write_attr(out, "message-id", id);
    }
    for a in attrs {
        crate::xml::write_attr(out, &a.name.to_string(), &a.value);
    }
    if !declared && let Some(ns) = ns {
        match prefix {
            Some(p) => crate::xml::write_attr(out, &format!("xmlns:{p}"), ns),
            None => crate::xml::write_attr(out, "xmlns", ns),
        }
    }
    out.push(b'>');
    name
}

/// Writes `</name>`.
pub(crate) fn write_close(out: &mut Vec<u8>, name: &str) {
    out.extend_from_slice(b"</");
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
}

#[cfg(test)]
mod tests;
