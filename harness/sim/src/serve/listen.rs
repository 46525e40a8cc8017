//! Listeners: SSH (NETCONF subsystem and junoscript), raw TCP, stdio.

use super::netconf::ServeOptions;
use super::{ServeError, SimDevice};
use crate::config::LoginClass;
use confuzz_net::NetError;
use confuzz_net::ssh::{Authenticator, ChannelRequest, PublicKey, ServerChannel, SshService};
use std::sync::Arc;
use tokio::net::TcpListener;

/// Logs users in against the device's accounts (passwords) and a list of
/// authorized public keys.
pub struct SimAuth {
    device: Arc<SimDevice>,
    keys: Vec<(String, PublicKey)>,
}

impl SimAuth {
    /// Passwords of `device`'s users; `keys` pairs a user with a key it may
    /// log in with.
    pub fn new(device: Arc<SimDevice>, keys: Vec<(String, PublicKey)>) -> Self {
        SimAuth { device, keys }
    }
}

impl Authenticator for SimAuth {
    fn password(&self, user: &str, password: &str) -> bool {
        self.device.lock().authenticate(user, password)
    }

    fn public_key(&self, user: &str, key: &PublicKey) -> bool {
        self.device.lock().config().user(user).is_some()
            && self
                .keys
                .iter()
                .any(|(u, k)| u == user && k.key_data() == key.key_data())
    }
}

/// The SSH service of one device: subsystem `netconf` (and the exec
/// command `xml-mode netconf need-trailer` Junos clients may fall back to)
/// runs NETCONF; exec or subsystem `junoscript` runs the Junos XML protocol.
pub struct SimSsh {
    device: Arc<SimDevice>,
    options: ServeOptions,
}

impl SimSsh {
    /// Serves `device` with `options`.
    pub fn new(device: Arc<SimDevice>, options: ServeOptions) -> Self {
        SimSsh { device, options }
    }
}

fn is_netconf(r: &ChannelRequest) -> bool {
    match r {
        ChannelRequest::Subsystem(s) => s == "netconf",
        ChannelRequest::Exec(c) => c == "xml-mode netconf need-trailer" || c == "netconf",
    }
}

fn is_junoscript(r: &ChannelRequest) -> bool {
    match r {
        ChannelRequest::Subsystem(s) => s == "junoscript",
        ChannelRequest::Exec(c) => c == "junoscript" || c == "xml-mode junoscript",
    }
}

impl SshService for SimSsh {
    fn accepts(&self, request: &ChannelRequest) -> bool {
        is_netconf(request) || is_junoscript(request)
    }

    fn serve(&self, channel: ServerChannel) {
        let device = self.device.clone();
        let options = self.options.clone();
        tokio::spawn(async move {
            let ServerChannel {
                user,
                request,
                stream,
                ..
            } = channel;
            let result = if is_junoscript(&request) {
                super::junoscript::serve(device, &user, stream, options.limits).await
            } else {
                super::netconf::serve(device, &user, stream, &options).await
            };
            if let Err(e) = result {
                eprintln!("confuzz sim: ssh session of {user}: {e}");
            }
        });
    }
}

/// The user a session without authentication (TCP, stdio) runs as: the
/// first super-user account of the device.
pub fn tcp_user(device: &SimDevice) -> Option<String> {
    let dev = device.lock();
    dev.config()
        .users
        .iter()
        .find(|u| u.class == LoginClass::SuperUser)
        .or_else(|| dev.config().users.first())
        .map(|u| u.name.clone())
}

/// Serves NETCONF on every connection `listener` accepts (no
/// authentication: each session runs as [`tcp_user`]), until dropped.
pub async fn serve_tcp(
    device: Arc<SimDevice>,
    listener: TcpListener,
    options: ServeOptions,
) -> Result<(), ServeError> {
    let user = tcp_user(&device).ok_or(ServeError::Device(crate::SimError::UnknownUser(
        "(no user configured)".into(),
    )))?;
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(x) => x,
            Err(e) if e.kind() != std::io::ErrorKind::InvalidInput => {
                // A failed accept concerns one connection (reset, or out
                // of descriptors for a moment); keep listening.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
            Err(e) => {
                return Err(NetError::Io {
                    context: "accepting a TCP connection".into(),
                    source: e,
                }
                .into());
            }
        };
        let _ = stream.set_nodelay(true);
        let device = device.clone();
        let options = options.clone();
        let user = user.clone();
        tokio::spawn(async move {
            if let Err(e) = super::netconf::serve(device, &user, stream, &options).await {
                eprintln!("confuzz sim: tcp session: {e}");
            }
        });
    }
}

/// Serves one NETCONF session on this process's stdin and stdout (as an
/// OpenSSH `Subsystem` command), as `user`.
pub async fn serve_stdio(
    device: Arc<SimDevice>,
    user: &str,
    options: ServeOptions,
) -> Result<(), ServeError> {
    super::netconf::serve(device, user, confuzz_net::io::stdio(), &options).await
}
