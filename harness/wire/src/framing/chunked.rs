//! Chunked framing decoder (base:1.1, RFC 6242 §4.2).
//!
//! ```text
//! chunked-message = 1*chunk end-of-chunks
//! chunk           = LF HASH chunk-size LF chunk-data
//! chunk-size      = 1*DIGIT1 0*DIGIT      ; 1..4294967295
//! end-of-chunks   = LF HASH HASH LF
//! ```
//!
//! Headers are read one byte at a time (they are a few bytes long); chunk
//! data is never looked at, only moved. The first chunk's data stays where it
//! is in the caller's buffer; the data of each later chunk is moved down over
//! the headers before it, so a message's payload ends up contiguous after one
//! copy and leaves the buffer as one zero-copy [`bytes::Bytes`].

use super::rules::{
    CHUNK_HEADER_START, CHUNK_MISSING_LF, CHUNK_SIZE_LEADING_ZERO, CHUNK_SIZE_NOT_DIGIT,
    CHUNK_SIZE_TOO_LARGE, CHUNK_SIZE_ZERO, CHUNKED_TRUNCATED, END_OF_CHUNKS_MALFORMED,
    END_OF_CHUNKS_WITHOUT_CHUNK, TRAILING_BYTES,
};
use super::{
    Frame, Framing, FramingError, MAX_CHUNK_SIZE, Pending, Strictness, show_byte, stops, violation,
};
use crate::violation::{Span, Violation};
use bytes::{Buf, BytesMut};

/// The most digits a chunk header may have, leading zeros included. Ten is
/// enough for 4294967295; lenient mode reads some leading zeros beyond that.
pub const MAX_HEADER_DIGITS: usize = 32;

/// Below this many bytes of consumed headers inside the buffer (or the
/// maximum message size, if smaller), they are not worth removing (see `tidy`).
const RECLAIM_MIN: usize = 4096;

/// Where the decoder is in the grammar. Every byte handed to it is consumed
/// into this state, so no byte is looked at twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At a message boundary, nothing read.
    Start,
    /// Read the LF that should start a message's first header.
    StartLf,
    /// Read `LF #` (or a lone `#`): a digit or a second `#` comes next.
    Hash,
    /// Reading chunk-size digits.
    Size {
        value: u64,
        digits: usize,
        leading_zero: bool,
        too_large: bool,
    },
    /// Read `LF # #`: the closing LF comes next.
    EndHash,
    /// Inside chunk data.
    Data { remaining: u64 },
    /// Chunk data (or a zero-size chunk) ended: `LF #` comes next.
    AfterData,
    /// Read the LF after chunk data.
    AfterDataLf,
    /// Lenient mode lost the grammar at stream offset `from`; looking for the next `#`.
    Resync { from: u64 },
    /// As `Resync`, and the byte just read was an LF, which starts a header if a `#` follows.
    ResyncLf { from: u64 },
}

/// Streaming decoder for chunked framing.
///
/// Buffer positions (`pos`, `write`, `payload_start`) are indices into the
/// caller's buffer, which only grows at its end between calls.
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    max: usize,
    strictness: Strictness,
    state: State,
    /// Stream offset of buffer position `p`, for every `p >= pos`, is `base + p`.
    base: u64,
    /// Next buffer position to read.
    pos: usize,
    /// Buffer position of the first payload byte, once a chunk with data began.
    payload_start: Option<usize>,
    /// End of the payload gathered so far (`payload_start..write`); `write <= pos`.
    write: usize,
    /// Stream offset of the current message's first header byte.
    msg_start: u64,
    /// Stream offset where the current header began (for spans).
    header_start: u64,
    /// A header byte of the current message was read (`msg_start` is set).
    started: bool,
    /// The violation that started a lenient resync, reported when it ends.
    lost: Option<Violation>,
    pending: Pending,
    failed: Option<FramingError>,
}

impl ChunkedDecoder {
    /// A decoder accepting payloads (chunk data summed) of at most `max_message_size` bytes.
    pub fn new(max_message_size: usize, strictness: Strictness) -> Self {
        ChunkedDecoder {
            max: max_message_size,
            strictness,
            state: State::Start,
            base: 0,
            pos: 0,
            payload_start: None,
            write: 0,
            msg_start: 0,
            header_start: 0,
            started: false,
            lost: None,
            pending: Pending::default(),
            failed: None,
        }
    }

    /// The largest payload this decoder accepts.
    pub fn max_message_size(&self) -> usize {
        self.max
    }

