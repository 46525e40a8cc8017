//! JET notifications over MQTT: the device's events published to its own
//! broker or to an external one.
//!
//! ```text
//!   commit (any protocol) ─► SimDevice::changed ─► on_commit watcher
//!        ─► try_send ─► bounded queue ─(full: dropped += 1)
//!        ─► publisher task: jet::events_for_commit ─► publish per event
//!             embedded: rumqttd local link ─► rumqttd (127.0.0.1:internal)
//!                          ▲ allowed clients, proxied byte for byte
//!                 front listener (--mqtt ADDR) ─► refused: CONNACK "not authorized"
//!                    (TLS terminated here when the broker has a certificate)
//!             external: rumqttc ─► broker (--mqtt-broker HOST:PORT), QoS 1
//! ```
//!
//! A commit never waits for MQTT: the watcher only tries to queue, and a
//! full queue drops the commit's events and counts them. Every network
//! operation has a timeout ([`MqttOptions::timeout`]).
//!
//! The embedded broker is rumqttd (MQTT 3.1.1) on an internal loopback
//! port; clients reach it through a front listener that admits only the
//! addresses of the allow-list, like the `allow-clients` statement of a
//! Junos device. rumqttd's threads live as long as the process.

use super::SimDevice;
use crate::device::CommitChange;
use crate::jet::{Published, events_for_commit};
use rumqttc::{AsyncClient, Event, Incoming, QoS, TlsConfiguration, Transport};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// MQTT's port (1883) shifted by 10 000 like the simulator's other ports.
pub const DEFAULT_PORT: u16 = 11883;
/// Commits waiting to be published at most.
pub const DEFAULT_QUEUE: usize = 1024;
/// The timeout of every network operation.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest MQTT packet the embedded broker accepts.
const MAX_PAYLOAD: usize = 256 * 1024;

/// Why MQTT publishing could not start.
#[derive(Debug, thiserror::Error)]
pub enum MqttError {
    /// A socket could not be bound or the broker not reached.
    #[error("MQTT: {what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The embedded broker did not start listening in time.
    #[error("the embedded MQTT broker did not listen on {0} in time; is the port free?")]
    BrokerNotReady(SocketAddr),
    /// The broker could not give the device its publishing link.
    #[error("the embedded MQTT broker refused the device's link: {0}")]
    Link(String),
    /// The TLS set-up failed (CA file unreadable or holding no certificate).
    #[error("MQTT TLS: {0}; give a PEM file of CA certificates")]
    Tls(String),
    /// The embedded broker's certificate or key could not be used.
    #[error(
        "MQTT TLS: {0}; give the broker's certificate chain and its private key (RSA or ECDSA) as PEM files"
    )]
    ServerCert(String),
    /// An allow-list entry is not an address or prefix.
    #[error("{0:?} is not an IP address or prefix (e.g. 192.0.2.7, 10.0.0.0/8, ::1)")]
    BadClient(String),
}

/// Client addresses admitted to the embedded broker (seed 003's
/// `allow-clients`): addresses and prefixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowList(Vec<(IpAddr, u8)>);

impl AllowList {
    /// Loopback only (127.0.0.0/8 and ::1): a device reachable from its
    /// own host without set-up, and from nowhere else.
    pub fn loopback() -> Self {
        AllowList(vec![
            (IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8),
            (IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
        ])
    }

    /// No client at all (a Junos device's default).
    pub fn none() -> Self {
        AllowList(Vec::new())
    }

    /// Reads entries such as `192.0.2.7`, `10.0.0.0/8` or `::1`.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, MqttError> {
        let mut out = Vec::new();
        for e in entries {
            let bad = || MqttError::BadClient(e.to_owned());
            let (a, l) = e.trim().split_once('/').unwrap_or((e.trim(), ""));
            let ip: IpAddr = a.parse().map_err(|_| bad())?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len = if l.is_empty() {
                max
            } else {
                l.parse::<u8>().ok().filter(|l| *l <= max).ok_or_else(bad)?
            };
            out.push((ip, len));
        }
        Ok(AllowList(out))
    }

