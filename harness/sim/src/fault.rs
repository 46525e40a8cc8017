//! Fault plans: ways the device can misbehave on purpose, so users can test
//! how their own clients cope.
//!
//! A plan is data. The transport keeps one [`FaultState`] per session and
//! hands it each message it is about to send; the state answers with the
//! [`Action`]s to carry out instead (wait, send framed, send raw bytes,
//! close). No IO happens here: delays are returned, not slept.
//!
//! ```text
//!   server hello ──► FaultState::hello ──► [Action]
//!   rpc-reply    ──► FaultState::reply ──► [Action]   (counts messages, fires triggers)
//!   notification ──► FaultState::message ─► [Action]
//! ```

use bytes::{BufMut, Bytes, BytesMut};
use confuzz_wire::framing::{ChunkedEncoder, DEFAULT_CHUNK_SIZE, Framing};
use confuzz_wire::netconf::{ErrorTag, ErrorType, RpcError, RpcReply};
use std::time::Duration;

/// Which outgoing messages a fault applies to, counting the messages sent
/// after the hello from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Every message.
    Always,
    /// Only the n-th.
    Nth(u32),
    /// Every n-th (n, 2n, 3n, ...).
    EveryNth(u32),
    /// The n-th and every one after it.
    From(u32),
}

impl Trigger {
    fn fires(self, count: u32) -> bool {
        match self {
            Trigger::Always => true,
            Trigger::Nth(n) => count == n,
            Trigger::EveryNth(n) => n != 0 && count.is_multiple_of(n),
            Trigger::From(n) => count >= n,
        }
    }
}

/// One way to misbehave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait before sending a reply.
    Delay {
        /// Which replies.
        when: Trigger,
        /// How long.
        delay: Duration,
    },
    /// Close the connection once this many messages were sent (the hello
    /// not counted); 0 closes right after the hello.
    DropAfter {
        /// Messages sent before closing.
        messages: u32,
    },
    /// Send a reply in a broken frame: a chunk size with a leading zero
    /// (base:1.1) or a damaged `]]>]]>` delimiter (base:1.0).
    MalformedFrame {
        /// Which replies.
        when: Trigger,
    },
    /// Send the server's `<hello>` in chunked framing, which RFC 6242 §4.1
    /// forbids (hellos always use end-of-message framing).
    ChunkedHello,
    /// Answer with a message-id the rpc did not have.
    WrongMessageId {
        /// Which replies.
        when: Trigger,
    },
    /// Send a reply twice (a duplicate message-id).
    DuplicateReply {
        /// Which replies.
        when: Trigger,
    },
    /// Add an `<rpc-error>` with severity warning next to `<ok/>`.
    WarningOnSuccess {
        /// Which replies.
        when: Trigger,
    },
    /// Send bytes that are not well-formed XML in place of a reply.
    GarbageXml {
        /// Which replies.
        when: Trigger,
    },
}

/// A set of faults, for a device or one session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaultPlan {
    /// The faults, applied in order.
    pub faults: Vec<Fault>,
}

impl FaultPlan {
    /// A plan with no faults: the device behaves.
    pub fn none() -> Self {
        FaultPlan::default()
    }

    /// A plan with `faults`.
    pub fn new(faults: Vec<Fault>) -> Self {
        FaultPlan { faults }
    }

    /// The same plan with one more fault.
    pub fn with(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Whether the plan has no faults.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }
}

/// What the transport does with one outgoing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Wait this long before the next action.
    Delay(Duration),
    /// Frame these message bytes with the session's framing and send them.
    Send(Bytes),
    /// Send these bytes as they are, bypassing the framing.
    SendRaw(Bytes),
    /// Close the connection; nothing more is sent.
    Close,
}

/// The bytes sent in place of a reply by [`Fault::GarbageXml`].
pub const GARBAGE: &[u8] = b"<rpc-reply message-id=\"\x27\"><ok></rpc-reply>&undefined; <<>>";

/// A session's progress through its [`FaultPlan`].
#[derive(Debug, Clone)]
pub struct FaultState {
    plan: FaultPlan,
    sent: u32,
    closed: bool,
}

impl FaultState {
    /// Starts applying `plan`.
    pub fn new(plan: FaultPlan) -> Self {
        FaultState {
            plan,
            sent: 0,
            closed: false,
        }
    }

