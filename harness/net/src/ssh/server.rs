//! The SSH server: authentication against a callback, and channels handed
//! to a service as byte streams.

use crate::NetError;
use russh::keys::{PrivateKey, PublicKey};
use russh::server::{Auth, ChannelOpenHandle, Handler, Msg, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Decides who may log in.
pub trait Authenticator: Send + Sync + 'static {
    /// Whether `user` may log in with `password`.
    fn password(&self, user: &str, password: &str) -> bool;
    /// Whether `user` may log in with `key` (the client proved it holds the
    /// private half).
    fn public_key(&self, user: &str, key: &PublicKey) -> bool {
        let _ = (user, key);
        false
    }
}

/// What a client asked to run on a session channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelRequest {
    /// `subsystem NAME` (e.g. `netconf`).
    Subsystem(String),
    /// `exec COMMAND` (e.g. `junoscript`, or `xml-mode netconf need-trailer`).
    Exec(String),
}

/// A channel a service accepted.
pub struct ServerChannel {
    /// The authenticated user.
    pub user: String,
    /// The client's address.
    pub peer: Option<SocketAddr>,
    /// What was asked for.
    pub request: ChannelRequest,
    /// The channel's bytes. Dropping it closes the channel.
    pub stream: russh::ChannelStream<Msg>,
}

/// Runs what clients ask for on their channels.
pub trait SshService: Send + Sync + 'static {
    /// Whether `request` is served (refused ones get a channel failure).
    fn accepts(&self, request: &ChannelRequest) -> bool;
    /// Serves an accepted channel; must not block (spawn a task).
    fn serve(&self, channel: ServerChannel);
}

/// How the SSH server runs.
#[derive(Debug, Clone)]
pub struct SshServerConfig {
    /// The host key (see [`super::load_or_create_host_key`]).
    pub host_key: PrivateKey,
    /// The delay before answering a failed authentication.
    pub auth_rejection_time: Duration,
    /// Connections idle this long are dropped.
    pub inactivity_timeout: Duration,
    /// The most authentication attempts per connection.
    pub max_auth_attempts: usize,
    /// The most connections served at once; more are closed on accept.
    pub max_connections: usize,
}

impl SshServerConfig {
    /// Defaults around `host_key`: 100 ms rejection delay, 1 h idle, 6
    /// attempts, 4096 connections.
    pub fn new(host_key: PrivateKey) -> Self {
        SshServerConfig {
            host_key,
            auth_rejection_time: Duration::from_millis(100),
            inactivity_timeout: Duration::from_secs(3600),
            max_auth_attempts: 6,
            max_connections: 4096,
        }
    }
}

/// An SSH server for one listener.
pub struct SshServer {
    config: Arc<russh::server::Config>,
    auth: Arc<dyn Authenticator>,
    service: Arc<dyn SshService>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl SshServer {
    /// A server with `config`, asking `auth` who may log in and handing
    /// channels to `service`.
    pub fn new(
        config: SshServerConfig,
        auth: Arc<dyn Authenticator>,
        service: Arc<dyn SshService>,
    ) -> Self {
        let russh_config = russh::server::Config {
            keys: vec![config.host_key],
            methods: MethodSet::from(&[MethodKind::Password, MethodKind::PublicKey][..]),
            auth_rejection_time: config.auth_rejection_time,
            auth_rejection_time_initial: Some(Duration::ZERO),
            inactivity_timeout: Some(config.inactivity_timeout),
            max_auth_attempts: config.max_auth_attempts,
            nodelay: true,
            ..Default::default()
        };
        SshServer {
            config: Arc::new(russh_config),
            auth,
            service,
            slots: Arc::new(tokio::sync::Semaphore::new(config.max_connections)),
        }
    }

    /// Accepts and serves connections on `listener` until the task is dropped.
    pub async fn serve(&self, listener: TcpListener) -> Result<(), NetError> {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(x) => x,
                Err(e) if is_transient(&e) => continue,
                Err(e) => return Err(NetError::io("accepting an SSH connection", e)),
            };
            let Ok(permit) = self.slots.clone().try_acquire_owned() else {
                drop(stream);
                continue;
            };
            let _ = stream.set_nodelay(true);
            let handler = ConnHandler {
                auth: self.auth.clone(),
                service: self.service.clone(),
                peer: Some(peer),
                user: None,
                channels: HashMap::new(),
            };
            let config = self.config.clone();
            tokio::spawn(async move {
                if let Ok(running) = russh::server::run_stream(config, stream, handler).await {
                    let _ = running.await;
                }
                drop(permit);
            });
        }
    }
}

/// Accept errors that concern one connection, not the listener.
pub(crate) fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || e.raw_os_error() == Some(24) // EMFILE: wait for descriptors to free
}

struct ConnHandler {
    auth: Arc<dyn Authenticator>,
    service: Arc<dyn SshService>,
    peer: Option<SocketAddr>,
    user: Option<String>,
    /// Channels opened and not yet given a subsystem or command; bounded
    /// by russh's channel limit.
    channels: HashMap<ChannelId, Channel<Msg>>,
}

impl ConnHandler {
    fn start(
        &mut self,
        id: ChannelId,
        request: ChannelRequest,
        session: &mut Session,
    ) -> Result<(), russh::Error> {
        let (Some(user), true) = (self.user.clone(), self.service.accepts(&request)) else {
            return session.channel_failure(id);
        };
        let Some(channel) = self.channels.remove(&id) else {
            return session.channel_failure(id);
        };
        session.channel_success(id)?;
        self.service.serve(ServerChannel {
            user,
            peer: self.peer,
            request,
            stream: channel.into_stream(),
        });
        Ok(())
    }
}

fn reject() -> Auth {
    Auth::Reject {
        proceed_with_methods: None,
        partial_success: false,
    }
}

impl Handler for ConnHandler {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        if self.auth.password(user, password) {
            self.user = Some(user.to_owned());
            Ok(Auth::Accept)
        } else {
            Ok(reject())
        }
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.auth.public_key(user, key.public_key) {
            self.user = Some(user.to_owned());
            Ok(Auth::Accept)
        } else {
            Ok(reject())
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channels.len() >= 16 {
            return Ok(());
        }
        self.channels.insert(channel.id(), channel);
        reply.accept().await;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.start(channel, ChannelRequest::Subsystem(name.to_owned()), session)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let command = String::from_utf8_lossy(data).trim().to_owned();
        self.start(channel, ChannelRequest::Exec(command), session)
    }
}
