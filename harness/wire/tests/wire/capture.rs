//! `confuzz_wire::capture`: decoding one side of a captured session.

use confuzz_wire::capture::{self, CaptureOptions, FramingChoice, Protocol};
use confuzz_wire::framing::{Framing, Strictness};

const HELLO_1_1: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>\
<capability>urn:ietf:params:netconf:base:1.0</capability>\
<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities>\
<session-id>4</session-id></hello>]]>]]>";

const HELLO_1_0: &str = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>\
<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities>\
<session-id>4</session-id></hello>]]>]]>";

fn ok(id: u32) -> String {
    format!(
        "<rpc-reply message-id=\"{id}\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><ok/></rpc-reply>"
    )
}

fn chunk(payload: &str) -> String {
    format!("\n#{}\n{payload}\n##\n", payload.len())
}

fn rule_ids(report: &capture::CaptureReport) -> Vec<&'static str> {
    report.all_violations().map(|v| v.rule.id).collect()
}

#[test]
fn auto_framing_switches_to_chunked_after_a_base_1_1_hello_followed_by_chunks() {
    let input = HELLO_1_1.to_string() + &chunk(&ok(101)) + &chunk(&ok(102));
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    assert_eq!(r.protocol, Protocol::Netconf);
    let kinds: Vec<(&str, Option<Framing>)> =
        r.messages.iter().map(|m| (m.kind, m.framing)).collect();
    assert_eq!(
        kinds,
        vec![
            ("hello", Some(Framing::EndOfMessage)),
            ("rpc-reply", Some(Framing::Chunked)),
            ("rpc-reply", Some(Framing::Chunked))
        ]
    );
    assert!(
        !r.has_errors(),
        "{:?}",
        r.all_violations().collect::<Vec<_>>()
    );
    assert_eq!(r.messages[1].message_id.as_deref(), Some("101"));
}

#[test]
fn auto_framing_stays_end_of_message_after_a_base_1_1_hello_followed_by_eom() {
    let input = HELLO_1_1.to_string() + &ok(101) + "]]>]]>";
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    assert_eq!(r.messages.len(), 2);
    assert_eq!(r.messages[1].framing, Some(Framing::EndOfMessage));
    assert!(!r.has_errors());
}

#[test]
fn chunks_after_a_base_1_0_only_hello_are_reported_and_still_decoded() {
    let input = HELLO_1_0.to_string() + &chunk(&ok(101));
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    assert!(
        rule_ids(&r).contains(&"chunk-in-eom-framing"),
        "{:?}",
        rule_ids(&r)
    );
    assert!(r.has_errors());
    assert_eq!(r.messages.last().map(|m| m.kind), Some("rpc-reply"));
}

#[test]
fn strict_mode_stops_at_the_first_framing_violation() {
    let input = HELLO_1_0.to_string() + &chunk(&ok(101)) + &ok(102) + "]]>]]>";
    let options = CaptureOptions {
        strictness: Strictness::Strict,
        ..CaptureOptions::default()
    };
    let r = capture::decode(input.as_bytes(), &options);
    assert_eq!(r.messages.len(), 1);
    assert!(
        r.stopped.as_deref().is_some_and(|s| s.contains("RFC 6242")),
        "{:?}",
        r.stopped
    );
}

#[test]
fn unreadable_xml_is_a_malformed_message() {
    let input = HELLO_1_0.to_string() + "<rpc-reply message-id=\"1\"><ok/></rpc>]]>]]>";
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    assert_eq!(r.messages[1].kind, "malformed");
    assert_eq!(r.messages[1].violations[0].rule.id, "malformed-message");
}

#[test]
fn framing_only_mode_does_not_parse_but_follows_the_switch_to_chunked() {
    let input = HELLO_1_1.to_string() + &chunk(&ok(101));
    let options = CaptureOptions {
        parse_messages: false,
        ..CaptureOptions::default()
    };
    let r = capture::decode(input.as_bytes(), &options);
    assert_eq!(r.messages.len(), 2);
    assert!(r.messages.iter().all(|m| m.kind == "unparsed"));
    assert_eq!(r.messages[1].framing, Some(Framing::Chunked));
}

#[test]
fn forced_chunked_framing_reads_a_capture_cut_after_the_hellos() {
    let input = chunk(&ok(7));
    let options = CaptureOptions {
        framing: FramingChoice::Chunked,
        ..CaptureOptions::default()
    };
    let r = capture::decode(input.as_bytes(), &options);
    assert_eq!(r.messages.len(), 1);
    assert_eq!(r.messages[0].message_id.as_deref(), Some("7"));
}

#[test]
fn truncated_capture_is_reported_at_end_of_stream() {
    let input = HELLO_1_0.to_string() + "<rpc-reply message-id=\"1\"><ok/>";
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    assert!(r.has_errors());
    assert!(
        rule_ids(&r).contains(&"eom-truncated"),
        "{:?}",
        rule_ids(&r)
    );
}

#[test]
fn text_report_has_a_line_per_message_and_a_closing_summary() {
    let input = HELLO_1_1.to_string() + &chunk(&ok(101));
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    let text = r.to_text("sample");
    assert!(text.contains("#1 bytes 0.."), "{text}");
    assert!(
        text.contains("hello: 2 capabilities (base:1.0, base:1.1), session-id 4"),
        "{text}"
    );
    assert!(text.contains("rpc-reply message-id=101: ok"), "{text}");
    let summary = format!(
        "sample: {} bytes, 2 messages, 0 errors, 0 warnings",
        input.len()
    );
    assert!(text.trim_end().ends_with(&summary), "{text}");
}

#[test]
fn junoscript_stream_is_detected_and_split_into_session_parts() {
    let input = "<?xml version=\"1.0\" encoding=\"us-ascii\"?>\n\
<junoscript version=\"1.0\" hostname=\"router1\" release=\"21.4R1\">\n\
<rpc><get-chassis-inventory/></rpc>\n\
<rpc><request-end-session/></rpc>\n\
</junoscript>\n";
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    assert_eq!(r.protocol, Protocol::Junos);
    let kinds: Vec<&str> = r.messages.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        vec![
            "xml-declaration",
            "junoscript",
            "rpc",
            "rpc",
            "junoscript-end"
        ]
    );
    assert_eq!(r.messages[2].summary, "rpc: <get-chassis-inventory>");
    assert!(
        !r.has_errors(),
        "{:?}",
        r.all_violations().collect::<Vec<_>>()
    );
}

#[test]
fn junoscript_stream_cut_mid_element_stops_with_an_error() {
    let input = "<?xml version=\"1.0\"?><junoscript version=\"1.0\"><rpc><get-chassis-inv";
    let r = capture::decode(input.as_bytes(), &CaptureOptions::default());
    assert!(
        r.stopped
            .as_deref()
            .is_some_and(|s| s.contains("stream ends")),
        "{:?}",
        r.stopped
    );
    assert!(r.has_errors());
}
