//! Parsing request and response messages, leniently: every broken rule is a
//! [`Violation`] and whatever can still be read is kept.
//!
//! The pipeline: size limit, UTF-8, then one bounded pass that validates the
//! JSON, checks depth, lone surrogates, repeated names and numbers out of
//! range, and indexes the envelope's members. The envelope is read from that
//! index; `params`, `result` and `error.data` are copied as raw text, never
//! walked again.

use super::envelope::offset_in;
use super::error_object::ErrorObject;
use super::id::{Id, IdNumber};
use super::nso::{ErrorType, INTEGER_PARAMS};
use super::raw::{JsonKind, RawJson};
use super::request::{Incoming, InvalidItem, Request, RequestItem};
use super::response::{Outgoing, Response, ResponseItem};
use super::scan::{Entry, ScanOptions, children, members, scan};
use super::{JsonRpcError, Parsed, rules};
use crate::violation::{Rule, Scope, Span, Violation};

type Members<'a> = Vec<(Cow<'a, str>, &'a str)>;
use std::borrow::Cow;

/// Limits and checks for one parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Largest message accepted, in bytes; larger ones are rejected unread.
    pub max_size: usize,
    /// Deepest nesting of arrays and objects accepted anywhere in the message.
    pub max_depth: usize,
    /// Check NSO's dialect: params by name, integer params, error `type` tokens.
    pub nso: bool,
    /// Look inside `params`, `result` and `error.data` for repeated names and
    /// numbers beyond the double range. Depth and lone surrogates are always
    /// checked everywhere.
    pub deep_scan: bool,
}

impl Default for ParseOptions {
    /// 16 MiB, depth 128 (serde_json's own recursion limit), NSO checks on, deep scan on.
    fn default() -> Self {
        ParseOptions {
            max_size: 16 * 1024 * 1024,
            max_depth: 128,
            nso: true,
            deep_scan: true,
        }
    }
}

impl ParseOptions {
    /// Plain JSON-RPC 2.0: no NSO dialect checks.
    pub fn plain() -> Self {
        ParseOptions {
            nso: false,
            ..ParseOptions::default()
        }
    }
}

/// Parses a request message (single or batch) with default options.
pub fn parse_request(input: &[u8]) -> Result<Parsed<Incoming>, JsonRpcError> {
    parse_request_with(input, &ParseOptions::default())
}

/// Parses a response message (single or batch) with default options.
pub fn parse_response(input: &[u8]) -> Result<Parsed<Outgoing>, JsonRpcError> {
    parse_response_with(input, &ParseOptions::default())
}

/// Parses a request message (single or batch).
pub fn parse_request_with(
    input: &[u8],
    opts: &ParseOptions,
) -> Result<Parsed<Incoming>, JsonRpcError> {
    let (mut cx, entries) = Cx::new(input, opts)?;
    let value = match top_level(cx.text, &entries) {
        Top::Object(m) => Incoming::Single(cx.request(cx.text.trim_matches(WS), m)),
        Top::Other(raw) => Incoming::Single(RequestItem::Invalid(cx.not_object(raw, "request"))),
        Top::Batch(items) => {
            if items.is_empty() {
                cx.empty_batch("request");
            }
            Incoming::Batch(
                items
                    .into_iter()
                    .map(|(raw, m)| match m {
                        Some(m) => cx.request(raw, m),
                        None => RequestItem::Invalid(cx.not_object(raw, "request")),
                    })
                    .collect(),
            )
        }
    };
    Ok(Parsed {
        value,
        violations: cx.out,
    })
}

/// Parses a response message (single or batch).
pub fn parse_response_with(
    input: &[u8],
    opts: &ParseOptions,
) -> Result<Parsed<Outgoing>, JsonRpcError> {
    let (mut cx, entries) = Cx::new(input, opts)?;
    let value = match top_level(cx.text, &entries) {
        Top::Object(m) => Outgoing::Single(ResponseItem::Response(
            cx.response(cx.text.trim_matches(WS), m),
        )),
        Top::Other(raw) => Outgoing::Single(ResponseItem::Invalid(cx.not_object(raw, "response"))),
        Top::Batch(items) => {
            if items.is_empty() {
                cx.empty_batch("response");
            }
            Outgoing::Batch(
                items
                    .into_iter()
                    .map(|(raw, m)| match m {
                        Some(m) => ResponseItem::Response(cx.response(raw, m)),
                        None => ResponseItem::Invalid(cx.not_object(raw, "response")),
                    })
                    .collect(),
            )
        }
    };
    Ok(Parsed {
        value,
        violations: cx.out,
    })
}