    /// Whether `ip` may connect (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|(net, len)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(
                u128::from(u32::from(*n)) << 96,
                u128::from(u32::from(a)) << 96,
                *len,
            ),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(u128::from(*n), u128::from(a), *len),
            _ => false,
        })
    }
}

fn prefix_eq(a: u128, b: u128, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len.min(128)))
    };
    a & mask == b & mask
}

/// Where the events go.
#[derive(Debug, Clone)]
pub enum MqttTarget {
    /// The device's own broker, listening on `listen` for the clients of
    /// `allow`.
    Embedded {
        /// The address clients connect to (port 0 picks one).
        listen: SocketAddr,
        /// The clients admitted.
        allow: AllowList,
    },
    /// An external broker (mosquitto ...), reached as an MQTT client.
    External {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
        /// TLS, with the CA certificates (PEM) that sign the broker's
        /// certificate; `None` for plain TCP.
        tls_ca: Option<PathBuf>,
    },
}

/// The embedded broker's TLS identity: PEM files of its certificate chain
/// (leaf first) and of its private key (PKCS#8, PKCS#1 RSA or SEC1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTls {
    /// The certificate chain.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// How events are published.
#[derive(Debug, Clone)]
pub struct MqttOptions {
    /// Embedded or external broker.
    pub target: MqttTarget,
    /// User name: sent to an external broker, and required by the embedded
    /// one from its clients when set.
    pub username: Option<String>,
    /// Password going with `username`.
    pub password: Option<String>,
    /// The device's MQTT client id (external broker).
    pub client_id: String,
    /// Commits waiting to be published at most; more are dropped and counted.
    pub queue: usize,
    /// The timeout of every network operation.
    pub timeout: Duration,
    /// TLS for the clients of the embedded broker (TLS 1.2 or later); plain
    /// TCP when `None`. Not used with an external broker.
    pub server_tls: Option<ServerTls>,
}

impl MqttOptions {
    /// An embedded broker on `listen`, open to loopback clients.
    pub fn embedded(listen: SocketAddr) -> Self {
        Self::with_target(MqttTarget::Embedded {
            listen,
            allow: AllowList::loopback(),
        })
    }

    /// An external broker at `host:port`, plain TCP.
    pub fn external(host: impl Into<String>, port: u16) -> Self {
        Self::with_target(MqttTarget::External {
            host: host.into(),
            port,
            tls_ca: None,
        })
    }

    fn with_target(target: MqttTarget) -> Self {
        MqttOptions {
            target,
            username: None,
            password: None,
            client_id: "confuzz-sim".into(),
            queue: DEFAULT_QUEUE,
            timeout: DEFAULT_TIMEOUT,
            server_tls: None,
        }
    }
}

/// What publishing did so far.
#[derive(Debug, Default)]
pub struct MqttStats {
    /// Commits queued for publishing.
    pub commits: AtomicU64,
    /// Commits dropped because the queue was full.
    pub commits_dropped: AtomicU64,
    /// Events handed to the broker (embedded) or acknowledged by it (external, QoS 1).
    pub published: AtomicU64,
    /// Events that could not be handed over (client queue full, broker gone).
    pub failed: AtomicU64,
    /// Connections to the embedded broker refused by the allow-list.
    pub refused: AtomicU64,
    /// Failed attempts to reach the external broker.
    pub connect_errors: AtomicU64,
    /// Clients of the embedded broker whose TLS handshake failed or timed out.
    pub tls_failed: AtomicU64,
}

