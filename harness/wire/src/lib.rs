//! # confuzz-wire: the sans-IO protocol core
//!
//! **This crate does no IO.** It opens no socket, reads no file and reads no
//! clock. Bytes come in through `&[u8]`/[`bytes::BytesMut`] arguments, time
//! comes in as a `now` argument, and everything it has to say comes out as
//! return values: decoded messages, bytes to transmit, and [`Violation`]s.
//!
//! ```text
//!   bytes from the peer ──► framing decoder ──► message parser ──► session ──► events
//!                           (RFC 6242)          (XML / JSON)      (hello,      (replies, notifications,
//!                                                                  ids, time)   violations)
//!   bytes to the peer   ◄── framing encoder ◄── message writer ◄── session ◄── requests
//! ```
//!
//! The tokio adapters, SSH, HTTP, MQTT and gRPC live in `confuzz-net`; the
//! simulated device and the scenario runner drive this same code from the
//! other side of the wire, so every byte that crosses is framed and parsed by
//! one implementation.
//!
//! A peer's deviation from a rule is data ([`Violation`]), not an error: the
//! caller chooses to stop (strict) or record and go on (lenient). Library
//! errors (a limit exceeded, bytes that cannot be read at all) are `thiserror`
//! enums, one per module.
//!
//! Modules:
//! - [`framing`]: RFC 6242 end-of-message and chunked framing, streaming and bounded.
//! - [`xml`]: the hardened XML reader every XML message goes through (no DTD, limits).
//! - [`netconf`]: RFC 6241 messages: hello, rpc, rpc-reply, rpc-error, notification.
//! - [`junos`]: the Junos XML protocol session and its requests and replies.
//! - [`jsonrpc`]: JSON-RPC 2.0 with the NSO dialect (error `type` tokens, batch).
//! - [`jet`]: Juniper JET events and MQTT topics.
//! - [`session`]: NETCONF client and server session state machines.
//! - [`capture`]: decoding one side of a captured session (`confuzz decode`).

pub mod capture;
pub mod framing;
pub mod fuzzing;
pub mod jet;
pub mod jsonrpc;
pub mod junos;
pub mod netconf;
pub mod session;
pub mod violation;
pub mod xml;

pub use violation::{Level, Rule, Scope, Span, Violation};
