//! The receiving side's decoder: end-of-message framing until the session
//! switches it to chunked framing.

use super::rules::{CHUNK_IN_EOM_FRAMING, EOM_IN_CHUNKED_FRAMING};
use super::{
    ChunkedDecoder, EomDecoder, Frame, Framing, FramingError, Lookahead, Strictness,
    chunk_header_ahead, stops, violation,
};
use crate::violation::Violation;
use bytes::BytesMut;

/// A NETCONF session's framing decoder.
///
/// It starts in end-of-message framing, as every session does, and the
/// session calls [`Self::switch_to_chunked`] once both hellos announced
/// base:1.1. Frames come out one at a time, so the switch always happens at
/// a message boundary: decode the hello, read it, switch, decode on.
///
/// At each message boundary it checks that the next message uses the
/// framing in force:
///
/// - end-of-message in force, and the bytes start with a chunk header
///   (`\n#` and a digit): [`CHUNK_IN_EOM_FRAMING`] (a hello sent chunked, or
///   chunked framing before both hellos).
/// - chunked in force, and the bytes start with `<`: [`EOM_IN_CHUNKED_FRAMING`]
///   (a peer that did not switch).
///
/// Strict mode stops there. Lenient mode records the violation and decodes
/// that one message in the framing it actually uses; the next message is
/// again checked against the framing in force.
#[derive(Debug, Clone)]
pub struct Decoder {
    eom: EomDecoder,
    chunked: ChunkedDecoder,
    strictness: Strictness,
    /// The framing in force.
    framing: Framing,
    /// The framing of the message being decoded, once its first bytes were seen.
    current: Option<Framing>,
    failed: Option<FramingError>,
}

impl Decoder {
    /// A decoder in end-of-message framing accepting payloads of at most `max_message_size` bytes.
    pub fn new(max_message_size: usize, strictness: Strictness) -> Self {
        Decoder {
            eom: EomDecoder::without_start_check(max_message_size, strictness),
            chunked: ChunkedDecoder::new(max_message_size, strictness),
            strictness,
            framing: Framing::EndOfMessage,
            current: None,
            failed: None,
        }
    }

    /// A decoder that starts in `framing` (e.g. to read one direction of a
    /// capture known to be chunked from the start).
    pub fn with_framing(max_message_size: usize, strictness: Strictness, framing: Framing) -> Self {
        let mut d = Self::new(max_message_size, strictness);
        d.framing = framing;
        d
    }

    /// The framing in force.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Puts chunked framing in force from the next message on. Call it once
    /// both hellos announced base:1.1, after the frame holding the peer's
    /// hello was returned. Bytes already in the buffer that belong to the
    /// next message are decoded as chunked.
    pub fn switch_to_chunked(&mut self) {
        self.framing = Framing::Chunked;
        if self.current == Some(Framing::EndOfMessage) {
            // Nothing of the partial message was consumed: start it over.
            let at = self.eom.stream_offset();
            self.eom.restart_at(at);
            self.current = None;
        }
    }

    /// Violations found after the last frame (lenient mode, or warnings).
    /// Call it after `decode_eof` returned `Ok(None)`.
    pub fn take_violations(&mut self) -> Vec<Violation> {
        let mut v = self.eom.take_violations();
        v.extend(self.chunked.take_violations());
        v
    }

    /// Decodes the next message from `buf`, or returns `Ok(None)` when it needs more bytes.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        self.decode_with(buf, false)
    }

    /// Decodes at the end of the stream; see [`EomDecoder::decode_eof`] and
    /// [`ChunkedDecoder::decode_eof`]. Returns `Ok(None)` once `buf` is used up.
    pub fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        self.decode_with(buf, true)
    }

    fn decode_with(
        &mut self,
        buf: &mut BytesMut,
        eof: bool,
    ) -> Result<Option<Frame>, FramingError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = self.decode_inner(buf, eof);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn decode_inner(
        &mut self,
        buf: &mut BytesMut,
        eof: bool,
    ) -> Result<Option<Frame>, FramingError> {
        let framing = match self.current {
            Some(f) => f,
            None => match self.choose(buf, eof)? {
                Some(f) => f,
                None => return Ok(None),
            },
        };
        self.current = Some(framing);
        let r = match (framing, eof) {
            (Framing::EndOfMessage, false) => self.eom.decode(buf)?,
            (Framing::EndOfMessage, true) => self.eom.decode_eof(buf)?,
            (Framing::Chunked, false) => self.chunked.decode(buf)?,
            (Framing::Chunked, true) => self.chunked.decode_eof(buf)?,
        };
        let done = r.is_some() || (eof && buf.is_empty());
        if done {
            // A message boundary: both decoders continue from here.
            let at = match framing {
                Framing::EndOfMessage => self.eom.stream_offset(),
                Framing::Chunked => self.chunked.stream_offset(),
            };
            self.eom.restart_at(at);
            self.chunked.restart_at(at);
            self.current = None;
        }
        Ok(r)
    }

    /// Picks the framing of the message starting at `buf[0]`, or `None` to wait for more bytes.
    fn choose(&mut self, buf: &BytesMut, eof: bool) -> Result<Option<Framing>, FramingError> {
        let at = self.eom.stream_offset();
        match self.framing {
            Framing::EndOfMessage => match chunk_header_ahead(buf) {
                Lookahead::NeedMore if !eof => Ok(None),
                Lookahead::NeedMore | Lookahead::NotChunkHeader => {
                    self.eom.pending_mut().append(self.chunked.pending_mut());
                    Ok(Some(Framing::EndOfMessage))
                }
                Lookahead::ChunkHeader => {
                    let v = violation(
                        CHUNK_IN_EOM_FRAMING,
                        at,
                        at + 3,
                        "message starts with a chunk header (LF '#' digit) while end-of-message \
                         framing is in force: a hello sent chunked, or chunked framing before \
                         both hellos announced base:1.1",
                    );
                    if stops(self.strictness, &v) {
                        return Err(v.into());
                    }
                    self.chunked.pending_mut().push(v);
                    self.chunked.pending_mut().append(self.eom.pending_mut());
                    Ok(Some(Framing::Chunked))
                }
            },
            Framing::Chunked => match buf.first() {
                None if !eof => Ok(None),
                Some(b'<') => {
                    let v = violation(
                        EOM_IN_CHUNKED_FRAMING,
                        at,
                        at + 1,
                        "message starts with '<' and no chunk header while chunked framing is \
                         in force: the peer kept end-of-message framing after both hellos \
                         announced base:1.1",
                    );
                    if stops(self.strictness, &v) {
                        return Err(v.into());
                    }
                    self.eom.pending_mut().push(v);
                    self.eom.pending_mut().append(self.chunked.pending_mut());
                    Ok(Some(Framing::EndOfMessage))
                }
                _ => {
                    self.chunked.pending_mut().append(self.eom.pending_mut());
                    Ok(Some(Framing::Chunked))
                }
            },
        }
    }
}
