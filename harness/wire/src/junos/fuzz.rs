//! The Junos XML protocol fuzz oracle; `fuzz/` calls [`target`] from a
//! one-line libFuzzer target and `cargo test` replays the corpus through it.

use super::{JunosEvent, JunosMessage, Reply, Request, StreamDecoder, StreamError, parse_message};
use crate::xml::{RawElement, XmlLimits};
use bytes::BytesMut;

/// Four oracles, panicking only when one breaks:
/// - the fast payload scanner accepts exactly what the event reader accepts;
/// - `data` as one session element: whatever parses is written, parsed
///   again and must be the same (spans aside), and typed requests and
///   replies read from it must survive a trip through their element form;
/// - `data` as a session stream: decoding it at once, one byte at a time
///   and in chunks sized from the data itself must give the same events
///   and the same first error.
pub fn target(data: &[u8]) {
    let limits = XmlLimits::default();
    let first = parse_message(data, &[], &limits);
    let reference = super::message::parse_events_only(data, &[], &limits);
    match (&first, &reference) {
        (Ok(a), Ok(b)) => assert_eq!(
            a, b,
            "fast scanner and event reader read payloads differently"
        ),
        (Err(_), Err(_)) => {}
        _ => panic!("fast scanner and event reader disagree: {first:?} / {reference:?}"),
    }
    if let Ok(parsed) = first {
        let written = parsed.message.to_bytes();
        let again = match parse_message(&written, &[], &limits) {
            Ok(p) => p,
            Err(e) => panic!(
                "written element does not parse: {e}\n{}",
                String::from_utf8_lossy(&written)
            ),
        };
        assert_eq!(
            without_spans(parsed.message.clone()),
            without_spans(again.message.clone()),
            "round trip changed the element:\n{}",
            String::from_utf8_lossy(&written)
        );
        assert_eq!(again.message.to_bytes(), written, "writer is not stable");
        typed(&parsed.message, &limits);
    }
    let whole = decode_all(data, &[data.len().max(1)]);
    let bytewise = decode_all(data, &[1]);
    assert_eq!(whole, bytewise, "one-byte splits change the events");
    let sizes: Vec<usize> = data
        .iter()
        .take(16)
        .map(|b| usize::from(*b % 17) + 1)
        .collect();
    if !sizes.is_empty() {
        assert_eq!(
            whole,
            decode_all(data, &sizes),
            "chunked splits change the events"
        );
    }
}

fn typed(m: &JunosMessage, limits: &XmlLimits) {
    let raws: Vec<&RawElement> = match m {
        JunosMessage::Rpc(r) => r.operation.iter().collect(),
        JunosMessage::RpcReply(r) => r.content.iter().collect(),
        JunosMessage::Diagnostic(_) => Vec::new(),
    };
    for raw in raws {
        let Ok(el) = raw.to_element(limits) else {
            continue;
        };
        let req = Request::from_element(&el).message;
        assert_eq!(
            Request::from_element(&req.to_element()).message,
            req,
            "request round trip"
        );
        let rep = Reply::from_element(&el).message;
        assert_eq!(
            Reply::from_element(&rep.to_element()).message,
            rep,
            "reply round trip"
        );
    }
}

/// Feeds `data` in chunks of the given sizes (cycled), then signals the
/// end; returns the events and the first error.
pub fn decode_all(data: &[u8], sizes: &[usize]) -> (Vec<JunosEvent>, Option<StreamError>) {
    let mut dec = StreamDecoder::new(XmlLimits::default());
    let mut buf = BytesMut::new();
    let mut events = Vec::new();
    let mut rest = data;
    let mut k = 0;
    loop {
        let n = sizes
            .get(k % sizes.len().max(1))
            .copied()
            .unwrap_or(1)
            .max(1)
            .min(rest.len());
        k += 1;
        buf.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        let last = rest.is_empty();
        loop {
            let r = if last {
                dec.decode_eof(&mut buf)
            } else {
                dec.decode(&mut buf)
            };
            match r {
                Ok(Some(ev)) => events.push(ev),
                Ok(None) => break,
                Err(e) => return (events, Some(e)),
            }
        }
        if last {
            return (events, None);
        }
    }
}

/// The element with every raw element's span zeroed.
pub fn without_spans(mut m: JunosMessage) -> JunosMessage {
    fn clear(e: &mut RawElement) {
        e.span = crate::Span::new(0, 0);
    }
    match &mut m {
        JunosMessage::Rpc(r) => r.operation.iter_mut().for_each(clear),
        JunosMessage::RpcReply(r) => r.content.iter_mut().for_each(clear),
        JunosMessage::Diagnostic(_) => {}
    }
    m
}
