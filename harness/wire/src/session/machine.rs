//! The [`Session`] state machine; see the module docs for how to drive it.

use super::rules;
use super::{CloseReason, Event, Role, SessionConfig, SessionError, State};
use crate::framing::{ChunkedEncoder, Decoder, Encoder, Frame, Framing};
use crate::netconf::{self, BASE_NS, ErrorTag, Hello, Message, RpcReply};
use crate::{Scope, Violation};
use bytes::{Bytes, BytesMut};
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

/// How many answered message-ids are remembered to tell a duplicate reply
/// from one with an unknown id. Older ones are forgotten (a duplicate of a
/// reply that old is reported as unknown), which bounds memory.
const ANSWERED_MEMORY: usize = 1024;

/// An rpc this client sent and has not seen answered.
#[derive(Debug, Clone)]
struct Outstanding {
    sent_at: Instant,
    deadline: Option<Instant>,
    close: bool,
    /// Sending order, for reporting unanswered rpcs in order.
    seq: u64,
}

/// One NETCONF session, client or server; see the [module docs](super).
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    state: State,
    decoder: Decoder,
    encoder: Encoder,
    input: BytesMut,
    transmit: VecDeque<Bytes>,
    events: VecDeque<Event>,
    peer_hello: Option<Hello>,
    /// Both hellos announced base:1.1.
    base_1_1: bool,
    /// Messages queued until the hellos are exchanged (the framing to use is known then).
    held: Vec<Vec<u8>>,
    outstanding: HashMap<String, Outstanding>,
    answered: HashSet<String>,
    answered_order: VecDeque<String>,
    next_message_id: u64,
    sequence: u64,
    hello_deadline: Option<Instant>,
    /// A close-session was answered with ok: the peer should send nothing more.
    close_acknowledged: bool,
    after_close_reported: bool,
    /// Stream offset just past the reply that closed the session.
    close_offset: u64,
}

