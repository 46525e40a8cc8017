//! NSO's JSON-RPC API over HTTP/1.1 (hyper): `POST /jsonrpc` and
//! `/jsonrpc/<anything>`, single calls and batches, the `sessionid` cookie,
//! Trace Context headers, and `comet` long polling.
//!
//! What the HTTP layer checks before a call runs, and what it answers:
//!
//! | request                                   | answer                                   |
//! |-------------------------------------------|------------------------------------------|
//! | path not `/jsonrpc[/...]`                 | 404                                      |
//! | method not POST                           | 405, `Allow: POST`                       |
//! | `Content-Type` not `application/json`     | 415, error `rpc.request.invalid`         |
//! | body over [`HttpOptions::max_body`]       | 200, error `rpc.request.too_big`         |
//! | body not sent within the read timeout     | 408                                      |
//! | body not JSON / cut short                 | 200, `rpc.request.parse_error` / `eof_parse_error` |
//!
//! Everything else is a JSON-RPC answer with status 200, as NSO sends it
//! (clients treat any other status as a failure).

use super::{ServeError, SimDevice};
use crate::nso::params::Params;
use crate::nso::{CallContext, Effects, Nso, NsoOptions, TraceContext};
use bytes::Bytes;
use confuzz_net::NetError;
use confuzz_wire::jsonrpc::{
    ErrorObject, ErrorType, Id, Incoming as RpcIncoming, Outgoing, ParseOptions, Request,
    RequestItem, Response as RpcResponse, parse_request_with,
};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request as HttpRequest, Response as HttpResponse, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How the HTTP server behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Sessions, limits and timeouts of the JSON-RPC service.
    pub nso: NsoOptions,
    /// The largest request body read; larger ones get `rpc.request.too_big`.
    pub max_body: usize,
    /// How long the request head and then its body may take to arrive.
    pub read_timeout: Duration,
    /// The most connections served at once; more are closed at accept.
    pub max_connections: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            nso: NsoOptions::default(),
            max_body: 4 * 1024 * 1024,
            read_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// The JSON-RPC service of one device: its [`Nso`] state and the device.
pub struct NsoService {
    device: Arc<SimDevice>,
    state: Mutex<Nso>,
    options: HttpOptions,
}

type Reply = HttpResponse<Full<Bytes>>;

impl NsoService {
    /// The service of `device` (whose configuration holds the example
    /// modules of NSO's manual, `dhcp` and `devices`, from the start, and
    /// serves `accounts`, a list with two keys, empty at first).
    pub fn new(device: Arc<SimDevice>, options: HttpOptions) -> Arc<Self> {
        Arc::new(NsoService {
            device,
            state: Mutex::new(Nso::new(options.nso.clone())),
            options,
        })
    }

    /// The service's state, locked (lock it before the device).
    pub fn state(&self) -> MutexGuard<'_, Nso> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The device served.
    pub fn device(&self) -> &Arc<SimDevice> {
        &self.device
    }

