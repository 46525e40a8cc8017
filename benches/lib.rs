//! Shared helpers for the benchmarks: deterministic inputs, so figures from
//! different runs and machines describe the same bytes.

use confuzz_wire::framing::{ChunkedEncoder, EomEncoder};

/// A small seeded generator (splitmix64): the benches need reproducible
/// "random" chunk sizes, not statistical quality.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }
}

/// An `<rpc-reply>` of exactly `len` bytes (or the bare envelope, if longer) whose data is a run
/// of interface entries, the shape of a large NETCONF `<get>` reply.
pub fn rpc_reply(len: usize) -> Vec<u8> {
    reply_of(len, |i| {
        format!(
            "<interface><name>ge-0/0/{i}</name><admin-status>up</admin-status><mtu>1514</mtu></interface>\n"
        )
    })
}

/// As [`rpc_reply`], with a CDATA section (ending in `]]>`, half the
/// end-of-message delimiter) in every entry: the hardest realistic input for
/// the `]]>]]>` scan.
pub fn rpc_reply_cdata(len: usize) -> Vec<u8> {
    reply_of(len, |i| {
        format!(
            "<configuration-text><![CDATA[set interfaces ge-0/0/{i} mtu 1514]]></configuration-text>\n"
        )
    })
}

fn reply_of(len: usize, entry: impl Fn(u32) -> String) -> Vec<u8> {
    let head =
        b"<rpc-reply message-id=\"101\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><data>";
    let tail = b"</data></rpc-reply>";
    let len = len.max(head.len() + tail.len());
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(head);
    let body = len - head.len() - tail.len();
    let mut i = 0u32;
    while out.len() - head.len() < body {
        let entry = entry(i);
        let room = body - (out.len() - head.len());
        if entry.len() <= room {
            out.extend_from_slice(entry.as_bytes());
        } else {
            out.extend(std::iter::repeat_n(b' ', room));
        }
        i += 1;
    }
    out.extend_from_slice(tail);
    out
}

/// `count` copies of `payload`, end-of-message framed.
pub fn eom_stream(payload: &[u8], count: usize) -> Vec<u8> {
    let enc = EomEncoder::new();
    let mut dst = confuzz_wire::framing::BytesMut::with_capacity(count * (payload.len() + 6));
    for _ in 0..count {
        enc.encode(payload, &mut dst)
            .expect("bench payloads carry no ]]>]]>");
    }
    dst.to_vec()
}

/// `count` copies of `payload`, chunked with the encoder `enc`.
pub fn chunked_stream(payload: &[u8], count: usize, enc: &mut ChunkedEncoder) -> Vec<u8> {
    let mut dst = confuzz_wire::framing::BytesMut::new();
    for _ in 0..count {
        enc.encode(payload, &mut dst)
            .expect("bench payloads are not empty");
    }
    dst.to_vec()
}

/// A chunked encoder cutting 4 KiB chunks.
pub fn chunks_4k() -> ChunkedEncoder {
    ChunkedEncoder::new(4096).expect("4096 is a valid chunk size")
}

/// A chunked encoder cutting chunks of seeded random sizes in 1..=65535.
pub fn chunks_random(seed: u64) -> ChunkedEncoder {
    let mut rng = Rng::new(seed);
    let sizes = (0..4096).map(|_| rng.range(1, 65535)).collect();
    ChunkedEncoder::with_sizes(sizes).expect("sizes are in 1..=65535")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpc_reply_has_the_asked_length() {
        for len in [128, 1024, 1 << 20] {
            assert_eq!(rpc_reply(len).len(), len);
            assert_eq!(rpc_reply_cdata(len).len(), len);
        }
    }
}
