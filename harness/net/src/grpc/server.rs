//! The connections a gRPC server reads: accepted from a TCP listener,
//! limited in number, TLS-wrapped when configured, each with an id its
//! requests carry ([`ConnInfo`]) and a callback when it closes.
//!
//! tonic's server gives a service no per-connection hooks; serving from
//! [`incoming`] (`serve_with_incoming`) gives both: the id in every
//! request's extensions, and [`ServerLimits`]'s `on_close` when the
//! connection is dropped, so state kept per connection (a login) ends
//! with it.

use super::GrpcError;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::time::Sleep;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_stream::wrappers::ReceiverStream;

/// Who a request came from: the connection it arrived on. tonic puts it
/// in every request's extensions (`request.extensions().get::<ConnInfo>()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnInfo {
    /// Unique per connection while the process runs.
    pub id: u64,
    /// The client's address.
    pub peer: SocketAddr,
    /// Whether the connection is TLS.
    pub tls: bool,
}

/// Called with a connection's id when it closes.
pub type OnClose = Arc<dyn Fn(u64) + Send + Sync>;

/// Bounds on the connections [`incoming`] hands out.
#[derive(Clone)]
pub struct ServerLimits {
    /// The most connections open at once; more are closed at accept.
    pub max_connections: usize,
    /// How long the TLS handshake may take.
    pub handshake_timeout: Duration,
    /// The longest a connection may send nothing. With HTTP/2 keepalive
    /// pings (whose acks are reads) shorter than this, only a dead or
    /// stuck client hits it.
    pub read_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: 64,
            handshake_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(300),
        }
    }
}

impl std::fmt::Debug for ServerLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerLimits")
            .field("max_connections", &self.max_connections)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("read_timeout", &self.read_timeout)
            .finish()
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

/// One accepted connection, as tonic's server reads it.
pub struct Conn {
    stream: Stream,
    info: ConnInfo,
    read_timeout: Duration,
    idle: Pin<Box<Sleep>>,
    on_close: Option<OnClose>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(f) = &self.on_close {
            f(self.info.id);
        }
    }
}

impl tonic::transport::server::Connected for Conn {
    type ConnectInfo = ConnInfo;

    fn connect_info(&self) -> ConnInfo {
        self.info
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        let r = match &mut this.stream {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        };
        match r {
            Poll::Ready(r) => {
                let deadline = tokio::time::Instant::now() + this.read_timeout;
                this.idle.as_mut().reset(deadline);
                Poll::Ready(r)
            }
            Poll::Pending => {
                ready!(this.idle.as_mut().poll(cx));
                Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("the client sent nothing for {:?}", this.read_timeout),
                )))
            }
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.stream {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.stream {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.stream {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

static NEXT_CONN: AtomicU64 = AtomicU64::new(1);

/// The connections `listener` accepts, for tonic's
/// `serve_with_incoming`: at most `limits.max_connections` at once (more
/// are closed at accept), TLS-wrapped with `tls` when given (a failed or
/// slow handshake drops only that connection), and `on_close` called with
/// each one's id when it closes. Accepting stops when the stream is dropped.
pub fn incoming(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    limits: ServerLimits,
    on_close: Option<OnClose>,
) -> ReceiverStream<Result<Conn, GrpcError>> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(accept_loop(listener, tls, limits, on_close, tx));
    ReceiverStream::new(rx)
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    limits: ServerLimits,
    on_close: Option<OnClose>,
    tx: mpsc::Sender<Result<Conn, GrpcError>>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let acceptor = tls.map(TlsAcceptor::from);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = tx.closed() => return,
        };
        let (tcp, peer) = match accepted {
            Ok(x) => x,
            Err(_) => {
                // One failed accept (reset, out of descriptors for a
                // moment) concerns one connection: keep listening.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            drop(tcp);
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let id = NEXT_CONN.fetch_add(1, Ordering::Relaxed);
        let (tx, acceptor, limits, on_close) = (
            tx.clone(),
            acceptor.clone(),
            limits.clone(),
            on_close.clone(),
        );
        tokio::spawn(async move {
            let stream = match acceptor {
                None => Stream::Plain(tcp),
                Some(a) => {
                    match tokio::time::timeout(limits.handshake_timeout, a.accept(tcp)).await {
                        Ok(Ok(s)) => Stream::Tls(Box::new(s)),
                        // A client that fails the handshake is the
                        // client's problem; the server serves on.
                        Ok(Err(_)) | Err(_) => return,
                    }
                }
            };
            let tls = matches!(stream, Stream::Tls(_));
            let conn = Conn {
                stream,
                info: ConnInfo { id, peer, tls },
                read_timeout: limits.read_timeout,
                idle: Box::pin(tokio::time::sleep(limits.read_timeout)),
                on_close,
                _permit: permit,
            };
            let _ = tx.send(Ok(conn)).await;
        });
    }
}