const WS: [char; 4] = [' ', '\t', '\n', '\r'];

enum Top<'a> {
    Object(Members<'a>),
    /// Elements, with their members when they are objects.
    Batch(Vec<(&'a str, Option<Members<'a>>)>),
    Other(&'a str),
}

fn top_level<'a>(text: &'a str, entries: &[Entry]) -> Top<'a> {
    let whole = entries
        .first()
        .and_then(|e| text.get(e.start..e.end))
        .unwrap_or("null");
    match whole.as_bytes().first() {
        Some(b'{') => Top::Object(children(text, entries, 0)),
        Some(b'[') => Top::Batch(
            entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.depth == 1)
                .map(|(n, e)| {
                    let raw = text.get(e.start..e.end).unwrap_or("null");
                    let m = raw.starts_with('{').then(|| children(text, entries, n));
                    (raw, m)
                })
                .collect(),
        ),
        _ => Top::Other(whole),
    }
}

/// Checks the size and the encoding, then scans; returns the text and the
/// index of its values down to `index_depth`.
pub(crate) fn prepare<'a>(
    input: &'a [u8],
    max_size: usize,
    scan_opts: ScanOptions,
    index_depth: usize,
    out: &mut Vec<Violation>,
) -> Result<(&'a str, Vec<Entry>), JsonRpcError> {
    if input.len() > max_size {
        return Err(JsonRpcError::TooLarge {
            size: input.len(),
            limit: max_size,
        });
    }
    let text = std::str::from_utf8(input).map_err(|e| JsonRpcError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    let entries = scan(text, 0, scan_opts, index_depth, out)?;
    Ok((text, entries))
}

/// The envelope's members, last one winning, with the rest kept in order.
#[derive(Default)]
struct Env<'a> {
    jsonrpc: Option<&'a str>,
    id: Option<&'a str>,
    method: Option<&'a str>,
    params: Option<&'a str>,
    result: Option<&'a str>,
    error: Option<&'a str>,
    extra: Vec<(String, &'a str)>,
    repeated: Vec<String>,
}

impl<'a> Env<'a> {
    fn new(m: Members<'a>, request: bool) -> Self {
        let mut env = Env::default();
        for (name, value) in m {
            let slot = match (&*name, request) {
                ("jsonrpc", _) => &mut env.jsonrpc,
                ("id", _) => &mut env.id,
                ("method", true) => &mut env.method,
                ("params", true) => &mut env.params,
                ("result", false) => &mut env.result,
                ("error", false) => &mut env.error,
                _ => {
                    if let Some(e) = env.extra.iter_mut().find(|(k, _)| *k == name) {
                        e.1 = value;
                        env.repeated.push(name.into_owned());
                    } else {
                        env.extra.push((name.into_owned(), value));
                    }
                    continue;
                }
            };
            if slot.replace(value).is_some() {
                env.repeated.push(name.into_owned());
            }
        }
        env
    }
}

struct Cx<'a> {
    text: &'a str,
    opts: ParseOptions,
    out: Vec<Violation>,
}

impl<'a> Cx<'a> {
    fn new(input: &'a [u8], opts: &ParseOptions) -> Result<(Self, Vec<Entry>), JsonRpcError> {
        let mut out = Vec::new();
        let scan_opts = ScanOptions {
            max_depth: opts.max_depth,
            duplicate_keys: opts.deep_scan,
            number_range: opts.deep_scan,
        };
        let first = input
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        let index_depth = if first == Some(&b'[') { 2 } else { 1 };
        let (text, entries) = prepare(input, opts.max_size, scan_opts, index_depth, &mut out)?;
        Ok((
            Cx {
                text,
                opts: *opts,
                out,
            },
            entries,
        ))
    }

    fn span(&self, s: &str) -> Span {
        let start = offset_in(self.text, s) as u64;
        Span::new(start, start + s.len() as u64)
    }

