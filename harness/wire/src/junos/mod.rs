//! The Junos XML protocol: the junoscript session and the Junos requests
//! and replies of the canonical session (seeds 000 and 001).
//!
//! A junoscript session is one stream per direction: the declaration
//! `<?xml version="1.0" encoding="us-ascii"?>`, then `<junoscript version=...
//! release=... hostname=... os=...>` left open for the whole session, then
//! whole `<rpc>` (client) or `<rpc-reply>` (server) elements as its children,
//! and finally `</junoscript>` after `<request-end-session/>` is answered
//! with `<end-session/>`. There is no `]]>]]>` framing and no message-id:
//! replies come in request order. [`StreamDecoder`] splits such a stream;
//! [`parse_message`] reads one of its elements.
//!
//! Replies carry the release-specific `junos` namespace
//! (`xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos"`) and report
//! problems as `<xnm:error>` / `<xnm:warning>` in the `xnm` namespace.
//!
//! The same request and reply bodies travel inside NETCONF `<rpc>` and
//! `<rpc-reply>` when a Junos device speaks NETCONF, so [`Request`] and
//! [`Reply`] read from and write to a bare element
//! ([`RawElement`](crate::xml::RawElement) or [`Element`](crate::xml::Element)),
//! whichever envelope carried it.

mod diagnostic;
pub mod fuzz;
mod message;
mod reply;
mod request;
pub mod rules;
mod session;
mod stream;

pub use crate::netconf::Parsed;
pub use diagnostic::{XnmDiagnostic, XnmSeverity};
pub use message::{JunosMessage, JunosReply, JunosRpc, parse_message, parse_message_bytes};
pub use reply::{
    Chassis, ChassisInventory, ChassisModule, CommitResults, LoadConfigurationResults,
    PackageInformation, Reply, RoutingEngineCommit, SoftwareInformation,
};
pub use request::{
    CommitConfiguration, ConfigPayload, GetChassisInventory, GetSoftwareInformation, LoadAction,
    LoadConfiguration, LoadFormat, Request,
};
pub use session::{DECLARATION, SESSION_END, SessionStart, write_declaration};
pub use stream::{JunosEvent, StreamDecoder, StreamError};

/// The namespace of `<xnm:error>`, `<xnm:warning>` and, by default, of the
/// server's session elements.
pub const XNM_NS: &str = "http://xml.juniper.net/xnm/1.1/xnm";
/// The capability a Junos NETCONF server announces for its own operations.
pub const JUNOS_NETCONF_CAPABILITY: &str = "http://xml.juniper.net/netconf/junos/1.0";

/// The `junos` namespace of a release schema, e.g. `20.4R0` ->
/// `http://xml.juniper.net/junos/20.4R0/junos`.
pub fn junos_namespace(release: &str) -> String {
    format!("http://xml.juniper.net/junos/{release}/junos")
}

/// The release part of a `junos` namespace URI
/// (`http://xml.juniper.net/junos/*/junos`), if it has that shape.
pub fn junos_release(uri: &str) -> Option<&str> {
    let release = uri
        .strip_prefix("http://xml.juniper.net/junos/")?
        .strip_suffix("/junos")?;
    let ok = !release.is_empty()
        && release
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    ok.then_some(release)
}

#[cfg(test)]
mod tests;
