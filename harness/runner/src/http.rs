//! A small HTTP/1.1 client for JSON-RPC: POST a body, read the reply
//! within a time limit and a size limit, keep cookies.
//!
//! One [`HttpClient`] is one scenario session: its cookie jar holds what
//! the server set (NSO's `sessionid` after `login`) and sends it back on
//! every later request, the way a browser or `curl -b/-c` does. Each
//! request uses its own connection, so a slow or closed one never leaks
//! into the next step. `https://` URLs speak TLS (rustls) with the
//! certificate checked as [`crate::tls`] says: on by default.

use bytes::Bytes;
use confuzz_net::io::BoxIo;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::Request;
use hyper::header::{self, HeaderValue};
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// The largest reply body read by default (16 MiB).
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

/// An `http://` or `https://host:port/path` URL, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// `host:port`, to connect to and send as `Host`.
    pub authority: String,
    /// The path (and query), starting with `/`.
    pub path: String,
    /// Speak TLS (`https://`).
    pub tls: bool,
}

impl HttpUrl {
    /// Reads `http://host[:port][/path]` (port 80) or `https://...` (port
    /// 443); the path is `/jsonrpc` when none is given.
    pub fn parse(url: &str) -> Result<HttpUrl, String> {
        let (rest, tls) = if let Some(r) = url.strip_prefix("http://") {
            (r, false)
        } else if let Some(r) = url.strip_prefix("https://") {
            (r, true)
        } else {
            return Err(format!(
                "{url:?} is not an http URL; write e.g. http://192.0.2.10:8080/jsonrpc or https://..."
            ));
        };
        let (auth, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/jsonrpc"),
        };
        if auth.is_empty() || auth.contains('@') {
            return Err(format!(
                "{url:?}: give host:port (credentials go in the login call, not the URL)"
            ));
        }
        let authority = if auth.rsplit_once(':').is_some_and(|(_, p)| !p.contains(']')) {
            auth.to_owned()
        } else {
            format!("{auth}:{}", if tls { 443 } else { 80 })
        };
        Ok(HttpUrl {
            authority,
            path: path.to_owned(),
            tls,
        })
    }

    /// The host, without port or IPv6 brackets (the TLS server name).
    pub fn host(&self) -> &str {
        let host = self
            .authority
            .rsplit_once(':')
            .map_or(self.authority.as_str(), |(h, _)| h);
        host.trim_start_matches('[').trim_end_matches(']')
    }
}

/// An HTTP reply.
#[derive(Debug, Clone)]
pub struct HttpReply {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Bytes,
}

/// One HTTP client with its cookie jar.
#[derive(Debug, Clone)]
pub struct HttpClient {
    url: HttpUrl,
    /// Cookies by name.
    pub cookies: BTreeMap<String, String>,
    /// The largest reply body read.
    pub max_body: usize,
    /// TLS settings for an `https://` URL.
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl HttpClient {
    /// A client for `url` with an empty jar; an `https://` URL trusts the
    /// Mozilla roots until [`HttpClient::with_tls`] says otherwise.
    pub fn new(url: HttpUrl) -> HttpClient {
        HttpClient {
            url,
            cookies: BTreeMap::new(),
            max_body: DEFAULT_MAX_BODY,
            tls: None,
        }
    }

    /// The same client verifying the server as `config` says.
    pub fn with_tls(mut self, config: Arc<rustls::ClientConfig>) -> HttpClient {
        self.tls = Some(config);
        self
    }

    /// The connection to the server: TCP, and TLS on it for `https://`.
    async fn connect(&self) -> Result<BoxIo, String> {
        let at = self.url.authority.as_str();
        let stream = TcpStream::connect(at)
            .await
            .map_err(|e| format!("cannot connect to {at}: {e}"))?;
        let _ = stream.set_nodelay(true);
        if !self.url.tls {
            return Ok(Box::new(stream));
        }
        let config = match &self.tls {
            Some(c) => c.clone(),
            None => crate::tls::client_config(None, false)?,
        };
        let name = rustls::pki_types::ServerName::try_from(self.url.host().to_owned())
            .map_err(|e| format!("{:?} cannot be a TLS server name: {e}", self.url.host()))?;
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, stream)
            .await
            .map_err(|e| format!("TLS with {at}: {e}"))?;
        Ok(Box::new(tls))
    }

