//! JSON-RPC 2.0 and the NSO dialect: the NSO manual's own examples, table-driven
//! valid/malformed cases for every rule, the known bad inputs, keypaths, and
//! property tests.

use confuzz_wire::Level;
use confuzz_wire::jsonrpc::{
    self, ErrorObject, ErrorType, Id, Incoming, JsonRpcError, Outgoing, ParseOptions, Request,
    RequestItem, Response, ResponseItem, correlate, parse_request, parse_request_with,
    parse_response, parse_response_with,
};
use proptest::prelude::*;

// ---- fixtures: request and response bodies from the NSO JSON-RPC manual ----

const REQ_SUBTRACT: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "method": "subtract",
 "params": [42, 23]}"#;

const REQ_BATCH: &str = r#"[{"jsonrpc": "2.0",
  "id": 1,
  "method": "subtract",
  "params": [42, 23]}
,{"jsonrpc": "2.0",
  "id": 2,
  "method": "add",
  "params": [42, 23]}]"#;

const REQ_LOGIN_BAD_PARAMS: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "method": "login",
 "params":
 {"foo": "joe",
  "bar": "SWkkasE32"}}"#;

/// NSO requests from the manual, all well-formed and by name.
const NSO_REQUESTS: &[&str] = &[
    REQ_LOGIN_BAD_PARAMS,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "get_value",
         "params": {"th": 4711,
                    "path": "/dhcp:dhcp/max-lease-time"}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "set_value",
         "params": {"th": 4711,
                    "path": "/dhcp:dhcp/max-lease-time",
                    "value": "4500"}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "query",
         "params": {"th": 1,
                    "xpath_expr": "/dhcp:dhcp/dhcp:foo",
                    "result_as": "keypath-value"}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "run_query",
         "params": {"qh": 22}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "subscribe_changes",
         "params": {"comet_id": "main",
                    "path": "/dhcp:dhcp"}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "comet",
         "params": {"comet_id": "main"}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "get_schema",
         "params": {"th": 2,
                    "path": "/aaa:aaa/authentication/users/user{admin}",
                    "levels": -1,
                    "insert_values": true}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
        "method": "run_action",
        "params": {"th": 2,
                   "path": "/dhcp:dhcp/set-clock",
                   "params": {"clockSettings":
    "2014-02-11T14:20:53.460%2B01:00"},
                   "format": "json"}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "login",
         "params": {"user": "admin",
                    "passwd": "admin"}}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "get_trans"}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "logout"}"#,
    r#"{"jsonrpc": "2.0", "id": 1,
         "method": "new_trans",
         "params": {"db": "running",
                    "mode": "read"}}"#,
];

/// The manual writes `id: 1` unquoted in two examples: not JSON.
const REQ_UNQUOTED_ID: &str = r#"{"jsonrpc": "2.0", id: 1,
         "method": "get_module_prefix_map",
         "params": {}}"#;

const RESP_ADD: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": 19}"#;

const RESP_METHOD_NOT_FOUND: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "error":
 {"code": -32601,
   "type": "rpc.request.method.not_found",
   "message": "Method not found"}}"#;

const RESP_BATCH: &str = r#"[{"jsonrpc": "2.0",
  "id": 2,
  "result": 65}
,{"jsonrpc": "2.0",
  "id": 1,
  "result": 19}]"#;

const RESP_UNEXPECTED_PARAMS: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "error":
 {"code": -32602,
  "type": "rpc.method.unexpected_params",
  "message": "Unexpected params",
  "data":
  {"param": "foo"}}}"#;

const RESP_LOGIN_FAILED: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "error":
 {"code": -32000,
  "type": "rpc.method.failed",
  "message": "Method failed"}}"#;

const RESP_INVALID_SESSIONID: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "error":
 {"code": -32000,
  "type": "session.invalid_sessionid",
  "message": "Invalid sessionid"}}"#;

