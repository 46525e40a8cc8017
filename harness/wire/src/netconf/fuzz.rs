//! The NETCONF message fuzz oracle; `fuzz/` calls [`target`] from a
//! one-line libFuzzer target and `cargo test` replays the corpus through it.

use super::{Message, parse, parse_bytes};
use crate::xml::{RawElement, XmlLimits};
use bytes::Bytes;

/// Parses `data`; whatever parses is written, parsed again, and must come
/// back as the same message (spans aside), and writing it again must give
/// the same bytes. Parsing from a slice and from shared bytes must agree,
/// and the fast payload scanner must accept exactly what the event reader
/// accepts.
/// Panics only when one of these oracles breaks.
pub fn target(data: &[u8]) {
    let limits = XmlLimits::default();
    let first = parse(data, &limits);
    let shared = parse_bytes(&Bytes::copy_from_slice(data), &limits);
    match (&first, &shared) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "slice and Bytes parses differ"),
        (Err(a), Err(b)) => assert_eq!(a, b, "slice and Bytes errors differ"),
        _ => panic!("slice and Bytes parses disagree: {first:?} / {shared:?}"),
    }
    let reference = super::parse_events_only(data, &limits);
    match (&first, &reference) {
        (Ok(a), Ok(b)) => assert_eq!(
            a, b,
            "fast scanner and event reader read payloads differently"
        ),
        (Err(_), Err(_)) => {}
        _ => panic!("fast scanner and event reader disagree: {first:?} / {reference:?}"),
    }
    let Ok(parsed) = first else { return };
    let written = parsed.message.to_bytes();
    let again = match parse(&written, &limits) {
        Ok(p) => p,
        Err(e) => panic!(
            "written message does not parse: {e}\n{}",
            String::from_utf8_lossy(&written)
        ),
    };
    assert_eq!(
        without_spans(parsed.message),
        without_spans(again.message.clone()),
        "round trip changed the message:\n{}",
        String::from_utf8_lossy(&written)
    );
    assert_eq!(again.message.to_bytes(), written, "writer is not stable");
}

/// The message with every raw element's span zeroed: spans are positions
/// in the input and move when the writer lays the message out differently.
pub fn without_spans(mut m: Message) -> Message {
    fn clear(e: &mut RawElement) {
        e.span = crate::Span::new(0, 0);
    }
    match &mut m {
        Message::Hello(_) => {}
        Message::Rpc(r) => r.operation.iter_mut().for_each(clear),
        Message::RpcReply(r) => {
            r.data.iter_mut().for_each(clear);
            r.other.iter_mut().for_each(clear);
            for e in &mut r.errors {
                e.extra.iter_mut().for_each(clear);
            }
        }
        Message::Notification(n) => n.events.iter_mut().for_each(clear),
    }
    m
}
