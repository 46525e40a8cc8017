//! `<rpc-reply>`: `<ok/>`, `<data>` (kept raw), `<rpc-error>`s, and any other
//! reply content such as Junos's `<chassis-inventory>` (RFC 6241 §4.2–§4.4).

use super::error::{self, ErrorTag, RpcError};
use super::{BASE_NS, Ctx, Rpc, rules, write_close, write_open};
use crate::Span;
use crate::xml::{Attribute, QName, RawElement, Tag, XmlError};
use bytes::{BufMut, Bytes, BytesMut};

/// An `<rpc-reply>`.
///
/// The body is split by kind: `ok`, `data`, `errors` and `other` (any other
/// element, e.g. the `<chassis-inventory>` a Junos device answers with
/// directly). RFC 6241 allows `<ok/>`, or data, or one or more
/// `<rpc-error>`; real servers mix them (Junos sends warnings next to
/// `<ok/>`), so the parser keeps everything and reports what breaks the rule.
/// The writer emits errors, then ok, data and other content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RpcReply {
    /// The `message-id` attribute, as written.
    pub message_id: Option<String>,
    /// Every other attribute, in order (RFC 6241 §4.2: the attributes of the
    /// `<rpc>`, echoed).
    pub attributes: Vec<Attribute>,
    /// The envelope's prefix.
    pub prefix: Option<String>,
    /// The envelope's namespace (should be [`BASE_NS`]).
    pub namespace: Option<String>,
    /// Whether `<ok/>` is present.
    pub ok: bool,
    /// The `<data>` element, raw (zero-copy from [`parse_bytes`](super::parse_bytes)).
    pub data: Option<RawElement>,
    /// The `<rpc-error>` elements in order.
    pub errors: Vec<RpcError>,
    /// Any other content elements, raw, in order.
    pub other: Vec<RawElement>,
}

impl RpcReply {
    /// An empty reply in the base namespace (declared as the first
    /// attribute, as a parsed reply would hold it).
    fn base(message_id: Option<String>) -> Self {
        RpcReply {
            message_id,
            attributes: vec![Attribute::xmlns(None, BASE_NS)],
            namespace: Some(BASE_NS.to_owned()),
            ..RpcReply::default()
        }
    }

    /// `<rpc-reply message-id=...><ok/></rpc-reply>`.
    pub fn ok(message_id: impl Into<String>) -> Self {
        RpcReply {
            ok: true,
            ..Self::base(Some(message_id.into()))
        }
    }

    /// A reply carrying `<data>content</data>`; `content` is written as is.
    pub fn with_data(message_id: impl Into<String>, content: impl AsRef<[u8]>) -> Self {
        let content = content.as_ref();
        let mut raw = BytesMut::with_capacity(content.len() + 13);
        raw.put_slice(b"<data>");
        raw.put_slice(content);
        raw.put_slice(b"</data>");
        let raw: Bytes = raw.freeze();
        RpcReply {
            data: Some(RawElement {
                name: QName::local("data"),
                namespace: Some(BASE_NS.to_owned()),
                content: 6..6 + content.len(),
                span: Span::new(0, raw.len() as u64),
                raw,
                scope: vec![crate::xml::NsBinding {
                    prefix: None,
                    uri: BASE_NS.to_owned(),
                }],
            }),
            ..Self::base(Some(message_id.into()))
        }
    }

    /// A reply carrying `errors`.
    pub fn with_errors(message_id: impl Into<String>, errors: Vec<RpcError>) -> Self {
        RpcReply {
            errors,
            ..Self::base(Some(message_id.into()))
        }
    }

    /// The reply a server sends to a message it cannot parse: no
    /// message-id (it could not be read) and one malformed-message error.
    pub fn malformed_message() -> Self {
        RpcReply {
            errors: vec![RpcError::malformed_message()],
            ..Self::base(None)
        }
    }

    /// The reply a base:1.0 server sends to a message it cannot parse: no
    /// message-id, and operation-failed (error-type rpc) saying why, since
    /// malformed-message is new in base:1.1 and is not sent to base:1.0
    /// clients (RFC 6241 Appendix A).
    pub fn unparsed_base10(message: impl Into<String>) -> Self {
        let error =
            RpcError::new(error::ErrorType::Rpc, ErrorTag::OperationFailed).with_message(message);
        RpcReply {
            errors: vec![error],
            ..Self::base(None)
        }
    }

    /// An empty reply to `rpc`: its message-id, attributes, prefix and
    /// namespace echoed (RFC 6241 §4.2). Fill `ok`, `data` or `errors`.
    pub fn for_rpc(rpc: &Rpc) -> Self {
        RpcReply {
            message_id: rpc.message_id.clone(),
            attributes: rpc.attributes.clone(),
            prefix: rpc.prefix.clone(),
            namespace: rpc.namespace.clone(),
            ..RpcReply::default()
        }
    }

    /// Whether no `<rpc-error>` has severity error (warnings allowed).
    pub fn is_ok(&self) -> bool {
        !self.errors.iter().any(RpcError::is_error)
    }

    /// The content of `<data>`, if any.
    pub fn data_content(&self) -> Option<Bytes> {
        self.data.as_ref().map(RawElement::content_bytes)
    }

