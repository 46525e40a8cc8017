//! JSON-RPC steps: building the request, calling over HTTP, and checking
//! the reply with JSON pointers.
//!
//! A single call's reply is checked as the response object
//! (`/result/th`, `/error/type`); a batch's replies are matched to the
//! calls by id and checked as an array in the calls' order (`/0/result`,
//! `/1/error/data/param`), so the server may answer in any order. Every
//! reply also goes through `confuzz_wire::jsonrpc::parse_response` and id
//! correlation: what breaks JSON-RPC 2.0 or NSO's dialect is a violation.

use crate::http::HttpClient;
use crate::model::{Assertion, Expect, JsonErrorExpect, JsonRpcStep};
use crate::vars::Vars;
use confuzz_wire::Violation;
use confuzz_wire::jsonrpc::{Id, Request, correlate, parse_response};
use serde_json::Value;
use std::time::Duration;

/// What one JSON-RPC exchange produced.
#[derive(Debug, Default)]
pub struct Exchange {
    /// The request body sent, redacted (passwords, `th`) for reports and
    /// snapshot headers.
    pub sent: Option<String>,
    /// The reply body as received.
    pub received: Option<String>,
    /// The reply to check: the response object, or for a batch the
    /// responses in the calls' order (`null` where one is missing).
    pub json: Option<Value>,
    /// Rules the reply broke.
    pub violations: Vec<Violation>,
}

/// The requests of `step`, ids 1, 2, ... in order, params expanded.
pub fn requests(step: &JsonRpcStep, vars: &Vars) -> Result<Vec<Request>, String> {
    let mut calls: Vec<(&str, Option<&Value>)> = Vec::new();
    if let Some(m) = &step.method {
        calls.push((m, step.params.as_ref()));
    }
    calls.extend(
        step.batch
            .iter()
            .map(|c| (c.method.as_str(), c.params.as_ref())),
    );
    let mut out = Vec::with_capacity(calls.len());
    for (i, (method, params)) in calls.into_iter().enumerate() {
        let id = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let mut r = Request::new(id, vars.expand(method)?);
        if let Some(p) = params {
            r = r.with_params(&vars.expand_json(p)?);
        }
        out.push(r);
    }
    Ok(out)
}