const NSO_RESPONSES: &[&str] = &[
    RESP_ADD,
    RESP_METHOD_NOT_FOUND,
    RESP_UNEXPECTED_PARAMS,
    RESP_LOGIN_FAILED,
    RESP_INVALID_SESSIONID,
    r#"{
  "jsonrpc": "2.0",
  "id": 1,
  "result": {"value": "7200"}
}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": {}
}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result":
 {"current_position": 2,
  "total_number_of_results": 4,
  "number_of_results": 2,
  "number_of_elements_per_result": 2,
  "results": ["foo", "bar"]}}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": 47}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": true}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": {"handle": "2"}}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result":
 [{"handle": "1",
   "message":
   {"db": "running",
    "changes":
    [{"keypath": "/dhcp:dhcp/default-lease-time",
      "op": "value_set",
      "value": "100"}],
    "user": "admin",
    "ip": "127.0.0.1"}}]}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": [{"name":"systemClock", "value":"0000-00-00T03:00:00+00:00"},
            {"name":"inlineContainer/bar", "value":"false"},
            {"name":"hardwareClock","value":"0000-00-00T04:00:00+00:00"}]}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": {"systemClock": "0000-00-00T03:00:00+00:00",
            "inlineContainer": {"bar": false},
            "hardwareClock": "0000-00-00T04:00:00+00:00"}}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result":
 {"trans":
  [{"db": "running",
    "th": 2}]}}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": 2}"#,
    r#"{"jsonrpc": "2.0",
 "id": 1,
 "result":
 [{"keypath":"/dhcp:dhcp/default-lease-time",
   "op": "value_set",
   "value": "100",
   "old": ""}]}"#,
];

/// The manual's `get_module_prefix_map` result ends its object with a comma.
const RESP_TRAILING_COMMA: &str = r#"{"jsonrpc": "2.0",
 "id": 1,
 "result": {
     "cli-builtin": "cli-builtin",
     "tailf-webui": "webui",
    }
}"#;

fn req(text: &str) -> jsonrpc::Parsed<Incoming> {
    match parse_request(text.as_bytes()) {
        Ok(p) => p,
        Err(e) => panic!("request did not parse: {e}\n{text}"),
    }
}

fn resp(text: &str) -> jsonrpc::Parsed<Outgoing> {
    match parse_response(text.as_bytes()) {
        Ok(p) => p,
        Err(e) => panic!("response did not parse: {e}\n{text}"),
    }
}

fn single_request(p: &jsonrpc::Parsed<Incoming>) -> &Request {
    match &p.value {
        Incoming::Single(RequestItem::Request(r)) => r,
        other => panic!("expected one request, got {other:?}"),
    }
}

fn single_response(p: &jsonrpc::Parsed<Outgoing>) -> &Response {
    match &p.value {
        Outgoing::Single(ResponseItem::Response(r)) => r,
        other => panic!("expected one response, got {other:?}"),
    }
}

// ---- the manual's examples ----

#[test]
fn manual_nso_requests_parse_clean_and_round_trip() {
    for text in NSO_REQUESTS {
        let p = req(text);
        assert!(p.is_clean(), "{:?}\n{text}", p.violations);
        let again = req(&p.value.to_json());
        assert_eq!(again.value, p.value);
    }
    let login = req(NSO_REQUESTS[9]);
    let r = single_request(&login);
    assert_eq!(
        (r.method.as_str(), r.id.clone()),
        ("login", Some(Id::from(1)))
    );
    assert_eq!(
        r.params_value()
            .ok()
            .and_then(|v| v["user"].as_str().map(str::to_owned))
            .as_deref(),
        Some("admin")
    );
}

#[test]
fn manual_positional_subtract_is_valid_json_rpc_but_not_nso() {
    let plain = parse_request_with(REQ_SUBTRACT.as_bytes(), &ParseOptions::plain());
    assert!(plain.is_ok_and(|p| p.is_clean()));
    assert_eq!(req(REQ_SUBTRACT).rule_ids(), ["nso-params-array"]);
}

#[test]
fn manual_batch_request_keeps_order() {
    let p = parse_request_with(REQ_BATCH.as_bytes(), &ParseOptions::plain());
    let Ok(p) = p else {
        panic!("batch did not parse")
    };
    let methods: Vec<&str> = p
        .value
        .requests()
        .iter()
        .map(|r| r.method.as_str())
        .collect();
    assert_eq!(methods, ["subtract", "add"]);
}

