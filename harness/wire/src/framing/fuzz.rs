//! Fuzz oracles for the framing layer.
//!
//! The `fuzz/` targets call these in one line each, and `cargo test` replays
//! the corpus through them, so the logic lives here where plain builds
//! compile it. Each oracle decodes arbitrary bytes under several ways of
//! splitting them into reads, in both strict and lenient mode and under two
//! limits, and checks:
//!
//! - **split independence**: every split gives the same frames, the same
//!   error or the same left-over violations;
//! - **strict agrees with lenient** on input without violations;
//! - **sane frames**: spans in stream order inside the input, payloads within the limit;
//! - **round trip**: every decoded payload, encoded again (end-of-message,
//!   and chunked with sizes taken from the data), decodes to the same payload.
//!
//! They panic only when one of these oracles is broken, with a message
//! saying which; any other input must pass.

use super::{
    ChunkedDecoder, ChunkedEncoder, Decoder, EomDecoder, EomEncoder, Frame, Framing, FramingError,
    Strictness, rules,
};
use crate::violation::Violation;
use bytes::BytesMut;

/// What decoding a whole stream produced.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    frames: Vec<Frame>,
    /// The error that stopped the decoder, or the violations left over at the end.
    end: Result<Vec<Violation>, FramingError>,
}

trait Decode {
    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError>;
    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError>;
    fn take_violations(&mut self) -> Vec<Violation>;
}

macro_rules! impl_decode {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
                <$t>::decode(self, buf)
            }
            fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError> {
                <$t>::decode_eof(self, buf)
            }
            fn take_violations(&mut self) -> Vec<Violation> {
                <$t>::take_violations(self)
            }
        }
    )*};
}
impl_decode!(EomDecoder, ChunkedDecoder, Decoder);

/// Feeds `data` to `dec` in reads of the sizes in `reads` (cycled).
fn run<D: Decode>(mut dec: D, data: &[u8], reads: &[usize]) -> Outcome {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let n = reads
            .get(i % reads.len().max(1))
            .copied()
            .unwrap_or(1)
            .clamp(1, rest.len());
        i += 1;
        let (read, tail) = rest.split_at(n);
        rest = tail;
        buf.extend_from_slice(read);
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(f)) => frames.push(f),
                Ok(None) => break,
                Err(e) => {
                    return Outcome {
                        frames,
                        end: Err(e),
                    };
                }
            }
        }
    }
    loop {
        match dec.decode_eof(&mut buf) {
            Ok(Some(f)) => frames.push(f),
            Ok(None) => break,
            Err(e) => {
                return Outcome {
                    frames,
                    end: Err(e),
                };
            }
        }
    }
    assert!(
        buf.is_empty(),
        "oracle broken: decode_eof returned Ok(None) with {} bytes left in the buffer",
        buf.len()
    );
    Outcome {
        frames,
        end: Ok(dec.take_violations()),
    }
}

/// Inputs up to this size are also read byte by byte. Larger ones are cut
/// into pieces of sizes taken from the data only: byte-by-byte reads of a
/// large input cost the fuzzer most of its executions and find nothing the
/// small inputs do not.
const BYTE_BY_BYTE_MAX: usize = 2048;

/// Ways of cutting `data` into reads: whole, byte by byte (small inputs),
/// sizes taken from the data, and two halves at a point taken from the data.
fn splits(data: &[u8]) -> Vec<Vec<usize>> {
    let len = data.len().max(1);
    let mut out = vec![vec![len]];
    if data.len() <= BYTE_BY_BYTE_MAX {
        out.push(vec![1]);
    }
    let from_data: Vec<usize> = data
        .iter()
        .take(64)
        .map(|&b| usize::from(b % 13) + 1)
        .collect();
    if !from_data.is_empty() {
        out.push(from_data);
    }
    let cut = data.last().map_or(0, |&b| usize::from(b)) % len;
    if cut > 0 {
        out.push(vec![cut, len]);
    }
    out
}

fn limits(data: &[u8]) -> [usize; 2] {
    [data.len(), data.first().map_or(0, |&b| usize::from(b % 32))]
}

fn check<D: Decode>(name: &str, data: &[u8], make: impl Fn(usize, Strictness) -> D) {
    for limit in limits(data) {
        let mut by_mode = Vec::new();
        for strictness in [Strictness::Strict, Strictness::Lenient] {
            let reads = splits(data);
            let reference = run(make(limit, strictness), data, &reads[0]);
            for r in &reads[1..] {
                let other = run(make(limit, strictness), data, r);
                assert_eq!(
                    other, reference,
                    "oracle broken: {name} ({strictness:?}, limit {limit}) decodes differently \
                     when the input is read in pieces of {r:?} than in one read"
                );
            }
            check_frames(name, data, limit, &reference);
            by_mode.push(reference);
        }
        if let [strict, lenient] = &by_mode[..]
            && strict.end == Ok(Vec::new())
            && strict.frames.iter().all(|f| f.violations.is_empty())
        {
            assert_eq!(
                strict, lenient,
                "oracle broken: {name} (limit {limit}) strict and lenient disagree on input \
                 without violations"
            );
        }
    }
}

