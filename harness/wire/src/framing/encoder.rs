//! Encoders for both framings, writing into a caller's [`BytesMut`].

use super::{END_OF_CHUNKS, EOM_DELIMITER, Framing, FramingError, MAX_CHUNK_SIZE};
use bytes::{BufMut, BytesMut};
use memchr::memmem;

/// The chunk size [`Encoder`] uses once it switched to chunked framing.
pub const DEFAULT_CHUNK_SIZE: u32 = 4096;

/// Writes messages followed by `]]>]]>` (base:1.0, RFC 6242 §4.3).
#[derive(Debug, Clone)]
pub struct EomEncoder {
    finder: memmem::Finder<'static>,
}

impl Default for EomEncoder {
    fn default() -> Self {
        Self::new()
    }
}

impl EomEncoder {
    /// An end-of-message encoder.
    pub fn new() -> Self {
        EomEncoder {
            finder: memmem::Finder::new(EOM_DELIMITER).into_owned(),
        }
    }

    /// Appends `payload` and `]]>]]>` to `dst`.
    ///
    /// Refuses a payload that would end early on the wire: one containing
    /// `]]>]]>`, or ending with `]]>` (which the delimiter completes to
    /// `]]>]]>` three bytes too soon). `dst` is then left as it was.
    pub fn encode(&self, payload: &[u8], dst: &mut BytesMut) -> Result<(), FramingError> {
        if let Some(at) = self.finder.find(payload) {
            return Err(FramingError::DelimiterInPayload { at });
        }
        if payload.ends_with(b"]]>") {
            return Err(FramingError::DelimiterInPayload {
                at: payload.len() - 3,
            });
        }
        dst.reserve(payload.len() + EOM_DELIMITER.len());
        dst.put_slice(payload);
        dst.put_slice(EOM_DELIMITER);
        Ok(())
    }
}

/// Writes chunked messages (base:1.1, RFC 6242 §4.2).
///
/// Chunk sizes come from a list that is cycled through across messages: one
/// size for fixed chunks, or any sequence (e.g. seeded random sizes, to test
/// a peer's reassembly). The last chunk of a message is cut to what is left.
#[derive(Debug, Clone)]
pub struct ChunkedEncoder {
    sizes: Vec<u32>,
    next: usize,
    /// The smallest size and the longest header (`LF # digits LF`), for reserving.
    smallest: usize,
    longest_header: usize,
}

impl ChunkedEncoder {
    /// An encoder that cuts payloads into chunks of `chunk_size` bytes (1..=4294967295).
    pub fn new(chunk_size: u32) -> Result<Self, FramingError> {
        Self::with_sizes(vec![chunk_size])
    }

    /// An encoder that takes chunk sizes from `sizes` in turn, starting over
    /// at the end of the list. Each size is 1..=4294967295; the list is not empty.
    pub fn with_sizes(sizes: Vec<u32>) -> Result<Self, FramingError> {
        if sizes.is_empty() || sizes.contains(&0) {
            return Err(FramingError::InvalidChunkSizes {
                sizes: sizes.iter().take(8).map(|&s| u64::from(s)).collect(),
            });
        }
        let smallest = sizes.iter().copied().min().unwrap_or(1) as usize;
        let largest = sizes.iter().copied().max().unwrap_or(1);
        Ok(ChunkedEncoder {
            sizes,
            next: 0,
            smallest,
            longest_header: 3 + largest.checked_ilog10().unwrap_or(0) as usize + 1,
        })
    }

    /// Appends `payload` to `dst` as one chunked message.
    ///
    /// Refuses an empty payload (a chunked message has at least one chunk of
    /// at least one byte); `dst` is then left as it was.
    pub fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<(), FramingError> {
        if payload.is_empty() {
            return Err(FramingError::EmptyChunkedMessage);
        }
        // One reservation: every chunk at its smallest size, every header at its longest.
        let chunks = payload.len() / self.smallest.max(1) + 1;
        dst.reserve(
            payload.len() + chunks.saturating_mul(self.longest_header) + END_OF_CHUNKS.len(),
        );
        let mut rest = payload;
        while !rest.is_empty() {
            let size = self
                .sizes
                .get(self.next)
                .copied()
                .unwrap_or(DEFAULT_CHUNK_SIZE);
            self.next = (self.next + 1) % self.sizes.len().max(1);
            let n = (size as usize).min(rest.len());
            let (chunk, tail) = rest.split_at(n);
            put_header(dst, n as u64);
            dst.put_slice(chunk);
            rest = tail;
        }
        dst.put_slice(END_OF_CHUNKS);
        Ok(())
    }
}

/// Writes `LF # size LF`.
fn put_header(dst: &mut BytesMut, size: u64) {
    debug_assert!((1..=MAX_CHUNK_SIZE).contains(&size));
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = size;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    dst.put_slice(b"\n#");
    dst.put_slice(&digits[i..]);
    dst.put_u8(b'\n');
}