#[test]
fn manual_responses_parse_clean_and_round_trip() {
    for text in NSO_RESPONSES {
        let p = resp(text);
        assert!(p.is_clean(), "{:?}\n{text}", p.violations);
        assert_eq!(resp(&p.value.to_json()).value, p.value);
    }
}

#[test]
fn manual_unexpected_params_error_is_read_field_by_field() {
    let p = resp(RESP_UNEXPECTED_PARAMS);
    let e = single_response(&p).error.clone().unwrap_or_default();
    assert_eq!(e.code, Some(-32602));
    assert_eq!(e.kind, Some(ErrorType::MethodUnexpectedParams));
    assert_eq!(e.message.as_deref(), Some("Unexpected params"));
    assert_eq!(e.param().as_deref(), Some("foo"));
    let built = ErrorObject::params(ErrorType::MethodUnexpectedParams, "foo");
    assert_eq!(e.data_fields(), built.data_fields());
    assert_eq!(
        ErrorObject { data: None, ..e },
        ErrorObject {
            data: None,
            ..built
        }
    );
}

#[test]
fn manual_error_responses_equal_the_constructors() {
    let login = resp(RESP_LOGIN_FAILED);
    assert_eq!(
        single_response(&login),
        &Response::error(1, ErrorObject::nso(ErrorType::MethodFailed))
    );
    let session = resp(RESP_INVALID_SESSIONID);
    assert_eq!(
        single_response(&session),
        &Response::error(1, ErrorObject::nso(ErrorType::SessionInvalidSessionid))
    );
}

#[test]
fn manual_batch_response_correlates_out_of_order() {
    let q = parse_request_with(REQ_BATCH.as_bytes(), &ParseOptions::plain()).map(|p| p.value);
    let Ok(q) = q else { panic!("batch request") };
    let r = resp(RESP_BATCH);
    let c = correlate(
        &q.requests().into_iter().cloned().collect::<Vec<_>>(),
        &r.value.responses().into_iter().cloned().collect::<Vec<_>>(),
    );
    assert_eq!(c.pairs, [(1, 0), (0, 1)]);
    assert!(c.violations.is_empty());
}

