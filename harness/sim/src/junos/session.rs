//! Serving a Junos XML protocol (junoscript) session from the same device:
//! the server's `<junoscript>` start tag, and each `<rpc>` answered with an
//! `<rpc-reply>` whose problems are `<xnm:error>`/`<xnm:warning>`.

use super::to_xnm;
use crate::device::{Device, SessionId};
use crate::tree;
use confuzz_wire::junos::{
    JunosReply, JunosRpc, SessionStart, XnmDiagnostic, XnmSeverity, junos_namespace,
};
use confuzz_wire::netconf::{BASE_NS, Rpc};
use confuzz_wire::xml::{Attribute, RawElement};
use std::time::Instant;

impl Device {
    /// The `<junoscript>` start tag this device sends when a Junos XML
    /// protocol session opens.
    pub fn junoscript_start(&self) -> SessionStart {
        let host = self
            .running
            .child("system")
            .and_then(|s| s.child_text("host-name"))
            .unwrap_or(&self.config.hostname);
        SessionStart::server(&self.config.schema_release(), host)
    }

    /// Answers one junoscript `<rpc>` from `session` at `now`. After a reply
    /// with `end_session` set the transport writes `</junoscript>` and
    /// closes.
    pub fn handle_junos_rpc(
        &mut self,
        session: SessionId,
        now: Instant,
        rpc: &JunosRpc,
    ) -> JunosReply {
        let mut reply = JunosReply {
            attributes: vec![Attribute::xmlns(
                Some("junos"),
                junos_namespace(&self.config.schema_release()),
            )],
            ..JunosReply::default()
        };
        if rpc.operation.is_none() {
            reply.diagnostics.push(XnmDiagnostic::new(
                XnmSeverity::Error,
                "syntax error: <rpc> holds no request",
            ));
            return reply;
        }
        let netconf = Rpc {
            message_id: Some("junoscript".into()),
            attributes: Vec::new(),
            prefix: None,
            namespace: Some(BASE_NS.to_owned()),
            operation: rpc.operation.clone(),
        };
        let nc = self.handle_rpc(session, now, &netconf);
        reply.diagnostics = nc.errors.iter().map(to_xnm).collect();
        if let Some(d) = nc.data
            && let Ok(mut el) = d.to_element(&tree::limits())
        {
            for c in &mut el.children {
                tree::set_native_ns(c, None);
            }
            reply
                .content
                .extend(el.children.iter().map(RawElement::from_element));
        }
        for o in nc.other {
            if o.name.local == "end-session" {
                reply.end_session = true;
            } else {
                reply.content.push(o);
            }
        }
        reply
    }
}
