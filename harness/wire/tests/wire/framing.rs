//! RFC 6242 framing: the RFC's examples, valid and malformed streams, every
//! split point, limits, lenient recovery, the switch to chunked framing, and
//! property tests.

use bytes::BytesMut;
use confuzz_wire::framing::{
    self, ChunkedDecoder, ChunkedEncoder, Decoder, Encoder, EomDecoder, EomEncoder, Frame, Framing,
    FramingError, Lookahead, Strictness, rules,
};
use confuzz_wire::{Level, Rule, Span, Violation};
use proptest::prelude::*;

/// The chunked example of RFC 6242 §4.2: `<rpc message-id="102">` with a
/// `<close-session/>` in three chunks.
const RFC6242_CHUNKED_EXAMPLE: &[u8] = b"\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#79\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>\n##\n";

/// The payload the RFC 6242 §4.2 example carries.
const RFC6242_CHUNKED_PAYLOAD: &[u8] = b"<rpc message-id=\"102\"\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>";

/// A hello followed by `]]>]]>`, in the style of the RFC 6242 §4.3 examples.
const EOM_HELLO: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <capabilities>\n    <capability>urn:ietf:params:netconf:base:1.0</capability>\n    <capability>urn:ietf:params:netconf:base:1.1</capability>\n  </capabilities>\n</hello>]]>]]>";

/// An rpc and its reply, end-of-message framed.
const EOM_RPC: &[u8] = b"<rpc message-id=\"101\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <get-chassis-inventory/>\n</rpc>]]>]]>";

const LIMIT: usize = 1 << 20;

trait Dec {
    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError>;
    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FramingError>;
    fn take_violations(&mut self) -> Vec<Violation>;
}

