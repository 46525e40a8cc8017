//! Decoding one side of a captured session: the engine of `confuzz decode`.
//!
//! A capture is the bytes one peer sent, start to end. Decoding it frames
//! each message (RFC 6242), parses it, and collects every violation, so a
//! user can see at a glance what a misbehaving device put on the wire. The
//! whole capture is in memory; nothing here reads a file.

use crate::framing::{self, Decoder, Frame, Framing, Lookahead, Strictness};
use crate::netconf::{self, Message};
use crate::xml::XmlLimits;
use crate::{Level, Span, Violation};
use serde::Serialize;
use std::fmt::Write as _;

/// A framed message that is not well-formed XML or not a NETCONF message.
pub const MALFORMED_MESSAGE: crate::Rule = crate::Rule {
    id: "malformed-message",
    reference: "RFC 6241 §3",
    summary: "every message is a well-formed XML document in UTF-8 whose root is a NETCONF message",
};

/// Which framing to read the capture with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FramingChoice {
    /// End-of-message until a hello announcing base:1.1 is followed by a
    /// chunk header, chunked from then on (RFC 6242 §4.1).
    #[default]
    Auto,
    /// End-of-message (`]]>]]>`) throughout.
    EndOfMessage,
    /// Chunked throughout (e.g. a capture cut after the hellos).
    Chunked,
}

/// Which protocol the capture speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProtocolChoice {
    /// Junos XML protocol if the stream opens with `<junoscript>`, else NETCONF.
    #[default]
    Auto,
    /// NETCONF over RFC 6242 framing.
    Netconf,
    /// The Junos XML protocol: one `<junoscript>` document, no framing.
    Junos,
}

/// How to decode a capture.
#[derive(Debug, Clone)]
pub struct CaptureOptions {
    /// Framing to read with.
    pub framing: FramingChoice,
    /// Protocol to read as.
    pub protocol: ProtocolChoice,
    /// Strict stops at the first framing violation; lenient records and goes on.
    pub strictness: Strictness,
    /// Largest message accepted, in bytes.
    pub max_message_size: usize,
    /// Limits for parsing each message.
    pub xml_limits: XmlLimits,
    /// Parse each message (false: framing only, e.g. to measure that layer).
    pub parse_messages: bool,
    /// Write a one-line summary of each message (false leaves them empty:
    /// `--stats` times the decoding, not the report's prose).
    pub summaries: bool,
}

impl Default for CaptureOptions {
    fn default() -> Self {
        CaptureOptions {
            framing: FramingChoice::Auto,
            protocol: ProtocolChoice::Auto,
            strictness: Strictness::Lenient,
            max_message_size: 64 << 20,
            xml_limits: XmlLimits::default(),
            parse_messages: true,
            summaries: true,
        }
    }
}

/// The protocol a capture was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// NETCONF over RFC 6242 framing.
    Netconf,
    /// The Junos XML protocol.
    Junos,
}

/// One message of a capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapturedMessage {
    /// 1-based position in the capture.
    pub index: usize,
    /// Stream offsets of the framed message.
    pub span: Span,
    /// Framing it was read with (NETCONF only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framing: Option<Framing>,
    /// `hello`, `rpc`, `rpc-reply`, `notification`, `junoscript`, ... or
    /// `unparsed` (framing only) and `malformed`.
    pub kind: &'static str,
    /// The message-id of an rpc or rpc-reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// One line on what the message holds.
    pub summary: String,
    /// Payload size in bytes.
    pub payload_bytes: usize,
    /// Rules the message (or the bytes just before it) broke.
    pub violations: Vec<Violation>,
}