    /// Whether a [`Action::Close`] was returned: send nothing more.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// What to do with the server's `<hello>` bytes.
    pub fn hello(&mut self, hello: &[u8]) -> Vec<Action> {
        if self.closed {
            return Vec::new();
        }
        let mut out = if self.plan.faults.contains(&Fault::ChunkedHello) {
            vec![Action::SendRaw(chunked(hello))]
        } else {
            vec![Action::Send(Bytes::copy_from_slice(hello))]
        };
        if self.drop_after() == Some(0) {
            self.closed = true;
            out.push(Action::Close);
        }
        out
    }

    fn drop_after(&self) -> Option<u32> {
        self.plan.faults.iter().find_map(|f| match f {
            Fault::DropAfter { messages } => Some(*messages),
            _ => None,
        })
    }

    fn fires(&self, pick: impl Fn(&Fault) -> Option<Trigger>) -> bool {
        self.plan
            .faults
            .iter()
            .filter_map(pick)
            .any(|t| t.fires(self.sent))
    }

    /// What to do with a message other than a reply (a notification).
    pub fn message(&mut self, bytes: &[u8]) -> Vec<Action> {
        if self.closed {
            return Vec::new();
        }
        self.sent = self.sent.saturating_add(1);
        let mut out = vec![Action::Send(Bytes::copy_from_slice(bytes))];
        self.maybe_close(&mut out);
        out
    }

    fn maybe_close(&mut self, out: &mut Vec<Action>) {
        if self.drop_after().is_some_and(|n| self.sent >= n) {
            self.closed = true;
            out.push(Action::Close);
        }
    }

    /// What to do with `reply`, sent in `framing`.
    pub fn reply(&mut self, reply: &RpcReply, framing: Framing) -> Vec<Action> {
        if self.closed {
            return Vec::new();
        }
        self.sent = self.sent.saturating_add(1);
        let mut out = Vec::new();
        let delay: Duration = self
            .plan
            .faults
            .iter()
            .filter_map(|f| match f {
                Fault::Delay { when, delay } if when.fires(self.sent) => Some(*delay),
                _ => None,
            })
            .sum();
        if !delay.is_zero() {
            out.push(Action::Delay(delay));
        }
        let mut reply = reply.clone();
        if self.fires(|f| match f {
            Fault::WrongMessageId { when } => Some(*when),
            _ => None,
        }) {
            let id = reply.message_id.as_deref().unwrap_or("");
            reply.message_id = Some(format!("{id}0"));
        }
        if reply.ok
            && self.fires(|f| match f {
                Fault::WarningOnSuccess { when } => Some(*when),
                _ => None,
            })
        {
            reply.errors.push(
                RpcError::new(ErrorType::Application, ErrorTag::OperationFailed)
                    .warning()
                    .with_message("simulated warning: the operation succeeded"),
            );
        }
        let bytes = Bytes::from(reply.to_bytes());
        let garbage = self.fires(|f| match f {
            Fault::GarbageXml { when } => Some(*when),
            _ => None,
        });
        let malformed = self.fires(|f| match f {
            Fault::MalformedFrame { when } => Some(*when),
            _ => None,
        });
        let payload = if garbage {
            Bytes::from_static(GARBAGE)
        } else {
            bytes
        };
        if malformed {
            out.push(Action::SendRaw(broken_frame(&payload, framing)));
        } else {
            out.push(Action::Send(payload.clone()));
            if self.fires(|f| match f {
                Fault::DuplicateReply { when } => Some(*when),
                _ => None,
            }) {
                out.push(Action::Send(payload));
            }
        }
        self.maybe_close(&mut out);
        out
    }
}

/// `payload` in chunked framing.
fn chunked(payload: &[u8]) -> Bytes {
    let mut dst = BytesMut::new();
    let encoded =
        ChunkedEncoder::new(DEFAULT_CHUNK_SIZE).and_then(|mut e| e.encode(payload, &mut dst));
    if encoded.is_err() {
        // Only an empty payload cannot be chunked: send a lone end marker.
        dst.clear();
        dst.put_slice(b"\n##\n");
    }
    dst.freeze()
}

/// `payload` in a frame a strict peer must refuse.
fn broken_frame(payload: &[u8], framing: Framing) -> Bytes {
    let mut dst = BytesMut::with_capacity(payload.len() + 16);
    match framing {
        Framing::Chunked => {
            dst.put_slice(format!("\n#0{}\n", payload.len()).as_bytes());
            dst.put_slice(payload);
            dst.put_slice(b"\n##\n");
        }
        Framing::EndOfMessage => {
            dst.put_slice(payload);
            dst.put_slice(b"]]>]]\n]]>]]>");
        }
    }
    dst.freeze()
}
