//! Framing plus full reply parsing: what a NETCONF client does with every
//! byte a server sends. Streams of `<rpc-reply>` messages (~1 KiB and ~1 MiB,
//! `<data>` holding interface entries, and small `<ok/>` replies) in both
//! framings are decoded and each message parsed by `netconf::parse_bytes`,
//! which checks every byte of it (well-formedness, characters, limits) and
//! keeps `<data>` as a zero-copy slice.
//!
//! Run: `cargo bench -p confuzz-benches --bench pipeline -- --warm-up-time 1 --measurement-time 3`

use confuzz_benches::{chunked_stream, chunks_4k, eom_stream, rpc_reply};
use confuzz_wire::framing::{BytesMut, Decoder, Framing, Strictness};
use confuzz_wire::netconf::{self, Message};
use confuzz_wire::xml::XmlLimits;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Wire bytes per iteration.
const STREAM: usize = 8 << 20;
const LIMIT: usize = 4 << 20;

const OK_REPLY: &[u8] = b"<rpc-reply message-id=\"101\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><ok/></rpc-reply>";

fn frame_and_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline/frame+parse");
    let limits = XmlLimits::default();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("ok", OK_REPLY.to_vec()),
        ("1KiB", rpc_reply(1024)),
        ("1MiB", rpc_reply(1 << 20)),
    ];
    for (name, payload) in &cases {
        let count = (STREAM / payload.len()).max(1);
        for (framing, stream) in [
            (Framing::EndOfMessage, eom_stream(payload, count)),
            (
                Framing::Chunked,
                chunked_stream(payload, count, &mut chunks_4k()),
            ),
        ] {
            let label = match framing {
                Framing::EndOfMessage => "eom",
                Framing::Chunked => "chunked-4KiB",
            };
            g.throughput(Throughput::Bytes(stream.len() as u64));
            g.bench_function(format!("{label}/{name}"), |b| {
                b.iter_batched(
                    || BytesMut::from(&stream[..]),
                    |mut buf| {
                        let mut d = Decoder::with_framing(LIMIT, Strictness::Strict, framing);
                        let mut replies = 0;
                        while let Ok(Some(f)) = d.decode(&mut buf) {
                            let parsed = netconf::parse_bytes(&f.payload, &limits)
                                .expect("bench replies are well-formed");
                            if let Message::RpcReply(r) = parsed.message {
                                black_box(&r);
                                replies += 1;
                            }
                        }
                        assert_eq!(replies, count);
                        replies
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    g.finish();
}

criterion_group!(benches, frame_and_parse);
criterion_main!(benches);