    /// Appends the reply as XML.
    pub fn write(&self, out: &mut Vec<u8>) {
        let prefix = self.prefix.as_deref();
        let name = write_open(
            out,
            prefix,
            "rpc-reply",
            self.namespace.as_deref(),
            self.message_id.as_deref(),
            &self.attributes,
        );
        // What write_open left in scope, for the children's declarations.
        let written_prefix = name.split_once(':').map(|(p, _)| p);
        let outer = |p: Option<&str>| -> Option<String> {
            if let Some(a) = self
                .attributes
                .iter()
                .rev()
                .find(|a| a.declares() == Some(p))
            {
                return Some(a.value.clone());
            }
            (p == written_prefix)
                .then(|| self.namespace.clone())
                .flatten()
        };
        for e in &self.errors {
            e.write_in(out, &outer);
        }
        if self.ok {
            match written_prefix {
                Some(p) if outer(Some(p)).as_deref() == Some(BASE_NS) => {
                    out.extend_from_slice(format!("<{p}:ok/>").as_bytes());
                }
                _ if outer(None).as_deref() == Some(BASE_NS) => out.extend_from_slice(b"<ok/>"),
                _ => {
                    out.extend_from_slice(b"<ok xmlns=\"");
                    out.extend_from_slice(BASE_NS.as_bytes());
                    out.extend_from_slice(b"\"/>");
                }
            }
        }
        if let Some(d) = &self.data {
            d.write(out);
        }
        for o in &self.other {
            o.write(out);
        }
        write_close(out, &name);
    }

    /// The reply as XML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

pub(super) fn read<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<RpcReply, XmlError> {
    cx.expect_ns(tag, BASE_NS, rules::BASE_NAMESPACE);
    let (message_id, attributes) = cx.envelope_attributes(tag);
    let mut reply = RpcReply {
        message_id,
        attributes,
        prefix: (!tag.prefix.is_empty()).then(|| tag.prefix.to_owned()),
        namespace: cx.r.namespace(tag).map(str::to_owned),
        ..RpcReply::default()
    };
    let mut ok_span = None;
    cx.children(tag, Some(rules::ELEMENT_ONLY_CONTENT), |cx, t| {
        let base = cx.r.namespace(&t) == Some(BASE_NS);
        match t.local {
            "ok" if base => {
                if reply.ok {
                    cx.push(rules::REPLY_DUPLICATE_OK, t.span, "a second <ok/>");
                }
                reply.ok = true;
                ok_span = Some(t.span);
                if !t.empty {
                    let end = cx.r.skip(&t)?;
                    let inner =
                        cx.r.input()
                            .get(t.span.end as usize..end.span.start as usize)
                            .unwrap_or_default();
                    if !inner.trim_ascii().is_empty() {
                        cx.push(
                            rules::REPLY_OK_NOT_EMPTY,
                            Span::new(t.span.start, end.span.end),
                            "<ok> has content",
                        );
                    }
                }
            }
            "data" if base && reply.data.is_none() => reply.data = Some(cx.raw(&t)?),
            "rpc-error" if base => reply.errors.push(error::read(cx, &t)?),
            _ => reply.other.push(cx.raw(&t)?),
        }
        Ok(())
    })?;
    check(cx, &reply, tag, ok_span);
    Ok(reply)
}

fn check(cx: &mut Ctx<'_>, reply: &RpcReply, tag: &Tag<'_>, ok_span: Option<Span>) {
    if reply.message_id.is_none() {
        // A server that could not read the rpc's message-id cannot echo it
        // (a base:1.0 server says so with operation-failed of type rpc).
        let excused = reply.errors.iter().any(|e| {
            matches!(
                e.error_tag,
                Some(ErrorTag::MalformedMessage | ErrorTag::MissingAttribute)
            ) || (e.error_tag == Some(ErrorTag::OperationFailed)
                && e.error_type == Some(error::ErrorType::Rpc))
        });
        if !excused {
            cx.push(
                rules::REPLY_MISSING_MESSAGE_ID,
                tag.span,
                "<rpc-reply> has no message-id attribute",
            );
        }
    }
    let at = ok_span.unwrap_or(tag.span);
    if reply.ok && (reply.data.is_some() || !reply.other.is_empty()) {
        cx.push(
            rules::REPLY_OK_WITH_DATA,
            at,
            "<ok/> next to data in the same <rpc-reply>",
        );
    }
    if reply.ok && !reply.errors.is_empty() {
        let errors = reply.errors.iter().any(RpcError::is_error);
        let what = if errors { "an error" } else { "a warning" };
        let detail = format!("<ok/> next to <rpc-error> with {what}");
        if errors {
            cx.push(rules::REPLY_OK_WITH_ERROR, at, detail);
        } else {
            cx.warn(rules::REPLY_OK_WITH_ERROR, at, detail);
        }
    }
    if !reply.ok && reply.data.is_none() && reply.errors.is_empty() && reply.other.is_empty() {
        cx.push(
            rules::REPLY_EMPTY,
            tag.span,
            "<rpc-reply> holds neither <ok/>, data nor <rpc-error>",
        );
    }
}