impl MqttStats {
    fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// A counter's value.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// A running publisher.
#[derive(Debug, Clone)]
pub struct JetPublisher {
    /// Counters.
    pub stats: Arc<MqttStats>,
    /// The embedded broker's client address (`None` for an external broker).
    pub broker_addr: Option<SocketAddr>,
}

/// Publishes the JET events of every later commit of `device`.
pub async fn start(
    device: &Arc<SimDevice>,
    options: MqttOptions,
) -> Result<JetPublisher, MqttError> {
    let stats = Arc::new(MqttStats::default());
    let hostname = device.lock().config().hostname.clone();
    let (sink, broker_addr) = match &options.target {
        MqttTarget::Embedded { listen, allow } => {
            let (link, addr) = start_embedded(*listen, allow.clone(), &options, &stats).await?;
            (Sink::Embedded(link), Some(addr))
        }
        MqttTarget::External { .. } if options.server_tls.is_some() => {
            return Err(MqttError::ServerCert(
                "a certificate is for the embedded broker; an external broker has its own".into(),
            ));
        }
        MqttTarget::External { host, port, tls_ca } => {
            let client = start_external(host, *port, tls_ca.as_ref(), &options, &stats)?;
            (Sink::External(client), None)
        }
    };
    let (tx, rx) = mpsc::channel::<CommitChange>(options.queue.max(1));
    let watch_stats = stats.clone();
    device.on_commit(move |c| match tx.try_send(c.clone()) {
        Ok(()) => MqttStats::add(&watch_stats.commits),
        Err(_) => MqttStats::add(&watch_stats.commits_dropped),
    });
    tokio::spawn(publish_task(rx, sink, hostname, stats.clone()));
    Ok(JetPublisher { stats, broker_addr })
}

enum Sink {
    Embedded(rumqttd::local::LinkTx),
    External(AsyncClient),
}

impl Sink {
    fn publish(&mut self, p: &Published, stats: &MqttStats) {
        let ok = match self {
            Sink::Embedded(link) => {
                let ok = link.try_publish(p.topic.clone(), p.payload()).is_ok();
                if ok {
                    MqttStats::add(&stats.published);
                }
                ok
            }
            Sink::External(client) => client
                .try_publish(p.topic.clone(), QoS::AtLeastOnce, false, p.payload())
                .is_ok(),
        };
        if !ok {
            MqttStats::add(&stats.failed);
        }
    }
}

async fn publish_task(
    mut rx: mpsc::Receiver<CommitChange>,
    mut sink: Sink,
    hostname: String,
    stats: Arc<MqttStats>,
) {
    while let Some(change) = rx.recv().await {
        for p in events_for_commit(&change, &hostname).events {
            sink.publish(&p, &stats);
        }
    }
}

// ---- external broker ----

fn start_external(
    host: &str,
    port: u16,
    tls_ca: Option<&PathBuf>,
    options: &MqttOptions,
    stats: &Arc<MqttStats>,
) -> Result<AsyncClient, MqttError> {
    let mut mo = rumqttc::MqttOptions::new(options.client_id.clone(), host, port);
    let secs = options.timeout.as_secs().max(1);
    mo.set_keep_alive(Duration::from_secs(secs.max(5)));
    mo.set_clean_session(true);
    if let Some(user) = &options.username {
        mo.set_credentials(user.clone(), options.password.clone().unwrap_or_default());
    }
    if let Some(ca) = tls_ca {
        mo.set_transport(Transport::tls_with_config(tls_config(ca)?));
    }
    let (client, mut eventloop) = AsyncClient::new(mo, options.queue.max(1));
    let mut net = rumqttc::NetworkOptions::new();
    net.set_connection_timeout(secs);
    eventloop.set_network_options(net);
    let stats = stats.clone();
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(200);
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Incoming::PubAck(_))) => MqttStats::add(&stats.published),
                Ok(Event::Incoming(Incoming::ConnAck(_))) => backoff = Duration::from_millis(200),
                Ok(_) => {}
                Err(rumqttc::ConnectionError::RequestsDone) => return,
                Err(_) => {
                    MqttStats::add(&stats.connect_errors);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
    });
    Ok(client)
}

fn tls_config(ca: &PathBuf) -> Result<TlsConfiguration, MqttError> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let what = |e: &dyn std::fmt::Display| MqttError::Tls(format!("{}: {e}", ca.display()));
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).map_err(|e| what(&e))? {
        roots
            .add(cert.map_err(|e| what(&e))?)
            .map_err(|e| what(&e))?;
    }
    if roots.is_empty() {
        return Err(MqttError::Tls(format!(
            "{} holds no certificate",
            ca.display()
        )));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| what(&e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConfiguration::Rustls(Arc::new(config)))
}