    /// Stream offset of the next message (meaningful at a message boundary).
    pub(crate) fn stream_offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Moves a decoder that is at a message boundary to stream offset `base`.
    pub(crate) fn restart_at(&mut self, base: u64) {
        self.base = base;
        self.pos = 0;
    }

    pub(crate) fn pending_mut(&mut self) -> &mut Pending {
        &mut self.pending
    }

    /// Violations found after the last frame (lenient mode, or warnings), e.g.
    /// a truncated message at the end of the stream. Call it after
    /// `decode_eof` returned `Ok(None)`.
    pub fn take_violations(&mut self) -> Vec<Violation> {
        self.pending.take()
    }

    /// Decodes the next message from `buf`, or returns `Ok(None)` when it needs more bytes.
    ///
    /// On `Ok(Some(frame))` the message has been removed from `buf`. On
    /// `Ok(None)` the decoder may have consumed headers or moved chunk data
    /// inside `buf`; between calls the caller may only append to `buf`.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if buf.len() < self.pos {
            // The caller removed bytes it had handed over: nothing sane to do but wait.
            return Ok(None);
        }
        match self.run(buf) {
            Ok(Some(frame)) => Ok(Some(frame)),
            Ok(None) => {
                self.tidy(buf);
                Ok(None)
            }
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Decodes at the end of the stream: the messages still in `buf`, then
    /// what is left over.
    ///
    /// A message cut short ([`CHUNKED_TRUNCATED`]) is an error in strict mode;
    /// in lenient mode the chunk data that did arrive is returned as a frame
    /// carrying the violation. A lone LF left over is a warning
    /// ([`TRAILING_BYTES`]). Violations with no frame to carry them wait in
    /// [`Self::take_violations`]. Returns `Ok(None)` once `buf` is used up.
    pub fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        let r = self.finish(buf);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn finish(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        let end = self.stream_offset();
        let state = self.state;
        let partial = self.payload_start.map(|ps| (ps, self.write));
        self.reset_message();
        match state {
            State::Start => return Ok(None),
            State::StartLf => {
                let v = violation(
                    TRAILING_BYTES,
                    self.msg_start,
                    end,
                    "a lone LF after the last message at the end of the stream",
                )
                .warning();
                self.pending.push(v);
            }
            State::Resync { from } | State::ResyncLf { from } if partial.is_none() => {
                // Garbage between messages, already skipped; report it now.
                self.flush_lost(from, end);
            }
            _ => {
                let what = match state {
                    State::Data { remaining } => {
                        format!("inside chunk data, {remaining} bytes short of its chunk-size")
                    }
                    State::Hash | State::Size { .. } | State::EndHash => {
                        "inside a chunk header".to_owned()
                    }
                    _ => "before the end-of-chunks marker LF '#' '#' LF".to_owned(),
                };
                let v = violation(
                    CHUNKED_TRUNCATED,
                    self.msg_start,
                    end,
                    format!(
                        "the stream ends {what}: the last chunked message is incomplete \
                         (the peer closed the session mid-message or miscounted a chunk)"
                    ),
                );
                if stops(self.strictness, &v) {
                    return Err(v.into());
                }
                if let State::Resync { from } | State::ResyncLf { from } = state {
                    self.flush_lost(from, end);
                }
                self.pending.push(v);
                if let Some((ps, write)) = partial {
                    buf.advance(ps);
                    let payload = buf.split_to(write - ps).freeze();
                    buf.clear();
                    self.restart_at(end);
                    let span = Span::new(self.msg_start, end);
                    return Ok(Some(self.pending.frame(payload, span, Framing::Chunked)));
                }
            }
        }
        buf.clear();
        self.restart_at(end);
        Ok(None)
    }

    fn reset_message(&mut self) {
        self.state = State::Start;
        self.payload_start = None;
        self.write = 0;
        self.started = false;
    }

    /// Between calls: drop consumed bytes that hold no payload, so that the
    /// buffer never holds much more than the payload and one read.
    fn tidy(&mut self, buf: &mut BytesMut) {
        match self.payload_start {
            None => {
                // Only headers (or skipped garbage) consumed so far: forget them.
                buf.advance(self.pos);
                self.base += self.pos as u64;
                self.pos = 0;
            }
            Some(_) => {
                // Headers consumed between chunks sit in a gap `write..pos`.
                // Closing it moves the unread tail down; do so only when the
                // gap is at least as large as the tail, so the copying stays
                // linear in the bytes consumed. An LF whose meaning depends on
                // the next byte stays in place: it may still become payload.
                let keep = usize::from(matches!(
                    self.state,
                    State::AfterDataLf | State::ResyncLf { .. }
                ));
                let from = self.pos - keep;
                let gap = from - self.write;
                let tail = buf.len() - self.pos;
                if gap >= RECLAIM_MIN.min(self.max.max(1)) && gap >= tail {
                    buf.copy_within(from.., self.write);
                    buf.truncate(self.write + keep + tail);
                    self.base += gap as u64;
                    self.pos = self.write + keep;
                }
            }
        }
    }

    fn run(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
        loop {
            if let State::Data { remaining } = self.state {
                let avail = buf.len() - self.pos;
                if avail == 0 {
                    return Ok(None);
                }
                let take = remaining.min(avail as u64) as usize;
                self.append(buf, take);
                let remaining = remaining - take as u64;
                self.state = if remaining == 0 {
                    State::AfterData
                } else {
                    State::Data { remaining }
                };
                // Fast path: the end-of-chunks marker right after the data.
                if remaining == 0 && buf.get(self.pos..self.pos + 4) == Some(&b"\n##\n"[..]) {
                    self.pos += 4;
                    return Ok(Some(self.complete(buf)));
                }
                continue;
            }
            if let State::Resync { from } = self.state {
                self.resync(buf, from)?;
                if let State::Resync { .. } = self.state {
                    return Ok(None);
                }
                continue;
            }
            let Some(&b) = buf.get(self.pos) else {
                return Ok(None);
            };
            self.pos += 1;
            if let Some(frame) = self.step(buf, b)? {
                return Ok(Some(frame));
            }
        }
    }

    /// Stream offset of the byte just read.
    fn here(&self) -> u64 {
        self.base + self.pos as u64 - 1
    }

    /// Reports `v`: an error if it stops this decoder, else kept for the next frame.
    fn report(&mut self, v: Violation) -> Result<(), FramingError> {
        if stops(self.strictness, &v) {
            return Err(v.into());
        }
        self.pending.push(v);
        Ok(())
    }

    /// Loses the grammar at the byte just read: report `v`, then read that
    /// byte again in resync mode (lenient only: strict mode has stopped).
    fn lose(&mut self, v: Violation, from: u64) -> Result<Option<Frame>, FramingError> {
        if stops(self.strictness, &v) {
            return Err(v.into());
        }
        // Reported when resync ends, its span grown to cover what resync passed over.
        self.lost = Some(v);
        self.pos -= 1;
        self.state = State::Resync { from };
        Ok(None)
    }

    fn step(&mut self, buf: &mut BytesMut, b: u8) -> Result<Option<Frame>, FramingError> {
        match self.state {
            State::Start => match b {
                b'\n' => {
                    self.msg_start = self.here();
                    self.started = true;
                    self.state = State::StartLf;
                }
                b'#' => {
                    self.msg_start = self.here();
                    self.started = true;
                    self.header_start = self.here();
                    let v = violation(
                        CHUNK_HEADER_START,
                        self.here(),
                        self.here() + 1,
                        "message starts with '#' and no LF before it",
                    );
                    self.report(v)?;
                    self.state = State::Hash;
                }
                _ => {
                    let at = self.here();
                    let v = self.start_violation(at, at + 1, b);
                    return self.lose(v, at);
                }
            },
            State::StartLf => {
                if b == b'#' {
                    self.header_start = self.here() - 1;
                    self.state = State::Hash;
                } else {
                    let at = self.here() - 1;
                    let v = self.start_violation(at, at + 2, b);
                    self.started = false;
                    return self.lose(v, at);
                }
            }
            State::Hash => match b {
                b'1'..=b'9' => {
                    self.state = State::Size {
                        value: u64::from(b - b'0'),
                        digits: 1,
                        leading_zero: false,
                        too_large: false,
                    };
                }
                b'0' => {
                    self.state = State::Size {
                        value: 0,
                        digits: 1,
                        leading_zero: true,
                        too_large: false,
                    };
                }
                b'#' => self.state = State::EndHash,
                _ => {
                    let v = violation(
                        CHUNK_SIZE_NOT_DIGIT,
                        self.header_start,
                        self.here() + 1,
                        format!(
                            "expected a chunk-size digit or '#' after LF '#', found {}",
                            show_byte(b)
                        ),
                    );
                    let at = self.here();
                    return self.lose(v, at);
                }
            },
            State::Size {
                value,
                digits,
                leading_zero,
                too_large,
            } => return self.size_byte(b, value, digits, leading_zero, too_large),
            State::EndHash => {
                if b != b'\n' {
                    let v = violation(
                        END_OF_CHUNKS_MALFORMED,
                        self.header_start,
                        self.here() + 1,
                        format!("expected LF after LF '#' '#', found {}", show_byte(b)),
                    );
                    self.report(v)?;
                    // Take `LF # #` as the end of the message; the byte starts the next one.
                    self.pos -= 1;
                }
                if self.payload_start.is_none() {
                    let v = violation(
                        END_OF_CHUNKS_WITHOUT_CHUNK,
                        self.header_start,
                        self.stream_offset(),
                        "end-of-chunks marker with no chunk before it: a chunked message has \
                         at least one chunk",
                    );
                    self.report(v)?;
                    self.reset_message();
                    return Ok(None);
                }
                return Ok(Some(self.complete(buf)));
            }
            State::AfterData => match b {
                b'\n' => self.state = State::AfterDataLf,
                b'#' => {
                    self.header_start = self.here();
                    let v = violation(
                        CHUNK_MISSING_LF,
                        self.here(),
                        self.here() + 1,
                        "'#' right after chunk data with no LF before it",
                    );
                    self.report(v)?;
                    self.state = State::Hash;
                }
                _ => {
                    let at = self.here();
                    let v = violation(
                        CHUNK_HEADER_START,
                        at,
                        at + 1,
                        format!(
                            "expected LF '#' after chunk data, found {}: the chunk data is \
                             longer than its chunk-size",
                            show_byte(b)
                        ),
                    );
                    return self.lose(v, at);
                }
            },
            State::AfterDataLf => {
                if b == b'#' {
                    self.header_start = self.here() - 1;
                    self.state = State::Hash;
                } else {
                    let at = self.here() - 1;
                    let v = violation(
                        CHUNK_HEADER_START,
                        at,
                        at + 2,
                        format!(
                            "expected '#' after the LF that follows chunk data, found {}",
                            show_byte(b)
                        ),
                    );
                    if stops(self.strictness, &v) {
                        return Err(v.into());
                    }
                    // The LF was data after all.
                    self.append_byte(buf, b'\n')?;
                    return self.lose(v, at);
                }
            }
            State::ResyncLf { from } => match b {
                b'#' => self.end_resync(from, self.here() - 1),
                b'\n' => self.append_byte(buf, b'\n')?,
                _ => {
                    self.append_byte(buf, b'\n')?;
                    self.pos -= 1;
                    self.state = State::Resync { from };
                }
            },
            State::Data { .. } | State::Resync { .. } => {
                // Handled in `run` without per-byte steps.
                self.pos -= 1;
            }
        }
        Ok(None)
    }

    fn start_violation(&self, start: u64, end: u64, b: u8) -> Violation {
        let hint = if b == b'<' {
            ": this looks like end-of-message framing"
        } else {
            ""
        };
        violation(
            CHUNK_HEADER_START,
            start,
            end,
            format!(
                "a chunked message starts with LF '#', found {}{hint}",
                show_byte(b)
            ),
        )
    }

    fn size_byte(
        &mut self,
        b: u8,
        value: u64,
        digits: usize,
        leading_zero: bool,
        too_large: bool,
    ) -> Result<Option<Frame>, FramingError> {
        match b {
            b'0'..=b'9' => {
                if leading_zero && digits == 1 {
                    let v = violation(
                        CHUNK_SIZE_LEADING_ZERO,
                        self.header_start,
                        self.here() + 1,
                        "chunk-size has a leading zero",
                    );
                    self.report(v)?;
                }
                let digits = digits + 1;
                if digits > MAX_HEADER_DIGITS {
                    return Err(FramingError::HeaderTooLong {
                        at: self.header_start + 1,
                        max_digits: MAX_HEADER_DIGITS,
                    });
                }
                let value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
                let mut too_large = too_large;
                if value > MAX_CHUNK_SIZE && !too_large {
                    too_large = true;
                    let v = violation(
                        CHUNK_SIZE_TOO_LARGE,
                        self.header_start,
                        self.here() + 1,
                        format!("chunk-size exceeds {MAX_CHUNK_SIZE}"),
                    );
                    self.report(v)?;
                }
                self.state = State::Size {
                    value,
                    digits,
                    leading_zero,
                    too_large,
                };
                Ok(None)
            }
            b'\n' => self.header_done(value),
            _ => {
                let v = violation(
                    CHUNK_SIZE_NOT_DIGIT,
                    self.header_start,
                    self.here() + 1,
                    format!("chunk-size has a non-digit {}", show_byte(b)),
                );
                let at = self.here();
                self.lose(v, at)
            }
        }
    }

    fn header_done(&mut self, size: u64) -> Result<Option<Frame>, FramingError> {
        if size == 0 {
            let v = violation(
                CHUNK_SIZE_ZERO,
                self.header_start,
                self.here() + 1,
                "chunk-size 0: a chunk carries at least one byte",
            );
            self.report(v)?;
            self.state = State::AfterData;
            return Ok(None);
        }
        let have = self.payload_start.map_or(0, |ps| self.write - ps) as u64;
        if have.saturating_add(size) > self.max as u64 {
            return Err(self.too_large());
        }
        if self.payload_start.is_none() {
            self.payload_start = Some(self.pos);
            self.write = self.pos;
        }
        self.state = State::Data { remaining: size };
        Ok(None)
    }

    fn too_large(&self) -> FramingError {
        FramingError::TooLarge {
            limit: self.max,
            start: self.msg_start,
        }
    }

    /// Moves `n` bytes at `pos` to the end of the payload.
    fn append(&mut self, buf: &mut BytesMut, n: usize) {
        if self.write != self.pos {
            buf.copy_within(self.pos..self.pos + n, self.write);
        }
        self.write += n;
        self.pos += n;
    }

    /// Adds a byte that was read as a header byte to the payload after all
    /// (lenient resync inside a message). Outside a message it is skipped.
    fn append_byte(&mut self, buf: &mut BytesMut, b: u8) -> Result<(), FramingError> {
        if let Some(ps) = self.payload_start {
            if self.write - ps >= self.max {
                return Err(self.too_large());
            }
            // `write < pos` here: the byte was consumed and not yet appended.
            if let Some(slot) = buf.get_mut(self.write) {
                *slot = b;
            }
            self.write += 1;
        }
        Ok(())
    }

    /// Lenient resync: skips (between messages) or keeps as payload (inside
    /// one) everything up to the next `#` or LF.
    fn resync(&mut self, buf: &mut BytesMut, from: u64) -> Result<(), FramingError> {
        let rest = buf.get(self.pos..).unwrap_or_default();
        let found = memchr::memchr2(b'#', b'\n', rest);
        let n = found.unwrap_or(rest.len());
        if let Some(ps) = self.payload_start {
            if (self.write - ps).saturating_add(n) > self.max {
                return Err(self.too_large());
            }
            self.append(buf, n);
        } else {
            self.pos += n;
        }
        if found.is_some() {
            let b = buf.get(self.pos).copied().unwrap_or(b'#');
            self.pos += 1;
            if b == b'#' {
                self.end_resync(from, self.here());
            } else {
                self.state = State::ResyncLf { from };
            }
        }
        Ok(())
    }

    /// Resync found a `#` at `header`: report what was passed over, read a header.
    fn end_resync(&mut self, from: u64, header: u64) {
        self.flush_lost(from, header);
        if !self.started {
            self.msg_start = header;
            self.started = true;
        }
        self.header_start = header;
        self.state = State::Hash;
    }

    /// Reports the violation that started a resync over `from..to`.
    fn flush_lost(&mut self, from: u64, to: u64) {
        let Some(mut v) = self.lost.take() else {
            return;
        };
        let what = if self.payload_start.is_some() {
            "kept as payload"
        } else {
            "skipped"
        };
        if let Some(span) = &mut v.span {
            span.end = span.end.max(to);
        }
        v.detail = format!(
            "{}; {} bytes up to the next '#' {what}",
            v.detail,
            to.saturating_sub(from)
        );
        self.pending.push(v);
    }

    /// The end-of-chunks marker was read: hand the payload out.
    fn complete(&mut self, buf: &mut BytesMut) -> Frame {
        let end = self.pos;
        let ps = self.payload_start.unwrap_or(end);
        let len = self.write - ps;
        buf.advance(ps);
        let payload = buf.split_to(len).freeze();
        buf.advance(end - ps - len);
        let span = Span::new(self.msg_start, self.base + end as u64);
        self.base += end as u64;
        self.pos = 0;
        self.reset_message();
        self.pending.frame(payload, span, Framing::Chunked)
    }
}
