//! Integration tests of the transports: the session driver over in-memory
//! streams, and the SSH server and client over loopback.

use confuzz_net::driver::now;
use confuzz_net::ssh::{
    Authenticator, ChannelRequest, ClientAuth, HostKeyCheck, PublicKey, ServerChannel,
    SshClientConfig, SshServer, SshServerConfig, SshService, connect_ssh, fingerprint,
    load_or_create_host_key,
};
use confuzz_net::{Driver, Limits, NetError, NetconfClient};
use confuzz_wire::netconf::RpcReply;
use confuzz_wire::session::{Event, Session, SessionConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("confuzz-net-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

/// A server answering every rpc with `<ok/>`, over the driver.
async fn ok_server<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(io: T) {
    let session = Session::new(SessionConfig::server(7), now());
    let mut d = Driver::new(io, session, Limits::server());
    while let Ok(ev) = d.next_event().await {
        if let Event::Rpc { message_id, .. } = ev {
            let reply = RpcReply::ok(message_id.unwrap_or_default());
            d.session_mut().send_reply(&reply).expect("reply");
        }
    }
}

#[tokio::test]
async fn driver_runs_client_and_server_sessions_over_an_in_memory_stream() {
    let (a, b) = tokio::io::duplex(64);
    tokio::spawn(ok_server(b));
    let mut c = NetconfClient::handshake(Box::new(a), SessionConfig::client(), Limits::client())
        .await
        .expect("hello");
    assert_eq!(c.session_id(), Some(7));
    for _ in 0..3 {
        let r = c.rpc("<get/>").await.expect("reply");
        assert!(r.reply.ok);
    }
    let r = c.close().await.expect("close");
    assert!(r.reply.ok);
}

#[tokio::test(start_paused = true)]
async fn driver_gives_up_on_a_silent_peer_after_the_read_timeout() {
    let (a, _b) = tokio::io::duplex(1024);
    let limits = Limits {
        read_timeout: Duration::from_secs(5),
        ..Limits::client()
    };
    let config = SessionConfig {
        hello_timeout: None,
        ..SessionConfig::client()
    };
    let err = NetconfClient::handshake(Box::new(a), config, limits)
        .await
        .err();
    assert!(
        matches!(err, Some(NetError::ReadTimeout(d)) if d == Duration::from_secs(5)),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn client_reports_a_reply_timeout_when_the_server_never_answers() {
    let (a, b) = tokio::io::duplex(4096);
    // A server that says hello and then reads forever without answering.
    tokio::spawn(async move {
        let s = Session::new(SessionConfig::server(3), now());
        let mut d = Driver::new(b, s, Limits::server());
        while d.next_event().await.is_ok() {}
    });
    let config = SessionConfig {
        reply_timeout: Some(Duration::from_secs(2)),
        ..SessionConfig::client()
    };
    let mut c = NetconfClient::handshake(Box::new(a), config, Limits::client())
        .await
        .expect("hello");
    let err = c.rpc("<get/>").await.err();
    assert!(
        matches!(err, Some(NetError::ReplyTimeout(ref id)) if id == "101"),
        "{err:?}"
    );
}

struct Users {
    key: Option<PublicKey>,
}

impl Authenticator for Users {
    fn password(&self, user: &str, password: &str) -> bool {
        user == "u" && password == "p"
    }
    fn public_key(&self, user: &str, key: &PublicKey) -> bool {
        user == "k"
            && self
                .key
                .as_ref()
                .is_some_and(|k| k.key_data() == key.key_data())
    }
}

/// Echoes every byte on subsystem `echo`, prefixed by the user name.
struct Echo;

impl SshService for Echo {
    fn accepts(&self, request: &ChannelRequest) -> bool {
        *request == ChannelRequest::Subsystem("echo".into())
    }
    fn serve(&self, channel: ServerChannel) {
        tokio::spawn(async move {
            let mut s = channel.stream;
            let _ = s.write_all(format!("{}:", channel.user).as_bytes()).await;
            let mut buf = [0u8; 64];
            while let Ok(n) = s.read(&mut buf).await {
                if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                let _ = s.flush().await;
            }
        });
    }
}

async fn echo_server(dir: &std::path::Path, client_key: Option<PublicKey>) -> (String, String) {
    let key = load_or_create_host_key(&dir.join("host")).expect("key");
    let fp = fingerprint(key.public_key());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let server = SshServer::new(
        SshServerConfig::new(key),
        Arc::new(Users { key: client_key }),
        Arc::new(Echo),
    );
    tokio::spawn(async move { server.serve(listener).await });
    (addr, fp)
}

async fn echo_once(addr: &str, config: &SshClientConfig) -> Result<String, NetError> {
    let mut s = connect_ssh(addr, config).await?;
    s.write_all(b"hi").await.expect("write");
    let mut got = vec![0u8; 0];
    let mut buf = [0u8; 16];
    while !String::from_utf8_lossy(&got).ends_with("hi") {
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("echo within 10 s")
            .expect("read");
        assert!(n > 0, "closed early");
        got.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&got).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_password_login_with_the_host_key_pinned_or_in_known_hosts() {
    let dir = scratch("pw");
    let (addr, fp) = echo_server(&dir, None).await;
    let mut config = SshClientConfig::password("u", "p", HostKeyCheck::Fingerprint(fp));
    config.subsystem = "echo".into();
    assert_eq!(echo_once(&addr, &config).await.expect("pinned"), "u:hi");

    let key = load_or_create_host_key(&dir.join("host")).expect("same key");
    let port = addr.rsplit(':').next().expect("port");
    let known = dir.join("known_hosts");
    std::fs::write(
        &known,
        format!(
            "[127.0.0.1]:{port} {}\n",
            key.public_key().to_openssh().expect("openssh")
        ),
    )
    .expect("write known_hosts");
    config.host_key = HostKeyCheck::KnownHosts(known);
    assert_eq!(
        echo_once(&addr, &config).await.expect("known_hosts"),
        "u:hi"
    );

    config.subsystem = "netconf".into();
    assert!(
        connect_ssh(&addr, &config).await.is_err(),
        "a subsystem the service does not accept is refused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_public_key_login_is_checked_by_the_callback() {
    let dir = scratch("pk");
    let client = load_or_create_host_key(&dir.join("client")).expect("client key");
    let (addr, _) = echo_server(&dir, Some(client.public_key().clone())).await;
    let mut config = SshClientConfig::password("k", "", HostKeyCheck::Insecure);
    config.auth = ClientAuth::Key(Arc::new(client));
    config.subsystem = "echo".into();
    assert_eq!(echo_once(&addr, &config).await.expect("key login"), "k:hi");

    let other = load_or_create_host_key(&dir.join("other")).expect("other key");
    config.auth = ClientAuth::Key(Arc::new(other));
    let err = connect_ssh(&addr, &config).await.err();
    assert!(matches!(err, Some(NetError::AuthRejected(_))), "{err:?}");
}

#[test]
fn host_key_is_made_once_kept_private_and_reloaded_unchanged() {
    let dir = scratch("hk");
    let path = dir.join("sub/key");
    let a = load_or_create_host_key(&path).expect("made");
    let b = load_or_create_host_key(&path).expect("loaded");
    assert_eq!(fingerprint(a.public_key()), fingerprint(b.public_key()));
    assert!(fingerprint(a.public_key()).starts_with("SHA256:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::write(&path, "not a key").expect("spoil");
    let err = load_or_create_host_key(&path).err();
    assert!(matches!(err, Some(NetError::HostKey { .. })), "{err:?}");
}
