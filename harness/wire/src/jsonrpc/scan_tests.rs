//! Unit tests of the scanner.

use super::*;

fn run(text: &str) -> (Result<Vec<Entry>, JsonRpcError>, Vec<Violation>) {
    let mut out = Vec::new();
    let opts = ScanOptions {
        max_depth: 128,
        duplicate_keys: true,
        number_range: true,
    };
    let r = scan(text, 0, opts, 1, &mut out);
    (r, out)
}

#[test]
fn finds_duplicate_names_in_small_and_large_objects() {
    let (r, v) = run(r#"{"method":"login","method":"logout"}"#);
    assert!(r.is_ok());
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].span, Some(Span::new(18, 26)));
    let many: String = (0..20).map(|i| format!("\"k{i}\":1,")).collect();
    let (_, v) = run(&format!("{{{many}\"k7\":2}}"));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].detail.contains("\"k7\""));
}

#[test]
fn repeats_in_large_objects_are_reported_once_each() {
    let mut names: Vec<String> = (0..20).map(|i| format!("\"k{i}\":1")).collect();
    names.insert(2, "\"k1\":2".into());
    names.push("\"k1\":3".into());
    names.push("\"k19\":3".into());
    let (_, v) = run(&format!("{{{}}}", names.join(",")));
    let details: Vec<&str> = v
        .iter()
        .map(|v| v.detail.split(" appears").next().unwrap_or(""))
        .collect();
    assert_eq!(
        details,
        ["name \"k1\"", "name \"k1\"", "name \"k19\""],
        "{v:?}"
    );
}

#[test]
fn escaped_and_plain_names_compare_by_value() {
    let (_, v) = run(r#"{"params":{"th":1,"\u0074h":2}}"#);
    assert_eq!(v.len(), 1);
    assert!(v[0].detail.contains("$.params"), "{}", v[0].detail);
}

#[test]
fn same_name_in_sibling_objects_is_fine() {
    let (_, v) = run(r#"[{"a":1},{"a":2},{"b":{"a":3}}]"#);
    assert!(v.is_empty(), "{v:?}");
}

#[test]
fn lone_surrogates_are_errors_and_pairs_are_fine() {
    assert!(matches!(
        run(r#"{"user":"\uD800"}"#).0,
        Err(JsonRpcError::LoneSurrogate { offset: 9, .. })
    ));
    assert!(matches!(
        run(r#"["\uDFFF"]"#).0,
        Err(JsonRpcError::LoneSurrogate { .. })
    ));
    assert!(matches!(
        run(r#"["\uD800\u0041"]"#).0,
        Err(JsonRpcError::LoneSurrogate { .. })
    ));
    assert!(run(r#"["\uD83D\uDE00", "\\uD800"]"#).0.is_ok());
}

#[test]
fn depth_is_bounded_without_recursion() {
    let deep = "[".repeat(100_000);
    assert!(matches!(
        run(&deep).0,
        Err(JsonRpcError::TooDeep {
            offset: 128,
            limit: 128
        })
    ));
    let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
    assert!(run(&ok).0.is_ok());
}

#[test]
fn numbers_beyond_double_range_are_reported() {
    let text = format!(
        r#"{{"th":1e999999,"x":{},"y":1e308,"z":12345678901234567890}}"#,
        "9".repeat(400)
    );
    let (_, v) = run(&text);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].detail.contains("$.th"));
}

#[test]
fn accepts_what_serde_json_accepts() {
    for text in [
        "0",
        "-0.5e+3",
        "\"\"",
        " [ ] ",
        "{}",
        "[true,false,null]",
        r#"{"a":{"b":[1,{"c":"\"\\\/\b\f\n\r\t\u00e9"}]}}"#,
        "\"ünï 🦀\"",
        "[1,2.5,-3e-2,\"x\",{\"y\":[]}]",
        "\"exactly eight bytes!!\"",
    ] {
        assert!(run(text).0.is_ok(), "{text}");
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_ok(),
            "{text}"
        );
    }
}

#[test]
fn rejects_what_serde_json_rejects_with_offsets() {
    for (text, offset) in [
        ("{\"a\" 1}", 5),
        ("[1,,2]", 3),
        ("[1,]", 3),
        ("{\"a\":1,}", 7),
        ("[01]", 2),
        ("[1.]", 3),
        ("[1e]", 3),
        ("[-]", 2),
        ("[tru]", 1),
        ("[True]", 1),
        ("\"a\u{1}\"", 2),
        ("\"\\x\"", 1),
        ("\"\\u12G4\"", 5),
        ("{1:2}", 1),
        ("[1] 2", 4),
        ("}", 0),
    ] {
        match run(text).0 {
            Err(JsonRpcError::Syntax { offset: o, .. }) => assert_eq!(o, offset, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_err(),
            "{text}"
        );
    }
    for text in [
        "", " ", "[", "{\"a\"", "{\"a\":", "\"abc", "[1,", "tr", "\"\\u12",
    ] {
        assert!(
            matches!(run(text).0, Err(JsonRpcError::Truncated { .. })),
            "{text}"
        );
    }
}

#[test]
fn indexes_the_top_object_and_its_members() {
    let text = r#" {"id":1,"result":{"a":[1,2]},"x":"y"} "#;
    let entries = run(text).0.unwrap_or_default();
    let members = children(text, &entries, 0);
    let got: Vec<(&str, &str)> = members.iter().map(|(k, v)| (k.as_ref(), *v)).collect();
    assert_eq!(
        got,
        [("id", "1"), ("result", r#"{"a":[1,2]}"#), ("x", "\"y\"")]
    );
    assert_eq!(
        members_of(r#"{"a\u0062":true}"#),
        [("ab".to_owned(), "true".to_owned())]
    );
    assert!(super::members("[1]").is_none());
}

fn members_of(text: &str) -> Vec<(String, String)> {
    super::members(text)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.to_owned()))
        .collect()
}
