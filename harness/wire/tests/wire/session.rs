//! NETCONF session state machines: a client and a server driven against each
//! other in memory, and a client fed scripted server bytes.

use confuzz_wire::framing::Framing;
use confuzz_wire::netconf::{BASE_1_0, BASE_1_1, RpcReply};
use confuzz_wire::session::{
    CloseReason, Event, Role, Session, SessionConfig, SessionError, State, rules,
};
use std::time::{Duration, Instant};

const SERVER_HELLO_1_1: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>\
<capability>urn:ietf:params:netconf:base:1.0</capability>\
<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities>\
<session-id>4</session-id></hello>]]>]]>";

const SERVER_HELLO_1_0: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>\
<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities>\
<session-id>4</session-id></hello>]]>]]>";

fn drain_events(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

fn drain_bytes(s: &mut Session) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(b) = s.poll_transmit() {
        out.extend_from_slice(&b);
    }
    out
}

/// Moves bytes both ways until neither side has anything to send.
fn pump(now: Instant, a: &mut Session, b: &mut Session) {
    loop {
        let ab = drain_bytes(a);
        let ba = drain_bytes(b);
        if ab.is_empty() && ba.is_empty() {
            break;
        }
        b.handle_input(now, &ab);
        a.handle_input(now, &ba);
    }
}

fn violations(events: &[Event]) -> Vec<&'static str> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Violation(v) => Some(v.rule.id),
            _ => None,
        })
        .collect()
}

fn eom(payload: &str) -> String {
    format!("{payload}]]>]]>")
}

fn chunked(payload: &str) -> String {
    format!("\n#{}\n{payload}\n##\n", payload.len())
}

fn reply_ok(id: &str) -> String {
    format!(
        "<rpc-reply message-id=\"{id}\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><ok/></rpc-reply>"
    )
}

fn client_with_server_hello(hello: &str) -> (Instant, Session) {
    let now = Instant::now();
    let mut c = Session::new(SessionConfig::client(), now);
    drain_bytes(&mut c);
    c.handle_input(now, hello.as_bytes());
    (now, c)
}

#[test]
fn client_sends_hello_first_in_end_of_message_framing_without_session_id() {
    let now = Instant::now();
    let mut c = Session::new(SessionConfig::client(), now);
    let bytes = String::from_utf8(drain_bytes(&mut c)).unwrap();
    assert!(bytes.starts_with("<hello"), "{bytes}");
    assert!(bytes.ends_with("]]>]]>"), "{bytes}");
    assert!(bytes.contains(BASE_1_1) && bytes.contains(BASE_1_0));
    assert!(!bytes.contains("session-id"));
    assert_eq!(c.state(), State::AwaitingHello);
}

#[test]
fn client_and_server_switch_to_chunked_when_both_announce_base_1_1() {
    let now = Instant::now();
    let mut c = Session::new(SessionConfig::client(), now);
    let mut s = Session::new(SessionConfig::server(7), now);
    pump(now, &mut c, &mut s);
    let ce = drain_events(&mut c);
    let se = drain_events(&mut s);
    assert!(
        matches!(
            ce.as_slice(),
            [Event::Established {
                session_id: Some(7),
                framing: Framing::Chunked,
                ..
            }]
        ),
        "{ce:?}"
    );
    assert!(
        matches!(
            se.as_slice(),
            [Event::Established {
                framing: Framing::Chunked,
                ..
            }]
        ),
        "{se:?}"
    );

    let id = c
        .send_rpc(now, "<get-config><source><running/></source></get-config>")
        .unwrap();
    let wire = drain_bytes(&mut c);
    assert!(
        wire.starts_with(b"\n#"),
        "rpc after base:1.1 negotiation is chunked"
    );
    s.handle_input(now, &wire);
    let Some(Event::Rpc {
        message_id, rpc, ..
    }) = s.poll_event()
    else {
        panic!("server saw no rpc")
    };
    assert_eq!(message_id.as_deref(), Some(id.as_str()));
    assert_eq!(rpc.operation_name(), Some("get-config"));
    s.send_reply(&RpcReply::ok(message_id.unwrap())).unwrap();
    pump(now, &mut c, &mut s);
    let ce = drain_events(&mut c);
    assert!(
        matches!(&ce[..], [Event::Reply { message_id, .. }] if *message_id == id),
        "{ce:?}"
    );
}