fn check_frames(name: &str, data: &[u8], limit: usize, out: &Outcome) {
    let mut prev_end = 0u64;
    for f in &out.frames {
        assert!(
            f.span.start >= prev_end
                && f.span.start <= f.span.end
                && f.span.end <= data.len() as u64,
            "oracle broken: {name} frame span {} is out of order or outside the {}-byte input",
            f.span,
            data.len()
        );
        assert!(
            f.payload.len() as u64 <= f.span.end - f.span.start,
            "oracle broken: {name} payload of {} bytes is longer than its span {}",
            f.payload.len(),
            f.span
        );
        assert!(
            f.payload.len() <= limit,
            "oracle broken: {name} returned a {}-byte payload over the limit {limit}",
            f.payload.len()
        );
        prev_end = f.span.end;
        round_trip(name, data, &f.payload[..]);
    }
}

/// Encodes `payload` in both framings and decodes it back.
fn round_trip(name: &str, data: &[u8], payload: &[u8]) {
    let mut wire = BytesMut::new();
    match EomEncoder::new().encode(payload, &mut wire) {
        Ok(()) => {
            let out = run(
                EomDecoder::new(payload.len(), Strictness::Lenient),
                &wire,
                &[wire.len()],
            );
            let ok = out.end == Ok(Vec::new())
                && out.frames.len() == 1
                && out.frames.iter().all(|f| {
                    f.payload == payload
                        && f.framing == Framing::EndOfMessage
                        && f.violations
                            .iter()
                            .all(|v| v.rule == rules::CHUNK_IN_EOM_FRAMING)
                });
            assert!(
                ok,
                "oracle broken: {name} payload {payload:?} does not survive an end-of-message \
                 round trip: {out:?}"
            );
        }
        Err(FramingError::DelimiterInPayload { .. }) => {}
        Err(e) => panic!("oracle broken: {name} end-of-message encoder failed with {e}"),
    }

    let sizes: Vec<u32> = data
        .iter()
        .take(8)
        .map(|&b| u32::from(b) + 1)
        .chain([4096])
        .collect();
    let mut enc = match ChunkedEncoder::with_sizes(sizes) {
        Ok(enc) => enc,
        Err(e) => panic!("oracle broken: chunked encoder refused sizes 1..=4096: {e}"),
    };
    let mut wire = BytesMut::new();
    match enc.encode(payload, &mut wire) {
        Ok(()) => {
            let out = run(
                ChunkedDecoder::new(payload.len(), Strictness::Strict),
                &wire,
                &[wire.len()],
            );
            let ok = out.end == Ok(Vec::new())
                && out.frames.len() == 1
                && out.frames.iter().all(|f| {
                    f.payload == payload
                        && f.violations.is_empty()
                        && f.span.end == wire.len() as u64
                });
            assert!(
                ok,
                "oracle broken: {name} payload {payload:?} does not survive a chunked round \
                 trip: {out:?}"
            );
        }
        Err(FramingError::EmptyChunkedMessage) if payload.is_empty() => {}
        Err(e) => panic!("oracle broken: {name} chunked encoder failed with {e}"),
    }
}

/// End-of-message framing oracle: [`EomDecoder`] and [`Decoder`] in
/// end-of-message framing on arbitrary bytes.
pub fn eom(data: &[u8]) {
    check("EomDecoder", data, EomDecoder::new);
    check("Decoder(end-of-message)", data, Decoder::new);
}

/// Chunked framing oracle: [`ChunkedDecoder`] and [`Decoder`] in chunked
/// framing on arbitrary bytes.
pub fn chunked(data: &[u8]) {
    check("ChunkedDecoder", data, ChunkedDecoder::new);
    check("Decoder(chunked)", data, |limit, strictness| {
        Decoder::with_framing(limit, strictness, Framing::Chunked)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracles_pass_on_small_valid_and_broken_streams() {
        let inputs: &[&[u8]] = &[
            b"",
            b"<a/>]]>]]>",
            b"<a/>]]>]]><b/>]]>]]>trailing",
            b"\n#4\n<a/>\n##\n",
            b"\n#2\n<a\n#2\n/>\n##\n\n#1\nx\n##\n",
            b"\n#007\nabcdefg\n##\n",
            b"\n#0\n\n##\n",
            b"\n#4294967296\nx\n##\n",
            b"\n#3\nabc#1\nd\n##\n",
            b"\n#3\nabcdef\n##\n",
            b"\n##\n\n#1\nx\n##\n",
            b"\n#1x\nabc\n##\n",
            b"\n#10\nshort",
            b"<rpc/>]]>]]>\n#3\nabc\n##\n",
            b"\n##x\n#1\ny\n##\n",
            b"\n\n#1\nz\n##\n\n",
        ];
        for data in inputs {
            eom(data);
            chunked(data);
        }
    }
}