    fn push(&mut self, rule: Rule, at: &str, detail: String) {
        let span = self.span(at);
        self.out
            .push(Violation::new(rule, Scope::Message, detail).at(span));
    }

    fn warn(&mut self, rule: Rule, at: &str, detail: String) {
        let span = self.span(at);
        self.out.push(
            Violation::new(rule, Scope::Message, detail)
                .at(span)
                .warning(),
        );
    }

    fn empty_batch(&mut self, what: &str) {
        let at = self.text.trim_matches(WS);
        self.push(
            rules::BATCH_EMPTY,
            at,
            format!("empty {what} batch []: a server answers it with one Invalid Request error (-32600), never an empty array"),
        );
    }

    fn not_object(&mut self, raw: &str, what: &str) -> InvalidItem {
        let kind = JsonKind::of(raw);
        self.push(
            rules::NOT_AN_OBJECT,
            raw,
            format!(
                "a {what} is {}, not an object: it gets an Invalid Request error with id null",
                kind.name()
            ),
        );
        InvalidItem {
            id: None,
            raw: RawJson::from_raw(raw),
        }
    }

    fn common(&mut self, obj: &str, env: &Env<'a>, what: &str) {
        match env.jsonrpc {
            None => self.push(
                rules::JSONRPC_MISSING,
                obj,
                format!("{what} has no \"jsonrpc\" member: add \"jsonrpc\": \"2.0\""),
            ),
            Some(v)
                if v != "\"2.0\""
                    && serde_json::from_str::<String>(v).ok().as_deref() != Some("2.0") =>
            {
                self.push(
                    rules::JSONRPC_VERSION,
                    v,
                    format!("\"jsonrpc\" is {}, not the string \"2.0\"", shown(v)),
                );
            }
            Some(_) => {}
        }
        if !self.opts.deep_scan {
            for name in &env.repeated {
                self.out.push(
                    Violation::new(
                        rules::DUPLICATE_KEY,
                        Scope::Message,
                        format!("member \"{name}\" appears more than once in the {what}; the last one is used"),
                    )
                    .at(self.span(obj))
                    .warning(),
                );
            }
        }
        for (name, value) in &env.extra {
            self.warn(
                rules::UNKNOWN_MEMBER,
                value,
                format!(
                    "member \"{name}\" is not defined for a {what}; it is kept but peers ignore it"
                ),
            );
        }
    }

    fn request(&mut self, obj: &'a str, m: Members<'a>) -> RequestItem {
        let env = Env::new(m, true);
        self.common(obj, &env, "request");
        let id = match env.id {
            None => None,
            Some(raw) => match read_id(raw) {
                Ok(id) => {
                    self.check_request_id(raw, &id);
                    Some(id)
                }
                Err(kind) => {
                    self.push(
                        rules::ID_TYPE,
                        raw,
                        format!(
                            "id is {}: an id is a string, a number or null (Invalid Request)",
                            kind.name()
                        ),
                    );
                    return invalid(None, obj);
                }
            },
        };
        let method = match env.method.map(|m| (m, serde_json::from_str::<String>(m))) {
            Some((_, Ok(method))) => method,
            Some((raw, Err(_))) => {
                let kind = JsonKind::of(raw).name();
                self.push(
                    rules::METHOD_TYPE,
                    raw,
                    format!("method is {kind}, not a string (Invalid Request)"),
                );
                return invalid(id, obj);
            }
            None => {
                self.push(
                    rules::METHOD_TYPE,
                    obj,
                    "request has no \"method\" member (Invalid Request)".into(),
                );
                return invalid(id, obj);
            }
        };
        if method.starts_with("rpc.") {
            let at = env.method.map_or(obj, std::convert::identity);
            self.push(
                rules::METHOD_RESERVED,
                at,
                format!("method \"{method}\" starts with \"rpc.\", which is reserved for rpc-internal methods"),
            );
        }
        if let Some(params) = env.params {
            self.check_params(&method, params);
        }
        RequestItem::Request(Request {
            method,
            params: env.params.map(RawJson::from_raw),
            id,
            extra: extra(env.extra),
        })
    }

    fn check_request_id(&mut self, raw: &str, id: &Id) {
        match id {
            Id::Null => self.warn(
                rules::ID_NULL,
                raw,
                "request id is null: null is the id of replies to unreadable requests; use a number or string, or omit the id for a notification".into(),
            ),
            Id::Number(n) if !n.is_integer() => self.warn(
                rules::ID_FRACTIONAL,
                raw,
                format!("numeric id {} has a fractional part or exponent: use an integer", shown(raw)),
            ),
            _ => {}
        }
    }