#[test]
fn session_stays_end_of_message_when_one_side_lacks_base_1_1() {
    let now = Instant::now();
    let mut c = Session::new(SessionConfig::client(), now);
    let mut cfg = SessionConfig::server(3);
    cfg.capabilities = vec![BASE_1_0.to_string()];
    let mut s = Session::new(cfg, now);
    pump(now, &mut c, &mut s);
    assert_eq!(c.framing(), Framing::EndOfMessage);
    assert_eq!(s.framing(), Framing::EndOfMessage);
    c.send_rpc(now, "<get/>").unwrap();
    assert!(drain_bytes(&mut c).ends_with(b"]]>]]>"));
}

#[test]
fn rpc_sent_before_the_server_hello_is_held_and_sent_in_the_negotiated_framing() {
    let now = Instant::now();
    let mut c = Session::new(SessionConfig::client(), now);
    drain_bytes(&mut c);
    let id = c.send_rpc(now, "<get/>").unwrap();
    assert!(
        drain_bytes(&mut c).is_empty(),
        "nothing but the hello before the peer's hello"
    );
    c.handle_input(now, SERVER_HELLO_1_1.as_bytes());
    let wire = String::from_utf8(drain_bytes(&mut c)).unwrap();
    assert!(
        wire.starts_with("\n#") && wire.contains(&format!("message-id=\"{id}\"")),
        "{wire}"
    );
}

#[test]
fn replies_are_matched_to_their_rpcs_in_any_order() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    let a = c.send_rpc(now, "<get/>").unwrap();
    let b = c.send_rpc(now, "<get/>").unwrap();
    drain_events(&mut c);
    let later = now + Duration::from_millis(250);
    c.handle_input(later, (eom(&reply_ok(&b)) + &eom(&reply_ok(&a))).as_bytes());
    let ids: Vec<(String, Duration)> = drain_events(&mut c)
        .into_iter()
        .filter_map(|e| match e {
            Event::Reply {
                message_id,
                elapsed,
                ..
            } => Some((message_id, elapsed)),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        vec![
            (b, Duration::from_millis(250)),
            (a, Duration::from_millis(250))
        ]
    );
    assert!(c.outstanding().is_empty());
}

#[test]
fn reply_with_unknown_message_id_is_a_violation_and_unmatched() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    c.send_rpc(now, "<get/>").unwrap();
    drain_events(&mut c);
    c.handle_input(now, eom(&reply_ok("999")).as_bytes());
    let ev = drain_events(&mut c);
    assert_eq!(violations(&ev), vec![rules::UNKNOWN_MESSAGE_ID.id]);
    assert!(ev.iter().any(|e| matches!(e, Event::UnmatchedReply { .. })));
    assert_eq!(c.outstanding(), vec!["101".to_string()]);
}

#[test]
fn second_reply_to_the_same_rpc_is_a_duplicate_reply_violation() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    let id = c.send_rpc(now, "<get/>").unwrap();
    drain_events(&mut c);
    c.handle_input(now, (eom(&reply_ok(&id)) + &eom(&reply_ok(&id))).as_bytes());
    let ev = drain_events(&mut c);
    assert_eq!(violations(&ev), vec![rules::DUPLICATE_REPLY.id]);
}

#[test]
fn notification_between_replies_is_delivered_in_order() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_1);
    let a = c.send_rpc(now, "<get/>").unwrap();
    let b = c.send_rpc(now, "<get/>").unwrap();
    drain_events(&mut c);
    let note = "<notification xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\">\
<eventTime>2026-11-22T10:00:00Z</eventTime><netconf-config-change xmlns=\"urn:ietf:params:xml:ns:yang:ietf-netconf-notifications\"/></notification>";
    let stream = chunked(&reply_ok(&a)) + &chunked(note) + &chunked(&reply_ok(&b));
    c.handle_input(now, stream.as_bytes());
    let kinds: Vec<&str> = drain_events(&mut c)
        .iter()
        .map(|e| match e {
            Event::Reply { .. } => "reply",
            Event::Notification { .. } => "notification",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, vec!["reply", "notification", "reply"]);
}