impl Session {
    /// A new session; this side's `<hello>` is ready in [`Session::poll_transmit`].
    pub fn new(config: SessionConfig, now: Instant) -> Self {
        let decoder = Decoder::new(config.max_message_size, config.strictness);
        let encoder = match ChunkedEncoder::new(config.chunk_size) {
            Ok(chunked) => Encoder::with_chunked(chunked),
            Err(_) => Encoder::new(),
        };
        let mut hello = Hello::new(config.capabilities.iter().cloned());
        if config.role == Role::Server {
            hello = hello.with_session_id(config.session_id);
        }
        let mut session = Session {
            hello_deadline: config.hello_timeout.map(|t| now + t),
            next_message_id: config.first_message_id,
            state: State::AwaitingHello,
            decoder,
            encoder,
            input: BytesMut::new(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            peer_hello: None,
            base_1_1: false,
            held: Vec::new(),
            outstanding: HashMap::new(),
            answered: HashSet::new(),
            answered_order: VecDeque::new(),
            sequence: 0,
            close_acknowledged: false,
            after_close_reported: false,
            close_offset: 0,
            config,
        };
        // The hello is always end-of-message framed (RFC 6242 §4.1), and a
        // hello built from capability strings never contains the delimiter
        // once escaped; should it, the error closes the session visibly.
        let bytes = hello.to_bytes();
        if let Err(e) = session.frame_and_queue(&bytes) {
            session.close(CloseReason::Framing(e));
        }
        session
    }

    /// The role this session plays.
    pub fn role(&self) -> Role {
        self.config.role
    }

    /// Where the session stands.
    pub fn state(&self) -> State {
        self.state
    }

    /// The framing in force for the next message.
    pub fn framing(&self) -> Framing {
        self.decoder.framing()
    }

    /// The peer's hello, once it arrived.
    pub fn peer_hello(&self) -> Option<&Hello> {
        self.peer_hello.as_ref()
    }

    /// Whether both hellos announced base:1.1, so base:1.1 is in force:
    /// chunked framing, and the error-tags new in base:1.1 (such as
    /// malformed-message, RFC 6241 Appendix A) may be sent. False until the
    /// peer's hello arrived, and in a base:1.0 session.
    pub fn base_1_1(&self) -> bool {
        self.base_1_1
    }

    /// The session-id: the server's announcement (client role) or this server's own.
    pub fn session_id(&self) -> Option<u32> {
        match self.config.role {
            Role::Server => Some(self.config.session_id),
            Role::Client => self.peer_hello.as_ref().and_then(|h| h.session_id),
        }
    }

    /// Message-ids of the rpcs sent and not yet answered, in sending order.
    pub fn outstanding(&self) -> Vec<String> {
        let mut ids: Vec<(&String, &Outstanding)> = self.outstanding.iter().collect();
        ids.sort_by_key(|(_, o)| o.seq);
        ids.into_iter().map(|(id, _)| id.clone()).collect()
    }

    /// Feeds bytes read from the peer.
    pub fn handle_input(&mut self, now: Instant, data: &[u8]) {
        if self.state == State::Closed {
            self.report_after_close(data);
            return;
        }
        self.input.extend_from_slice(data);
        self.pump(now, false);
    }

    /// The peer closed its side of the transport: decodes what is left and
    /// ends the session.
    pub fn handle_eof(&mut self, now: Instant) {
        if self.state == State::Closed {
            return;
        }
        self.pump(now, true);
        if self.state != State::Closed {
            self.close(CloseReason::PeerClosed);
        }
    }

    /// Fires the timers that are due at `now`: the hello timeout, and each
    /// rpc's reply timeout.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.state == State::Closed {
            return;
        }
        if self.state == State::AwaitingHello && self.hello_deadline.is_some_and(|d| d <= now) {
            let waited = self.config.hello_timeout.unwrap_or_default();
            self.violation(Violation::new(
                rules::HELLO_TIMEOUT,
                Scope::Session,
                format!("no <hello> from the peer within {waited:?}"),
            ));
            self.close(CloseReason::HelloTimeout);
            return;
        }
        let mut due: Vec<(u64, String)> = self
            .outstanding
            .iter()
            .filter(|(_, o)| o.deadline.is_some_and(|d| d <= now))
            .map(|(id, o)| (o.seq, id.clone()))
            .collect();
        due.sort();
        for (_, message_id) in due {
            self.outstanding.remove(&message_id);
            self.events.push_back(Event::ReplyTimeout { message_id });
        }
    }

    /// When [`Session::handle_timeout`] should be called next, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Closed => None,
            State::AwaitingHello => self.hello_deadline,
            State::Established => self.outstanding.values().filter_map(|o| o.deadline).min(),
        }
    }

    /// The next bytes to write to the peer.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.transmit.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Sends `<rpc>` with a new message-id around `operation` (the XML of the
    /// operation element, e.g. `<get-config><source><running/></source></get-config>`)
    /// and returns the message-id. Before the hellos are exchanged the rpc is
    /// held and sent in the negotiated framing.
    pub fn send_rpc(&mut self, now: Instant, operation: &str) -> Result<String, SessionError> {
        self.send_rpc_with(now, operation, false)
    }

    /// Sends `<close-session/>`; the session closes when it is answered with `<ok/>`.
    pub fn send_close_session(&mut self, now: Instant) -> Result<String, SessionError> {
        self.send_rpc_with(now, "<close-session/>", true)
    }

    /// Sends a whole message as given (no `<rpc>` added, no message-id
    /// tracked), framed in the framing in force: for sending what a
    /// well-behaved client would not.
    pub fn send_message(&mut self, payload: &[u8]) -> Result<(), SessionError> {
        self.ensure_open()?;
        self.queue_message(payload.to_vec())
    }

    /// Sends bytes exactly as given, with no framing at all (fault injection).
    pub fn send_raw(&mut self, bytes: Bytes) -> Result<(), SessionError> {
        self.ensure_open()?;
        self.transmit.push_back(bytes);
        Ok(())
    }

    /// Sends an `<rpc-reply>` (server role).
    pub fn send_reply(&mut self, reply: &RpcReply) -> Result<(), SessionError> {
        self.require(Role::Server, "send_reply")?;
        self.ensure_open()?;
        self.queue_message(reply.to_bytes())
    }

    /// Sends a `<notification>` given as XML (server role).
    pub fn send_notification(&mut self, notification: &[u8]) -> Result<(), SessionError> {
        self.require(Role::Server, "send_notification")?;
        self.ensure_open()?;
        self.queue_message(notification.to_vec())
    }

    /// Ends the session from this side (e.g. a server after answering
    /// `<close-session>`, or a client giving up). Queued bytes stay in
    /// [`Session::poll_transmit`] so they can still be written.
    pub fn close_local(&mut self, reason: CloseReason) {
        if self.state != State::Closed {
            self.close(reason);
        }
    }

    fn send_rpc_with(
        &mut self,
        now: Instant,
        operation: &str,
        close: bool,
    ) -> Result<String, SessionError> {
        self.require(Role::Client, "send_rpc")?;
        self.ensure_open()?;
        let message_id = self.next_message_id.to_string();
        self.next_message_id = self.next_message_id.wrapping_add(1);
        let mut payload = Vec::with_capacity(operation.len() + 96);
        payload.extend_from_slice(b"<rpc message-id=\"");
        payload.extend_from_slice(message_id.as_bytes());
        payload.extend_from_slice(b"\" xmlns=\"");
        payload.extend_from_slice(BASE_NS.as_bytes());
        payload.extend_from_slice(b"\">");
        payload.extend_from_slice(operation.as_bytes());
        payload.extend_from_slice(b"</rpc>");
        self.queue_message(payload)?;
        self.sequence += 1;
        self.outstanding.insert(
            message_id.clone(),
            Outstanding {
                sent_at: now,
                deadline: self.config.reply_timeout.map(|t| now + t),
                close,
                seq: self.sequence,
            },
        );
        Ok(message_id)
    }

    fn require(&self, wanted: Role, call: &'static str) -> Result<(), SessionError> {
        if self.config.role == wanted {
            Ok(())
        } else {
            Err(SessionError::WrongRole { call, wanted })
        }
    }

    fn ensure_open(&self) -> Result<(), SessionError> {
        if self.state == State::Closed {
            Err(SessionError::Closed)
        } else {
            Ok(())
        }
    }

    fn queue_message(&mut self, payload: Vec<u8>) -> Result<(), SessionError> {
        if self.state == State::AwaitingHello {
            self.held.push(payload);
            return Ok(());
        }
        self.frame_and_queue(&payload)?;
        Ok(())
    }

    fn frame_and_queue(&mut self, payload: &[u8]) -> Result<(), crate::framing::FramingError> {
        let mut out = BytesMut::with_capacity(payload.len() + 32);
        self.encoder.encode(payload, &mut out)?;
        self.transmit.push_back(out.freeze());
        Ok(())
    }

    fn pump(&mut self, now: Instant, eof: bool) {
        while self.state != State::Closed {
            let decoded = if eof {
                self.decoder.decode_eof(&mut self.input)
            } else {
                self.decoder.decode(&mut self.input)
            };
            match decoded {
                Ok(Some(frame)) => self.on_frame(now, frame),
                Ok(None) => break,
                Err(e) => {
                    self.close(CloseReason::Framing(e));
                    return;
                }
            }
        }
        if eof {
            for v in self.decoder.take_violations() {
                self.violation(v);
            }
        }
        if self.state == State::Closed && !self.input.is_empty() {
            let rest = self.input.split().freeze();
            self.report_after_close(&rest);
        }
    }

    fn on_frame(&mut self, now: Instant, frame: Frame) {
        for v in frame.violations {
            self.violation(v);
        }
        if self.close_acknowledged {
            self.report_after_close(&frame.payload);
            return;
        }
        let parsed = match netconf::parse_bytes(&frame.payload, &self.config.xml_limits) {
            Ok(p) => p,
            Err(error) => {
                self.events.push_back(Event::Malformed {
                    error,
                    raw: frame.payload,
                    span: frame.span,
                });
                return;
            }
        };
        for v in parsed.violations {
            self.violation(v);
        }
        let raw = frame.payload;
        let span = frame.span;
        match parsed.message {
            Message::Hello(hello) => self.on_hello(hello),
            other => {
                if self.peer_hello.is_none() {
                    self.violation(
                        Violation::new(
                            rules::MESSAGE_BEFORE_HELLO,
                            Scope::Session,
                            format!("<{}> arrived before the peer's <hello>", other.kind()),
                        )
                        .at(span),
                    );
                }
                self.on_message(now, other, raw, span);
            }
        }
    }

    fn on_hello(&mut self, hello: Hello) {
        if self.peer_hello.is_some() {
            self.violation(Violation::new(
                rules::HELLO_REPEATED,
                Scope::Session,
                "the peer sent a second <hello>; it is ignored",
            ));
            return;
        }
        let checks = match self.config.role {
            Role::Client => hello.check_from_server(),
            Role::Server => hello.check_from_client(),
        };
        for v in checks {
            self.violation(v);
        }
        let ours = Hello::new(self.config.capabilities.iter().cloned());
        let both_1_1 = ours.base_1_1() && hello.base_1_1();
        let both_1_0 = ours.base_1_0() && hello.base_1_0();
        self.peer_hello = Some(hello.clone());
        if !both_1_1 && !both_1_0 {
            self.violation(Violation::new(
                rules::NO_COMMON_BASE,
                Scope::Session,
                format!(
                    "this side announces {}, the peer {}: no base version in common",
                    base_versions(&ours),
                    base_versions(&hello)
                ),
            ));
            self.close(CloseReason::NoCommonBase);
            return;
        }
        self.base_1_1 = both_1_1;
        if both_1_1 {
            self.decoder.switch_to_chunked();
            self.encoder.switch_to_chunked();
        }
        self.state = State::Established;
        self.events.push_back(Event::Established {
            session_id: self.session_id(),
            peer: hello,
            framing: self.decoder.framing(),
        });
        for payload in std::mem::take(&mut self.held) {
            if let Err(e) = self.frame_and_queue(&payload) {
                self.close(CloseReason::Framing(e));
                return;
            }
        }
    }

    fn on_message(&mut self, now: Instant, message: Message, raw: Bytes, span: crate::Span) {
        match (self.config.role, message) {
            (Role::Server, Message::Rpc(rpc)) => {
                self.events.push_back(Event::Rpc {
                    message_id: rpc.message_id.clone(),
                    rpc,
                    raw,
                    span,
                });
            }
            (Role::Client, Message::RpcReply(reply)) => self.on_reply(now, reply, raw, span),
            (Role::Client, Message::Notification(notification)) => {
                self.events.push_back(Event::Notification {
                    notification,
                    raw,
                    span,
                });
            }
            (role, message) => {
                self.violation(
                    Violation::new(
                        rules::WRONG_DIRECTION,
                        Scope::Message,
                        format!(
                            "a {} received <{}>, which only the other role sends; it is ignored",
                            match role {
                                Role::Client => "client",
                                Role::Server => "server",
                            },
                            message.kind()
                        ),
                    )
                    .at(span),
                );
            }
        }
    }

    fn on_reply(&mut self, now: Instant, reply: RpcReply, raw: Bytes, span: crate::Span) {
        self.check_error_tags(&reply, span);
        let Some(message_id) = reply.message_id.clone() else {
            self.violation(
                Violation::new(
                    rules::REPLY_WITHOUT_MESSAGE_ID,
                    Scope::Message,
                    "<rpc-reply> has no message-id; it cannot be matched to an <rpc>",
                )
                .at(span),
            );
            self.events
                .push_back(Event::UnmatchedReply { reply, raw, span });
            return;
        };
        let Some(sent) = self.outstanding.remove(&message_id) else {
            let (rule, what) = if self.answered.contains(&message_id) {
                (rules::DUPLICATE_REPLY, "was already answered")
            } else {
                (rules::UNKNOWN_MESSAGE_ID, "matches no outstanding <rpc>")
            };
            self.violation(
                Violation::new(
                    rule,
                    Scope::Message,
                    format!("<rpc-reply message-id=\"{message_id}\"> {what}"),
                )
                .at(span),
            );
            self.events
                .push_back(Event::UnmatchedReply { reply, raw, span });
            return;
        };
        self.remember_answered(message_id.clone());
        let closes = sent.close && reply.ok && reply.is_ok();
        self.events.push_back(Event::Reply {
            message_id,
            reply,
            raw,
            span,
            elapsed: now.saturating_duration_since(sent.sent_at),
        });
        if closes {
            self.close_acknowledged = true;
            self.close_offset = span.end;
            self.close(CloseReason::CloseSession);
        }
    }

    /// Reports error-tags the negotiated base version does not have.
    fn check_error_tags(&mut self, reply: &RpcReply, span: crate::Span) {
        let malformed = reply
            .errors
            .iter()
            .any(|e| e.error_tag == Some(ErrorTag::MalformedMessage));
        if malformed && self.peer_hello.is_some() && !self.base_1_1 {
            self.violation(
                Violation::new(
                    rules::MALFORMED_MESSAGE_TO_BASE10,
                    Scope::Message,
                    "<rpc-error> with error-tag malformed-message in a base:1.0 session; \
                     the tag is new in base:1.1 (a base:1.0 client is answered with operation-failed)",
                )
                .at(span),
            );
        }
    }

    fn remember_answered(&mut self, message_id: String) {
        if self.answered_order.len() >= ANSWERED_MEMORY
            && let Some(old) = self.answered_order.pop_front()
        {
            self.answered.remove(&old);
        }
        self.answered.insert(message_id.clone());
        self.answered_order.push_back(message_id);
    }

    fn report_after_close(&mut self, data: &[u8]) {
        if data.is_empty() || !self.close_acknowledged || self.after_close_reported {
            return;
        }
        self.after_close_reported = true;
        // The detail names where the extra bytes start, not how many came
        // in this read, so the report is the same however the bytes arrive.
        let at = self.close_offset;
        self.violation(
            Violation::new(
                rules::DATA_AFTER_CLOSE,
                Scope::Session,
                format!("bytes from stream offset {at} on arrived after <close-session> was answered with <ok/>"),
            )
            .at(crate::Span::new(at, at.saturating_add(1))),
        );
    }

    fn violation(&mut self, v: Violation) {
        self.events.push_back(Event::Violation(v));
    }

    fn close(&mut self, reason: CloseReason) {
        let unanswered = self.outstanding();
        self.outstanding.clear();
        self.held.clear();
        self.state = State::Closed;
        self.events.push_back(Event::Closed { reason, unanswered });
    }
}

fn base_versions(hello: &Hello) -> &'static str {
    match (hello.base_1_0(), hello.base_1_1()) {
        (true, true) => "base:1.0 and base:1.1",
        (true, false) => "base:1.0 only",
        (false, true) => "base:1.1 only",
        (false, false) => "no base capability",
    }
}
