//! The device served over real sockets on 127.0.0.1, driven by our own
//! client and by third-party clients (ncclient, PyEZ).

mod concurrency;
mod peers;
mod transport;

use confuzz_net::ssh::{SshServer, SshServerConfig, load_or_create_host_key};
use confuzz_sim::DeviceConfig;
use confuzz_sim::serve::netconf::ServeOptions;
use confuzz_sim::serve::{SimAuth, SimDevice, SimSsh, serve_tcp};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::net::TcpListener;

/// A device served over SSH and TCP on ephemeral loopback ports.
pub struct Served {
    pub device: Arc<SimDevice>,
    pub ssh: SocketAddr,
    pub tcp: SocketAddr,
    pub fingerprint: String,
    pub host_key: PathBuf,
}

/// A fresh scratch directory for this test process.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "confuzz-sim-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub async fn serve(config: DeviceConfig, options: ServeOptions) -> Served {
    let device = SimDevice::new(config);
    let host_key = scratch("hostkey").join("key");
    let key = load_or_create_host_key(&host_key).expect("host key");
    let fingerprint = confuzz_net::ssh::fingerprint(key.public_key());
    let ssh_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind ssh");
    let tcp_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind tcp");
    let ssh = ssh_listener.local_addr().expect("addr");
    let tcp = tcp_listener.local_addr().expect("addr");
    let server = SshServer::new(
        SshServerConfig::new(key),
        Arc::new(SimAuth::new(device.clone(), Vec::new())),
        Arc::new(SimSsh::new(device.clone(), options.clone())),
    );
    tokio::spawn(async move { server.serve(ssh_listener).await });
    tokio::spawn(serve_tcp(device.clone(), tcp_listener, options));
    Served {
        device,
        ssh,
        tcp,
        fingerprint,
        host_key,
    }
}

pub async fn serve_default() -> Served {
    serve(DeviceConfig::default(), ServeOptions::default()).await
}
