//! The JET fuzz oracle, kept in the library so `cargo test` compiles it and
//! replays the corpus without libFuzzer.

use super::event::parse_event;
use super::topic::parse_topic;

/// Feeds `data` to the event parser and the topic parser and checks the
/// round trips.
///
/// - an event that parses is written and parsed again to the same value;
/// - text that parses as a topic is written back to the same text, and that
///   text parses to the same topic.
///
/// Panics only when an oracle breaks.
pub fn target(data: &[u8]) {
    if let Ok(parsed) = parse_event(data) {
        let written = parsed.value.to_json();
        match parse_event(written.as_bytes()) {
            Ok(again) => assert_eq!(
                again.value, parsed.value,
                "event round trip changed the value: {written}"
            ),
            Err(e) => panic!("written event does not parse again: {e}: {written}"),
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(topic) = parse_topic(text)
    {
        let written = topic.to_string();
        assert_eq!(
            written, text,
            "topic {topic:?} written differently from its text"
        );
        match parse_topic(&written) {
            Ok(again) => assert_eq!(
                again, topic,
                "topic round trip changed the value: {written}"
            ),
            Err(e) => panic!("written topic {written:?} does not parse again: {e}"),
        }
    }
}