    fn check_params(&mut self, method: &str, params: &'a str) {
        match JsonKind::of(params) {
            JsonKind::Object => {
                if self.opts.nso {
                    self.check_integer_params(method, params);
                }
            }
            JsonKind::Array => {
                if self.opts.nso {
                    self.push(
                        rules::NSO_PARAMS_ARRAY,
                        params,
                        format!("params of \"{method}\" is an array: NSO takes params by name (an object) and answers rpc.method.invalid_params"),
                    );
                }
            }
            kind => self.push(
                rules::PARAMS_TYPE,
                params,
                format!(
                    "params is {}: it must be an object or an array, or be left out",
                    kind.name()
                ),
            ),
        }
    }

    fn check_integer_params(&mut self, method: &str, params: &'a str) {
        let Some(m) = members(params) else { return };
        for (name, value) in m {
            if !INTEGER_PARAMS.contains(&&*name) {
                continue;
            }
            let v = value;
            let ok = JsonKind::of(v) == JsonKind::Number
                && v != "-0"
                && IdNumber::new(v).and_then(|n| n.as_i64()).is_some();
            if !ok {
                self.push(
                    rules::NSO_INTEGER_PARAM,
                    v,
                    format!(
                        "params.{name} of \"{method}\" is {}: NSO reads {name} as an integer and answers rpc.method.invalid_params_type; send a plain integer such as 4711",
                        shown(v)
                    ),
                );
            }
        }
    }

    fn response(&mut self, obj: &'a str, m: Members<'a>) -> Response {
        let env = Env::new(m, false);
        self.common(obj, &env, "response");
        let id = match env.id {
            None => {
                self.push(
                    rules::RESPONSE_ID_MISSING,
                    obj,
                    "response has no \"id\" member: echo the request's id, or null when it could not be read".into(),
                );
                None
            }
            Some(raw) => match read_id(raw) {
                Ok(id) => {
                    match &id {
                        Id::Null if env.error.is_none() => self.warn(
                            rules::ID_NULL,
                            raw,
                            "successful response with a null id: null is reserved for errors about unreadable requests".into(),
                        ),
                        Id::Number(n) if !n.is_integer() => self.warn(
                            rules::ID_FRACTIONAL,
                            raw,
                            format!("numeric id {} has a fractional part or exponent", shown(raw)),
                        ),
                        _ => {}
                    }
                    Some(id)
                }
                Err(kind) => {
                    self.push(
                        rules::ID_TYPE,
                        raw,
                        format!(
                            "id is {}: an id is a string, a number or null; it is dropped",
                            kind.name()
                        ),
                    );
                    None
                }
            },
        };
        match (env.result, env.error) {
            (Some(_), Some(e)) => self.push(
                rules::RESULT_AND_ERROR,
                e,
                "response has both \"result\" and \"error\": send exactly one".into(),
            ),
            (None, None) => self.push(
                rules::RESULT_OR_ERROR_MISSING,
                obj,
                "response has neither \"result\" nor \"error\": clients that read result without checking crash".into(),
            ),
            _ => {}
        }
        let error = env.error.map(|e| self.error_object(e));
        Response {
            id,
            result: env.result.map(RawJson::from_raw),
            error,
            extra: extra(env.extra),
        }
    }