#[test]
fn close_session_ok_closes_and_later_bytes_are_data_after_close() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    let id = c.send_close_session(now).unwrap();
    drain_events(&mut c);
    c.handle_input(now, (eom(&reply_ok(&id)) + "<rpc-reply/>]]>]]>").as_bytes());
    let ev = drain_events(&mut c);
    assert!(
        ev.iter().any(|e| matches!(
            e,
            Event::Closed {
                reason: CloseReason::CloseSession,
                ..
            }
        )),
        "{ev:?}"
    );
    assert_eq!(violations(&ev), vec![rules::DATA_AFTER_CLOSE.id]);
    assert_eq!(c.state(), State::Closed);
    assert_eq!(c.send_rpc(now, "<get/>"), Err(SessionError::Closed));
}

#[test]
fn message_before_hello_is_a_violation() {
    let now = Instant::now();
    let mut c = Session::new(SessionConfig::client(), now);
    c.handle_input(now, eom(&reply_ok("101")).as_bytes());
    assert!(violations(&drain_events(&mut c)).contains(&rules::MESSAGE_BEFORE_HELLO.id));
}

#[test]
fn second_hello_is_a_violation_and_ignored() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    drain_events(&mut c);
    c.handle_input(now, SERVER_HELLO_1_0.as_bytes());
    assert_eq!(
        violations(&drain_events(&mut c)),
        vec![rules::HELLO_REPEATED.id]
    );
    assert_eq!(c.state(), State::Established);
}

#[test]
fn hello_without_a_common_base_version_closes_the_session() {
    let now = Instant::now();
    let mut cfg = SessionConfig::client();
    cfg.capabilities = vec![BASE_1_1.to_string()];
    let mut c = Session::new(cfg, now);
    c.handle_input(now, SERVER_HELLO_1_0.as_bytes());
    let ev = drain_events(&mut c);
    assert!(violations(&ev).contains(&rules::NO_COMMON_BASE.id));
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::Closed {
            reason: CloseReason::NoCommonBase,
            ..
        }
    )));
}

fn malformed_message_reply() -> String {
    String::from_utf8(RpcReply::malformed_message().to_bytes()).expect("UTF-8")
}

#[test]
fn malformed_message_in_a_base_1_0_session_is_a_violation() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    assert!(!c.base_1_1());
    drain_events(&mut c);
    c.handle_input(now, eom(&malformed_message_reply()).as_bytes());
    let ev = drain_events(&mut c);
    assert!(
        violations(&ev).contains(&rules::MALFORMED_MESSAGE_TO_BASE10.id),
        "{ev:?}"
    );
}

#[test]
fn malformed_message_from_a_base_1_1_server_is_no_violation_of_the_base_version() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_1);
    assert!(c.base_1_1());
    drain_events(&mut c);
    c.handle_input(now, chunked(&malformed_message_reply()).as_bytes());
    let ev = drain_events(&mut c);
    assert!(
        !violations(&ev).contains(&rules::MALFORMED_MESSAGE_TO_BASE10.id),
        "{ev:?}"
    );
    assert!(ev.iter().any(|e| matches!(e, Event::UnmatchedReply { .. })));
}

#[test]
fn a_base_1_0_client_answered_with_operation_failed_sees_no_base_violation() {
    let now = Instant::now();
    let mut cfg = SessionConfig::client();
    cfg.capabilities = vec![BASE_1_0.to_string()];
    let mut c = Session::new(cfg, now);
    drain_bytes(&mut c);
    c.handle_input(now, SERVER_HELLO_1_1.as_bytes());
    assert!(!c.base_1_1());
    c.handle_input(now, eom(&malformed_message_reply()).as_bytes());
    assert!(violations(&drain_events(&mut c)).contains(&rules::MALFORMED_MESSAGE_TO_BASE10.id));
    let base10 = String::from_utf8(RpcReply::unparsed_base10("could not be read").to_bytes())
        .expect("UTF-8");
    c.handle_input(now, eom(&base10).as_bytes());
    assert!(!violations(&drain_events(&mut c)).contains(&rules::MALFORMED_MESSAGE_TO_BASE10.id));
}