    /// Answers one HTTP request from `peer`.
    pub async fn handle(&self, req: HttpRequest<Incoming>, peer: SocketAddr) -> Reply {
        let path = req.uri().path();
        if path != "/jsonrpc" && !path.starts_with("/jsonrpc/") {
            return plain(
                StatusCode::NOT_FOUND,
                "not found: the JSON-RPC API is at /jsonrpc\n",
            );
        }
        if req.method() != Method::POST {
            let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "use POST\n");
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return r;
        }
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !json_type {
            let e = ErrorObject::nso(ErrorType::RequestInvalid)
                .with_message("Invalid request: Content-Type must be application/json");
            return json_reply(StatusCode::UNSUPPORTED_MEDIA_TYPE, error_body(e));
        }
        let max = self.options.max_body;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > max as u64) {
            let mut r = json_reply(StatusCode::OK, error_body(too_big(max)));
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return r;
        }
        let headers = req.headers().clone();
        let body = Limited::new(req.into_body(), max);
        let bytes = match tokio::time::timeout(self.options.read_timeout, body.collect()).await {
            Err(_) => {
                return plain(
                    StatusCode::REQUEST_TIMEOUT,
                    "the request body did not arrive in time\n",
                );
            }
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
                let mut r = json_reply(StatusCode::OK, error_body(too_big(max)));
                r.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                return r;
            }
            Ok(Err(_)) => {
                return json_reply(
                    StatusCode::OK,
                    error_body(ErrorObject::nso(ErrorType::RequestEofParseError)),
                );
            }
            Ok(Ok(c)) => c.to_bytes(),
        };
        self.answer(&bytes, &headers, peer).await
    }

    async fn answer(&self, body: &[u8], headers: &HeaderMap, peer: SocketAddr) -> Reply {
        let opts = ParseOptions {
            max_size: self.options.max_body,
            ..ParseOptions::default()
        };
        let parsed = match parse_request_with(body, &opts) {
            Ok(p) => p.value,
            Err(e) => return json_reply(StatusCode::OK, error_body(e.to_error_object())),
        };
        let trace = headers
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .and_then(|tp| {
                let ts = headers.get("tracestate").and_then(|v| v.to_str().ok());
                TraceContext::parse(tp, ts)
            });
        let mut cx = CallContext {
            cookie: cookie(headers),
            peer: peer.ip().to_string(),
            basic_auth: basic_auth(headers),
            trace: trace.clone(),
            now: Instant::now(),
        };
        let mut fx = Effects::default();
        let out = match parsed {
            RpcIncoming::Single(item) => {
                self.item(&item, &mut cx, &mut fx).await.map(Outgoing::from)
            }
            RpcIncoming::Batch(items) if items.is_empty() => Some(Outgoing::from(
                RpcResponse::error(Id::Null, ErrorObject::invalid_request()),
            )),
            RpcIncoming::Batch(items) => {
                let mut replies = Vec::with_capacity(items.len());
                for item in &items {
                    if let Some(r) = self.item(item, &mut cx, &mut fx).await {
                        replies.push(r);
                    }
                }
                (!replies.is_empty()).then(|| Outgoing::from(replies))
            }
        };
        let mut r = match out {
            Some(o) => json_reply(StatusCode::OK, o.to_json()),
            None => {
                let mut r = HttpResponse::new(Full::new(Bytes::new()));
                *r.status_mut() = StatusCode::NO_CONTENT;
                r
            }
        };
        let h = r.headers_mut();
        if let Some(c) = &fx.set_cookie
            && let Ok(v) = HeaderValue::from_str(&format!("sessionid={c}; Path=/; HttpOnly"))
        {
            h.append(header::SET_COOKIE, v);
        } else if fx.clear_cookie {
            h.append(
                header::SET_COOKIE,
                HeaderValue::from_static("sessionid=; Path=/; Max-Age=0; HttpOnly"),
            );
        }
        if let Some(t) = trace.as_ref().or(fx.trace.as_ref()) {
            if let Ok(v) = HeaderValue::from_str(&t.traceparent) {
                h.insert("traceparent", v);
            }
            if let Some(s) = &t.tracestate
                && let Ok(v) = HeaderValue::from_str(s)
            {
                h.insert("tracestate", v);
            }
        }
        r
    }

    /// Answers one request of a message; `None` for a notification.
    async fn item(
        &self,
        item: &RequestItem,
        cx: &mut CallContext,
        fx: &mut Effects,
    ) -> Option<RpcResponse> {
        let req = match item {
            RequestItem::Invalid(i) => {
                return Some(RpcResponse::error(
                    i.id.clone().unwrap_or(Id::Null),
                    ErrorObject::invalid_request(),
                ));
            }
            RequestItem::Request(r) => r,
        };
        // A login earlier in the same batch applies to the calls after it.
        if let Some(c) = &fx.set_cookie {
            cx.cookie = Some(c.clone());
        }
        let result = if req.method == "comet" {
            self.comet(req, cx).await
        } else {
            let mut st = self.state();
            st.call(&self.device, cx, &req.method, req.params.as_ref(), fx)
        };
        let id = req.id.clone()?;
        Some(match result {
            Ok(v) => RpcResponse::result_value(id, &v),
            Err(e) => RpcResponse::error(id, e),
        })
    }

    /// `comet`: waits until a subscription on the channel has messages, or
    /// the comet timeout passes (then `[]`).
    async fn comet(
        &self,
        req: &Request,
        cx: &CallContext,
    ) -> Result<serde_json::Value, ErrorObject> {
        let p = Params::read(req.params.as_ref())?;
        let waker = {
            let mut st = self.state();
            st.expire(&self.device, cx.now);
            let mut fx = Effects::default();
            st.session(cx, &mut fx)?;
            p.only(&["comet_id"])?;
            let id = p.req_str("comet_id")?;
            (st.comet_begin(cx, &id)?, id)
        };
        let (waker, comet_id) = waker;
        let cookie = cx.cookie.clone().unwrap_or_default();
        let deadline = tokio::time::Instant::now() + self.state().options().comet_timeout;
        let result = loop {
            let notified = waker.notified();
            let msgs = self.state().comet_poll(&self.device, &cookie, &comet_id);
            if !msgs.is_empty() {
                break msgs;
            }
            if self.state().device_session(&cookie).is_none() {
                break Vec::new();
            }
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => break Vec::new(),
            }
        };
        self.state().comet_end(&cookie, &comet_id);
        Ok(serde_json::Value::Array(result))
    }
}

fn too_big(max: usize) -> ErrorObject {
    ErrorObject::nso(ErrorType::RequestTooBig)
        .with_message(format!("Request too big: the limit is {max} bytes"))
}

fn error_body(e: ErrorObject) -> String {
    RpcResponse::error(Id::Null, e).to_json()
}

fn plain(status: StatusCode, text: &'static str) -> Reply {
    let mut r = HttpResponse::new(Full::new(Bytes::from_static(text.as_bytes())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn json_reply(status: StatusCode, body: String) -> Reply {
    let mut r = HttpResponse::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The `sessionid` cookie (NSO also names it `sessionid_<port>`).
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == "sessionid" || k.starts_with("sessionid_"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// HTTP Basic credentials (RFC 7617).
fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64_decode(b64.trim())?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_owned(), p.to_owned()))
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Serves the JSON-RPC API of `device` on every connection `listener`
/// accepts, until dropped.
pub async fn serve_http(
    device: Arc<SimDevice>,
    listener: TcpListener,
    options: HttpOptions,
) -> Result<(), ServeError> {
    serve_http_service(NsoService::new(device, options), listener).await
}

/// As [`serve_http`], with a service built by the caller (to look at its
/// sessions, or share it between listeners).
pub async fn serve_http_service(
    service: Arc<NsoService>,
    listener: TcpListener,
) -> Result<(), ServeError> {
    let slots = Arc::new(Semaphore::new(service.options.max_connections.max(1)));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) if e.kind() != std::io::ErrorKind::InvalidInput => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
            Err(e) => {
                return Err(NetError::Io {
                    context: "accepting an HTTP connection".into(),
                    source: e,
                }
                .into());
            }
        };
        // Past the connection limit a new connection is closed at once, so
        // idle or slow clients cannot starve the device (CVE-2026-20188).
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let read_timeout = service.options.read_timeout;
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let service = service.clone();
                async move { Ok::<_, std::convert::Infallible>(service.handle(req, peer).await) }
            });
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(TokioIo::new(stream), svc)
                .await;
            drop(permit);
        });
    }
}