// ---- embedded broker ----

async fn start_embedded(
    listen: SocketAddr,
    allow: AllowList,
    options: &MqttOptions,
    stats: &Arc<MqttStats>,
) -> Result<(rumqttd::local::LinkTx, SocketAddr), MqttError> {
    let io = |what: String| move |source| MqttError::Io { what, source };
    let tls = match &options.server_tls {
        Some(t) => Some(tokio_rustls::TlsAcceptor::from(server_tls_config(t)?)),
        None => None,
    };
    let front = TcpListener::bind(listen)
        .await
        .map_err(io(format!("cannot listen on {listen}")))?;
    let front_addr = front.local_addr().map_err(io("local address".into()))?;
    let internal = {
        let l = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(io("cannot pick an internal port".into()))?;
        l.local_addr().map_err(io("local address".into()))?
    };
    let config = broker_config(internal, options);
    let mut broker = rumqttd::Broker::new(config);
    let (link_tx, mut link_rx) = broker
        .link("confuzz-sim-device")
        .map_err(|e| MqttError::Link(e.to_string()))?;
    std::thread::Builder::new()
        .name("mqtt-broker".into())
        .spawn(move || {
            let _ = broker.start();
        })
        .map_err(io("cannot start the broker thread".into()))?;
    // Nothing comes back on the device's link but what the router says of
    // it; read and forget so nothing piles up.
    std::thread::Builder::new()
        .name("mqtt-link".into())
        .spawn(move || while link_rx.recv().is_ok() {})
        .map_err(io("cannot start the link thread".into()))?;
    wait_listening(internal, options.timeout).await?;
    tokio::spawn(front_task(
        front,
        Front {
            internal,
            allow,
            tls,
            timeout: options.timeout,
            stats: stats.clone(),
        },
    ));
    Ok((link_tx, front_addr))
}

fn broker_config(internal: SocketAddr, options: &MqttOptions) -> rumqttd::Config {
    let timeout_ms = u16::try_from(options.timeout.as_millis()).unwrap_or(u16::MAX);
    let auth = options
        .username
        .as_ref()
        .map(|u| HashMap::from([(u.clone(), options.password.clone().unwrap_or_default())]));
    let server = rumqttd::ServerSettings {
        name: "jet".into(),
        listen: internal,
        tls: None,
        next_connection_delay_ms: 0,
        connections: rumqttd::ConnectionSettings {
            connection_timeout_ms: timeout_ms,
            max_payload_size: MAX_PAYLOAD,
            max_inflight_count: 100,
            auth,
            external_auth: None,
            dynamic_filters: true,
        },
    };
    rumqttd::Config {
        id: 0,
        router: rumqttd::RouterConfig {
            max_connections: 1010,
            max_outgoing_packet_count: 200,
            max_segment_size: 1024 * 1024,
            max_segment_count: 10,
            ..rumqttd::RouterConfig::default()
        },
        v4: Some(HashMap::from([("1".to_owned(), server)])),
        ..rumqttd::Config::default()
    }
}

async fn wait_listening(addr: SocketAddr, timeout: Duration) -> Result<(), MqttError> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Ok(Ok(s)) = tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            drop(s);
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(MqttError::BrokerNotReady(addr));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// What the front listener needs for each client.
struct Front {
    internal: SocketAddr,
    allow: AllowList,
    tls: Option<tokio_rustls::TlsAcceptor>,
    timeout: Duration,
    stats: Arc<MqttStats>,
}

async fn front_task(listener: TcpListener, front: Front) {
    let front = Arc::new(front);
    loop {
        let Ok((client, peer)) = listener.accept().await else {
            continue;
        };
        let allowed = front.allow.allows(peer.ip());
        if !allowed {
            MqttStats::add(&front.stats.refused);
        }
        let front = front.clone();
        tokio::spawn(async move {
            match &front.tls {
                Some(acceptor) => {
                    let Ok(Ok(tls)) =
                        tokio::time::timeout(front.timeout, acceptor.accept(client)).await
                    else {
                        MqttStats::add(&front.stats.tls_failed);
                        return;
                    };
                    serve_client(tls, allowed, &front).await;
                }
                None => serve_client(client, allowed, &front).await,
            }
        });
    }
}