/// Everything decoded from a capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureReport {
    /// The protocol it was read as.
    pub protocol: Protocol,
    /// Capture size in bytes.
    pub bytes: u64,
    /// The messages, in order.
    pub messages: Vec<CapturedMessage>,
    /// Violations not tied to one message (e.g. at the end of the stream).
    pub violations: Vec<Violation>,
    /// Why decoding stopped before the end, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl CaptureReport {
    /// Every violation, message-bound or not.
    pub fn all_violations(&self) -> impl Iterator<Item = &Violation> {
        self.messages
            .iter()
            .flat_map(|m| m.violations.iter())
            .chain(self.violations.iter())
    }

    /// Whether anything is wrong: an error-level violation, or decoding stopped early.
    pub fn has_errors(&self) -> bool {
        self.stopped.is_some() || self.all_violations().any(|v| v.level == Level::Error)
    }

    /// The report as text, one line per message and one per violation.
    pub fn to_text(&self, source: &str) -> String {
        let mut out = String::new();
        for m in &self.messages {
            let framing = match m.framing {
                Some(Framing::EndOfMessage) => " eom",
                Some(Framing::Chunked) => " chunked",
                None => "",
            };
            let _ = writeln!(
                out,
                "#{} bytes {}{}: {}",
                m.index, m.span, framing, m.summary
            );
            for v in &m.violations {
                let _ = writeln!(out, "    {v}");
            }
        }
        for v in &self.violations {
            let _ = writeln!(out, "{v}");
        }
        if let Some(why) = &self.stopped {
            let _ = writeln!(out, "stopped: {why}");
        }
        let (errors, warnings) = self
            .all_violations()
            .fold((0, 0), |(e, w), v| match v.level {
                Level::Error => (e + 1, w),
                Level::Warning => (e, w + 1),
            });
        let _ = writeln!(
            out,
            "{source}: {} bytes, {} messages, {errors} errors, {warnings} warnings",
            self.bytes,
            self.messages.len()
        );
        out
    }
}

/// Decodes a whole capture.
pub fn decode(input: &[u8], options: &CaptureOptions) -> CaptureReport {
    decode_owned(bytes::BytesMut::from(input), options)
}

/// Decodes a whole capture held in `input`, which the decoders consume in
/// place (messages are cut out of it without copying).
pub fn decode_owned(input: bytes::BytesMut, options: &CaptureOptions) -> CaptureReport {
    let protocol = match options.protocol {
        ProtocolChoice::Netconf => Protocol::Netconf,
        ProtocolChoice::Junos => Protocol::Junos,
        ProtocolChoice::Auto => detect_protocol(&input),
    };
    match protocol {
        Protocol::Netconf => decode_netconf(input, options),
        Protocol::Junos => decode_junos(input, options),
    }
}

/// A Junos XML protocol session opens with `<junoscript` (after an optional
/// XML declaration, comments and white space); anything else is NETCONF.
pub fn detect_protocol(input: &[u8]) -> Protocol {
    let head = &input[..input.len().min(1024)];
    if memchr::memmem::find(head, b"<junoscript").is_some() && !head.starts_with(b"\n#") {
        Protocol::Junos
    } else {
        Protocol::Netconf
    }
}

fn decode_netconf(mut buf: bytes::BytesMut, options: &CaptureOptions) -> CaptureReport {
    let bytes = buf.len() as u64;
    let mut decoder = match options.framing {
        FramingChoice::Chunked => Decoder::with_framing(
            options.max_message_size,
            options.strictness,
            Framing::Chunked,
        ),
        _ => Decoder::new(options.max_message_size, options.strictness),
    };
    let mut report = CaptureReport {
        protocol: Protocol::Netconf,
        bytes,
        messages: Vec::new(),
        violations: Vec::new(),
        stopped: None,
    };
    let mut eof = false;
    loop {
        let next = if eof {
            decoder.decode_eof(&mut buf)
        } else {
            decoder.decode(&mut buf)
        };
        match next {
            Ok(Some(frame)) => {
                let announced_1_1 = push_frame(&mut report, frame, options);
                if options.framing == FramingChoice::Auto
                    && announced_1_1
                    && decoder.framing() == Framing::EndOfMessage
                    && framing::chunk_header_ahead(&buf) == Lookahead::ChunkHeader
                {
                    // The peer announced base:1.1 and its next message is
                    // chunked: the other hello must have announced it too.
                    decoder.switch_to_chunked();
                }
            }
            Ok(None) if !eof => eof = true,
            Ok(None) => break,
            Err(e) => {
                report.stopped = Some(e.to_string());
                if let framing::FramingError::Violation(v) = e {
                    report.violations.push(v);
                }
                break;
            }
        }
    }
    report.violations.extend(decoder.take_violations());
    report
}

