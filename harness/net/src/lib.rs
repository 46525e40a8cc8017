//! # confuzz-net: moving NETCONF bytes
//!
//! The tokio side of confuzz. [`confuzz_wire`] decides what the bytes mean;
//! this crate moves them: it reads the clock, owns sockets and buffers, and
//! drives a sans-IO [`Session`](confuzz_wire::session::Session) over any
//! `AsyncRead + AsyncWrite`.
//!
//! ```text
//!   socket / SSH channel / stdio ──read (timeout, bounded)──► Session::handle_input
//!                                ◄──write──────────────────── Session::poll_transmit
//!   tokio timer at Session::poll_timeout ───────────────────► Session::handle_timeout
//!   Driver::next_event ◄──────────────────────────────────── Session::poll_event
//! ```
//!
//! - [`driver`]: [`Driver`], one session over one byte stream, both roles.
//! - [`client`]: [`NetconfClient`], connect over TCP, SSH or a child
//!   process, `rpc` with a timeout, close.
//! - [`ssh`]: SSH server (subsystems and exec channels handed to a
//!   service, password and public-key authentication against a callback,
//!   host key kept on disk) and SSH client (host key pinned by fingerprint,
//!   checked against known_hosts, or not checked, with a warning).
//! - [`io`]: the byte streams: TCP, own stdio, a child process's stdio.
//! - [`grpc`]: JET over gRPC (tonic): the generated services, the
//!   connections a server reads (id, close callback, TLS, limits), and
//!   [`JetClient`](grpc::JetClient).
//!
//! Every network read has a timeout and every buffer a limit ([`Limits`]).

pub mod client;
pub mod driver;
pub mod grpc;
pub mod io;
pub mod ssh;
pub mod tls;

pub use client::{NetconfClient, Reply};
pub use driver::{Driver, Next};
pub use io::BoxIo;

use confuzz_wire::session::{CloseReason, SessionError};
use std::time::Duration;

/// Bounds on what a transport reads and how long it waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest wait for bytes from the peer before giving up on it.
    pub read_timeout: Duration,
    /// The longest wait for a write to be accepted by the transport.
    pub write_timeout: Duration,
    /// Bytes read in one go (the read buffer's size). Messages larger than
    /// this arrive over several reads; the session bounds the whole message.
    pub read_chunk: usize,
    /// Bytes queued for the peer beyond which reading pauses until the
    /// peer reads (backpressure against a peer that sends but never reads).
    pub max_queued_output: usize,
}

impl Limits {
    /// For a client: a peer silent for two minutes is gone.
    pub fn client() -> Self {
        Limits {
            read_timeout: Duration::from_secs(120),
            write_timeout: Duration::from_secs(30),
            read_chunk: 16 * 1024,
            max_queued_output: 8 << 20,
        }
    }

    /// For a server: an idle client is dropped after an hour.
    pub fn server() -> Self {
        Limits {
            read_timeout: Duration::from_secs(3600),
            ..Self::client()
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::client()
    }
}

/// Why a transport operation failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The operating system reported an IO error.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The peer sent nothing for the whole read timeout.
    #[error(
        "the peer sent nothing for {0:?}; it is gone or stuck (raise Limits::read_timeout if it is slow)"
    )]
    ReadTimeout(Duration),
    /// The transport did not take our bytes in time.
    #[error("writing to the peer took longer than {0:?}; it stopped reading")]
    WriteTimeout(Duration),
    /// Connecting took too long.
    #[error(
        "connecting to {addr} took longer than {timeout:?}; is the device up and the address right?"
    )]
    ConnectTimeout {
        /// Where.
        addr: String,
        /// How long we waited.
        timeout: Duration,
    },
    /// The session ended.
    #[error("the NETCONF session is closed ({0:?})")]
    Closed(CloseReason),
    /// No reply arrived in the reply timeout.
    #[error("no <rpc-reply> to message-id {0} within the reply timeout")]
    ReplyTimeout(String),
    /// The session refused the request.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The SSH layer failed.
    #[error("SSH: {0}")]
    Ssh(String),
    /// The SSH server's host key is not the one expected.
    #[error(
        "the SSH server's host key {found} does not match {expected}; if the device was re-keyed on purpose, update the pinned fingerprint or known_hosts"
    )]
    HostKeyMismatch {
        /// The fingerprint expected (or where it was looked up).
        expected: String,
        /// The server's key fingerprint.
        found: String,
    },
    /// Authentication was refused.
    #[error("the SSH server refused user {0:?}; check the user name and password or key")]
    AuthRejected(String),
    /// A host-key file could not be read or written.
    #[error("host key {path}: {message}")]
    HostKey {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl NetError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        NetError::Io {
            context: context.into(),
            source,
        }
    }
}
