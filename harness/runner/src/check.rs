//! Checks of XML replies: `expect` (ok, data, rpc-error) and assertions
//! by XPath-like path.

use crate::model::Expect;
use crate::path::Path as XPath;
use crate::vars::Vars;
use confuzz_wire::xml::Element;

pub(crate) fn describe(e: &Expect) -> String {
    match e {
        Expect::Ok => "<ok/>".into(),
        Expect::Data => "<data>".into(),
        Expect::Closed => "<ok/> and the session closed".into(),
        Expect::Rejected => "an <rpc-error> or the session closed".into(),
        Expect::RpcError(x) => format!(
            "<rpc-error> with{}{}{}",
            x.tag
                .as_ref()
                .map(|t| format!(" error-tag {t}"))
                .unwrap_or_default(),
            x.error_type
                .as_ref()
                .map(|t| format!(" error-type {t}"))
                .unwrap_or_default(),
            x.severity
                .as_ref()
                .map(|t| format!(" error-severity {t}"))
                .unwrap_or_default()
        ),
        Expect::Error(x) => format!(
            "a JSON-RPC error{}",
            x.error_type
                .as_ref()
                .map(|t| format!(" of type {t}"))
                .unwrap_or_default()
        ),
        Expect::Success => "RpcStatus SUCCESS".into(),
        Expect::Failure(f) => format!(
            "RpcStatus FAILURE{}",
            f.message
                .as_ref()
                .map(|m| format!(" with message containing {m:?}"))
                .unwrap_or_default()
        ),
        Expect::GrpcStatus(g) => format!("gRPC status {}", g.code),
    }
}

/// The errors in a reply: NETCONF `<rpc-error>` and Junos `<xnm:error>`.
pub(crate) fn errors(tree: &Element) -> Vec<&Element> {
    let mut out = Vec::new();
    let mut stack = vec![tree];
    while let Some(e) = stack.pop() {
        if e.name.local == "rpc-error"
            || (e.name.local == "error"
                && e.namespace.as_deref() == Some(confuzz_wire::junos::XNM_NS))
        {
            out.push(e);
        } else {
            stack.extend(e.children.iter());
        }
    }
    out
}

fn is_error(e: &Element) -> bool {
    e.child_text("error-severity").map(str::trim) != Some("warning")
}