/// Adds one frame to the report; returns whether it was a hello announcing base:1.1.
fn push_frame(report: &mut CaptureReport, frame: Frame, options: &CaptureOptions) -> bool {
    let mut m = CapturedMessage {
        index: report.messages.len() + 1,
        span: frame.span,
        framing: Some(frame.framing),
        kind: "unparsed",
        message_id: None,
        summary: String::new(),
        payload_bytes: frame.payload.len(),
        violations: frame.violations,
    };
    let mut announced_1_1 = false;
    if options.parse_messages {
        match netconf::parse_bytes(&frame.payload, &options.xml_limits) {
            Ok(parsed) => {
                if let Message::Hello(h) = &parsed.message {
                    announced_1_1 = h.base_1_1();
                }
                m.kind = parsed.message.kind();
                m.message_id = parsed.message.message_id().map(str::to_string);
                if options.summaries {
                    m.summary = summarize(&parsed.message);
                }
                m.violations.extend(parsed.violations);
            }
            Err(e) => {
                m.kind = "malformed";
                m.summary = format!("not a readable NETCONF message: {e}");
                m.violations.push(Violation::new(
                    MALFORMED_MESSAGE,
                    crate::Scope::Message,
                    e.to_string(),
                ));
            }
        }
    } else {
        if options.summaries {
            m.summary = format!("{} byte message", frame.payload.len());
        }
        // Framing-only mode still has to follow the switch to chunked, which
        // only a hello (the first message) can announce.
        if report.messages.is_empty() {
            let head = &frame.payload[..frame.payload.len().min(512)];
            announced_1_1 = memchr::memmem::find(head, b"<hello").is_some()
                && memchr::memmem::find(&frame.payload, netconf::BASE_1_1.as_bytes()).is_some();
        }
    }
    report.messages.push(m);
    announced_1_1
}

/// One line on what a NETCONF message holds.
pub fn summarize(message: &Message) -> String {
    match message {
        Message::Hello(h) => {
            let mut s = format!(
                "hello: {} capabilities ({})",
                h.capabilities.len(),
                match (h.base_1_0(), h.base_1_1()) {
                    (true, true) => "base:1.0, base:1.1",
                    (true, false) => "base:1.0",
                    (false, true) => "base:1.1",
                    (false, false) => "no base capability",
                }
            );
            if let Some(id) = h.session_id {
                let _ = write!(s, ", session-id {id}");
            }
            s
        }
        Message::Rpc(r) => format!(
            "rpc message-id={}: <{}>",
            r.message_id.as_deref().unwrap_or("(none)"),
            r.operation_name().unwrap_or("(no operation)")
        ),
        Message::RpcReply(r) => {
            let mut parts = Vec::new();
            if r.ok {
                parts.push("ok".to_string());
            }
            if let Some(d) = &r.data {
                parts.push(format!("data ({} bytes)", d.content.len()));
            }
            for e in &r.errors {
                parts.push(format!(
                    "rpc-error {} {}",
                    e.error_severity
                        .as_ref()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "?".into()),
                    e.error_tag
                        .as_ref()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_else(|| "?".into())
                ));
            }
            for o in &r.other {
                parts.push(format!("<{}>", o.name.local));
            }
            if parts.is_empty() {
                parts.push("empty".to_string());
            }
            format!(
                "rpc-reply message-id={}: {}",
                r.message_id.as_deref().unwrap_or("(none)"),
                parts.join(", ")
            )
        }
        Message::Notification(n) => format!(
            "notification eventTime={}: {}",
            n.event_time.as_deref().unwrap_or("(none)"),
            n.event()
                .map(|e| format!("<{}>", e.name.local))
                .unwrap_or_else(|| "(no event)".into())
        ),
    }
}

/// A Junos XML protocol element that is not well-formed XML.
pub const MALFORMED_JUNOS_ELEMENT: crate::Rule = crate::Rule {
    id: "junos-malformed-element",
    reference: "Junos XML protocol: session",
    summary: "every request and reply is a well-formed XML element",
};