/// Proxies an allowed client to the broker, or refuses it.
async fn serve_client<S>(mut client: S, allowed: bool, front: &Front)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    if !allowed {
        refuse(client, front.timeout).await;
        return;
    }
    let Ok(Ok(mut upstream)) =
        tokio::time::timeout(front.timeout, TcpStream::connect(front.internal)).await
    else {
        return;
    };
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// The embedded broker's rustls configuration (TLS 1.2 and 1.3, no client
/// certificates).
fn server_tls_config(t: &ServerTls) -> Result<Arc<tokio_rustls::rustls::ServerConfig>, MqttError> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |path: &PathBuf, e: &dyn std::fmt::Display| {
        MqttError::ServerCert(format!("{}: {e}", path.display()))
    };
    let certs = CertificateDer::pem_file_iter(&t.cert)
        .map_err(|e| bad(&t.cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(&t.cert, &e))?;
    if certs.is_empty() {
        return Err(bad(&t.cert, &"holds no certificate"));
    }
    let key = PrivateKeyDer::from_pem_file(&t.key).map_err(|e| bad(&t.key, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(&t.cert, &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad(&t.key, &format!("does not go with the certificate: {e}")))?;
    Ok(Arc::new(config))
}

/// Answers a client not on the allow-list: reads its CONNECT (within the
/// timeout) and answers CONNACK "not authorized" in its protocol version
/// (3.1.1 return code 5, 5.0 reason code 0x87), then closes.
async fn refuse<S: AsyncRead + AsyncWrite + Unpin>(mut client: S, timeout: Duration) {
    let answer = async {
        let level = read_connect_level(&mut client).await.unwrap_or(4);
        let connack: &[u8] = if level >= 5 {
            &[0x20, 0x03, 0x00, 0x87, 0x00]
        } else {
            &[0x20, 0x02, 0x00, 0x05]
        };
        let _ = client.write_all(connack).await;
        let _ = client.shutdown().await;
    };
    let _ = tokio::time::timeout(timeout, answer).await;
}

/// The protocol level of a CONNECT packet, reading only its first bytes.
async fn read_connect_level<S: AsyncRead + Unpin>(s: &mut S) -> Option<u8> {
    let mut b = [0u8; 1];
    s.read_exact(&mut b).await.ok()?;
    if b[0] != 0x10 {
        return None;
    }
    for _ in 0..4 {
        s.read_exact(&mut b).await.ok()?;
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    let mut len = [0u8; 2];
    s.read_exact(&mut len).await.ok()?;
    let n = usize::from(u16::from_be_bytes(len));
    if n > 6 {
        return None;
    }
    let mut name = [0u8; 6];
    s.read_exact(name.get_mut(..n)?).await.ok()?;
    s.read_exact(&mut b).await.ok()?;
    Some(b[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_matches_addresses_and_prefixes() {
        let a = AllowList::parse(["192.0.2.7", "10.0.0.0/8", "2001:db8::/32"]).expect("parses");
        assert!(a.allows("192.0.2.7".parse().expect("ip")));
        assert!(!a.allows("192.0.2.8".parse().expect("ip")));
        assert!(a.allows("10.200.1.1".parse().expect("ip")));
        assert!(a.allows("::ffff:10.1.1.1".parse().expect("ip")));
        assert!(a.allows("2001:db8:1::5".parse().expect("ip")));
        assert!(!a.allows("127.0.0.1".parse().expect("ip")));
        assert!(AllowList::loopback().allows("127.0.0.1".parse().expect("ip")));
        assert!(AllowList::loopback().allows("::1".parse().expect("ip")));
        assert!(!AllowList::none().allows("127.0.0.1".parse().expect("ip")));
        assert!(AllowList::parse(["10.0.0.0/33"]).is_err());
        assert!(AllowList::parse(["host.example"]).is_err());
    }
}
