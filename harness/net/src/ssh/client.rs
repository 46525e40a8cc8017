//! The SSH client: connect, check the host key, authenticate, open a
//! subsystem; the channel comes back as a byte stream.

use super::hostkey::fingerprint;
use crate::NetError;
use russh::ChannelStream;
use russh::client::{Handle, Handler, Msg};
use russh::keys::PublicKeyOrCertificate;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How the server's host key is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKeyCheck {
    /// The key's SHA256 fingerprint must be this one (`SHA256:...`, as
    /// `confuzz sim` and `ssh-keygen -lf` print it).
    Fingerprint(String),
    /// The key must be recorded for the host in this known_hosts file.
    KnownHosts(PathBuf),
    /// Any key is accepted; a warning naming the key is printed to stderr.
    Insecure,
}

/// How the client authenticates.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// A password.
    Password(String),
    /// A private key.
    Key(Arc<PrivateKey>),
}

/// How to connect over SSH.
#[derive(Debug, Clone)]
pub struct SshClientConfig {
    /// The user to log in as.
    pub user: String,
    /// How to prove it.
    pub auth: ClientAuth,
    /// How to check the server.
    pub host_key: HostKeyCheck,
    /// The subsystem to open (`netconf`), or with `exec` the command to run.
    pub subsystem: String,
    /// Run `subsystem` as an `exec` command instead (e.g. `junoscript`).
    pub exec: bool,
    /// How long connecting, key exchange and authentication may take.
    pub connect_timeout: Duration,
}

impl SshClientConfig {
    /// Password login to the `netconf` subsystem, with `host_key` checking
    /// and a 30 s connect timeout.
    pub fn password(user: &str, password: &str, host_key: HostKeyCheck) -> Self {
        SshClientConfig {
            user: user.to_owned(),
            auth: ClientAuth::Password(password.to_owned()),
            host_key,
            subsystem: "netconf".to_owned(),
            exec: false,
            connect_timeout: Duration::from_secs(30),
        }
    }
}

struct Checker {
    check: HostKeyCheck,
    host: String,
    port: u16,
    /// The fingerprint seen, for the mismatch error.
    seen: Arc<Mutex<Option<String>>>,
}

impl Handler for Checker {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            return Ok(false);
        };
        let found = fingerprint(key);
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(found.clone());
        }
        Ok(match &self.check {
            HostKeyCheck::Fingerprint(want) => {
                want.trim() == found || format!("SHA256:{}", want.trim()) == found
            }
            HostKeyCheck::KnownHosts(path) => {
                russh::keys::check_known_hosts_path(&self.host, self.port, key, path)
                    .unwrap_or(false)
            }
            HostKeyCheck::Insecure => {
                eprintln!(
                    "warning: not checking the SSH host key of {}:{} ({found}); anyone on the path could read and change this session",
                    self.host, self.port
                );
                true
            }
        })
    }
}

/// An open SSH channel as a byte stream; the connection lives as long as it.
pub struct SshStream {
    stream: ChannelStream<Msg>,
    _handle: Handle<Checker>,
}

/// Connects to `addr` (`host:port`), checks the host key, authenticates and
/// opens the subsystem (or runs the command) `config` names.
pub async fn connect_ssh(addr: &str, config: &SshClientConfig) -> Result<SshStream, NetError> {
    tokio::time::timeout(config.connect_timeout, connect_inner(addr, config))
        .await
        .map_err(|_| NetError::ConnectTimeout {
            addr: addr.to_owned(),
            timeout: config.connect_timeout,
        })?
}

async fn connect_inner(addr: &str, config: &SshClientConfig) -> Result<SshStream, NetError> {
    let (host, port) = match addr.rsplit_once(':') {
        Some((h, p)) => (
            h.trim_start_matches('[').trim_end_matches(']').to_owned(),
            p.parse::<u16>().map_err(|_| {
                NetError::Ssh(format!(
                    "{addr:?}: the port is not a number; write host:port"
                ))
            })?,
        ),
        None => (addr.to_owned(), 830),
    };
    let seen = Arc::new(Mutex::new(None));
    let checker = Checker {
        check: config.host_key.clone(),
        host: host.clone(),
        port,
        seen: seen.clone(),
    };
    let ssh_config = Arc::new(russh::client::Config {
        inactivity_timeout: None,
        nodelay: true,
        ..Default::default()
    });
    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let tcp = crate::io::connect_tcp(&target, config.connect_timeout).await;
    let tcp = tcp.map_err(|e| match e {
        NetError::Io { source, .. } => NetError::io(format!("connecting to {addr}"), source),
        other => other,
    })?;
    let mut handle = match russh::client::connect_stream(ssh_config, tcp, checker).await {
        Ok(h) => h,
        Err(russh::Error::UnknownKey) => {
            let found = seen
                .lock()
                .ok()
                .and_then(|s| s.clone())
                .unwrap_or_else(|| "(a certificate)".into());
            let expected = match &config.host_key {
                HostKeyCheck::Fingerprint(f) => f.clone(),
                HostKeyCheck::KnownHosts(p) => {
                    format!("the key for {host}:{port} in {}", p.display())
                }
                HostKeyCheck::Insecure => "any key".into(),
            };
            return Err(NetError::HostKeyMismatch { expected, found });
        }
        Err(e) => return Err(NetError::Ssh(format!("connecting to {addr}: {e}"))),
    };
    let result = match &config.auth {
        ClientAuth::Password(p) => handle.authenticate_password(&config.user, p).await,
        ClientAuth::Key(k) => {
            let hash = handle
                .best_supported_rsa_hash()
                .await
                .ok()
                .flatten()
                .flatten();
            handle
                .authenticate_publickey(&config.user, PrivateKeyWithHashAlg::new(k.clone(), hash))
                .await
        }
    }
    .map_err(|e| NetError::Ssh(format!("authenticating: {e}")))?;
    if !result.success() {
        return Err(NetError::AuthRejected(config.user.clone()));
    }
    let mut channel = handle
        .channel_open_session()
        .await
        .map_err(|e| NetError::Ssh(format!("opening a session channel: {e}")))?;
    let asked = if config.exec {
        channel.exec(true, config.subsystem.as_bytes()).await
    } else {
        channel
            .request_subsystem(true, config.subsystem.as_str())
            .await
    };
    asked.map_err(|e| NetError::Ssh(format!("starting {:?}: {e}", config.subsystem)))?;
    // The server answers the request before any data flows.
    loop {
        match channel.wait().await {
            Some(russh::ChannelMsg::Success) => break,
            Some(russh::ChannelMsg::Failure) | Some(russh::ChannelMsg::Close) | None => {
                return Err(NetError::Ssh(format!(
                    "the server refused {} {:?}; is it a NETCONF server, and is the name right?",
                    if config.exec { "command" } else { "subsystem" },
                    config.subsystem
                )));
            }
            Some(_) => {}
        }
    }
    Ok(SshStream {
        stream: channel.into_stream(),
        _handle: handle,
    })
}

impl AsyncRead for SshStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
