//! `<rpc>`: the message-id, every other attribute in order, and the
//! operation kept raw (RFC 6241 §4.1).

use super::{BASE_NS, Ctx, rules, write_close, write_open};
use crate::xml::{Attribute, RawElement, Tag, XmlError, XmlLimits};
use bytes::Bytes;

/// An `<rpc>` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rpc {
    /// The `message-id` attribute, as written (RFC 6241 does not interpret
    /// it). `None` breaks RFC 6241 §4.1.
    pub message_id: Option<String>,
    /// Every other attribute, namespace declarations included, in document
    /// order. A server echoes these on its `<rpc-reply>`.
    pub attributes: Vec<Attribute>,
    /// The envelope's prefix, e.g. `nc` for ncclient's `<nc:rpc xmlns:nc=...>`.
    pub prefix: Option<String>,
    /// The envelope's namespace (should be [`BASE_NS`]).
    pub namespace: Option<String>,
    /// The operation element, raw, with the bindings it inherits.
    pub operation: Option<RawElement>,
}

impl Rpc {
    /// An rpc in the base namespace (declared as its first attribute, as a
    /// parsed rpc would hold it) invoking `operation`.
    pub fn new(message_id: impl Into<String>, operation: RawElement) -> Self {
        Rpc {
            message_id: Some(message_id.into()),
            attributes: vec![Attribute::xmlns(None, BASE_NS)],
            prefix: None,
            namespace: Some(BASE_NS.to_owned()),
            operation: Some(operation),
        }
    }

    /// An rpc invoking the operation written out in `operation` (one element,
    /// e.g. `<get-config><source><running/></source></get-config>`).
    /// Unprefixed operation names without their own `xmlns` land in the base
    /// namespace, as on the wire.
    pub fn from_xml(
        message_id: impl Into<String>,
        operation: impl Into<Bytes>,
        limits: &XmlLimits,
    ) -> Result<Self, XmlError> {
        let scope = vec![crate::xml::NsBinding {
            prefix: None,
            uri: BASE_NS.to_owned(),
        }];
        let op = RawElement::parse_with_scope(operation.into(), scope, limits)?;
        Ok(Rpc::new(message_id, op))
    }

    /// The local name of the operation, e.g. `get-config`.
    pub fn operation_name(&self) -> Option<&str> {
        self.operation.as_ref().map(|o| o.name.local.as_str())
    }

    /// Appends the rpc as XML.
    pub fn write(&self, out: &mut Vec<u8>) {
        let name = write_open(
            out,
            self.prefix.as_deref(),
            "rpc",
            self.namespace.as_deref(),
            self.message_id.as_deref(),
            &self.attributes,
        );
        if let Some(op) = &self.operation {
            op.write(out);
        }
        write_close(out, &name);
    }

    /// The rpc as XML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

pub(super) fn read<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<Rpc, XmlError> {
    cx.expect_ns(tag, BASE_NS, rules::BASE_NAMESPACE);
    let (message_id, attributes) = cx.envelope_attributes(tag);
    if message_id.is_none() {
        cx.push(
            rules::RPC_MISSING_MESSAGE_ID,
            tag.span,
            "<rpc> has no message-id attribute; a server answers with rpc-error missing-attribute (bad-attribute message-id, bad-element rpc)",
        );
    }
    let mut rpc = Rpc {
        message_id,
        attributes,
        prefix: (!tag.prefix.is_empty()).then(|| tag.prefix.to_owned()),
        namespace: cx.r.namespace(tag).map(str::to_owned),
        operation: None,
    };
    cx.children(tag, Some(rules::ELEMENT_ONLY_CONTENT), |cx, t| {
        if rpc.operation.is_some() {
            cx.push(
                rules::RPC_EXTRA_OPERATION,
                t.span,
                format!("second operation <{}> in one <rpc>", t.name),
            );
            return Ok(());
        }
        let ns = cx.r.namespace(&t).map(str::to_owned);
        if t.local == "rpc" && ns.as_deref() == Some(BASE_NS) {
            cx.push(
                rules::RPC_NESTED,
                t.span,
                "an <rpc> envelope where the operation belongs",
            );
        }
        if ns.is_none() {
            cx.warn(
                rules::OPERATION_NO_NAMESPACE,
                t.span,
                format!("operation <{}> is in no namespace", t.name),
            );
        }
        rpc.operation = Some(cx.raw(&t)?);
        Ok(())
    })?;
    if rpc.operation.is_none() {
        cx.push(
            rules::RPC_NO_OPERATION,
            tag.span,
            "<rpc> holds no operation element",
        );
    }
    Ok(rpc)
}
