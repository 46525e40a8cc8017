//! RFC 6242 framing throughput: decode and encode, end-of-message and
//! chunked (4 KiB chunks and seeded random chunk sizes 1..=65535), for
//! streams of ~1 KiB and ~1 MiB messages, 8 MiB of wire bytes per iteration.
//!
//! `eom-cdata` puts a CDATA section, ending in `]]>`, in every ~90 bytes of
//! payload: the hardest realistic input for the `]]>]]>` scan.
//!
//! Throughput is counted in wire bytes (payloads plus delimiters or chunk
//! headers). Decoding starts from a fresh buffer holding the whole stream, as
//! after one large read; filling that buffer is set-up and not timed.
//!
//! Run: `cargo bench -p confuzz-benches --bench framing -- --warm-up-time 1 --measurement-time 3`

use confuzz_benches::{
    chunked_stream, chunks_4k, chunks_random, eom_stream, rpc_reply, rpc_reply_cdata,
};
use confuzz_wire::framing::{
    BytesMut, ChunkedDecoder, ChunkedEncoder, EomDecoder, EomEncoder, Strictness,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Wire bytes per iteration.
const STREAM: usize = 8 << 20;
/// The largest message the decoders accept.
const LIMIT: usize = 4 << 20;
const SEED: u64 = 6242;

/// Builds a fresh chunked encoder for each benchmark.
type MakeEncoder = fn() -> ChunkedEncoder;

struct Case {
    name: &'static str,
    payload: Vec<u8>,
    /// The same size with a CDATA section (`]]>`) in every entry.
    cdata: Vec<u8>,
    count: usize,
}

fn cases() -> Vec<Case> {
    [("1KiB", 1024), ("1MiB", 1 << 20)]
        .into_iter()
        .map(|(name, len)| Case {
            name,
            payload: rpc_reply(len),
            cdata: rpc_reply_cdata(len),
            count: STREAM / len,
        })
        .collect()
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("framing/decode");
    for case in cases() {
        for (variant, payload) in [("eom", &case.payload), ("eom-cdata", &case.cdata)] {
            let eom = eom_stream(payload, case.count);
            g.throughput(Throughput::Bytes(eom.len() as u64));
            g.bench_function(format!("{variant}/{}", case.name), |b| {
                b.iter_batched(
                    || BytesMut::from(&eom[..]),
                    |mut buf| {
                        let mut d = EomDecoder::new(LIMIT, Strictness::Strict);
                        let mut n = 0;
                        while let Ok(Some(f)) = d.decode(&mut buf) {
                            n += f.payload.len();
                        }
                        assert_eq!(n, payload.len() * case.count);
                        n
                    },
                    BatchSize::LargeInput,
                )
            });
        }
        for (chunking, mut enc) in [("4KiB", chunks_4k()), ("random", chunks_random(SEED))] {
            let stream = chunked_stream(&case.payload, case.count, &mut enc);
            g.throughput(Throughput::Bytes(stream.len() as u64));
            g.bench_function(format!("chunked-{chunking}/{}", case.name), |b| {
                b.iter_batched(
                    || BytesMut::from(&stream[..]),
                    |mut buf| {
                        let mut d = ChunkedDecoder::new(LIMIT, Strictness::Strict);
                        let mut n = 0;
                        while let Ok(Some(f)) = d.decode(&mut buf) {
                            n += f.payload.len();
                        }
                        assert_eq!(n, case.payload.len() * case.count);
                        n
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    g.finish();
}

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("framing/encode");
    for case in cases() {
        let wire = eom_stream(&case.payload, case.count).len();
        g.throughput(Throughput::Bytes(wire as u64));
        let enc = EomEncoder::new();
        let mut dst = BytesMut::with_capacity(wire);
        g.bench_function(format!("eom/{}", case.name), |b| {
            b.iter(|| {
                dst.clear();
                for _ in 0..case.count {
                    enc.encode(black_box(&case.payload), &mut dst).unwrap();
                }
                dst.len()
            })
        });
        let chunkings: [(&str, MakeEncoder); 2] =
            [("4KiB", chunks_4k), ("random", || chunks_random(SEED))];
        for (chunking, make) in chunkings {
            let wire = chunked_stream(&case.payload, case.count, &mut make()).len();
            g.throughput(Throughput::Bytes(wire as u64));
            let mut dst = BytesMut::with_capacity(wire);
            g.bench_function(format!("chunked-{chunking}/{}", case.name), |b| {
                let mut enc = make();
                b.iter(|| {
                    dst.clear();
                    for _ in 0..case.count {
                        enc.encode(black_box(&case.payload), &mut dst).unwrap();
                    }
                    dst.len()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