#[test]
fn manual_typos_are_syntax_errors_pointing_at_the_typo() {
    match parse_request(REQ_UNQUOTED_ID.as_bytes()) {
        Err(JsonRpcError::Syntax {
            offset, line: 1, ..
        }) => assert_eq!(&REQ_UNQUOTED_ID[offset..offset + 2], "id"),
        other => panic!("{other:?}"),
    }
    match parse_response(RESP_TRAILING_COMMA.as_bytes()) {
        Err(JsonRpcError::Syntax {
            offset, message, ..
        }) => {
            assert!(
                RESP_TRAILING_COMMA[..offset].trim_end().ends_with(','),
                "{offset}"
            );
            assert_eq!(&RESP_TRAILING_COMMA[offset..offset + 1], "}", "{message}");
            assert!(message.contains("trailing comma"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

// ---- table-driven malformed requests and responses ----

/// (name, request, rule ids expected, in order)
#[rustfmt::skip]
const MALFORMED_REQUESTS: &[(&str, &str, &[&str])] = &[
    ("no jsonrpc", r#"{"id":1,"method":"a"}"#, &["jsonrpc-missing"]),
    ("version 1.0", r#"{"jsonrpc":"1.0","id":1,"method":"a"}"#, &["jsonrpc-version"]),
    ("version as number", r#"{"jsonrpc":2.0,"id":1,"method":"a"}"#, &["jsonrpc-version"]),
    ("id object", r#"{"jsonrpc":"2.0","id":{"a":1},"method":"a"}"#, &["id-type"]),
    ("id array", r#"{"jsonrpc":"2.0","id":[1],"method":"a"}"#, &["id-type"]),
    ("id bool", r#"{"jsonrpc":"2.0","id":true,"method":"a"}"#, &["id-type"]),
    ("id fraction", r#"{"jsonrpc":"2.0","id":1.5,"method":"a"}"#, &["id-fractional"]),
    ("id null", r#"{"jsonrpc":"2.0","id":null,"method":"a"}"#, &["id-null"]),
    ("method number", r#"{"jsonrpc":"2.0","id":1,"method":42}"#, &["method-type"]),
    ("no method", r#"{"jsonrpc":"2.0","id":1}"#, &["method-type"]),
    ("rpc. method", r#"{"jsonrpc":"2.0","id":1,"method":"rpc.discover"}"#, &["method-reserved"]),
    ("params string", r#"{"jsonrpc":"2.0","id":1,"method":"a","params":"x"}"#, &["params-type"]),
    ("params null", r#"{"jsonrpc":"2.0","id":1,"method":"a","params":null}"#, &["params-type"]),
    ("params array", r#"{"jsonrpc":"2.0","id":1,"method":"a","params":[1]}"#, &["nso-params-array"]),
    ("th float", r#"{"jsonrpc":"2.0","id":1,"method":"get_value","params":{"th":1.0}}"#, &["nso-integer-param"]),
    ("th -0", r#"{"jsonrpc":"2.0","id":1,"method":"get_value","params":{"th":-0}}"#, &["nso-integer-param"]),
    ("th string", r#"{"jsonrpc":"2.0","id":1,"method":"get_value","params":{"th":"4711"}}"#, &["nso-integer-param"]),
    ("th 1e999999", r#"{"jsonrpc":"2.0","id":1,"method":"get_value","params":{"th":1e999999}}"#, &["number-out-of-range", "nso-integer-param"]),
    ("duplicate method", r#"{"jsonrpc":"2.0","id":1,"method":"login","method":"logout"}"#, &["duplicate-key"]),
    ("unknown member", r#"{"jsonrpc":"2.0","id":1,"method":"a","foo":1}"#, &["unknown-member"]),
    ("result in request", r#"{"jsonrpc":"2.0","id":1,"method":"a","result":1}"#, &["unknown-member"]),
    ("empty batch", "[]", &["batch-empty"]),
    ("batch of numbers", "[1,2]", &["not-an-object", "not-an-object"]),
    ("bare number", "42", &["not-an-object"]),
];

#[test]
fn malformed_requests_report_exactly_their_rules() {
    for (name, text, want) in MALFORMED_REQUESTS {
        let p = req(text);
        assert_eq!(p.rule_ids(), *want, "{name}: {:?}", p.violations);
        for v in &p.violations {
            let span = v.span.unwrap_or(confuzz_wire::Span::new(0, 0));
            assert!(
                span.end as usize <= text.len() && span.start < span.end,
                "{name}: span {span}"
            );
        }
        assert_eq!(req(&p.value.to_json()).value, p.value, "{name}: round trip");
    }
}

#[test]
fn discouraged_ids_are_warnings_and_forbidden_ones_errors() {
    assert!(
        req(MALFORMED_REQUESTS[7].1)
            .violations
            .iter()
            .all(|v| v.level == Level::Warning)
    );
    assert!(req(MALFORMED_REQUESTS[6].1).is_valid());
    assert!(!req(MALFORMED_REQUESTS[3].1).is_valid());
}

#[test]
fn unreadable_requests_become_invalid_items_keeping_a_readable_id() {
    let p = req(r#"{"jsonrpc":"2.0","id":7,"method":42}"#);
    match &p.value {
        Incoming::Single(RequestItem::Invalid(i)) => {
            assert_eq!(i.id, Some(Id::from(7)));
            assert_eq!(i.raw.get(), r#"{"jsonrpc":"2.0","id":7,"method":42}"#);
        }
        other => panic!("{other:?}"),
    }
    let p =
        req(r#"[{"jsonrpc":"2.0","id":{},"method":"a"},{"jsonrpc":"2.0","id":2,"method":"b"}]"#);
    match &p.value {
        Incoming::Batch(items) => {
            assert!(matches!(&items[0], RequestItem::Invalid(i) if i.id.is_none()));
            assert_eq!(items[1].as_request().map(|r| r.method.as_str()), Some("b"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn plain_mode_skips_nso_checks() {
    let text = r#"{"jsonrpc":"2.0","id":1,"method":"a","params":{"th":1.5}}"#;
    let p = parse_request_with(text.as_bytes(), &ParseOptions::plain());
    assert!(p.is_ok_and(|p| p.is_clean()));
    let e = r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"x"}}"#;
    let p = parse_response_with(e.as_bytes(), &ParseOptions::plain());
    assert!(p.is_ok_and(|p| p.is_clean()));
}

#[rustfmt::skip]
const MALFORMED_RESPONSES: &[(&str, &str, &[&str])] = &[
    ("both", r#"{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":-32000,"type":"rpc.method.failed","message":"x"}}"#, &["result-and-error"]),
    ("neither", r#"{"jsonrpc":"2.0","id":1}"#, &["result-or-error-missing"]),
    ("no id", r#"{"jsonrpc":"2.0","result":1}"#, &["response-id-missing"]),
    ("id object", r#"{"jsonrpc":"2.0","id":{},"result":1}"#, &["id-type"]),
    ("null id with result", r#"{"jsonrpc":"2.0","id":null,"result":1}"#, &["id-null"]),
    ("fractional id", r#"{"jsonrpc":"2.0","id":2.5,"result":1}"#, &["id-fractional"]),
    ("error string", r#"{"jsonrpc":"2.0","id":1,"error":"boom"}"#, &["error-not-object"]),
    ("code string", r#"{"jsonrpc":"2.0","id":1,"error":{"code":"x","type":"rpc.method.failed","message":"m"}}"#, &["error-code-integer"]),
    ("code fraction", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000.5,"type":"rpc.method.failed","message":"m"}}"#, &["error-code-integer"]),
    ("no code", r#"{"jsonrpc":"2.0","id":1,"error":{"type":"rpc.method.failed","message":"m"}}"#, &["error-code-integer"]),
    ("reserved code", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32100,"type":"rpc.method.failed","message":"m"}}"#, &["error-code-reserved"]),
    ("no message", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"type":"rpc.method.failed"}}"#, &["error-message"]),
    ("message number", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"type":"rpc.method.failed","message":1}}"#, &["error-message"]),
    ("no type", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"m"}}"#, &["nso-error-type-missing"]),
    ("type number", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"type":5,"message":"m"}}"#, &["nso-error-type-missing"]),
    ("unknown type", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"type":"rpc.foo","message":"m"}}"#, &["nso-error-type-unknown"]),
    ("params type without param", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"type":"rpc.method.invalid_params","message":"m"}}"#, &["nso-error-param-missing"]),
    ("params type with data but no param", r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"type":"rpc.method.missing_params","message":"m","data":{"reason":"r"}}}"#, &["nso-error-param-missing"]),
    ("empty batch", "[]", &["batch-empty"]),
    ("version 1.0", r#"{"jsonrpc":"1.0","id":1,"result":1}"#, &["jsonrpc-version"]),
    ("method in response", r#"{"jsonrpc":"2.0","id":1,"result":1,"method":"x"}"#, &["unknown-member"]),
    ("duplicate result", r#"{"jsonrpc":"2.0","id":1,"result":1,"result":2}"#, &["duplicate-key"]),
];

#[test]
fn malformed_responses_report_exactly_their_rules() {
    for (name, text, want) in MALFORMED_RESPONSES {
        let p = resp(text);
        assert_eq!(p.rule_ids(), *want, "{name}: {:?}", p.violations);
        assert_eq!(
            resp(&p.value.to_json()).value,
            p.value,
            "{name}: round trip"
        );
    }
}

#[test]
fn null_id_error_responses_are_fine() {
    let text = r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"type":"rpc.request.parse_error","message":"Parse error"}}"#;
    assert!(resp(text).is_clean());
}

#[test]
fn both_and_neither_responses_are_kept_and_written_back() {
    let p = resp(MALFORMED_RESPONSES[0].1);
    let r = single_response(&p);
    assert!(r.result.is_some() && r.error.is_some());
    assert_eq!(r.outcome(), jsonrpc::Outcome::Malformed);
    let neither = Response {
        result: None,
        ..Response::result(1, jsonrpc::RawJson::null())
    };
    assert_eq!(neither.to_json(), r#"{"jsonrpc":"2.0","id":1}"#);
}

#[test]
fn duplicate_key_keeps_the_last_value_and_points_at_the_repeat() {
    let text = r#"{"jsonrpc":"2.0","id":1,"method":"login","method":"logout"}"#;
    let p = req(text);
    assert_eq!(single_request(&p).method, "logout");
    let span = p.violations[0]
        .span
        .unwrap_or(confuzz_wire::Span::new(0, 0));
    assert_eq!(&text[span.start as usize..span.end as usize], "\"method\"");
}

// ---- errors: bytes that cannot be read ----

#[test]
fn limits_and_encoding_errors_name_offset_and_fix() {
    let deep = "[".repeat(100_000);
    assert!(matches!(
        parse_request(deep.as_bytes()),
        Err(JsonRpcError::TooDeep {
            offset: 128,
            limit: 128
        })
    ));
    let deep_obj = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":{}}}",
        "{\"a\":".repeat(200)
    );
    assert!(matches!(
        parse_request(deep_obj.as_bytes()),
        Err(JsonRpcError::TooDeep { .. })
    ));
    let small = ParseOptions {
        max_size: 10,
        ..ParseOptions::default()
    };
    assert_eq!(
        parse_request_with(REQ_SUBTRACT.as_bytes(), &small),
        Err(JsonRpcError::TooLarge {
            size: REQ_SUBTRACT.len(),
            limit: 10
        })
    );
    for (bytes, offset) in [
        (&b"{\"a\":\"\xC0\xAF\"}"[..], 6),
        (b"\x80", 0),
        (b"[\"\xED\xA0\x80\"]", 2),
        (b"[\"\xF5\"]", 2),
    ] {
        assert_eq!(
            parse_response(bytes),
            Err(JsonRpcError::InvalidUtf8 { offset })
        );
    }
    let e =
        parse_request(br#"{"jsonrpc":"2.0","id":1,"method":"login","params":{"user":"\uD800"}}"#);
    assert!(
        matches!(&e, Err(JsonRpcError::LoneSurrogate { offset: 59, escape }) if escape == "\\uD800"),
        "{e:?}"
    );
    assert!(e.is_err_and(|e| e.to_string().contains("RFC 8259 §8.2")));
}

#[test]
fn truncated_and_garbage_bodies_map_to_nso_error_types() {
    let t = parse_request(br#"{"jsonrpc":"2.0","id":1,"method":"lo"#);
    assert!(matches!(&t, Err(JsonRpcError::Truncated { .. })));
    assert_eq!(
        t.err().map(|e| e.to_error_object().kind),
        Some(Some(ErrorType::RequestEofParseError))
    );
    assert!(matches!(
        parse_request(b""),
        Err(JsonRpcError::Truncated { offset: 0, .. })
    ));
    let g = parse_request(br#"{"jsonrpc":"2.0","id":1,"method":"a"} x"#);
    assert!(
        matches!(&g, Err(JsonRpcError::Syntax { offset: 38, .. })),
        "{g:?}"
    );
    assert_eq!(
        g.err().map(|e| e.to_error_object().code),
        Some(Some(-32700))
    );
    let nul = parse_request(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\0\"}");
    assert!(matches!(nul, Err(JsonRpcError::Syntax { .. })));
}

// ---- known bad inputs 27-33 ----

#[test]
fn known_bad_27_deep_nesting_json_is_an_error_not_a_stack_overflow() {
    for text in [
        "[".repeat(100_000),
        "{\"a\":".repeat(100_000),
        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
    ] {
        assert!(matches!(
            parse_request(text.as_bytes()),
            Err(JsonRpcError::TooDeep { .. })
        ));
        assert!(matches!(
            parse_response(text.as_bytes()),
            Err(JsonRpcError::TooDeep { .. })
        ));
    }
}

#[test]
fn known_bad_28_huge_numbers_where_nso_expects_integers() {
    let digits = "9".repeat(400);
    for th in ["1e999999", digits.as_str(), "-0", "1.0"] {
        let text = format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"get_value","params":{{"th":{th},"path":"/d:x"}}}}"#
        );
        let p = req(&text);
        assert!(
            p.rule_ids().contains(&"nso-integer-param"),
            "{th}: {:?}",
            p.violations
        );
        assert_eq!(
            single_request(&p)
                .params
                .as_ref()
                .map(|r| r.get().contains(th)),
            Some(true),
            "kept exact"
        );
    }
    assert_eq!(
        req(&format!(
            r#"{{"jsonrpc":"2.0","id":{digits},"method":"a"}}"#
        ))
        .rule_ids(),
        ["number-out-of-range"]
    );
}

#[test]
fn known_bad_29_duplicate_keys_in_envelope_and_params() {
    assert_eq!(
        req(r#"{"method":"login","method":"logout","jsonrpc":"2.0","id":1}"#).rule_ids(),
        ["duplicate-key"]
    );
    let p = req(
        r#"{"jsonrpc":"2.0","id":1,"method":"get_value","params":{"th":1,"path":"/d:x","th":2}}"#,
    );
    assert_eq!(p.rule_ids(), ["duplicate-key"]);
    assert!(
        p.violations[0].detail.contains("$.params"),
        "{}",
        p.violations[0].detail
    );
    let fast = ParseOptions {
        deep_scan: false,
        ..ParseOptions::default()
    };
    let p = parse_request_with(
        br#"{"jsonrpc":"2.0","id":1,"method":"a","method":"b"}"#,
        &fast,
    );
    assert!(p.is_ok_and(|p| p.rule_ids() == ["duplicate-key"]));
}

#[test]
fn known_bad_30_lone_surrogates_are_rejected_with_their_offset() {
    for (text, offset) in [
        (r#"{"user":"\uD800"}"#, 9),
        (r#"{"user":"\uDFFF"}"#, 9),
        (r#"["ok", "\uDBFF\uDBFF"]"#, 8),
    ] {
        assert_eq!(
            parse_request(text.as_bytes())
                .err()
                .and_then(|e| e.offset()),
            Some(offset),
            "{text}"
        );
    }
    assert!(
        req(r#"{"jsonrpc":"2.0","id":1,"method":"a","params":{"s":"\uD83D\uDE00"}}"#).is_clean()
    );
}

#[test]
fn known_bad_31_empty_batch_is_answered_by_one_invalid_request() {
    let p = req("[]");
    assert_eq!(p.value, Incoming::Batch(vec![]));
    assert_eq!(p.rule_ids(), ["batch-empty"]);
    let answer = Response::error(Id::Null, ErrorObject::invalid_request());
    assert_eq!(
        answer.to_json(),
        r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"type":"rpc.request.invalid","message":"Invalid request"}}"#
    );
}

#[test]
fn known_bad_32_id_null_object_and_missing() {
    assert_eq!(
        req(r#"{"jsonrpc":"2.0","id":null,"method":"a"}"#).rule_ids(),
        ["id-null"]
    );
    assert_eq!(
        req(r#"{"jsonrpc":"2.0","id":{"x":1},"method":"a"}"#).rule_ids(),
        ["id-type"]
    );
    let n = req(r#"{"jsonrpc":"2.0","method":"a"}"#);
    assert!(n.is_clean() && single_request(&n).is_notification());
}

#[test]
fn known_bad_33_params_array_or_missing() {
    assert_eq!(
        req(r#"{"jsonrpc":"2.0","id":1,"method":"login","params":["admin","admin"]}"#).rule_ids(),
        ["nso-params-array"]
    );
    let missing = req(r#"{"jsonrpc":"2.0","id":1,"method":"login"}"#);
    assert!(
        missing.is_clean(),
        "params may be left out (NSO answers missing_params itself)"
    );
    let answer = ErrorObject::params(ErrorType::MethodMissingParams, "user");
    assert_eq!(answer.param().as_deref(), Some("user"));
    assert_eq!(answer.code, Some(-32602));
}

#[test]
fn every_documented_error_type_builds_a_clean_response() {
    for kind in ErrorType::KNOWN {
        let e = if kind.carries_param() {
            ErrorObject::params(kind.clone(), "th")
        } else {
            ErrorObject::nso(kind.clone())
        };
        let text = Response::error(3, e).to_json();
        let p = resp(&text);
        assert!(p.is_clean(), "{kind}: {:?}", p.violations);
    }
}

#[test]
fn correlation_reports_unknown_ids() {
    let c = correlate(
        &[Request::new(1, "a")],
        &[Response::result(2, jsonrpc::RawJson::null())],
    );
    let ids: Vec<&str> = c.violations.iter().map(|v| v.rule.id).collect();
    assert_eq!(ids, ["response-id-unknown", "response-missing"]);
}

// ---- property tests ----

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[ -~\\PC]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn id() -> impl Strategy<Value = Id> {
    prop_oneof![
        any::<i64>().prop_map(Id::from),
        "\\PC{0,10}".prop_map(Id::from)
    ]
}

fn request() -> impl Strategy<Value = Request> {
    (
        id(),
        "[a-z_]{1,16}",
        prop::option::of(prop::collection::btree_map(
            "k[a-z_]{0,7}",
            json_value(),
            0..5,
        )),
        any::<bool>(),
    )
        .prop_map(|(id, method, params, notify)| {
            let mut r = if notify {
                Request::notification(method)
            } else {
                Request::new(id, method)
            };
            if let Some(p) = params {
                r = r.with_params(&serde_json::Value::Object(p.into_iter().collect()));
            }
            r
        })
}

fn response() -> impl Strategy<Value = Response> {
    let error = (prop::sample::select(ErrorType::KNOWN), "\\PC{0,12}").prop_map(|(kind, param)| {
        if kind.carries_param() {
            ErrorObject::params(kind, &param)
        } else {
            ErrorObject::nso(kind)
        }
    });
    (
        id(),
        prop_oneof![json_value().prop_map(Ok), error.prop_map(Err)],
    )
        .prop_map(|(id, outcome)| match outcome {
            Ok(v) => Response::result_value(id, &v),
            Err(e) => Response::error(id, e),
        })
}

/// JSON text (not a `serde_json::Value`: numbers like 1e999999 and repeated
/// names must survive), with names drawn from the JSON-RPC members.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,7})?",
        "\\PC{0,8}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        Just(r#""\u00e9\ud83d\ude00\n\"""#.to_owned()),
        Just("\"rpc.method.invalid_params\"".to_owned()),
        Just("\"2.0\"".to_owned()),
    ];
    let name = prop::sample::select(vec![
        "jsonrpc", "id", "method", "params", "result", "error", "code", "message", "type", "data",
        "param", "th", "x\\u0074",
    ]);
    leaf.prop_recursive(4, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((name.clone(), inner), 0..6).prop_map(|m| {
                let members: Vec<String> =
                    m.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

proptest! {
    #[test]
    fn structured_messages_keep_the_oracle(text in json_text()) {
        jsonrpc::fuzz::target(text.as_bytes());
        jsonrpc::fuzz::target(format!("[{text},{text}]").as_bytes());
    }

    #[test]
    fn written_requests_parse_back_to_the_same_value(rs in prop::collection::vec(request(), 1..5), batch in any::<bool>()) {
        let msg: Incoming = if batch { rs.into() } else { rs[0].clone().into() };
        let p = parse_request(msg.to_json().as_bytes());
        prop_assert!(p.is_ok());
        let p = p.unwrap_or_else(|_| unreachable!());
        prop_assert!(p.is_valid(), "{:?}", p.violations);
        prop_assert_eq!(p.value, msg);
    }

    #[test]
    fn written_responses_parse_back_to_the_same_value(rs in prop::collection::vec(response(), 1..5), batch in any::<bool>()) {
        let msg: Outgoing = if batch { rs.into() } else { rs[0].clone().into() };
        let p = parse_response(msg.to_json().as_bytes());
        prop_assert!(p.is_ok());
        let p = p.unwrap_or_else(|_| unreachable!());
        prop_assert!(p.is_valid(), "{:?}", p.violations);
        prop_assert_eq!(p.value, msg);
    }


    #[test]
    fn parsers_never_panic_on_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        jsonrpc::fuzz::target(&data);
    }

    #[test]
    fn parsers_never_panic_on_json_like_text(text in "[\\[\\]{}\":,0-9a-z\\\\ .eE+-]{0,80}") {
        jsonrpc::fuzz::target(text.as_bytes());
    }

    #[test]
    fn mutated_valid_messages_keep_the_oracle(i in 0..NSO_RESPONSES.len(), at in any::<prop::sample::Index>(), b in any::<u8>()) {
        let mut bytes = NSO_RESPONSES[i].as_bytes().to_vec();
        let k = at.index(bytes.len());
        bytes[k] = b;
        jsonrpc::fuzz::target(&bytes);
        jsonrpc::fuzz::target(&bytes[..k]);
    }
}
