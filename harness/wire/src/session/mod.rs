//! NETCONF session state machines, for the client and the server role.
//!
//! A [`Session`] owns one NETCONF session's protocol state and nothing else:
//! the caller moves bytes and reads the clock. The verbs are quinn's:
//!
//! - [`Session::handle_input`]: bytes arrived from the peer.
//! - [`Session::handle_eof`]: the peer closed its side of the transport.
//! - [`Session::handle_timeout`]: the instant from [`Session::poll_timeout`] has passed.
//! - [`Session::poll_transmit`]: bytes to write to the peer, until `None`.
//! - [`Session::poll_event`]: what happened, until `None`.
//! - [`Session::poll_timeout`]: when to call `handle_timeout` next.
//!
//! Call `poll_transmit` and `poll_event` after every `handle_*` and `send_*`
//! call. Time only ever comes in as the `now` argument, so a test can run an
//! hour-long timeout in no time.
//!
//! What the session does for the caller: sends its `<hello>` at once, reads
//! the peer's, checks both ends share a base version, switches both
//! directions to chunked framing when both announced base:1.1 (RFC 6242
//! §4.1), allocates message-ids and matches replies to requests in any order,
//! lets notifications through between replies, and ends the session after
//! `<close-session>`. Everything the peer does wrong is an
//! [`Event::Violation`]; the session goes on wherever it can, and the caller
//! decides whether a violation fails a test.

mod machine;
pub mod rules;

pub use machine::Session;

use crate::framing::{Framing, FramingError, Strictness};
use crate::netconf::{Hello, Notification, Rpc, RpcReply};
use crate::xml::{XmlError, XmlLimits};
use crate::{Span, Violation};
use bytes::Bytes;
use std::time::Duration;

/// Which end of the session this state machine plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Sends `<rpc>`, reads `<rpc-reply>` and `<notification>`.
    Client,
    /// Reads `<rpc>`, sends `<rpc-reply>` and `<notification>`.
    Server,
}

/// How a session behaves; [`SessionConfig::client`] and
/// [`SessionConfig::server`] give working defaults.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The role played.
    pub role: Role,
    /// Capabilities announced in this side's `<hello>`.
    pub capabilities: Vec<String>,
    /// The session-id a server announces (ignored for a client).
    pub session_id: u32,
    /// The largest message accepted from the peer, in bytes.
    pub max_message_size: usize,
    /// What a framing violation does: stop the session (strict) or record it (lenient).
    pub strictness: Strictness,
    /// Limits for parsing the peer's XML.
    pub xml_limits: XmlLimits,
    /// How long to wait for the peer's `<hello>`; `None` waits forever.
    pub hello_timeout: Option<Duration>,
    /// How long to wait for each `<rpc-reply>`; `None` waits forever.
    pub reply_timeout: Option<Duration>,
    /// The first message-id a client allocates (then counting up).
    pub first_message_id: u64,
    /// Chunk size used when sending in chunked framing.
    pub chunk_size: u32,
}

impl SessionConfig {
    /// A client announcing base:1.0 and base:1.1, 64 MiB messages, lenient
    /// framing, 30 s for the hello and 60 s for each reply.
    pub fn client() -> Self {
        SessionConfig {
            role: Role::Client,
            capabilities: vec![
                crate::netconf::BASE_1_0.to_string(),
                crate::netconf::BASE_1_1.to_string(),
            ],
            session_id: 0,
            max_message_size: 64 << 20,
            strictness: Strictness::Lenient,
            xml_limits: XmlLimits::default(),
            hello_timeout: Some(Duration::from_secs(30)),
            reply_timeout: Some(Duration::from_secs(60)),
            first_message_id: 101,
            chunk_size: crate::framing::DEFAULT_CHUNK_SIZE,
        }
    }

    /// A server with `session_id`, otherwise as [`SessionConfig::client`]
    /// (server replies are not timed).
    pub fn server(session_id: u32) -> Self {
        SessionConfig {
            role: Role::Server,
            session_id,
            reply_timeout: None,
            ..Self::client()
        }
    }
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// This side's hello is queued; the peer's has not arrived.
    AwaitingHello,
    /// Both hellos are exchanged; rpcs flow.
    Established,
    /// The session is over; see [`Event::Closed`].
    Closed,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// `<close-session>` was answered with `<ok/>` (or, for a server, the
    /// caller closed after answering it).
    CloseSession,
    /// The peer ended the transport.
    PeerClosed,
    /// The framing could not be read any further.
    Framing(FramingError),
    /// The peer's hello did not arrive in time.
    HelloTimeout,
    /// The hellos share no base version.
    NoCommonBase,
    /// The caller closed the session.
    Local,
}

/// Something that happened in a session, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Both hellos are exchanged.
    Established {
        /// The peer's hello.
        peer: Hello,
        /// The session-id (the server's announcement, or this server's own).
        session_id: Option<u32>,
        /// The framing in force from now on, both directions.
        framing: Framing,
    },
    /// An `<rpc>` from the client (server role).
    Rpc {
        /// Its message-id, if it had one.
        message_id: Option<String>,
        /// The parsed request.
        rpc: Rpc,
        /// The message bytes.
        raw: Bytes,
        /// Where the message was in the input stream.
        span: Span,
    },
    /// The `<rpc-reply>` to an `<rpc>` this client sent.
    Reply {
        /// The message-id of the rpc it answers.
        message_id: String,
        /// The parsed reply.
        reply: RpcReply,
        /// The message bytes.
        raw: Bytes,
        /// Where the message was in the input stream.
        span: Span,
        /// Time from sending the rpc to reading its reply.
        elapsed: Duration,
    },
    /// An `<rpc-reply>` that matches no outstanding rpc (also reported as a violation).
    UnmatchedReply {
        /// The parsed reply.
        reply: RpcReply,
        /// The message bytes.
        raw: Bytes,
        /// Where the message was in the input stream.
        span: Span,
    },
    /// A `<notification>` (client role).
    Notification {
        /// The parsed notification.
        notification: Notification,
        /// The message bytes.
        raw: Bytes,
        /// Where the message was in the input stream.
        span: Span,
    },
    /// A framed message that is not readable XML or not a NETCONF message.
    Malformed {
        /// Why it could not be read.
        error: XmlError,
        /// The message bytes.
        raw: Bytes,
        /// Where the message was in the input stream.
        span: Span,
    },
    /// The peer broke a rule.
    Violation(Violation),
    /// No reply to this rpc arrived within the reply timeout; it is no longer awaited.
    ReplyTimeout {
        /// The rpc's message-id.
        message_id: String,
    },
    /// The session is over; nothing more is sent or read.
    Closed {
        /// Why.
        reason: CloseReason,
        /// Message-ids of rpcs still unanswered (client role), in sending order.
        unanswered: Vec<String>,
    },
}

/// Why the caller's request could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The session is closed: nothing more can be sent.
    #[error("the NETCONF session is closed; open a new session to send more")]
    Closed,
    /// The call belongs to the other role (e.g. `send_rpc` on a server).
    #[error("{call} is for the {wanted:?} role, but this session plays the other one")]
    WrongRole {
        /// The method called.
        call: &'static str,
        /// The role it needs.
        wanted: Role,
    },
    /// The message cannot be framed (e.g. it contains `]]>]]>` under base:1.0).
    #[error("cannot frame the message: {0}")]
    Framing(#[from] FramingError),
}