fn decode_junos(mut buf: bytes::BytesMut, options: &CaptureOptions) -> CaptureReport {
    let bytes = buf.len() as u64;
    use crate::junos::{JunosEvent, StreamDecoder};
    let mut limits = options.xml_limits;
    limits.max_size = limits.max_size.min(options.max_message_size);
    let mut decoder = StreamDecoder::new(limits);
    let mut report = CaptureReport {
        protocol: Protocol::Junos,
        bytes,
        messages: Vec::new(),
        violations: Vec::new(),
        stopped: None,
    };
    let mut eof = false;
    let mut offset = 0u64;
    loop {
        let before = buf.len() as u64;
        let next = if eof {
            decoder.decode_eof(&mut buf)
        } else {
            decoder.decode(&mut buf)
        };
        let consumed_to = offset + (before - buf.len() as u64);
        let event = match next {
            Ok(Some(e)) => e,
            Ok(None) if !eof => {
                eof = true;
                continue;
            }
            Ok(None) => break,
            Err(e) => {
                report.stopped = Some(e.to_string());
                break;
            }
        };
        let mut m = CapturedMessage {
            index: report.messages.len() + 1,
            span: Span::new(offset, consumed_to),
            framing: None,
            kind: "",
            message_id: None,
            summary: String::new(),
            payload_bytes: 0,
            violations: Vec::new(),
        };
        match event {
            JunosEvent::Declaration(d) => {
                m.kind = "xml-declaration";
                m.summary = format!(
                    "<?xml version=\"{}\"{}?>",
                    d.version,
                    d.encoding
                        .as_deref()
                        .map(|e| format!(" encoding=\"{e}\""))
                        .unwrap_or_default()
                );
            }
            JunosEvent::SessionStart(start) => {
                m.kind = "junoscript";
                m.summary = format!(
                    "<junoscript> version={} release={} hostname={}",
                    start.message.version().unwrap_or("(none)"),
                    start.message.release().unwrap_or("(none)"),
                    start.message.hostname().unwrap_or("(none)")
                );
                m.violations = start.violations;
            }
            JunosEvent::Element {
                offset: at,
                raw,
                parsed,
            } => {
                m.span = Span::new(at, at + raw.len() as u64);
                m.payload_bytes = raw.len();
                match parsed {
                    Ok(p) => {
                        let (kind, summary) = summarize_junos(&p.message);
                        m.kind = kind;
                        m.summary = summary;
                        m.violations = p.violations;
                    }
                    Err(e) => {
                        m.kind = "malformed";
                        m.summary = format!("not a readable element: {e}");
                        m.violations.push(
                            Violation::new(
                                MALFORMED_JUNOS_ELEMENT,
                                crate::Scope::Message,
                                e.to_string(),
                            )
                            .at(m.span),
                        );
                    }
                }
            }
            JunosEvent::SessionEnd => {
                m.kind = "junoscript-end";
                m.summary = "</junoscript>: session closed".into();
            }
        }
        offset = consumed_to;
        report.messages.push(m);
    }
    report
}

/// Kind and one line for a Junos XML protocol element.
fn summarize_junos(message: &crate::junos::JunosMessage) -> (&'static str, String) {
    use crate::junos::JunosMessage;
    match message {
        JunosMessage::Rpc(r) => (
            "rpc",
            format!(
                "rpc: <{}>",
                r.operation
                    .as_ref()
                    .map(|o| o.name.local.as_str())
                    .unwrap_or("(no request)")
            ),
        ),
        JunosMessage::RpcReply(r) => {
            let mut parts: Vec<String> = r
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "xnm:{} {}",
                        if d.severity == crate::junos::XnmSeverity::Error {
                            "error"
                        } else {
                            "warning"
                        },
                        d.message.as_deref().unwrap_or("").trim()
                    )
                })
                .collect();
            parts.extend(r.content.iter().map(|c| format!("<{}>", c.name.local)));
            if r.end_session {
                parts.push("<end-session/>".into());
            }
            if parts.is_empty() {
                parts.push("empty".into());
            }
            ("rpc-reply", format!("rpc-reply: {}", parts.join(", ")))
        }
        JunosMessage::Diagnostic(d) => (
            "xnm-diagnostic",
            format!(
                "diagnostic outside a reply: {}",
                d.message.as_deref().unwrap_or("").trim()
            ),
        ),
    }
}
