//! Scenario files that do not parse, and the errors they get.

use confuzz_runner::parse::{ParseError, parse_str};
use std::path::Path;

/// The errors `text` gets; panics when it parses.
pub fn errors(text: &str) -> Vec<ParseError> {
    match parse_str(Path::new("t.yaml"), text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn misspelt_step_key_gets_line_column_and_did_you_mean() {
    let e = errors(
        "name: x\nchannels: [netconf]\nsteps:\n  - hello: {}\n  - rpc: <get/>\n    expct: ok\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].line, e[0].column), (6, 5), "{}", e[0]);
    assert!(e[0].message.contains("expct"), "{}", e[0]);
    assert_eq!(e[0].suggestion.as_deref(), Some("did you mean `expect`?"));
}

#[test]
fn misspelt_expect_value_suggests_the_closest_variant() {
    let e = errors(
        "name: x\nchannels: [netconf]\nsteps:\n  - hello: {}\n  - rpc: <get/>\n    expect: okk\n",
    );
    assert_eq!(e[0].line, 6, "{}", e[0]);
    assert_eq!(
        e[0].suggestion.as_deref(),
        Some("did you mean `ok`?"),
        "{}",
        e[0]
    );
}

#[test]
fn undefined_variable_and_unopened_session_are_reported_at_their_step() {
    let e = errors(
        "name: x\nchannels: [netconf]\nvars:\n  class_name: a\nsteps:\n  - hello: {}\n  - rpc: <x>${clas_name}</x>\n  - rpc: <get/>\n    session: second\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0].line, 7);
    assert_eq!(
        e[0].suggestion.as_deref(),
        Some("did you mean `${class_name}`?")
    );
    assert_eq!(e[1].line, 8);
    assert!(e[1].message.contains("not open"), "{}", e[1]);
}

#[test]
fn a_step_with_two_actions_or_none_is_refused() {
    let e = errors(
        "name: x\nchannels: [netconf]\nsteps:\n  - hello: {}\n    rpc: <get/>\n  - expect: ok\n",
    );
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e[0].message.contains("2 actions"), "{}", e[0]);
    assert!(e[1].message.contains("no action"), "{}", e[1]);
}

#[test]
fn bad_regex_path_and_channel_are_errors() {
    let e = errors(
        "name: x\nchannels: [netconf]\nsteps:\n  - hello: {channel: junoscript}\n  - rpc: <get/>\n    session: main\n    assert:\n      - path: '//a['\n        matches: '('\n",
    );
    let text: Vec<String> = e.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter().any(|t| t.contains("does not list junoscript")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("`[` without `]`")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("not a regular expression")),
        "{text:?}"
    );
}

#[test]
fn a_valid_scenario_parses_with_its_steps() {
    let s = parse_str(
        Path::new("t.yaml"),
        "name: x\ntags: [a]\nchannels: [netconf]\nsteps:\n  - hello: {}\n  - rpc: <get/>\n    expect: {rpc-error: {tag: lock-denied, type: protocol}}\n  - wait: 500ms\n",
    )
    .unwrap();
    assert_eq!(s.steps.len(), 3);
    assert_eq!(s.steps[2].value.wait.unwrap().0.as_millis(), 500);
}
