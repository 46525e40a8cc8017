//! The elements a Junos XML protocol session exchanges inside `<junoscript>`:
//! `<rpc>` (no message-id: requests are answered in order), `<rpc-reply>`
//! with the release's `junos` namespace, and top-level `<xnm:error>` /
//! `<xnm:warning>`.

use super::diagnostic::XnmDiagnostic;
use super::{XNM_NS, junos_release, rules};
use crate::netconf::{Ctx, Parsed};
use crate::xml::raw::Source;
use crate::xml::{Attribute, NsBinding, RawElement, Tag, XmlError, XmlLimits, write_attr};
use crate::{Span, Violation};
use bytes::Bytes;

/// A client request: `<rpc>` holding one request element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JunosRpc {
    /// Attributes of `<rpc>`, in order (there is no message-id).
    pub attributes: Vec<Attribute>,
    /// The request element, raw; read it with
    /// [`Request::parse`](super::Request::parse).
    pub operation: Option<RawElement>,
}

/// A server reply: `<rpc-reply xmlns:junos=...>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JunosReply {
    /// Attributes of `<rpc-reply>`, in order (`xmlns:junos` among them).
    pub attributes: Vec<Attribute>,
    /// `<xnm:error>` and `<xnm:warning>` children, in order.
    pub diagnostics: Vec<XnmDiagnostic>,
    /// Other content elements, raw; read them with
    /// [`Reply::parse`](super::Reply::parse).
    pub content: Vec<RawElement>,
    /// Whether `<end-session/>` is present (the answer to
    /// `<request-end-session/>`).
    pub end_session: bool,
}

impl JunosReply {
    /// The `junos` namespace the reply declares, if any.
    pub fn junos_namespace(&self) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.declares() == Some(Some("junos")))
            .map(|a| a.value.as_str())
    }

    /// Whether no `<xnm:error>` is present (warnings allowed).
    pub fn is_ok(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == super::XnmSeverity::Error)
    }
}

/// One element of the session, child of `<junoscript>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JunosMessage {
    /// `<rpc>`.
    Rpc(JunosRpc),
    /// `<rpc-reply>`.
    RpcReply(JunosReply),
    /// `<xnm:error>` or `<xnm:warning>` outside any reply.
    Diagnostic(XnmDiagnostic),
}

impl JunosMessage {
    /// Appends the element as XML, for a reader with no bindings in scope.
    pub fn write(&self, out: &mut Vec<u8>) {
        self.write_in(out, &[]);
    }

    /// Appends the element as XML for a reader with `scope` in force (inside
    /// a `<junoscript>` that declared it).
    pub fn write_in(&self, out: &mut Vec<u8>, scope: &[NsBinding]) {
        match self {
            JunosMessage::Rpc(rpc) => {
                out.extend_from_slice(b"<rpc");
                for a in &rpc.attributes {
                    write_attr(out, &a.name.to_string(), &a.value);
                }
                out.push(b'>');
                if let Some(op) = &rpc.operation {
                    op.write(out);
                }
                out.extend_from_slice(b"</rpc>");
            }
            JunosMessage::RpcReply(reply) => {
                out.extend_from_slice(b"<rpc-reply");
                for a in &reply.attributes {
                    write_attr(out, &a.name.to_string(), &a.value);
                }
                out.push(b'>');
                let inner = with_declarations(scope, &reply.attributes);
                for d in &reply.diagnostics {
                    d.write_in(out, &inner);
                }
                for c in &reply.content {
                    c.write(out);
                }
                if reply.end_session {
                    out.extend_from_slice(b"<end-session/>");
                }
                out.extend_from_slice(b"</rpc-reply>");
            }
            JunosMessage::Diagnostic(d) => d.write_in(out, scope),
        }
    }