macro_rules! impl_dec {
    ($($t:ty),*) => {$(
        impl Dec for $t {
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
impl_dec!(EomDecoder, ChunkedDecoder, Decoder);

/// Everything a decoder produced from a whole stream.
#[derive(Debug, PartialEq)]
struct Outcome {
    frames: Vec<Frame>,
    end: Result<Vec<Violation>, FramingError>,
}

impl Outcome {
    fn payloads(&self) -> Vec<&[u8]> {
        self.frames.iter().map(|f| &f.payload[..]).collect()
    }

    /// Every violation's rule id, frames first, then the left-over ones or the error's.
    fn rules(&self) -> Vec<&'static str> {
        let mut out: Vec<&str> = self
            .frames
            .iter()
            .flat_map(|f| f.violations.iter().map(|v| v.rule.id))
            .collect();
        match &self.end {
            Ok(vs) => out.extend(vs.iter().map(|v| v.rule.id)),
            Err(FramingError::Violation(v)) => out.push(v.rule.id),
            Err(_) => {}
        }
        out
    }

    fn error_rule(&self) -> Option<Rule> {
        match &self.end {
            Err(FramingError::Violation(v)) => Some(v.rule),
            _ => None,
        }
    }
}

/// Feeds `input` in the read sizes of `reads` (cycled), then ends the stream.
fn feed<D: Dec>(mut d: D, input: &[u8], reads: &[usize]) -> Outcome {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = reads[i % reads.len()].clamp(1, rest.len());
        i += 1;
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        loop {
            match d.decode(&mut buf) {
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
        match d.decode_eof(&mut buf) {
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
    assert!(buf.is_empty(), "decode_eof left bytes behind");
    Outcome {
        frames,
        end: Ok(d.take_violations()),
    }
}

fn whole<D: Dec>(d: D, input: &[u8]) -> Outcome {
    feed(d, input, &[input.len().max(1)])
}

fn eom(s: Strictness) -> EomDecoder {
    EomDecoder::new(LIMIT, s)
}

fn chunked(s: Strictness) -> ChunkedDecoder {
    ChunkedDecoder::new(LIMIT, s)
}

fn chunk(payload: &[u8], size: u32) -> Vec<u8> {
    let mut dst = BytesMut::new();
    ChunkedEncoder::new(size)
        .unwrap()
        .encode(payload, &mut dst)
        .unwrap();
    dst.to_vec()
}

// ---------------------------------------------------------------- RFC examples

#[test]
fn decode_reads_the_rfc_6242_chunked_example() {
    let out = whole(chunked(Strictness::Strict), RFC6242_CHUNKED_EXAMPLE);
    assert_eq!(out.end, Ok(vec![]));
    assert_eq!(out.payloads(), vec![RFC6242_CHUNKED_PAYLOAD]);
    let f = &out.frames[0];
    assert_eq!(
        f.span,
        Span::new(0, RFC6242_CHUNKED_EXAMPLE.len() as u64),
        "the span covers headers and end-of-chunks"
    );
    assert_eq!(f.framing, Framing::Chunked);
    assert!(f.violations.is_empty());
}

#[test]
fn encode_reproduces_the_rfc_6242_chunked_example_with_its_chunk_sizes() {
    let mut enc = ChunkedEncoder::with_sizes(vec![4, 18, 79]).unwrap();
    let mut dst = BytesMut::new();
    enc.encode(RFC6242_CHUNKED_PAYLOAD, &mut dst).unwrap();
    assert_eq!(&dst[..], RFC6242_CHUNKED_EXAMPLE);
}

#[test]
fn decode_reads_end_of_message_hello_and_rpc() {
    let stream = [EOM_HELLO, EOM_RPC].concat();
    let out = whole(eom(Strictness::Strict), &stream);
    assert_eq!(out.end, Ok(vec![]));
    assert_eq!(
        out.payloads(),
        vec![
            &EOM_HELLO[..EOM_HELLO.len() - 6],
            &EOM_RPC[..EOM_RPC.len() - 6]
        ]
    );
    assert_eq!(out.frames[0].span, Span::new(0, EOM_HELLO.len() as u64));
    assert_eq!(
        out.frames[1].span,
        Span::new(EOM_HELLO.len() as u64, stream.len() as u64)
    );
}

// ---------------------------------------------------------------- valid cases

/// (name, stream, payloads)
type Valid = (&'static str, &'static [u8], &'static [&'static [u8]]);

/// End-of-message streams and their payloads.
const VALID_EOM: &[Valid] = &[
    ("one message", b"<a/>]]>]]>", &[b"<a/>"]),
    ("two messages", b"<a/>]]>]]><b/>]]>]]>", &[b"<a/>", b"<b/>"]),
    ("empty message", b"]]>]]>", &[b""]),
    (
        "partial delimiters inside",
        b"a]]>b]]>]]c]]]>]]>",
        &[b"a]]>b]]>]]c]"],
    ),
    ("delimiter run", b"x]]>]]>]]>]]>", &[b"x", b""]),
    (
        "newline between messages",
        b"<a/>]]>]]>\n<b/>]]>]]>",
        &[b"<a/>", b"\n<b/>"],
    ),
    ("hash inside payload", b"<a>#1</a>]]>]]>", &[b"<a>#1</a>"]),
];

/// Chunked streams and their payloads.
const VALID_CHUNKED: &[Valid] = &[
    ("one chunk", b"\n#4\n<a/>\n##\n", &[b"<a/>"]),
    ("one byte chunks", b"\n#1\na\n#1\nb\n##\n", &[b"ab"]),
    (
        "two messages",
        b"\n#1\na\n##\n\n#2\nbc\n##\n",
        &[b"a", b"bc"],
    ),
    (
        "markers inside chunk data",
        b"\n#8\n\n##\n\n#1\n\n##\n",
        &[b"\n##\n\n#1\n"],
    ),
    (
        "multi-digit size",
        b"\n#11\n<rpc></rpc>\n##\n",
        &[b"<rpc></rpc>"],
    ),
];

#[test]
fn decode_valid_end_of_message_streams() {
    for (name, input, payloads) in VALID_EOM {
        for s in [Strictness::Strict, Strictness::Lenient] {
            let out = whole(eom(s), input);
            assert_eq!(out.end, Ok(vec![]), "{name}");
            assert_eq!(out.payloads(), payloads.to_vec(), "{name}");
            assert!(out.rules().is_empty(), "{name}: {:?}", out.rules());
        }
    }
}

#[test]
fn decode_valid_chunked_streams() {
    for (name, input, payloads) in VALID_CHUNKED {
        for s in [Strictness::Strict, Strictness::Lenient] {
            let out = whole(chunked(s), input);
            assert_eq!(out.end, Ok(vec![]), "{name}");
            assert_eq!(out.payloads(), payloads.to_vec(), "{name}");
        }
    }
}

// ---------------------------------------------------------------- malformed cases

struct Malformed {
    name: &'static str,
    input: &'static [u8],
    /// The rule strict mode stops at.
    strict: Rule,
    /// What lenient mode makes of it: payloads, then every rule reported in order.
    lenient_payloads: &'static [&'static [u8]],
    lenient_rules: &'static [Rule],
}

const MALFORMED_CHUNKED: &[Malformed] = &[
    Malformed {
        name: "chunk-size zero",
        input: b"\n#0\n\n#1\nx\n##\n",
        strict: rules::CHUNK_SIZE_ZERO,
        lenient_payloads: &[b"x"],
        lenient_rules: &[rules::CHUNK_SIZE_ZERO],
    },
    Malformed {
        name: "leading zero",
        input: b"\n#007\nabcdefg\n##\n",
        strict: rules::CHUNK_SIZE_LEADING_ZERO,
        lenient_payloads: &[b"abcdefg"],
        lenient_rules: &[rules::CHUNK_SIZE_LEADING_ZERO],
    },
    Malformed {
        name: "ten digits with leading zeros",
        input: b"\n#0000000001\nz\n##\n",
        strict: rules::CHUNK_SIZE_LEADING_ZERO,
        lenient_payloads: &[b"z"],
        lenient_rules: &[rules::CHUNK_SIZE_LEADING_ZERO],
    },
    Malformed {
        name: "non-digit in size",
        input: b"\n#1a\nb\n##\n\n#1\nc\n##\n",
        strict: rules::CHUNK_SIZE_NOT_DIGIT,
        lenient_payloads: &[b"c"],
        lenient_rules: &[
            rules::CHUNK_SIZE_NOT_DIGIT,
            rules::END_OF_CHUNKS_WITHOUT_CHUNK,
        ],
    },
    Malformed {
        name: "empty size",
        input: b"\n#\nabc\n#1\nd\n##\n",
        strict: rules::CHUNK_SIZE_NOT_DIGIT,
        lenient_payloads: &[b"d"],
        lenient_rules: &[rules::CHUNK_SIZE_NOT_DIGIT],
    },
    Malformed {
        name: "negative size",
        input: b"\n#-1\n",
        strict: rules::CHUNK_SIZE_NOT_DIGIT,
        lenient_payloads: &[],
        lenient_rules: &[rules::CHUNK_SIZE_NOT_DIGIT],
    },
    Malformed {
        name: "message without chunk header",
        input: b"<rpc/>\n#1\nx\n##\n",
        strict: rules::CHUNK_HEADER_START,
        lenient_payloads: &[b"x"],
        lenient_rules: &[rules::CHUNK_HEADER_START],
    },
    Malformed {
        name: "blank line before header",
        input: b"\n\n#1\nx\n##\n",
        strict: rules::CHUNK_HEADER_START,
        lenient_payloads: &[b"x"],
        lenient_rules: &[rules::CHUNK_HEADER_START],
    },
    Malformed {
        name: "missing LF before next hash",
        input: b"\n#3\nabc#1\nd\n##\n",
        strict: rules::CHUNK_MISSING_LF,
        lenient_payloads: &[b"abcd"],
        lenient_rules: &[rules::CHUNK_MISSING_LF],
    },
    Malformed {
        name: "missing LF before end-of-chunks",
        input: b"\n#3\nabc##\n",
        strict: rules::CHUNK_MISSING_LF,
        lenient_payloads: &[b"abc"],
        lenient_rules: &[rules::CHUNK_MISSING_LF],
    },
    Malformed {
        name: "chunk data longer than its size",
        input: b"\n#3\nabcdef\n##\n",
        strict: rules::CHUNK_HEADER_START,
        lenient_payloads: &[b"abcdef"],
        lenient_rules: &[rules::CHUNK_HEADER_START],
    },
    Malformed {
        name: "end-of-chunks with no chunk",
        input: b"\n##\n\n#1\nx\n##\n",
        strict: rules::END_OF_CHUNKS_WITHOUT_CHUNK,
        lenient_payloads: &[b"x"],
        lenient_rules: &[rules::END_OF_CHUNKS_WITHOUT_CHUNK],
    },
    Malformed {
        name: "end-of-chunks without final LF",
        input: b"\n#1\na\n##\r\n#1\nb\n##\n",
        strict: rules::END_OF_CHUNKS_MALFORMED,
        lenient_payloads: &[b"a", b"b"],
        lenient_rules: &[rules::END_OF_CHUNKS_MALFORMED, rules::CHUNK_HEADER_START],
    },
    Malformed {
        name: "truncated chunk at end of stream",
        input: b"\n#10\nshort",
        strict: rules::CHUNKED_TRUNCATED,
        lenient_payloads: &[b"short"],
        lenient_rules: &[rules::CHUNKED_TRUNCATED],
    },
    Malformed {
        name: "missing end-of-chunks at end of stream",
        input: b"\n#2\nok",
        strict: rules::CHUNKED_TRUNCATED,
        lenient_payloads: &[b"ok"],
        lenient_rules: &[rules::CHUNKED_TRUNCATED],
    },
    Malformed {
        name: "truncated header at end of stream",
        input: b"\n#1\na\n##\n\n#12",
        strict: rules::CHUNKED_TRUNCATED,
        lenient_payloads: &[b"a"],
        lenient_rules: &[rules::CHUNKED_TRUNCATED],
    },
];

const MALFORMED_EOM: &[Malformed] = &[
    Malformed {
        name: "hello sent chunked",
        input: b"\n#8\n<hello/>\n##\n]]>]]>",
        strict: rules::CHUNK_IN_EOM_FRAMING,
        lenient_payloads: &[b"\n#8\n<hello/>\n##\n"],
        lenient_rules: &[rules::CHUNK_IN_EOM_FRAMING],
    },
    Malformed {
        name: "last message without delimiter",
        input: b"<a/>]]>]]><b/>",
        strict: rules::EOM_TRUNCATED,
        lenient_payloads: &[b"<a/>", b"<b/>"],
        lenient_rules: &[rules::EOM_TRUNCATED],
    },
    Malformed {
        name: "half a delimiter at end of stream",
        input: b"<a/>]]>",
        strict: rules::EOM_TRUNCATED,
        lenient_payloads: &[b"<a/>]]>"],
        lenient_rules: &[rules::EOM_TRUNCATED],
    },
];

fn check_malformed<D: Dec>(table: &[Malformed], make: impl Fn(Strictness) -> D) {
    for case in table {
        let strict = whole(make(Strictness::Strict), case.input);
        assert_eq!(
            strict.error_rule(),
            Some(case.strict),
            "{}: strict outcome {strict:?}",
            case.name
        );
        let lenient = whole(make(Strictness::Lenient), case.input);
        assert_eq!(
            lenient.payloads(),
            case.lenient_payloads.to_vec(),
            "{}: lenient outcome {lenient:?}",
            case.name
        );
        let want: Vec<&str> = case.lenient_rules.iter().map(|r| r.id).collect();
        assert_eq!(lenient.rules(), want, "{}: {lenient:?}", case.name);
        assert!(lenient.end.is_ok(), "{}: {lenient:?}", case.name);
    }
}

#[test]
fn decode_malformed_chunked_streams_strict_stops_lenient_recovers() {
    check_malformed(MALFORMED_CHUNKED, chunked);
}

#[test]
fn decode_malformed_end_of_message_streams_strict_stops_lenient_recovers() {
    check_malformed(MALFORMED_EOM, eom);
}

#[test]
fn decode_rejects_chunk_size_above_4294967295_in_both_modes() {
    for input in [&b"\n#4294967296\nx"[..], b"\n#99999999999\nx"] {
        let strict = whole(chunked(Strictness::Strict), input);
        assert_eq!(strict.error_rule(), Some(rules::CHUNK_SIZE_TOO_LARGE));
        // Lenient mode would accept the number, but no sane limit lets it through.
        let lenient = whole(chunked(Strictness::Lenient), input);
        assert_eq!(
            lenient.end,
            Err(FramingError::TooLarge {
                limit: LIMIT,
                start: 0
            })
        );
        assert_eq!(lenient.rules(), Vec::<&str>::new());
    }
}

#[test]
fn decode_accepts_the_largest_chunk_size_header_when_the_limit_allows() {
    let mut d = ChunkedDecoder::new(usize::MAX, Strictness::Strict);
    let mut buf = BytesMut::from(&b"\n#4294967295\nabc"[..]);
    assert_eq!(d.decode(&mut buf), Ok(None));
}

#[test]
fn decode_rejects_a_header_with_too_many_digits() {
    let input = [&b"\n#"[..], &[b'0'; 40], b"1\nx\n##\n"].concat();
    let out = whole(chunked(Strictness::Lenient), &input);
    assert!(
        matches!(out.end, Err(FramingError::HeaderTooLong { at: 1, .. })),
        "{out:?}"
    );
}

#[test]
fn violation_spans_point_at_the_offending_bytes() {
    let input = b"\n#1\na\n##\n\n#007\nabcdefg\n##\n";
    let out = whole(chunked(Strictness::Strict), input);
    let Err(FramingError::Violation(v)) = &out.end else {
        panic!("{out:?}")
    };
    assert_eq!(v.rule, rules::CHUNK_SIZE_LEADING_ZERO);
    // The header starts at byte 9 (`\n#00`), the second zero is byte 12.
    assert_eq!(v.span, Some(Span::new(9, 13)));
    assert_eq!(v.level, Level::Error);
    assert_eq!(v.scope, confuzz_wire::Scope::Session);
    assert_eq!(
        out.frames.len(),
        1,
        "the message before the violation is returned"
    );
}

#[test]
fn strict_decoder_keeps_returning_its_error() {
    let mut d = chunked(Strictness::Strict);
    let mut buf = BytesMut::from(&b"\n#0\n"[..]);
    let first = d.decode(&mut buf);
    assert!(matches!(first, Err(FramingError::Violation(_))));
    buf.extend_from_slice(b"\n#1\nx\n##\n");
    assert_eq!(d.decode(&mut buf), first);
    assert_eq!(d.decode_eof(&mut buf), first);
}

#[test]
fn error_messages_say_what_where_and_how_to_fix() {
    let e = FramingError::TooLarge {
        limit: 10,
        start: 42,
    };
    let s = e.to_string();
    assert!(
        s.contains("byte 42") && s.contains("10 bytes") && s.contains("raise"),
        "{s}"
    );
    let out = whole(chunked(Strictness::Strict), b"\n#007\n");
    let s = out.end.unwrap_err().to_string();
    assert!(
        s.contains("RFC 6242 §4.2") && s.contains("chunk-size-leading-zero") && s.contains("0..4"),
        "{s}"
    );
    assert!(s.contains("lenient"), "{s}");
}

// ---------------------------------------------------------------- split sweeps

fn eom_stream() -> Vec<u8> {
    [
        EOM_HELLO,
        b"<a/>]]>]]>",
        b"]]>]]>",
        b"<b>]]>]]]>]]></b>]]>]]>",
        EOM_RPC,
    ]
    .concat()
}

fn chunked_stream() -> Vec<u8> {
    let mut s = RFC6242_CHUNKED_EXAMPLE.to_vec();
    s.extend(chunk(b"<rpc-reply><ok/></rpc-reply>", 5));
    s.extend(chunk(b"x", 1));
    s.extend(chunk(b"\n##\n\n#3\n inside data", 4096));
    s
}

fn sweep<D: Dec>(name: &str, input: &[u8], make: impl Fn() -> D) {
    let reference = whole(make(), input);
    assert!(reference.end.is_ok(), "{name}: {reference:?}");
    assert!(reference.frames.len() >= 4, "{name}: {reference:?}");
    for a in 1..input.len() {
        // Two reads split at `a`.
        let out = feed(make(), input, &[a, input.len()]);
        assert_eq!(out, reference, "{name}: split at {a}");
        // Three reads: `a`, then 1..=7 bytes, then the rest.
        let out = feed(make(), input, &[a, 1 + a % 7, input.len()]);
        assert_eq!(out, reference, "{name}: split at {a} and {}", a + 1 + a % 7);
    }
    let out = feed(make(), input, &[1]);
    assert_eq!(out, reference, "{name}: one byte at a time");
}

#[test]
fn decode_is_identical_under_every_split_of_an_end_of_message_stream() {
    let s = eom_stream();
    sweep("EomDecoder strict", &s, || eom(Strictness::Strict));
    sweep("EomDecoder lenient", &s, || eom(Strictness::Lenient));
    sweep("Decoder", &s, || Decoder::new(LIMIT, Strictness::Strict));
}

#[test]
fn decode_is_identical_under_every_split_of_a_chunked_stream() {
    let s = chunked_stream();
    sweep("ChunkedDecoder strict", &s, || chunked(Strictness::Strict));
    sweep("ChunkedDecoder lenient", &s, || {
        chunked(Strictness::Lenient)
    });
    sweep("Decoder chunked", &s, || {
        Decoder::with_framing(LIMIT, Strictness::Strict, Framing::Chunked)
    });
}

#[test]
fn decode_is_identical_under_every_split_of_a_broken_stream_in_lenient_mode() {
    let s: Vec<u8> = MALFORMED_CHUNKED
        .iter()
        .flat_map(|c| c.input.iter().copied())
        .collect();
    let reference = whole(chunked(Strictness::Lenient), &s);
    assert!(reference.rules().len() >= 3, "{reference:?}");
    for a in 1..s.len() {
        let out = feed(chunked(Strictness::Lenient), &s, &[a, 3, s.len()]);
        assert_eq!(out, reference, "split at {a}");
    }
    assert_eq!(feed(chunked(Strictness::Lenient), &s, &[1]), reference);
}

#[test]
fn decode_returns_chunked_spans_back_to_back() {
    let s = chunked_stream();
    let out = whole(chunked(Strictness::Strict), &s);
    let mut at = 0;
    for f in &out.frames {
        assert_eq!(f.span.start, at);
        at = f.span.end;
    }
    assert_eq!(at, s.len() as u64);
}

// ---------------------------------------------------------------- limits

#[test]
fn eom_decoder_rejects_an_oversized_message_without_buffering_it_all() {
    let limit = 4096;
    let mut d = EomDecoder::new(limit, Strictness::Strict);
    let mut buf = BytesMut::new();
    let read = [b'x'; 1024];
    let mut fed = 0;
    let err = loop {
        buf.extend_from_slice(&read);
        fed += read.len();
        assert!(fed <= 1 << 20, "never rejected");
        match d.decode(&mut buf) {
            Ok(None) => continue,
            Ok(Some(f)) => panic!("unexpected frame {f:?}"),
            Err(e) => break e,
        }
    };
    assert_eq!(err, FramingError::TooLarge { limit, start: 0 });
    assert!(fed <= limit + 5 + read.len(), "rejected after {fed} bytes");
}

#[test]
fn chunked_decoder_rejects_an_oversized_chunk_at_its_header() {
    let mut d = ChunkedDecoder::new(4096, Strictness::Lenient);
    let mut buf = BytesMut::from(&b"\n#1\na\n##\n\n#4097\n"[..]);
    assert!(d.decode(&mut buf).unwrap().is_some());
    assert_eq!(
        d.decode(&mut buf),
        Err(FramingError::TooLarge {
            limit: 4096,
            start: 9
        })
    );
}

#[test]
fn chunked_decoder_rejects_chunks_that_add_up_past_the_limit() {
    let input = [&b"\n#3000\n"[..], &[b'a'; 3000], b"\n#1097\n"].concat();
    let mut d = ChunkedDecoder::new(4096, Strictness::Strict);
    let mut buf = BytesMut::from(&input[..]);
    assert_eq!(
        d.decode(&mut buf),
        Err(FramingError::TooLarge {
            limit: 4096,
            start: 0
        })
    );
}

#[test]
fn decoders_accept_a_payload_of_exactly_the_limit() {
    let payload = vec![b'p'; 4096];
    let mut wire = BytesMut::new();
    EomEncoder::new().encode(&payload, &mut wire).unwrap();
    let out = whole(EomDecoder::new(4096, Strictness::Strict), &wire);
    assert_eq!(out.payloads(), vec![&payload[..]]);
    let wire = chunk(&payload, 1000);
    let out = whole(ChunkedDecoder::new(4096, Strictness::Strict), &wire);
    assert_eq!(out.payloads(), vec![&payload[..]]);
}

#[test]
fn chunked_decoder_keeps_the_buffer_small_while_reading_one_byte_chunks() {
    // Headers are four times the payload; consumed ones must not pile up.
    let payload = vec![b'q'; 64 * 1024];
    let wire = chunk(&payload, 1);
    let mut d = ChunkedDecoder::new(payload.len(), Strictness::Strict);
    let mut buf = BytesMut::new();
    let mut largest = 0;
    let mut frames = Vec::new();
    for read in wire.chunks(512) {
        buf.extend_from_slice(read);
        largest = largest.max(buf.len());
        if let Some(f) = d.decode(&mut buf).unwrap() {
            frames.push(f);
        }
    }
    assert_eq!(frames.len(), 1);
    assert_eq!(&frames[0].payload[..], &payload[..]);
    assert!(
        largest <= payload.len() + 8192 + 512,
        "buffer grew to {largest} bytes for a {}-byte payload",
        payload.len()
    );
}

#[test]
fn lenient_decoder_keeps_an_undecided_lf_when_it_drops_consumed_headers() {
    // Regression: after 4 KiB of one-byte chunk headers the decoder closes the
    // gap they leave; an LF after chunk data that turns out to be payload (no
    // `#` follows) must survive that when the bytes arrive one at a time.
    let mut input = b"\n#1\nq".repeat(2000);
    input.extend_from_slice(b"\np\n##\n");
    let want = [&b"q".repeat(2000)[..], b"\np"].concat();
    for reads in [&[1][..], &[input.len()], &[10_001, 1, 1]] {
        let out = feed(chunked(Strictness::Lenient), &input, reads);
        assert_eq!(out.payloads(), vec![&want[..]], "reads {reads:?}");
        assert_eq!(out.rules(), vec![rules::CHUNK_HEADER_START.id]);
    }
}

#[test]
fn lenient_garbage_flood_keeps_a_bounded_number_of_violations() {
    let mut input = b"#x".repeat(10_000);
    input.extend_from_slice(b"\n#1\nz\n##\n");
    let out = whole(chunked(Strictness::Lenient), &input);
    assert_eq!(out.payloads(), vec![&b"z"[..]]);
    let f = &out.frames[0];
    assert_eq!(f.violations.len(), framing::MAX_VIOLATIONS_PER_FRAME);
    assert!(f.violations_dropped > 0);
}

// ---------------------------------------------------------------- lenient recovery

#[test]
fn lenient_decoder_takes_a_leading_zero_size_at_its_value() {
    let out = whole(chunked(Strictness::Lenient), b"\n#03\nabc\n##\n");
    assert_eq!(out.payloads(), vec![&b"abc"[..]]);
    let v = &out.frames[0].violations[0];
    assert_eq!(v.rule, rules::CHUNK_SIZE_LEADING_ZERO);
    assert_eq!(v.span, Some(Span::new(0, 4)));
}

#[test]
fn lenient_decoder_resyncs_after_a_missing_lf_and_continues_with_the_next_message() {
    let input = b"\n#3\nabc#2\nde\n##\n\n#1\nf\n##\n";
    let out = whole(chunked(Strictness::Lenient), input);
    assert_eq!(out.payloads(), vec![&b"abcde"[..], b"f"]);
    assert_eq!(out.frames[0].violations[0].span, Some(Span::new(7, 8)));
    assert!(out.frames[1].violations.is_empty());
}

#[test]
fn lenient_decoder_returns_what_arrived_of_a_truncated_message() {
    // netopeer#151: the header promised 37218 bytes, 27005 arrived.
    let input = [&b"\n#37218\n"[..], &vec![b'd'; 27005]].concat();
    let out = whole(chunked(Strictness::Lenient), &input);
    assert_eq!(out.frames.len(), 1);
    assert_eq!(out.frames[0].payload.len(), 27005);
    let v = &out.frames[0].violations[0];
    assert_eq!(v.rule, rules::CHUNKED_TRUNCATED);
    assert!(v.detail.contains("10213 bytes short"), "{}", v.detail);
}

#[test]
fn lenient_decoder_skips_garbage_between_messages_and_reports_its_span() {
    let input = b"\n#1\na\n##\nGARBAGE\n#1\nb\n##\n";
    let out = whole(chunked(Strictness::Lenient), input);
    assert_eq!(out.payloads(), vec![&b"a"[..], b"b"]);
    let f = &out.frames[1];
    assert_eq!(f.violations[0].rule, rules::CHUNK_HEADER_START);
    assert_eq!(f.violations[0].span, Some(Span::new(9, 16)));
    assert_eq!(f.span, Span::new(16, 25), "the frame starts at its header");
}

#[test]
fn decode_eof_reports_a_lone_trailing_lf_as_a_warning() {
    let out = whole(chunked(Strictness::Strict), b"\n#1\na\n##\n\n");
    assert_eq!(out.payloads(), vec![&b"a"[..]]);
    let Ok(left) = &out.end else {
        panic!("{out:?}")
    };
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].rule, rules::TRAILING_BYTES);
    assert_eq!(left[0].level, Level::Warning);
}

// ---------------------------------------------------------------- the switchable decoder

#[test]
fn decoder_switches_to_chunked_between_messages_already_buffered() {
    let mut stream = EOM_HELLO.to_vec();
    stream.extend_from_slice(RFC6242_CHUNKED_EXAMPLE);
    let mut d = Decoder::new(LIMIT, Strictness::Strict);
    let mut buf = BytesMut::from(&stream[..]);
    let hello = d.decode(&mut buf).unwrap().unwrap();
    assert_eq!(hello.framing, Framing::EndOfMessage);
    assert_eq!(d.framing(), Framing::EndOfMessage);
    d.switch_to_chunked();
    assert_eq!(d.framing(), Framing::Chunked);
    let rpc = d.decode(&mut buf).unwrap().unwrap();
    assert_eq!(&rpc.payload[..], RFC6242_CHUNKED_PAYLOAD);
    assert_eq!(rpc.framing, Framing::Chunked);
    assert_eq!(
        rpc.span,
        Span::new(EOM_HELLO.len() as u64, stream.len() as u64)
    );
    assert_eq!(d.decode_eof(&mut buf), Ok(None));
}

#[test]
fn decoder_switch_restarts_a_partly_scanned_message() {
    let mut d = Decoder::new(LIMIT, Strictness::Strict);
    let mut buf = BytesMut::from(&b"\n#6\n<rp"[..]);
    d.switch_to_chunked();
    assert_eq!(d.decode(&mut buf), Ok(None));
    let mut d = Decoder::new(LIMIT, Strictness::Strict);
    let mut buf = BytesMut::from(&b"\n"[..]);
    // One byte cannot tell end-of-message from chunked framing yet.
    assert_eq!(d.decode(&mut buf), Ok(None));
    d.switch_to_chunked();
    buf.extend_from_slice(b"#6\n<rpc/>\n##\n");
    assert_eq!(&d.decode(&mut buf).unwrap().unwrap().payload[..], b"<rpc/>");
}

#[test]
fn strict_decoder_rejects_a_hello_sent_chunked() {
    let out = whole(
        Decoder::new(LIMIT, Strictness::Strict),
        b"\n#8\n<hello/>\n##\n",
    );
    assert_eq!(out.error_rule(), Some(rules::CHUNK_IN_EOM_FRAMING));
}

#[test]
fn lenient_decoder_reads_a_hello_sent_chunked_and_flags_it() {
    let input = [&b"\n#8\n<hello/>\n##\n"[..], EOM_RPC].concat();
    let out = whole(Decoder::new(LIMIT, Strictness::Lenient), &input);
    assert_eq!(
        out.payloads(),
        vec![&b"<hello/>"[..], &EOM_RPC[..EOM_RPC.len() - 6]]
    );
    assert_eq!(out.frames[0].framing, Framing::Chunked);
    assert_eq!(
        out.frames[0].violations[0].rule,
        rules::CHUNK_IN_EOM_FRAMING
    );
    assert_eq!(out.frames[0].violations[0].span, Some(Span::new(0, 3)));
    assert_eq!(out.frames[1].framing, Framing::EndOfMessage);
    assert!(out.frames[1].violations.is_empty());
}

#[test]
fn strict_decoder_rejects_end_of_message_framing_after_the_switch() {
    let mut d = Decoder::new(LIMIT, Strictness::Strict);
    d.switch_to_chunked();
    let out = whole(d, EOM_RPC);
    assert_eq!(out.error_rule(), Some(rules::EOM_IN_CHUNKED_FRAMING));
}

#[test]
fn lenient_decoder_reads_a_peer_that_did_not_switch() {
    let mut d = Decoder::new(LIMIT, Strictness::Lenient);
    d.switch_to_chunked();
    let input = [EOM_RPC, RFC6242_CHUNKED_EXAMPLE].concat();
    let out = whole(d, &input);
    assert_eq!(
        out.payloads(),
        vec![&EOM_RPC[..EOM_RPC.len() - 6], RFC6242_CHUNKED_PAYLOAD]
    );
    assert_eq!(
        out.frames[0].violations[0].rule,
        rules::EOM_IN_CHUNKED_FRAMING
    );
    assert_eq!(out.frames[1].framing, Framing::Chunked);
}

#[test]
fn chunk_header_ahead_tells_the_session_a_hello_is_chunked() {
    assert_eq!(
        framing::chunk_header_ahead(b"\n#8\n<hello"),
        Lookahead::ChunkHeader
    );
    assert_eq!(
        framing::chunk_header_ahead(EOM_HELLO),
        Lookahead::NotChunkHeader
    );
    assert_eq!(framing::chunk_header_ahead(b"\n#"), Lookahead::NeedMore);
}

#[test]
fn every_rule_is_listed_once() {
    assert_eq!(framing::RULES.len(), 13);
    for r in framing::RULES {
        assert_eq!(framing::RULES.iter().filter(|x| x.id == r.id).count(), 1);
    }
}

#[test]
fn encoder_round_trips_through_decoder_across_the_switch() {
    let mut enc = Encoder::with_chunked(ChunkedEncoder::new(3).unwrap());
    let mut wire = BytesMut::new();
    enc.encode(b"<hello/>", &mut wire).unwrap();
    enc.switch_to_chunked();
    enc.encode(b"<rpc/>", &mut wire).unwrap();
    enc.encode(b"<rpc-reply/>", &mut wire).unwrap();
    let mut d = Decoder::new(LIMIT, Strictness::Strict);
    let hello = d.decode(&mut wire).unwrap().unwrap();
    assert_eq!(&hello.payload[..], b"<hello/>");
    d.switch_to_chunked();
    assert_eq!(
        &d.decode(&mut wire).unwrap().unwrap().payload[..],
        b"<rpc/>"
    );
    assert_eq!(
        &d.decode(&mut wire).unwrap().unwrap().payload[..],
        b"<rpc-reply/>"
    );
}

// ---------------------------------------------------------------- properties

/// Bytes drawn mostly from the framing's own alphabet, so that generated
/// input hits delimiters and headers often.
fn framing_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(&b"]>#\n0123456789<a"[..]),
            1 => any::<u8>(),
        ],
        0..max,
    )
}