/// Sends `step` with `client` and reads the reply; `Err` carries what was
/// exchanged so far and why the step cannot be checked.
pub async fn call(
    client: &mut HttpClient,
    step: &JsonRpcStep,
    vars: &Vars,
    timeout: Duration,
) -> Result<Exchange, (Exchange, String)> {
    let mut ex = Exchange::default();
    let reqs = requests(step, vars).map_err(|e| (Exchange::default(), e))?;
    let batch = !step.batch.is_empty();
    let body = if batch {
        let items: Vec<String> = reqs.iter().map(Request::to_json).collect();
        format!("[{}]", items.join(","))
    } else {
        reqs.first().map(Request::to_json).unwrap_or_default()
    };
    ex.sent = Some(
        serde_json::from_str::<Value>(&body)
            .map(|v| crate::snapshot::redact_json(&v).to_string())
            .unwrap_or_else(|_| body.clone()),
    );
    let reply = match client
        .post_json(body, step.cookie.as_deref(), timeout)
        .await
    {
        Ok(r) => r,
        Err(e) => return Err((ex, e)),
    };
    ex.received = Some(String::from_utf8_lossy(&reply.body).into_owned());
    if reply.status != 200 {
        return Err((
            ex,
            format!(
                "HTTP status {} (a JSON-RPC answer comes with 200)",
                reply.status
            ),
        ));
    }
    if !reply
        .content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    {
        return Err((
            ex,
            format!(
                "the reply's Content-Type is {:?}, not application/json",
                reply.content_type.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    let parsed = match parse_response(&reply.body) {
        Ok(p) => p,
        Err(e) => return Err((ex, format!("the reply is not a JSON-RPC response: {e}"))),
    };
    ex.violations = parsed.violations;
    let responses = parsed.value.responses();
    let owned: Vec<_> = responses.iter().map(|r| (*r).clone()).collect();
    ex.violations.extend(correlate(&reqs, &owned).violations);
    let value: Value = match serde_json::from_slice(&reply.body) {
        Ok(v) => v,
        Err(e) => return Err((ex, format!("the reply is not JSON: {e}"))),
    };
    ex.json = Some(if batch {
        let items = value.as_array().cloned().unwrap_or_default();
        Value::Array(
            reqs.iter()
                .map(|q| {
                    let want = q.id.as_ref().and_then(Id::as_i64);
                    items
                        .iter()
                        .find(|r| r.get("id").and_then(Value::as_i64) == want && want.is_some())
                        .cloned()
                        .unwrap_or(Value::Null)
                })
                .collect(),
        )
    } else {
        value
    });
    Ok(ex)
}

/// The responses in a checked value: the object itself, or a batch's items.
fn responses(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

fn error_summary(r: &Value) -> String {
    let e = &r["error"];
    format!(
        "{}{}{}",
        e["type"].as_str().unwrap_or("(no type)"),
        e["message"]
            .as_str()
            .map(|m| format!(": {m}"))
            .unwrap_or_default(),
        e["data"]["param"]
            .as_str()
            .map(|p| format!(" (data.param {p})"))
            .unwrap_or_default()
    )
}

/// Checks `expect` (and the step's `error-type` shorthand) on a reply.
pub fn check_expect(
    expect: Option<&Expect>,
    error_type: Option<&str>,
    v: &Value,
) -> Result<(), String> {
    let shorthand;
    let expect = match (expect, error_type) {
        (Some(e), _) => Some(e),
        (None, Some(t)) => {
            shorthand = Expect::Error(JsonErrorExpect {
                error_type: Some(t.to_owned()),
                ..JsonErrorExpect::default()
            });
            Some(&shorthand)
        }
        (None, None) => None,
    };
    let Some(expect) = expect else {
        return Ok(());
    };
    let rs = responses(v);
    match expect {
        Expect::Ok | Expect::Data => {
            for (i, r) in rs.iter().enumerate() {
                if r.get("error").is_some() {
                    return Err(format!(
                        "expected a result, got error {}{}",
                        error_summary(r),
                        if rs.len() > 1 {
                            format!(" (batch reply {i})")
                        } else {
                            String::new()
                        }
                    ));
                }
                if r.get("result").is_none() {
                    return Err(format!("expected a result, but reply {i} has none"));
                }
            }
            Ok(())
        }
        Expect::Error(want) => {
            let errs: Vec<&&Value> = rs.iter().filter(|r| r.get("error").is_some()).collect();
            if errs.is_empty() {
                return Err(format!(
                    "expected error {}, but the reply has no error",
                    want.error_type.as_deref().unwrap_or("(any)")
                ));
            }
            let fits = |r: &Value| {
                let e = &r["error"];
                want.error_type
                    .as_deref()
                    .is_none_or(|t| e["type"].as_str() == Some(t))
                    && want
                        .param
                        .as_deref()
                        .is_none_or(|p| e["data"]["param"].as_str() == Some(p))
                    && want.code.is_none_or(|c| e["code"].as_i64() == Some(c))
                    && want
                        .message
                        .as_deref()
                        .is_none_or(|m| e["message"].as_str().is_some_and(|x| x.contains(m)))
            };
            if errs.iter().any(|r| fits(r)) {
                Ok(())
            } else {
                let got: Vec<String> = errs.iter().map(|r| error_summary(r)).collect();
                Err(format!(
                    "expected error{}{}{}, got: {}",
                    want.error_type
                        .as_deref()
                        .map(|t| format!(" type {t}"))
                        .unwrap_or_default(),
                    want.param
                        .as_deref()
                        .map(|p| format!(" data.param {p}"))
                        .unwrap_or_default(),
                    want.code.map(|c| format!(" code {c}")).unwrap_or_default(),
                    got.join("; ")
                ))
            }
        }
        Expect::Closed
        | Expect::Rejected
        | Expect::RpcError(_)
        | Expect::Success
        | Expect::Failure(_)
        | Expect::GrpcStatus(_) => Err(
            "`closed`, `rpc-error`, `success`, `failure` and `grpc-status` check NETCONF replies or gRPC calls; a JSON-RPC step expects `ok` or `{error: {type: ...}}`"
                .into(),
        ),
    }
}

/// A JSON value as text for comparisons: strings as they are, others as JSON.
pub fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value a JSON pointer selects (RFC 6901; `""` is the whole reply).
pub fn select<'a>(v: &'a Value, pointer: &str) -> Result<Option<&'a Value>, String> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "{pointer:?} is not a JSON pointer; write e.g. /result/th or /error/data/param"
        ));
    }
    Ok(v.pointer(pointer))
}