    /// The `Cookie` header the jar sends.
    pub fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Takes in one `Set-Cookie` value: sets the cookie, or removes it
    /// when it is empty or expired at once (`Max-Age=0`).
    pub fn set_cookie(&mut self, value: &str) {
        let mut parts = value.split(';');
        let Some((name, v)) = parts.next().and_then(|kv| kv.split_once('=')) else {
            return;
        };
        let (name, v) = (name.trim(), v.trim().trim_matches('"'));
        let expired = parts.any(|a| {
            a.split_once('=').is_some_and(|(k, val)| {
                k.trim().eq_ignore_ascii_case("max-age") && val.trim().starts_with(['0', '-'])
            })
        });
        if name.is_empty() {
            return;
        }
        if v.is_empty() || expired {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), v.to_owned());
        }
    }

    /// POSTs `body` as `application/json`; `cookie` replaces the jar's
    /// cookies for this request (`Some("")` sends none). The whole
    /// exchange must finish within `timeout`.
    pub async fn post_json(
        &mut self,
        body: String,
        cookie: Option<&str>,
        timeout: Duration,
    ) -> Result<HttpReply, String> {
        match tokio::time::timeout(timeout, self.exchange(body, cookie)).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "no HTTP reply from {} within {timeout:?}",
                self.url.authority
            )),
        }
    }

    async fn exchange(&mut self, body: String, cookie: Option<&str>) -> Result<HttpReply, String> {
        let at = self.url.authority.clone();
        let stream = self.connect().await?;
        let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP to {at}: {e}"))?;
        let driver = tokio::spawn(async move {
            let _ = conn.await;
        });
        let cookie_line = match cookie {
            Some("") => None,
            Some(c) => Some(format!("sessionid={c}")),
            None => self.cookie_header(),
        };
        let mut req = Request::post(self.url.path.as_str())
            .header(header::HOST, at.as_str())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie_line {
            req = req.header(header::COOKIE, c);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("building the request: {e}"))?;
        let result = async {
            let resp = send
                .send_request(req)
                .await
                .map_err(|e| format!("HTTP to {at}: {e}"))?;
            let status = resp.status().as_u16();
            for v in resp.headers().get_all(header::SET_COOKIE) {
                if let Ok(v) = v.to_str() {
                    self.set_cookie(v);
                }
            }
            let content_type = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned);
            let body = Limited::new(resp.into_body(), self.max_body)
                .collect()
                .await
                .map_err(|e| {
                    if e.downcast_ref::<LengthLimitError>().is_some() {
                        format!("the reply body is larger than {} bytes", self.max_body)
                    } else {
                        format!("reading the reply body: {e}")
                    }
                })?
                .to_bytes();
            Ok(HttpReply {
                status,
                content_type,
                body,
            })
        }
        .await;
        driver.abort();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parse_adds_port_and_path_for_http_and_https() {
        let u = HttpUrl::parse("http://127.0.0.1:8080/jsonrpc").unwrap();
        assert_eq!(u.authority, "127.0.0.1:8080");
        assert_eq!(u.path, "/jsonrpc");
        let u = HttpUrl::parse("http://nso.example").unwrap();
        assert_eq!(
            (u.authority.as_str(), u.path.as_str()),
            ("nso.example:80", "/jsonrpc")
        );
        let u = HttpUrl::parse("https://nso.example/jsonrpc").unwrap();
        assert_eq!(
            (u.authority.as_str(), u.host(), u.tls),
            ("nso.example:443", "nso.example", true)
        );
        assert_eq!(HttpUrl::parse("https://[::1]:8888").unwrap().host(), "::1");
        assert!(HttpUrl::parse("nso.example").is_err());
        assert!(HttpUrl::parse("http://u:p@h/x").is_err());
    }

    #[test]
    fn cookie_jar_keeps_set_cookies_and_drops_expired_ones() {
        let mut c = HttpClient::new(HttpUrl::parse("http://h:1/jsonrpc").unwrap());
        assert_eq!(c.cookie_header(), None);
        c.set_cookie("sessionid=sess42; Path=/; HttpOnly");
        assert_eq!(c.cookie_header().as_deref(), Some("sessionid=sess42"));
        c.set_cookie("other=\"x\"");
        assert_eq!(
            c.cookie_header().as_deref(),
            Some("other=x; sessionid=sess42")
        );
        c.set_cookie("sessionid=; Path=/; Max-Age=0; HttpOnly");
        assert_eq!(c.cookie_header().as_deref(), Some("other=x"));
        c.set_cookie("other=y; Max-Age=0");
        assert_eq!(c.cookie_header(), None);
        c.set_cookie("garbage");
        assert_eq!(c.cookie_header(), None);
    }
}
