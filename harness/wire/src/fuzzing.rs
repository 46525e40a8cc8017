//! The bodies of the fuzz targets in `fuzz/`, one function per target.
//!
//! Each `fuzz/fuzz_targets/<name>.rs` is one line calling the function of the
//! same name here, so plain `cargo test` compiles every target's logic and
//! replays `corpus/<name>/` through it without libFuzzer. Each function
//! returns normally for any input; it panics only when an oracle (split
//! independence, a round trip, a session invariant) is broken, which is the
//! bug the fuzzer is looking for.

use crate::session::{Event, Session, SessionConfig, State};
use std::time::Instant;

/// RFC 6242 end-of-message decoder: splits and round trips.
pub fn framing_eom(data: &[u8]) {
    crate::framing::fuzz::eom(data);
}

/// RFC 6242 chunked decoder: splits and round trips.
pub fn framing_chunked(data: &[u8]) {
    crate::framing::fuzz::chunked(data);
}

/// NETCONF message parser: parse, write, parse again.
pub fn netconf_xml(data: &[u8]) {
    crate::netconf::fuzz::target(data);
}

/// Junos XML protocol stream decoder and messages.
pub fn junos_xml(data: &[u8]) {
    crate::junos::fuzz::target(data);
}

/// JSON-RPC 2.0 / NSO parser and keypaths.
pub fn jsonrpc(data: &[u8]) {
    crate::jsonrpc::fuzz::target(data);
}

/// JET events and topics.
pub fn jet_event(data: &[u8]) {
    crate::jet::fuzz::target(data);
}

/// A NETCONF client session fed `data` as the server's bytes.
///
/// The client announces base:1.0 and base:1.1 and sends rpcs 101, 102, 103
/// and a close-session (104), as `corpus/session/` assumes. The input is fed
/// whole and again in pieces whose sizes come from the input itself; both
/// runs must give the same events, and the events must obey the session's
/// invariants.
pub fn session(data: &[u8]) {
    let whole = run_session(data, &[data.len().max(1)]);
    let sizes: Vec<usize> = data
        .iter()
        .take(64)
        .map(|b| usize::from(*b % 17) + 1)
        .collect();
    let pieces = run_session(data, if sizes.is_empty() { &[1] } else { &sizes });
    assert_eq!(
        whole, pieces,
        "session events differ when the same bytes arrive in other pieces"
    );
}

/// The body of one fuzz target.
pub type Target = fn(&[u8]);

/// All fuzz targets by name, for replaying the corpus.
pub const TARGETS: &[(&str, Target)] = &[
    ("framing_eom", framing_eom),
    ("framing_chunked", framing_chunked),
    ("netconf_xml", netconf_xml),
    ("junos_xml", junos_xml),
    ("jsonrpc", jsonrpc),
    ("jet_event", jet_event),
    ("session", session),
];

fn run_session(data: &[u8], sizes: &[usize]) -> Vec<Event> {
    let now = Instant::now();
    let mut config = SessionConfig::client();
    config.max_message_size = 1 << 20;
    let mut s = Session::new(config, now);
    let mut sent = Vec::new();
    for op in [
        "<get-config><source><running/></source></get-config>",
        "<lock><target><candidate/></target></lock>",
        "<commit/>",
    ] {
        if let Ok(id) = s.send_rpc(now, op) {
            sent.push(id);
        }
    }
    if let Ok(id) = s.send_close_session(now) {
        sent.push(id);
    }
    let mut events = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len());
        let (piece, tail) = rest.split_at(n);
        s.handle_input(now, piece);
        drain(&mut s, &mut events);
        rest = tail;
        i += 1;
    }
    s.handle_eof(now);
    drain(&mut s, &mut events);
    check_invariants(&s, &events, &sent);
    events
}

fn drain(s: &mut Session, events: &mut Vec<Event>) {
    while s.poll_transmit().is_some() {}
    while let Some(e) = s.poll_event() {
        events.push(e);
    }
}

fn check_invariants(s: &Session, events: &[Event], sent: &[String]) {
    assert_eq!(
        s.state(),
        State::Closed,
        "a session that saw end of stream is closed"
    );
    let closed = events
        .iter()
        .filter(|e| matches!(e, Event::Closed { .. }))
        .count();
    assert_eq!(closed, 1, "exactly one Closed event per session");
    let established = events
        .iter()
        .filter(|e| matches!(e, Event::Established { .. }))
        .count();
    assert!(established <= 1, "at most one Established event");
    let mut answered = Vec::new();
    for e in events {
        if let Event::Reply { message_id, .. } = e {
            assert!(
                sent.contains(message_id),
                "reply matched to an id never sent: {message_id}"
            );
            assert!(
                !answered.contains(message_id),
                "one rpc matched twice: {message_id}"
            );
            answered.push(message_id.clone());
        }
        if let Event::ReplyTimeout { message_id } = e {
            assert!(sent.contains(message_id));
        }
    }
    if let Some(Event::Closed { unanswered, .. }) =
        events.iter().find(|e| matches!(e, Event::Closed { .. }))
    {
        for id in unanswered {
            assert!(sent.contains(id), "unanswered id never sent: {id}");
        }
    }
}