#[test]
fn hello_timeout_fires_only_when_its_instant_has_passed() {
    let now = Instant::now();
    let mut c = Session::new(SessionConfig::client(), now);
    let due = c.poll_timeout().expect("a hello timer");
    assert_eq!(due, now + Duration::from_secs(30));
    c.handle_timeout(due - Duration::from_millis(1));
    assert_eq!(c.state(), State::AwaitingHello);
    c.handle_timeout(due);
    let ev = drain_events(&mut c);
    assert!(violations(&ev).contains(&rules::HELLO_TIMEOUT.id));
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::Closed {
            reason: CloseReason::HelloTimeout,
            ..
        }
    )));
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn reply_timeout_gives_up_on_that_rpc_alone() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    let a = c.send_rpc(now, "<get/>").unwrap();
    let b = c.send_rpc(now + Duration::from_secs(10), "<get/>").unwrap();
    drain_events(&mut c);
    assert_eq!(c.poll_timeout(), Some(now + Duration::from_secs(60)));
    c.handle_timeout(now + Duration::from_secs(60));
    let ev = drain_events(&mut c);
    assert_eq!(ev, vec![Event::ReplyTimeout { message_id: a }]);
    assert_eq!(c.outstanding(), vec![b]);
}

#[test]
fn end_of_stream_reports_unanswered_rpcs_in_sending_order() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    let a = c.send_rpc(now, "<get/>").unwrap();
    let b = c.send_rpc(now, "<get/>").unwrap();
    drain_events(&mut c);
    c.handle_eof(now);
    let ev = drain_events(&mut c);
    assert_eq!(
        ev,
        vec![Event::Closed {
            reason: CloseReason::PeerClosed,
            unanswered: vec![a, b]
        }]
    );
}

#[test]
fn server_receiving_rpc_reply_reports_wrong_direction() {
    let now = Instant::now();
    let mut s = Session::new(SessionConfig::server(1), now);
    let hello = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>\
<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>";
    s.handle_input(now, hello.as_bytes());
    s.handle_input(now, eom(&reply_ok("1")).as_bytes());
    assert!(violations(&drain_events(&mut s)).contains(&rules::WRONG_DIRECTION.id));
}

#[test]
fn client_hello_with_session_id_is_reported_by_the_server() {
    let now = Instant::now();
    let mut s = Session::new(SessionConfig::server(1), now);
    s.handle_input(now, SERVER_HELLO_1_0.as_bytes());
    let ev = drain_events(&mut s);
    assert!(
        !violations(&ev).is_empty(),
        "a client hello carrying a session-id is a violation: {ev:?}"
    );
}

#[test]
fn chunked_bytes_before_base_1_1_negotiation_are_reported() {
    let (now, mut c) = client_with_server_hello(SERVER_HELLO_1_0);
    c.send_rpc(now, "<get/>").unwrap();
    drain_events(&mut c);
    c.handle_input(now, chunked(&reply_ok("101")).as_bytes());
    let ev = drain_events(&mut c);
    assert!(violations(&ev).contains(&"chunk-in-eom-framing"), "{ev:?}");
}

#[test]
fn role_specific_calls_are_refused_on_the_other_role() {
    let now = Instant::now();
    let mut s = Session::new(SessionConfig::server(1), now);
    assert!(matches!(
        s.send_rpc(now, "<get/>"),
        Err(SessionError::WrongRole {
            wanted: Role::Client,
            ..
        })
    ));
    let mut c = Session::new(SessionConfig::client(), now);
    assert!(matches!(
        c.send_reply(&RpcReply::ok("1")),
        Err(SessionError::WrongRole {
            wanted: Role::Server,
            ..
        })
    ));
}

#[test]
fn same_events_whatever_the_input_split() {
    let stream =
        SERVER_HELLO_1_1.to_string() + &chunked(&reply_ok("102")) + &chunked(&reply_ok("101"));
    let run = |piece: usize| {
        let now = Instant::now();
        let mut c = Session::new(SessionConfig::client(), now);
        c.send_rpc(now, "<get/>").unwrap();
        c.send_rpc(now, "<get/>").unwrap();
        for part in stream.as_bytes().chunks(piece) {
            c.handle_input(now, part);
        }
        drain_events(&mut c)
            .into_iter()
            .map(|e| match e {
                Event::Reply { message_id, .. } => message_id,
                Event::Established { .. } => "established".into(),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
    };
    let whole = run(stream.len());
    assert_eq!(whole, vec!["established", "102", "101"]);
    for piece in 1..40 {
        assert_eq!(run(piece), whole, "piece size {piece}");
    }
}
