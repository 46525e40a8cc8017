//! End-of-message framing decoder (base:1.0, RFC 6242 §4.3).

use super::rules::{CHUNK_IN_EOM_FRAMING, EOM_TRUNCATED, TRAILING_BYTES};
use super::{
    EOM_DELIMITER, Frame, Framing, FramingError, Lookahead, Pending, Strictness,
    chunk_header_ahead, stops, violation,
};
use crate::violation::Span;
use bytes::{Buf, BytesMut};
use memchr::memmem;

/// Streaming decoder for messages ended by `]]>]]>`.
///
/// Each payload is a zero-copy slice of the caller's buffer. Scanning resumes
/// where the previous call stopped (less the five bytes a split delimiter may
/// have left), so a message fed one byte at a time costs linear time.
///
/// At each message boundary the decoder also looks for a chunk header
/// (`\n#` and a digit): chunked framing where end-of-message framing is in
/// force ([`CHUNK_IN_EOM_FRAMING`]). Lenient mode records it and goes on
/// looking for `]]>]]>`; to decode such a message as chunked, use [`super::Decoder`].
#[derive(Debug, Clone)]
pub struct EomDecoder {
    finder: memmem::Finder<'static>,
    max: usize,
    strictness: Strictness,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Where the next scan starts: no delimiter starts before it.
    next: usize,
    /// The start of the current message was looked at for a chunk header.
    start_checked: bool,
    /// Whether to look for chunk headers at message starts.
    check_chunk_start: bool,
    pending: Pending,
    failed: Option<FramingError>,
}

impl EomDecoder {
    /// A decoder accepting payloads of at most `max_message_size` bytes.
    pub fn new(max_message_size: usize, strictness: Strictness) -> Self {
        EomDecoder {
            finder: memmem::Finder::new(EOM_DELIMITER).into_owned(),
            max: max_message_size,
            strictness,
            base: 0,
            next: 0,
            start_checked: false,
            check_chunk_start: true,
            pending: Pending::default(),
            failed: None,
        }
    }

    /// The decoder inside [`super::Decoder`], which checks message starts itself.
    pub(crate) fn without_start_check(max_message_size: usize, strictness: Strictness) -> Self {
        let mut d = Self::new(max_message_size, strictness);
        d.check_chunk_start = false;
        d
    }

    /// The largest payload this decoder accepts.
    pub fn max_message_size(&self) -> usize {
        self.max
    }

    /// Stream offset of the first byte not yet returned in a frame (at a message boundary).
    pub(crate) fn stream_offset(&self) -> u64 {
        self.base
    }

    /// Moves the decoder to a message boundary at stream offset `base`,
    /// forgetting any partial scan (the bytes are still in the caller's buffer).
    pub(crate) fn restart_at(&mut self, base: u64) {
        self.base = base;
        self.next = 0;
        self.start_checked = false;
    }

    pub(crate) fn pending_mut(&mut self) -> &mut Pending {
        &mut self.pending
    }

    /// Violations found after the last frame (lenient mode, or warnings), e.g.
    /// bytes left at the end of the stream. Call it after `decode_eof` returned `Ok(None)`.
    pub fn take_violations(&mut self) -> Vec<crate::violation::Violation> {
        self.pending.take()
    }