/// Checks one assertion on a reply; its path is a JSON pointer.
pub fn check_assertion(a: &Assertion, v: &Value, vars: &Vars) -> Result<(), String> {
    let path = vars.expand(&a.path)?;
    let found = select(v, &path)?;
    if let Some(want) = a.exists
        && found.is_some() != want
    {
        return Err(match found {
            None => format!("{path}: expected to exist, but selects nothing"),
            Some(x) => format!("{path}: expected to select nothing, but selects {x}"),
        });
    }
    if let Some(n) = a.count {
        let got = match found {
            None => 0,
            Some(Value::Array(a)) => a.len(),
            Some(Value::Object(m)) => m.len(),
            Some(_) => 1,
        };
        if got != n {
            return Err(format!("{path}: expected count {n}, got {got}"));
        }
    }
    let need = |what: &str| -> Result<String, String> {
        found
            .map(as_text)
            .ok_or_else(|| format!("{path}: expected a value that {what}, but selects nothing"))
    };
    if let Some(eq) = &a.equals {
        let eq = vars.expand(eq)?;
        let got = need(&format!("equals {eq:?}"))?;
        if got != eq {
            return Err(format!("{path}: expected {eq:?}, got {got:?}"));
        }
    }
    if let Some(c) = &a.contains {
        let c = vars.expand(c)?;
        let got = need(&format!("contains {c:?}"))?;
        if !got.contains(&c) {
            return Err(format!("{path}: expected to contain {c:?}, got {got:?}"));
        }
    }
    if let Some(m) = &a.matches {
        let m = vars.expand(m)?;
        let re = regex::Regex::new(&m).map_err(|e| format!("`matches` {m:?}: {e}"))?;
        let got = need(&format!("matches /{m}/"))?;
        if !re.is_match(&got) {
            return Err(format!("{path}: expected to match /{m}/, got {got:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expect_error_matches_type_param_and_code_in_any_batch_reply() {
        let v = json!([{"jsonrpc": "2.0", "id": 1, "result": {}},
            {"jsonrpc": "2.0", "id": 2, "error": {"code": -32000, "type": "rpc.method.unexpected_params", "data": {"param": "bar"}}}]);
        let want = |t: &str, p: Option<&str>| {
            Expect::Error(JsonErrorExpect {
                error_type: Some(t.into()),
                param: p.map(Into::into),
                code: Some(-32000),
                message: None,
            })
        };
        assert!(
            check_expect(
                Some(&want("rpc.method.unexpected_params", Some("bar"))),
                None,
                &v
            )
            .is_ok()
        );
        let e = check_expect(
            Some(&want("rpc.method.unexpected_params", Some("th"))),
            None,
            &v,
        )
        .unwrap_err();
        assert!(e.contains("data.param bar"), "{e}");
        assert!(check_expect(Some(&Expect::Ok), None, &v).is_err());
        assert!(check_expect(None, Some("db.locked"), &v).is_err());
        assert!(check_expect(None, None, &v).is_ok());
    }

    #[test]
    fn expect_ok_needs_a_result_and_no_error() {
        assert!(check_expect(Some(&Expect::Ok), None, &json!({"id": 1, "result": {}})).is_ok());
        assert!(check_expect(Some(&Expect::Ok), None, &json!({"id": 1})).is_err());
        let e = check_expect(
            Some(&Expect::Ok),
            None,
            &json!({"id": 1, "error": {"type": "db.locked", "message": "locked"}}),
        )
        .unwrap_err();
        assert!(e.contains("db.locked: locked"), "{e}");
    }

    #[test]
    fn assertions_select_by_json_pointer() {
        let v = json!({"result": {"th": 7, "value": "4500", "trans": [1, 2]}});
        let vars = Vars::default();
        let a = |path: &str| Assertion {
            path: path.into(),
            ..Assertion::default()
        };
        assert!(
            check_assertion(
                &Assertion {
                    equals: Some("7".into()),
                    ..a("/result/th")
                },
                &v,
                &vars
            )
            .is_ok()
        );
        assert!(
            check_assertion(
                &Assertion {
                    equals: Some("4501".into()),
                    ..a("/result/value")
                },
                &v,
                &vars
            )
            .is_err()
        );
        assert!(
            check_assertion(
                &Assertion {
                    count: Some(2),
                    ..a("/result/trans")
                },
                &v,
                &vars
            )
            .is_ok()
        );
        assert!(
            check_assertion(
                &Assertion {
                    exists: Some(false),
                    ..a("/error")
                },
                &v,
                &vars
            )
            .is_ok()
        );
        assert!(
            check_assertion(
                &Assertion {
                    matches: Some("^45".into()),
                    ..a("/result/value")
                },
                &v,
                &vars
            )
            .is_ok()
        );
        assert!(
            check_assertion(
                &Assertion {
                    exists: Some(true),
                    ..a("result/th")
                },
                &v,
                &vars
            )
            .is_err()
        );
    }

    #[test]
    fn requests_number_calls_and_expand_params() {
        let mut vars = Vars::default();
        vars.captured_json.insert("th".into(), json!(5));
        let step = JsonRpcStep {
            method: Some("get_value".into()),
            params: Some(json!({"th": "${th}", "path": "/dhcp:dhcp/max-lease-time"})),
            ..JsonRpcStep::default()
        };
        let r = requests(&step, &vars).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].to_json(),
            r#"{"jsonrpc":"2.0","id":1,"method":"get_value","params":{"path":"/dhcp:dhcp/max-lease-time","th":5}}"#
        );
    }
}