    /// The element as XML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

/// Parses one session element. `scope` holds the bindings the
/// `<junoscript>` start tag declared ([`SessionStart::scope`](super::SessionStart::scope)).
pub fn parse_message(
    input: &[u8],
    scope: &[NsBinding],
    limits: &XmlLimits,
) -> Result<Parsed<JunosMessage>, XmlError> {
    parse_source(Source::Slice(input), scope, limits)
}

/// As [`parse_message`], with raw parts zero-copy slices of `input`.
pub fn parse_message_bytes(
    input: &Bytes,
    scope: &[NsBinding],
    limits: &XmlLimits,
) -> Result<Parsed<JunosMessage>, XmlError> {
    parse_source(Source::Shared(input), scope, limits)
}

fn parse_source(
    src: Source<'_>,
    scope: &[NsBinding],
    limits: &XmlLimits,
) -> Result<Parsed<JunosMessage>, XmlError> {
    parse_with(Ctx::with_scope(src, scope, limits)?)
}

/// As [`parse_message`], checking payloads with the event reader instead of
/// the fast scanner (the reference for the fuzz oracle).
pub(crate) fn parse_events_only(
    input: &[u8],
    scope: &[NsBinding],
    limits: &XmlLimits,
) -> Result<Parsed<JunosMessage>, XmlError> {
    let mut cx = Ctx::with_scope(Source::Slice(input), scope, limits)?;
    cx.r.use_events_only();
    parse_with(cx)
}

fn parse_with(mut cx: Ctx<'_>) -> Result<Parsed<JunosMessage>, XmlError> {
    let root = cx.root()?;
    let xnm = cx.r.namespace(&root) == Some(XNM_NS);
    let message = match root.local {
        "rpc" if root.prefix.is_empty() => JunosMessage::Rpc(read_rpc(&mut cx, &root)?),
        "rpc-reply" if root.prefix.is_empty() => {
            JunosMessage::RpcReply(read_reply(&mut cx, &root)?)
        }
        "error" | "warning" if xnm => {
            let (d, v) = read_diagnostic(&mut cx, &root)?;
            cx.v.extend(v);
            JunosMessage::Diagnostic(d)
        }
        _ => {
            return Err(XmlError::UnexpectedElement {
                offset: root.span.start,
                found: crate::xml::clip(root.name),
                expected: "a Junos XML protocol element: <rpc>, <rpc-reply>, <xnm:error> or <xnm:warning>",
            });
        }
    };
    cx.finish(message)
}

/// `scope` with the declarations among `attrs` added.
fn with_declarations(scope: &[NsBinding], attrs: &[Attribute]) -> Vec<NsBinding> {
    let mut out = scope.to_vec();
    for a in attrs {
        if let Some(p) = a.declares() {
            out.push(NsBinding {
                prefix: p.map(str::to_owned),
                uri: a.value.clone(),
            });
        }
    }
    out
}

fn attributes(cx: &Ctx<'_>, tag: &Tag<'_>) -> Vec<Attribute> {
    cx.r.attributes(tag)
        .map(|a| Attribute {
            name: crate::xml::QName::parse(a.name),
            namespace: cx.r.attr_namespace(&a).map(str::to_owned),
            value: a.value().into_owned(),
        })
        .collect()
}

fn read_rpc<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<JunosRpc, XmlError> {
    let mut rpc = JunosRpc {
        attributes: attributes(cx, tag),
        operation: None,
    };
    cx.children(tag, None, |cx, t| {
        if rpc.operation.is_some() {
            cx.push(
                rules::RPC_OPERATION,
                t.span,
                format!("second request <{}> in one <rpc>", t.name),
            );
            return Ok(());
        }
        rpc.operation = Some(cx.raw(&t)?);
        Ok(())
    })?;
    if rpc.operation.is_none() {
        cx.push(rules::RPC_OPERATION, tag.span, "<rpc> holds no request");
    }
    Ok(rpc)
}

fn read_reply<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<JunosReply, XmlError> {
    let mut reply = JunosReply {
        attributes: attributes(cx, tag),
        ..JunosReply::default()
    };
    if let Some(ns) = reply.junos_namespace()
        && junos_release(ns).is_none()
    {
        let detail = format!("xmlns:junos=\"{ns}\"");
        cx.push(rules::JUNOS_NAMESPACE, tag.span, detail);
    }
    cx.children(tag, None, |cx, t| {
        let xnm = cx.r.namespace(&t) == Some(XNM_NS);
        if xnm && matches!(t.local, "error" | "warning") {
            let (d, v) = read_diagnostic(cx, &t)?;
            cx.v.extend(v);
            reply.diagnostics.push(d);
        } else if t.local == "end-session" && t.prefix.is_empty() && !reply.end_session {
            reply.end_session = true;
        } else {
            reply.content.push(cx.raw(&t)?);
        }
        Ok(())
    })?;
    Ok(reply)
}

fn read_diagnostic<'a>(
    cx: &mut Ctx<'a>,
    tag: &Tag<'a>,
) -> Result<(XnmDiagnostic, Vec<Violation>), XmlError> {
    let raw = cx.raw(tag)?;
    let el = raw.to_element(cx.r.limits())?;
    let (d, mut v) = XnmDiagnostic::from_element(&el);
    for x in &mut v {
        x.span = Some(Span::new(raw.span.start, raw.span.end));
    }
    Ok((d, v))
}
