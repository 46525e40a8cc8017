//! The JSON-RPC fuzz oracle, kept in the library so `cargo test` compiles it
//! and replays the corpus without libFuzzer.

use super::keypath::parse_keypath;
use super::parse::{ParseOptions, parse_request_with, parse_response_with};

/// Feeds `data` to every JSON-RPC reader and checks the round trips.
///
/// - parsed as a request message and as a response message (NSO and plain
///   JSON-RPC checks); whatever parses is written and parsed again, and must
///   give the same value;
/// - read as a keypath; a keypath that parses is written and parsed again
///   to the same keypath.
///
/// Panics only when an oracle breaks.
pub fn target(data: &[u8]) {
    for opts in [ParseOptions::default(), ParseOptions::plain()] {
        if let Ok(parsed) = parse_request_with(data, &opts) {
            let written = parsed.value.to_json();
            match parse_request_with(written.as_bytes(), &opts) {
                Ok(again) => assert_eq!(
                    again.value, parsed.value,
                    "request round trip changed the value: {written}"
                ),
                Err(e) => panic!("written request does not parse again: {e}: {written}"),
            }
        }
        if let Ok(parsed) = parse_response_with(data, &opts) {
            let written = parsed.value.to_json();
            match parse_response_with(written.as_bytes(), &opts) {
                Ok(again) => assert_eq!(
                    again.value, parsed.value,
                    "response round trip changed the value: {written}"
                ),
                Err(e) => panic!("written response does not parse again: {e}: {written}"),
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(path) = parse_keypath(text)
    {
        let written = path.to_string();
        match parse_keypath(&written) {
            Ok(again) => assert_eq!(
                again, path,
                "keypath round trip changed the path: {text:?} -> {written:?}"
            ),
            Err(e) => {
                panic!("written keypath {written:?} (from {text:?}) does not parse again: {e}")
            }
        }
    }
}