pub(crate) fn check_expect(expect: &Expect, tree: &Element) -> Result<(), String> {
    let errs = errors(tree);
    let summary = |errs: &[&Element]| -> String {
        errs.iter()
            .map(|e| {
                format!(
                    "{}{}",
                    e.child_text("error-tag").unwrap_or("(no error-tag)").trim(),
                    e.child_text("error-message")
                        .or(e.child_text("message"))
                        .map(|m| format!(": {}", m.trim()))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let hard: Vec<&Element> = errs.iter().copied().filter(|e| is_error(e)).collect();
    match expect {
        Expect::Ok | Expect::Closed => {
            if !hard.is_empty() {
                return Err(format!("expected <ok/>, got rpc-error: {}", summary(&hard)));
            }
            if tree.name.local == "rpc-reply"
                && tree.child("ok").is_none()
                && tree.namespace.as_deref() == Some(confuzz_wire::netconf::BASE_NS)
            {
                return Err("expected <ok/>, but the reply has no <ok/>".into());
            }
            Ok(())
        }
        Expect::Data => {
            if !hard.is_empty() {
                return Err(format!("expected data, got rpc-error: {}", summary(&hard)));
            }
            let has = tree.child("data").is_some()
                || tree
                    .children
                    .iter()
                    .any(|c| c.name.local != "ok" && c.name.local != "rpc-error");
            if has {
                Ok(())
            } else {
                Err("expected data, but the reply carries none".into())
            }
        }
        Expect::Error(_) => Err(
            "`expect: {error: ...}` checks JSON-RPC replies; a NETCONF reply expects `rpc-error`"
                .into(),
        ),
        Expect::Success | Expect::Failure(_) | Expect::GrpcStatus(_) => Err(
            "`success`, `failure` and `grpc-status` check JET gRPC calls; a NETCONF reply expects `ok` or `rpc-error`"
                .into(),
        ),
        Expect::Rejected => {
            if errs.is_empty() {
                Err("expected an <rpc-error>, but the reply has none".into())
            } else {
                Ok(())
            }
        }
        Expect::RpcError(want) => {
            if errs.is_empty() {
                return Err(format!(
                    "expected {}, but the reply has no error",
                    describe(expect)
                ));
            }
            let fits = |e: &Element| {
                let field = |n: &str| e.child_text(n).map(str::trim);
                want.tag
                    .as_deref()
                    .is_none_or(|t| field("error-tag") == Some(t))
                    && want
                        .error_type
                        .as_deref()
                        .is_none_or(|t| field("error-type") == Some(t))
                    && want
                        .severity
                        .as_deref()
                        .is_none_or(|t| field("error-severity") == Some(t))
                    && want
                        .app_tag
                        .as_deref()
                        .is_none_or(|t| field("error-app-tag") == Some(t))
                    && want.message.as_deref().is_none_or(|m| {
                        field("error-message")
                            .or(field("message"))
                            .is_some_and(|x| x.contains(m))
                    })
            };
            if errs.iter().any(|e| fits(e)) {
                Ok(())
            } else {
                Err(format!(
                    "expected {}, got: {}",
                    describe(expect),
                    summary(&errs)
                ))
            }
        }
    }
}

pub(crate) fn check_assertion(
    a: &crate::model::Assertion,
    tree: &Element,
    vars: &Vars,
) -> Result<(), String> {
    let path_text = vars.expand(&a.path)?;
    let p = XPath::parse(&path_text).map_err(|e| e.to_string())?;
    let values = p.values(tree);
    let first = values.first();
    if let Some(want) = a.exists
        && values.is_empty() == want
    {
        return Err(if want {
            format!("{path_text}: expected to exist, but selects nothing")
        } else {
            format!("{path_text}: expected to select nothing, but selects {values:?}")
        });
    }
    if let Some(n) = a.count {
        let got = p.elements(tree).len();
        if got != n {
            return Err(format!("{path_text}: expected count {n}, got {got}"));
        }
    }
    let need = |what: &str| -> Result<&String, String> {
        first.ok_or_else(|| {
            format!("{path_text}: expected a value that {what}, but selects nothing")
        })
    };
    if let Some(eq) = &a.equals {
        let eq = vars.expand(eq)?;
        let v = need(&format!("equals {eq:?}"))?;
        if *v != eq {
            return Err(format!("{path_text}: expected {eq:?}, got {v:?}"));
        }
    }
    if let Some(c) = &a.contains {
        let c = vars.expand(c)?;
        let v = need(&format!("contains {c:?}"))?;
        if !v.contains(&c) {
            return Err(format!("{path_text}: expected to contain {c:?}, got {v:?}"));
        }
    }
    if let Some(m) = &a.matches {
        let m = vars.expand(m)?;
        let re = regex::Regex::new(&m).map_err(|e| format!("`matches` {m:?}: {e}"))?;
        let v = need(&format!("matches /{m}/"))?;
        if !re.is_match(v) {
            return Err(format!("{path_text}: expected to match /{m}/, got {v:?}"));
        }
    }
    Ok(())
}

/// Checks a `bytes` step: with no `expect`, a reply must have come (the
/// step fails earlier otherwise) or the session ended; `closed` wants the
/// end of the session; `rejected` an `<rpc-error>` or the end; the others
/// check the reply as for an `rpc`.
pub(crate) fn check_bytes_expect(
    expect: Option<&Expect>,
    tree: Option<&Element>,
    closed: bool,
) -> Result<(), String> {
    let got = || match (tree, closed) {
        (Some(_), true) => "a reply, then the session closed",
        (Some(_), false) => "a reply, and the session stayed open",
        (None, true) => "the session closed without a reply",
        (None, false) => "no readable reply, and the session stayed open",
    };
    match expect {
        None => Ok(()),
        Some(Expect::Closed) if closed => Ok(()),
        Some(Expect::Closed) => Err(format!(
            "expected the device to close the session; got {}",
            got()
        )),
        Some(Expect::Rejected) => {
            if closed || tree.is_some_and(|t| !errors(t).is_empty()) {
                Ok(())
            } else {
                Err(format!(
                    "expected the device to refuse the bytes (an <rpc-error> or closing the session); got {}",
                    got()
                ))
            }
        }
        Some(e) => match tree {
            Some(t) => check_expect(e, t),
            None => Err(format!("expected {}; got {}", describe(e), got())),
        },
    }
}