/// A sending side's encoder: end-of-message framing until [`Self::switch_to_chunked`],
/// which a session calls once both hellos announced base:1.1.
#[derive(Debug, Clone)]
pub struct Encoder {
    framing: Framing,
    eom: EomEncoder,
    chunked: ChunkedEncoder,
}

impl Default for Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Encoder {
    /// An encoder in end-of-message framing that will use [`DEFAULT_CHUNK_SIZE`] chunks.
    pub fn new() -> Self {
        Encoder {
            framing: Framing::EndOfMessage,
            eom: EomEncoder::new(),
            chunked: ChunkedEncoder {
                sizes: vec![DEFAULT_CHUNK_SIZE],
                next: 0,
                smallest: DEFAULT_CHUNK_SIZE as usize,
                longest_header: 7,
            },
        }
    }

    /// An encoder in end-of-message framing that will use `chunked` once switched.
    pub fn with_chunked(chunked: ChunkedEncoder) -> Self {
        Encoder {
            framing: Framing::EndOfMessage,
            eom: EomEncoder::new(),
            chunked,
        }
    }

    /// The framing the next message will be written in.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Writes every later message chunked.
    pub fn switch_to_chunked(&mut self) {
        self.framing = Framing::Chunked;
    }

    /// Appends `payload`, framed, to `dst`.
    pub fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<(), FramingError> {
        match self.framing {
            Framing::EndOfMessage => self.eom.encode(payload, dst),
            Framing::Chunked => self.chunked.encode(payload, dst),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eom_encoder_appends_the_delimiter() {
        let mut dst = BytesMut::new();
        EomEncoder::new().encode(b"<a/>", &mut dst).unwrap();
        assert_eq!(&dst[..], b"<a/>]]>]]>");
    }

    #[test]
    fn eom_encoder_refuses_a_payload_containing_the_delimiter() {
        let mut dst = BytesMut::from(&b"x"[..]);
        let e = EomEncoder::new().encode(b"<a>]]>]]></a>", &mut dst);
        assert_eq!(e, Err(FramingError::DelimiterInPayload { at: 3 }));
        assert_eq!(&dst[..], b"x", "dst is untouched");
    }

    #[test]
    fn eom_encoder_refuses_a_payload_the_delimiter_would_complete_early() {
        let mut dst = BytesMut::new();
        let e = EomEncoder::new().encode(b"<a/>]]>", &mut dst);
        assert_eq!(e, Err(FramingError::DelimiterInPayload { at: 4 }));
        EomEncoder::new().encode(b"<a/>]]>]]", &mut dst).unwrap();
        assert_eq!(&dst[..], b"<a/>]]>]]]]>]]>");
    }

    #[test]
    fn chunked_encoder_cuts_fixed_chunks_and_a_short_last_one() {
        let mut dst = BytesMut::new();
        ChunkedEncoder::new(4)
            .unwrap()
            .encode(b"0123456789", &mut dst)
            .unwrap();
        assert_eq!(&dst[..], b"\n#4\n0123\n#4\n4567\n#2\n89\n##\n");
    }

    #[test]
    fn chunked_encoder_cycles_through_sizes_across_messages() {
        let mut enc = ChunkedEncoder::with_sizes(vec![1, 2]).unwrap();
        let mut dst = BytesMut::new();
        enc.encode(b"abc", &mut dst).unwrap();
        enc.encode(b"de", &mut dst).unwrap();
        assert_eq!(&dst[..], b"\n#1\na\n#2\nbc\n##\n\n#1\nd\n#1\ne\n##\n");
    }

    #[test]
    fn chunked_encoder_refuses_empty_payload_and_zero_sizes() {
        let mut dst = BytesMut::new();
        let mut enc = ChunkedEncoder::new(10).unwrap();
        assert_eq!(
            enc.encode(b"", &mut dst),
            Err(FramingError::EmptyChunkedMessage)
        );
        assert!(dst.is_empty());
        assert!(ChunkedEncoder::new(0).is_err());
        assert!(ChunkedEncoder::with_sizes(vec![]).is_err());
        assert!(ChunkedEncoder::with_sizes(vec![5, 0]).is_err());
    }

    #[test]
    fn chunked_encoder_writes_the_largest_chunk_size() {
        let mut dst = BytesMut::new();
        put_header(&mut dst, MAX_CHUNK_SIZE);
        assert_eq!(&dst[..], b"\n#4294967295\n");
    }

    #[test]
    fn encoder_switches_from_eom_to_chunked() {
        let mut enc = Encoder::new();
        let mut dst = BytesMut::new();
        enc.encode(b"<hello/>", &mut dst).unwrap();
        enc.switch_to_chunked();
        enc.encode(b"<rpc/>", &mut dst).unwrap();
        assert_eq!(&dst[..], b"<hello/>]]>]]>\n#6\n<rpc/>\n##\n");
        assert_eq!(enc.framing(), Framing::Chunked);
    }
}
