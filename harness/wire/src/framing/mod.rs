//! RFC 6242 framing: where one NETCONF message ends and the next begins.
//!
//! Two framings share one byte stream:
//!
//! - **end-of-message** (base:1.0, RFC 6242 §4.3): each message is followed by
//!   `]]>]]>`. Every session starts here, and the `<hello>` messages always use it.
//! - **chunked** (base:1.1, RFC 6242 §4.2): each message is one or more chunks
//!   `\n#<size>\n<size bytes>` closed by `\n##\n`. Used once both peers
//!   announced base:1.1 in their hellos.
//!
//! ```text
//!   bytes ──► EomDecoder     ──► Frame { payload, span, violations }
//!   bytes ──► ChunkedDecoder ──► Frame
//!   bytes ──► Decoder (starts end-of-message, switch_to_chunked() after the hellos)
//!   payload ──► EomEncoder / ChunkedEncoder / Encoder ──► bytes
//! ```
//!
//! The decoders are streaming and sans-IO, in the shape of tokio-util's
//! `Decoder`: the caller appends whatever arrived to a [`BytesMut`] and calls
//! `decode` until it returns `Ok(None)` ("need more bytes", never an error);
//! at the end of the stream it calls `decode_eof` until that returns
//! `Ok(None)`. The caller only ever appends to the buffer between calls. The
//! results do not depend on how the stream was split into reads: every
//! decision waits for the bytes it needs, and scanning resumes where the
//! previous call stopped, so feeding a message one byte at a time stays linear.
//!
//! **Zero-copy.** An end-of-message payload, and a chunked payload made of one
//! chunk, is a slice of the caller's buffer (`split_to` + `freeze`). A payload
//! of several chunks is compacted in place, one copy of its bytes, with no
//! allocation beyond the shared buffer [`Bytes`] needs.
//!
//! **Bounded.** Each decoder takes the largest payload it accepts. A message
//! that exceeds it is rejected ([`FramingError::TooLarge`]) as soon as that is
//! known (a chunk header promising too much is rejected at the header), so the
//! buffer never holds much more than one maximum-size message.
//!
//! **Strict and lenient.** Each broken rule is a [`Violation`] naming one of
//! the [`rules`] (scope [`Scope::Session`], span counted from the first byte
//! of the stream). In [`Strictness::Strict`] the decoder returns it as
//! [`FramingError::Violation`] and stops: every later call returns the same
//! error. In [`Strictness::Lenient`] it is recorded in the next
//! [`Frame::violations`] and decoding goes on wherever the stream can still be
//! read, which is what recording a real, misbehaving device needs. Warnings
//! (level [`Level::Warning`]) never stop a decoder. Violations found after the
//! last frame (at the end of the stream) are kept until
//! `take_violations()`.
//!
//! Errors that make the stream unreadable ([`FramingError::TooLarge`],
//! [`FramingError::HeaderTooLong`]) stop the decoder in both modes.

mod chunked;
mod decoder;
mod encoder;
mod eom;
mod error;
pub mod fuzz;
pub mod rules;

use crate::violation::{Level, Scope, Span, Violation};

/// The buffer types of this API, re-exported so callers use the same `bytes` version.
pub use bytes::{Bytes, BytesMut};

pub use chunked::{ChunkedDecoder, MAX_HEADER_DIGITS};
pub use decoder::Decoder;
pub use encoder::{ChunkedEncoder, DEFAULT_CHUNK_SIZE, Encoder, EomEncoder};
pub use eom::EomDecoder;
pub use error::FramingError;
pub use rules::RULES;

/// The end-of-message delimiter of RFC 6242 §4.3.
pub const EOM_DELIMITER: &[u8; 6] = b"]]>]]>";

/// The end-of-chunks marker of RFC 6242 §4.2.
pub const END_OF_CHUNKS: &[u8; 4] = b"\n##\n";

/// The largest chunk-size RFC 6242 §4.2 allows.
pub const MAX_CHUNK_SIZE: u64 = 4_294_967_295;

/// At most this many violations are kept per frame (and between frames); the
/// rest are counted in [`Frame::violations_dropped`]. A stream of garbage in
/// lenient mode would otherwise grow the list without bound.
pub const MAX_VIOLATIONS_PER_FRAME: usize = 64;

/// Which framing a message used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// `]]>]]>` after each message (base:1.0, RFC 6242 §4.3).
    EndOfMessage,
    /// `\n#<size>\n` chunks closed by `\n##\n` (base:1.1, RFC 6242 §4.2).
    Chunked,
}

/// What a decoder does when the peer breaks a framing rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strictness {
    /// Stop at the first error-level violation: it is returned as
    /// [`FramingError::Violation`], and so is every later call. For testing a peer.
    #[default]
    Strict,
    /// Record each violation in the next frame and go on where the stream can
    /// still be read. For recording and replaying real devices.
    Lenient,
}

