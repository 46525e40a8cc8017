//! JET services over gRPC (tonic): `jnx.jet.authentication` and
//! `jnx.jet.management`, on the same device the other servers serve.
//!
//! ```text
//!   TCP ─► confuzz_net::grpc::incoming (limit, TLS, read timeout, ConnInfo, on_close)
//!       ─► tonic Server (HTTP/2 keepalive, max message, streams per connection)
//!           ├─ Authentication/Login ─► JetService::login ─► session of the connection
//!           ├─ Management/*         ─► session? ─► jet::mgmt (device locked) ─► SimDevice
//!           └─ Firewall/*, Interfaces/* ─► session? ─► set/delete commands, commit ─► SimDevice
//! ```
//!
//! **Sessions are per connection.** JET clients log in once per channel
//! and call the management service on the same channel, so a login
//! belongs to the HTTP/2 connection it arrived on (its [`ConnInfo`] id);
//! every call on that connection runs as the user who logged in, in a
//! device session of that user (so the device's permissions, locks and
//! commit history apply). A second login on a connection replaces the
//! first. The session ends when the connection closes (the callback of
//! [`incoming`](confuzz_net::grpc::incoming)), or, when a login finds the
//! table full, if it has been idle longer than
//! [`GrpcOptions::session_idle_timeout`]. At most
//! [`GrpcOptions::max_sessions`] (8) sessions are active; the ninth login
//! gets `RESOURCE_EXHAUSTED`.
//!
//! The older IDL (`/authentication.Login/LoginCheck`,
//! `/management.ManagementRpcApi/ExecuteOpCommand` and
//! `ExecuteCfgCommand`) is served on the same sessions; see [`legacy`].
//!
//! The firewall and interfaces services (modules `firewall` and `interfaces`)
//! change the configuration through the commit engine, so their changes
//! are seen over NETCONF and announced on MQTT.
//!
//! Management, firewall and interfaces calls on a connection that has not logged in get
//! `UNAUTHENTICATED`; unknown services and methods get `UNIMPLEMENTED`
//! (tonic's router); failures of a known call are status FAILURE inside
//! the answer, as JET reports them.

mod firewall;
mod interfaces;
pub mod legacy;
mod service;

use super::{ServeError, SimDevice};
use crate::device::SessionId;
use crate::jet::mgmt::Ephemeral;
use confuzz_net::NetError;
use confuzz_net::grpc::proto::jnx::jet::authentication::authentication_server::AuthenticationServer;
use confuzz_net::grpc::proto::jnx::jet::firewall::firewall_server::FirewallServer;
use confuzz_net::grpc::proto::jnx::jet::interfaces::interfaces_server::InterfacesServer;
use confuzz_net::grpc::proto::jnx::jet::management::management_server::ManagementServer;
use confuzz_net::grpc::proto::legacy::authentication::login_server::LoginServer;
use confuzz_net::grpc::proto::legacy::management::management_rpc_api_server::ManagementRpcApiServer;
use confuzz_net::grpc::{ConnInfo, OnClose, ServerLimits};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;
use tonic::Status;

/// The default address of the JET gRPC server (JET's port).
pub const DEFAULT_PORT: u16 = 32767;

/// How the gRPC server behaves.
#[derive(Clone)]
pub struct GrpcOptions {
    /// The most sessions (logins) active at once.
    pub max_sessions: usize,
    /// A session unused this long may be ended to make room for a login.
    pub session_idle_timeout: Duration,
    /// The largest message read or written.
    pub max_message: usize,
    /// Connections: how many, the TLS handshake time, the read timeout.
    pub connections: ServerLimits,
    /// HTTP/2 ping interval; a peer that does not answer within
    /// `keepalive_timeout` is dropped.
    pub keepalive_interval: Duration,
    /// See `keepalive_interval`.
    pub keepalive_timeout: Duration,
    /// The longest one call may run.
    pub request_timeout: Duration,
    /// Calls in flight on one connection.
    pub max_concurrent_streams: u32,
    /// TLS settings (see [`confuzz_net::grpc::tls::server_config`]); `None`:
    /// plain HTTP/2.
    pub tls: Option<Arc<ServerConfig>>,
}