    fn error_object(&mut self, raw: &'a str) -> ErrorObject {
        let Some(m) = members(raw) else {
            self.push(
                rules::ERROR_NOT_OBJECT,
                raw,
                format!(
                    "error is {}: it must be an object with code and message",
                    JsonKind::of(raw).name()
                ),
            );
            return ErrorObject::default();
        };
        let mut code = None;
        let mut message = None;
        let mut kind = None;
        let mut data = None;
        let mut rest: Vec<(String, &str)> = Vec::new();
        for (name, value) in m {
            match &*name {
                "code" => code = Some(value),
                "message" => message = Some(value),
                "type" => kind = Some(value),
                "data" => data = Some(value),
                _ => match rest.iter_mut().find(|(k, _)| *k == name) {
                    Some(e) => e.1 = value,
                    None => rest.push((name.into_owned(), value)),
                },
            }
        }
        let mut e = ErrorObject {
            data: data.map(RawJson::from_raw),
            extra: extra(rest),
            ..ErrorObject::default()
        };
        match code {
            Some(c) => match IdNumber::new(c)
                .filter(IdNumber::is_integer)
                .and_then(|n| n.as_i64())
            {
                Some(n) => {
                    e.code = Some(n);
                    self.check_code(c, n);
                }
                None => self.push(
                    rules::ERROR_CODE_INTEGER,
                    c,
                    format!(
                        "error code is {}: it must be an integer such as -32000",
                        shown(c)
                    ),
                ),
            },
            None => self.push(
                rules::ERROR_CODE_INTEGER,
                raw,
                "error object has no \"code\"".into(),
            ),
        }
        match message.map(|m| (m, serde_json::from_str::<String>(m))) {
            Some((_, Ok(s))) => e.message = Some(s),
            Some((m, Err(_))) => self.push(
                rules::ERROR_MESSAGE,
                m,
                format!("error message is {}, not a string", JsonKind::of(m).name()),
            ),
            None => self.push(
                rules::ERROR_MESSAGE,
                raw,
                "error object has no \"message\"".into(),
            ),
        }
        match kind.map(|k| (k, serde_json::from_str::<String>(k))) {
            Some((_, Ok(token))) => e.kind = Some(ErrorType::from_token(&token)),
            Some((k, Err(_))) if self.opts.nso => self.push(
                rules::NSO_ERROR_TYPE_MISSING,
                k,
                format!("error type is {}, not a token string such as \"rpc.method.failed\"", JsonKind::of(k).name()),
            ),
            None if self.opts.nso => self.push(
                rules::NSO_ERROR_TYPE_MISSING,
                raw,
                "NSO error has no \"type\" token: clients branch on it (e.g. \"rpc.method.failed\")".into(),
            ),
            _ => {}
        }
        if self.opts.nso
            && let Some(k) = &e.kind
        {
            let at = kind.map_or(raw, std::convert::identity);
            if !k.is_known() {
                self.warn(
                    rules::NSO_ERROR_TYPE_UNKNOWN,
                    at,
                    format!("error type \"{k}\" is not in NSO's documented list"),
                );
            }
            if k.carries_param() && e.param().is_none() {
                self.push(
                    rules::NSO_ERROR_PARAM_MISSING,
                    data.map_or(at, std::convert::identity),
                    format!("\"{k}\" error without data.param: clients read data.param and fail without it; name the offending param"),
                );
            }
        }
        e
    }

    fn check_code(&mut self, at: &str, code: i64) {
        let defined = matches!(code, -32700 | -32603..=-32600 | -32099..=-32000);
        if (-32768..=-32000).contains(&code) && !defined {
            self.warn(
                rules::ERROR_CODE_RESERVED,
                at,
                format!("error code {code} is in the reserved range -32768..-32000 but is not a defined code"),
            );
        }
    }
}

fn invalid(id: Option<Id>, obj: &str) -> RequestItem {
    let raw = match RawJson::from_string(obj.to_owned()) {
        Ok(raw) => raw,
        Err(_) => RawJson::null(),
    };
    RequestItem::Invalid(InvalidItem { id, raw })
}

fn extra(members: Vec<(String, &str)>) -> Vec<(String, RawJson)> {
    members
        .into_iter()
        .map(|(k, v)| (k, RawJson::from_raw(v)))
        .collect()
}

/// The id in `raw`, or the kind of value that cannot be an id.
fn read_id(raw: &str) -> Result<Id, JsonKind> {
    match JsonKind::of(raw) {
        JsonKind::Null => Ok(Id::Null),
        JsonKind::Number => IdNumber::new(raw).map(Id::Number).ok_or(JsonKind::Number),
        JsonKind::String => serde_json::from_str::<String>(raw)
            .map(Id::String)
            .map_err(|_| JsonKind::String),
        other => Err(other),
    }
}

/// At most 40 characters of a raw value, for details.
fn shown(raw: &str) -> String {
    if raw.len() <= 40 {
        raw.to_owned()
    } else {
        let cut: String = raw.chars().take(37).collect();
        format!("{cut}...")
    }
}