/// One decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The message bytes, without delimiter or chunk headers.
    pub payload: Bytes,
    /// Stream offsets of the whole framed message, delimiter and chunk headers included.
    pub span: Span,
    /// The framing the message was decoded with.
    pub framing: Framing,
    /// Rules broken by this message, or by the bytes between the previous message and this one.
    pub violations: Vec<Violation>,
    /// Violations beyond [`MAX_VIOLATIONS_PER_FRAME`] that were counted but not kept.
    pub violations_dropped: u64,
}

/// What the next bytes of a buffer look like, as told by [`chunk_header_ahead`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lookahead {
    /// The bytes start with `\n#` and a digit: a chunk header.
    ChunkHeader,
    /// The bytes cannot start a chunk header.
    NotChunkHeader,
    /// Too few bytes to tell (fewer than three, all matching `\n#`).
    NeedMore,
}

/// Whether `bytes` start with a chunk header (`\n#` followed by a digit).
///
/// The session layer asks this at a message boundary while it still expects
/// end-of-message framing: a chunk header there means a hello sent chunked,
/// or a peer that switched to chunked framing before both hellos announced
/// base:1.1 ([`rules::CHUNK_IN_EOM_FRAMING`]).
pub fn chunk_header_ahead(bytes: &[u8]) -> Lookahead {
    match bytes {
        [] | [b'\n'] | [b'\n', b'#'] => Lookahead::NeedMore,
        [b'\n', b'#', d, ..] if d.is_ascii_digit() => Lookahead::ChunkHeader,
        _ => Lookahead::NotChunkHeader,
    }
}

/// Violations waiting for the next frame, capped at [`MAX_VIOLATIONS_PER_FRAME`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Pending {
    list: Vec<Violation>,
    dropped: u64,
}

impl Pending {
    pub(crate) fn push(&mut self, v: Violation) {
        if self.list.len() < MAX_VIOLATIONS_PER_FRAME {
            self.list.push(v);
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    pub(crate) fn append(&mut self, other: &mut Pending) {
        for v in other.list.drain(..) {
            self.push(v);
        }
        self.dropped = self.dropped.saturating_add(other.dropped);
        other.dropped = 0;
    }

    pub(crate) fn frame(&mut self, payload: Bytes, span: Span, framing: Framing) -> Frame {
        let dropped = std::mem::take(&mut self.dropped);
        Frame {
            payload,
            span,
            framing,
            violations: std::mem::take(&mut self.list),
            violations_dropped: dropped,
        }
    }

    pub(crate) fn take(&mut self) -> Vec<Violation> {
        self.dropped = 0;
        std::mem::take(&mut self.list)
    }
}

/// A session-scope framing violation of `rule` at `start..end`.
pub(crate) fn violation(
    rule: crate::violation::Rule,
    start: u64,
    end: u64,
    detail: impl Into<String>,
) -> Violation {
    Violation::new(rule, Scope::Session, detail).at(Span::new(start, end))
}

/// Whether a violation stops a decoder of this strictness.
pub(crate) fn stops(strictness: Strictness, v: &Violation) -> bool {
    strictness == Strictness::Strict && v.level == Level::Error
}

/// `b` shown for an error message: printable ASCII as is, anything else in hex.
pub(crate) fn show_byte(b: u8) -> String {
    match b {
        b'\n' => "LF".to_owned(),
        b'\r' => "CR".to_owned(),
        0x21..=0x7e => format!("'{}'", b as char),
        _ => format!("0x{b:02x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_header_ahead_needs_three_bytes_to_decide() {
        assert_eq!(chunk_header_ahead(b""), Lookahead::NeedMore);
        assert_eq!(chunk_header_ahead(b"\n"), Lookahead::NeedMore);
        assert_eq!(chunk_header_ahead(b"\n#"), Lookahead::NeedMore);
        assert_eq!(chunk_header_ahead(b"\n#1"), Lookahead::ChunkHeader);
        assert_eq!(chunk_header_ahead(b"\n#0\n"), Lookahead::ChunkHeader);
        assert_eq!(chunk_header_ahead(b"\n##\n"), Lookahead::NotChunkHeader);
        assert_eq!(chunk_header_ahead(b"<hello"), Lookahead::NotChunkHeader);
        assert_eq!(chunk_header_ahead(b"\n<"), Lookahead::NotChunkHeader);
    }

    #[test]
    fn pending_caps_violations_and_counts_the_rest() {
        let mut p = Pending::default();
        for _ in 0..MAX_VIOLATIONS_PER_FRAME + 3 {
            p.push(violation(rules::CHUNK_SIZE_ZERO, 0, 1, "x"));
        }
        let f = p.frame(Bytes::new(), Span::new(0, 0), Framing::Chunked);
        assert_eq!(f.violations.len(), MAX_VIOLATIONS_PER_FRAME);
        assert_eq!(f.violations_dropped, 3);
        assert!(p.take().is_empty());
    }

    #[test]
    fn show_byte_names_control_bytes() {
        assert_eq!(show_byte(b'\n'), "LF");
        assert_eq!(show_byte(b'x'), "'x'");
        assert_eq!(show_byte(0), "0x00");
    }
}