impl Default for GrpcOptions {
    fn default() -> Self {
        GrpcOptions {
            max_sessions: 8,
            session_idle_timeout: Duration::from_secs(30 * 60),
            max_message: 4 << 20,
            connections: ServerLimits::default(),
            keepalive_interval: Duration::from_secs(60),
            keepalive_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(60),
            max_concurrent_streams: 16,
            tls: None,
        }
    }
}

impl std::fmt::Debug for GrpcOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcOptions")
            .field("max_sessions", &self.max_sessions)
            .field("session_idle_timeout", &self.session_idle_timeout)
            .field("max_message", &self.max_message)
            .field("connections", &self.connections)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

/// One logged-in connection.
#[derive(Debug, Clone)]
pub struct JetSession {
    /// Who logged in.
    pub user: String,
    /// The `client_id` the client gave.
    pub client_id: String,
    /// Where from.
    pub peer: SocketAddr,
    device_session: SessionId,
    last_used: Instant,
}

/// The JET services of one device.
pub struct JetService {
    device: Arc<SimDevice>,
    sessions: Mutex<HashMap<u64, JetSession>>,
    ephemeral: Mutex<Ephemeral>,
    options: GrpcOptions,
}

fn now() -> Instant {
    super::netconf::now()
}

impl JetService {
    /// The services of `device`.
    pub fn new(device: Arc<SimDevice>, options: GrpcOptions) -> Arc<Self> {
        Arc::new(JetService {
            device,
            sessions: Mutex::new(HashMap::new()),
            ephemeral: Mutex::new(Ephemeral::default()),
            options,
        })
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<u64, JetSession>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ephemeral(&self) -> MutexGuard<'_, Ephemeral> {
        self.ephemeral.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The sessions active now.
    pub fn active_sessions(&self) -> Vec<JetSession> {
        self.sessions().values().cloned().collect()
    }

    /// Ends the device sessions of `ended`.
    fn close_device_sessions(&self, ended: Vec<JetSession>) {
        if ended.is_empty() {
            return;
        }
        {
            let mut dev = self.device.lock();
            for s in &ended {
                dev.close_session(s.device_session, now());
            }
        }
        self.device.changed();
    }

    /// The connection `id` closed: its session ends.
    pub fn connection_closed(&self, id: u64) {
        let ended = self.sessions().remove(&id);
        self.close_device_sessions(ended.into_iter().collect());
    }

    /// Logs connection `conn` in as `user`: `Ok(Err(why))` for a refusal
    /// the answer carries (status FAILURE), `Err` for the session limit.
    fn login(
        &self,
        conn: ConnInfo,
        user: &str,
        password: &str,
        client_id: &str,
    ) -> Result<Result<(), String>, Status> {
        if !self.device.lock().authenticate(user, password) {
            return Ok(Err(format!(
                "authentication failed for user {user:?}: wrong user name or password"
            )));
        }
        let at = now();
        let mut ended = Vec::new();
        let result = {
            let mut sessions = self.sessions();
            if let Some(old) = sessions.remove(&conn.id) {
                ended.push(old);
            }
            if sessions.len() >= self.options.max_sessions {
                let idle = self.options.session_idle_timeout;
                let stale: Vec<u64> = sessions
                    .iter()
                    .filter(|(_, s)| at.saturating_duration_since(s.last_used) >= idle)
                    .map(|(id, _)| *id)
                    .collect();
                ended.extend(stale.iter().filter_map(|id| sessions.remove(id)));
            }
            if sessions.len() >= self.options.max_sessions {
                Err(Status::resource_exhausted(format!(
                    "too many JET client sessions: the limit is {} active sessions; close a channel (its session ends with it) and retry",
                    self.options.max_sessions
                )))
            } else {
                match self.device.lock().open_session(user) {
                    Ok(sid) => {
                        sessions.insert(
                            conn.id,
                            JetSession {
                                user: user.to_owned(),
                                client_id: client_id.to_owned(),
                                peer: conn.peer,
                                device_session: sid,
                                last_used: at,
                            },
                        );
                        Ok(Ok(()))
                    }
                    Err(e) => Ok(Err(format!("the device refused the session: {e}"))),
                }
            }
        };
        self.close_device_sessions(ended);
        result
    }

    /// The device session and user of the connection a request came on.
    fn session_of(&self, conn: Option<&ConnInfo>) -> Result<(SessionId, String), Status> {
        let conn = conn.ok_or_else(|| Status::internal("the request carries no connection"))?;
        let mut sessions = self.sessions();
        let Some(s) = sessions.get_mut(&conn.id) else {
            return Err(Status::unauthenticated(
                "this channel is not logged in: call /jnx.jet.authentication.Authentication/Login first, on the same channel",
            ));
        };
        if !self.device.lock().is_open(s.device_session) {
            sessions.remove(&conn.id);
            return Err(Status::unauthenticated(
                "the session of this channel was ended on the device (killed); call Login again",
            ));
        }
        s.last_used = now();
        Ok((s.device_session, s.user.clone()))
    }
}

/// Serves the JET services of `device` on every connection `listener`
/// accepts, until dropped.
pub async fn serve_grpc(
    device: Arc<SimDevice>,
    listener: TcpListener,
    options: GrpcOptions,
) -> Result<(), ServeError> {
    serve_grpc_service(JetService::new(device, options), listener).await
}

/// As [`serve_grpc`], with a service built by the caller (to look at its
/// sessions).
pub async fn serve_grpc_service(
    service: Arc<JetService>,
    listener: TcpListener,
) -> Result<(), ServeError> {
    let o = service.options.clone();
    let weak = Arc::downgrade(&service);
    let on_close: OnClose = Arc::new(move |id| {
        if let Some(s) = weak.upgrade() {
            s.connection_closed(id);
        }
    });
    let incoming = confuzz_net::grpc::incoming(
        listener,
        o.tls.clone(),
        o.connections.clone(),
        Some(on_close),
    );
    let auth = AuthenticationServer::from_arc(service.clone())
        .max_decoding_message_size(o.max_message)
        .max_encoding_message_size(o.max_message);
    let mgmt = ManagementServer::from_arc(service.clone())
        .max_decoding_message_size(o.max_message)
        .max_encoding_message_size(o.max_message);
    let firewall = FirewallServer::from_arc(service.clone())
        .max_decoding_message_size(o.max_message)
        .max_encoding_message_size(o.max_message);
    let interfaces = InterfacesServer::from_arc(service.clone())
        .max_decoding_message_size(o.max_message)
        .max_encoding_message_size(o.max_message);
    let legacy_auth = LoginServer::from_arc(service.clone())
        .max_decoding_message_size(o.max_message)
        .max_encoding_message_size(o.max_message);
    let legacy_mgmt = ManagementRpcApiServer::from_arc(service)
        .max_decoding_message_size(o.max_message)
        .max_encoding_message_size(o.max_message);
    tonic::transport::Server::builder()
        .http2_keepalive_interval(Some(o.keepalive_interval))
        .http2_keepalive_timeout(Some(o.keepalive_timeout))
        .max_concurrent_streams(o.max_concurrent_streams)
        .concurrency_limit_per_connection(o.max_concurrent_streams as usize)
        .timeout(o.request_timeout)
        .http2_max_header_list_size(16 * 1024)
        .add_service(auth)
        .add_service(mgmt)
        .add_service(firewall)
        .add_service(interfaces)
        .add_service(legacy_auth)
        .add_service(legacy_mgmt)
        .serve_with_incoming(incoming)
        .await
        .map_err(|e| {
            ServeError::Net(NetError::Io {
                context: "serving gRPC".into(),
                source: std::io::Error::other(e),
            })
        })
}