    /// Decodes the next message from `buf`, or returns `Ok(None)` when it needs more bytes.
    ///
    /// On `Ok(Some(frame))` the message and its delimiter have been removed
    /// from `buf`. Between calls the caller may only append to `buf`.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = self.decode_inner(buf);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn decode_inner(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        if self.check_chunk_start && !self.start_checked {
            match chunk_header_ahead(buf) {
                Lookahead::NeedMore => return Ok(None),
                Lookahead::ChunkHeader => {
                    let v = violation(
                        CHUNK_IN_EOM_FRAMING,
                        self.base,
                        self.base + 3,
                        "message starts with a chunk header (LF '#' digit) while end-of-message \
                         framing is in force: the peer sent chunked framing before both hellos \
                         announced base:1.1",
                    );
                    if stops(self.strictness, &v) {
                        return Err(v.into());
                    }
                    self.pending.push(v);
                }
                Lookahead::NotChunkHeader => {}
            }
            self.start_checked = true;
        }
        let hay = buf.get(self.next..).unwrap_or_default();
        match self.finder.find(hay) {
            Some(i) => {
                let at = self.next + i;
                if at > self.max {
                    return Err(self.too_large());
                }
                let payload = buf.split_to(at).freeze();
                buf.advance(EOM_DELIMITER.len());
                let end = self.base + (at + EOM_DELIMITER.len()) as u64;
                let span = Span::new(self.base, end);
                self.restart_at(end);
                Ok(Some(self.pending.frame(
                    payload,
                    span,
                    Framing::EndOfMessage,
                )))
            }
            None => {
                // A delimiter split across reads can start in the last five bytes.
                self.next = buf.len().saturating_sub(EOM_DELIMITER.len() - 1);
                if self.next > self.max {
                    return Err(self.too_large());
                }
                Ok(None)
            }
        }
    }

    fn too_large(&self) -> FramingError {
        FramingError::TooLarge {
            limit: self.max,
            start: self.base,
        }
    }

    /// Decodes at the end of the stream: the messages still in `buf`, then
    /// what is left over.
    ///
    /// Left-over bytes that are only whitespace are a warning
    /// ([`TRAILING_BYTES`], see [`Self::take_violations`]); anything else is a
    /// message without its `]]>]]>` ([`EOM_TRUNCATED`]): an error in strict
    /// mode, a frame carrying the violation in lenient mode. Returns
    /// `Ok(None)` once `buf` is empty.
    pub fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let n = buf.len();
        let (start, end) = (self.base, self.base + n as u64);
        if buf.iter().all(u8::is_ascii_whitespace) {
            let v = violation(
                TRAILING_BYTES,
                start,
                end,
                format!("{n} bytes of whitespace after the last ]]>]]> at the end of the stream"),
            )
            .warning();
            self.pending.push(v);
            buf.clear();
            self.restart_at(end);
            return Ok(None);
        }
        let v = violation(
            EOM_TRUNCATED,
            start,
            end,
            format!(
                "the stream ends with {n} bytes that no ]]>]]> closes: the last message is \
                 truncated or its delimiter was never sent"
            ),
        );
        if stops(self.strictness, &v) {
            let e = FramingError::Violation(v);
            self.failed = Some(e.clone());
            return Err(e);
        }
        if n > self.max {
            let e = self.too_large();
            self.failed = Some(e.clone());
            return Err(e);
        }
        self.pending.push(v);
        let payload = buf.split().freeze();
        self.restart_at(end);
        Ok(Some(self.pending.frame(
            payload,
            Span::new(start, end),
            Framing::EndOfMessage,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(d: &mut EomDecoder, input: &[u8]) -> Vec<Frame> {
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(f) = d.decode_eof(&mut buf).unwrap() {
            out.push(f);
        }
        out
    }

    #[test]
    fn decode_splits_messages_and_counts_spans_from_stream_start() {
        let mut d = EomDecoder::new(100, Strictness::Strict);
        let frames = decode_all(&mut d, b"<a/>]]>]]><bb/>]]>]]>");
        assert_eq!(frames.len(), 2);
        assert_eq!(&frames[0].payload[..], b"<a/>");
        assert_eq!(frames[0].span, Span::new(0, 10));
        assert_eq!(&frames[1].payload[..], b"<bb/>");
        assert_eq!(frames[1].span, Span::new(10, 21));
    }

    #[test]
    fn decode_resumes_scan_without_missing_a_split_delimiter() {
        let mut d = EomDecoder::new(100, Strictness::Strict);
        let mut buf = BytesMut::new();
        for (i, b) in b"<a/>]]>]]>".iter().enumerate() {
            buf.extend_from_slice(&[*b]);
            let r = d.decode(&mut buf).unwrap();
            assert_eq!(r.is_some(), i == 9, "at byte {i}");
        }
    }

    #[test]
    fn decode_rejects_too_large_before_the_delimiter_arrives() {
        let mut d = EomDecoder::new(4, Strictness::Lenient);
        let mut buf = BytesMut::from(&b"0123456789"[..]);
        assert_eq!(
            d.decode(&mut buf),
            Err(FramingError::TooLarge { limit: 4, start: 0 })
        );
        assert!(d.decode(&mut buf).is_err(), "a failed decoder stays failed");
    }

    #[test]
    fn decode_accepts_a_payload_of_exactly_the_limit() {
        let mut d = EomDecoder::new(4, Strictness::Strict);
        let frames = decode_all(&mut d, b"0123]]>]]>");
        assert_eq!(&frames[0].payload[..], b"0123");
    }

    #[test]
    fn decode_eof_warns_on_trailing_whitespace_even_when_strict() {
        let mut d = EomDecoder::new(100, Strictness::Strict);
        let frames = decode_all(&mut d, b"<a/>]]>]]>\n");
        assert_eq!(frames.len(), 1);
        let v = d.take_violations();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].rule, TRAILING_BYTES);
        assert_eq!(v[0].span, Some(Span::new(10, 11)));
    }
}