fn reads() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..64, 1..16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn eom_round_trip_under_arbitrary_splits(
        payloads in prop::collection::vec(framing_bytes(200), 0..8),
        reads in reads(),
    ) {
        let payloads: Vec<Vec<u8>> = payloads
            .into_iter()
            .filter(|p| !p.windows(6).any(|w| w == b"]]>]]>") && !p.ends_with(b"]]>"))
            .collect();
        let mut wire = BytesMut::new();
        let enc = EomEncoder::new();
        for p in &payloads {
            enc.encode(p, &mut wire).unwrap();
        }
        let out = feed(eom(Strictness::Lenient), &wire, &reads);
        prop_assert_eq!(&out.end, &Ok(vec![]));
        let got: Vec<&[u8]> = out.payloads();
        let want: Vec<&[u8]> = payloads.iter().map(|p| &p[..]).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn chunked_round_trip_under_arbitrary_splits_and_chunk_sizes(
        payloads in prop::collection::vec(framing_bytes(300), 0..8),
        sizes in prop::collection::vec(prop_oneof![1u32..8, 1u32..65535], 1..8),
        reads in reads(),
    ) {
        let payloads: Vec<Vec<u8>> = payloads.into_iter().filter(|p| !p.is_empty()).collect();
        let mut enc = ChunkedEncoder::with_sizes(sizes).unwrap();
        let mut wire = BytesMut::new();
        for p in &payloads {
            enc.encode(p, &mut wire).unwrap();
        }
        let out = feed(chunked(Strictness::Strict), &wire, &reads);
        prop_assert_eq!(&out.end, &Ok(vec![]));
        let got: Vec<&[u8]> = out.payloads();
        let want: Vec<&[u8]> = payloads.iter().map(|p| &p[..]).collect();
        prop_assert_eq!(got, want);
        prop_assert!(out.frames.iter().all(|f| f.violations.is_empty()));
    }

    #[test]
    fn decoders_never_panic_and_keep_their_oracles_on_arbitrary_bytes(
        data in framing_bytes(512),
    ) {
        framing::fuzz::eom(&data);
        framing::fuzz::chunked(&data);
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_raw_bytes(
        data in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        framing::fuzz::eom(&data);
        framing::fuzz::chunked(&data);
    }

    #[test]
    fn decoders_keep_their_oracles_on_mangled_valid_streams(
        payloads in prop::collection::vec(framing_bytes(40), 1..4),
        size in 1u32..6,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut enc = ChunkedEncoder::new(size).unwrap();
        let mut wire = BytesMut::new();
        for p in payloads.iter().filter(|p| !p.is_empty()) {
            enc.encode(p, &mut wire).unwrap();
        }
        let mut data = wire.to_vec();
        for (i, b) in flips {
            if !data.is_empty() {
                let at = i.index(data.len());
                data[at] = b;
            }
        }
        framing::fuzz::chunked(&data);
        framing::fuzz::eom(&data);
    }
}
