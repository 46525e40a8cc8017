//! NETCONF rpc round trips against the simulated device, over raw TCP and
//! over SSH (RFC 6242 subsystem): the cost a conformance run pays per step.
//! Each element is one `<rpc>` sent and its `<rpc-reply>` read, framed and
//! parsed; `sequential` waits for each reply before sending the next on one
//! session, `16 sessions` keeps sixteen sessions busy at once (a runner with
//! `--jobs 16`). Both framings are measured: base:1.0 (end-of-message) and
//! base:1.1 (chunked).
//!
//! Unlike the other benches this one links the network stack and the
//! simulated device: round trips are what it measures.
//!
//! Run: `cargo bench -p confuzz-benches --bench roundtrip -- --warm-up-time 1 --measurement-time 5`

use confuzz_net::ssh::{HostKeyCheck, SshClientConfig, SshServer, SshServerConfig};
use confuzz_net::{Limits, NetconfClient};
use confuzz_sim::DeviceConfig;
use confuzz_sim::serve::netconf::ServeOptions;
use confuzz_sim::serve::{SimAuth, SimDevice, SimSsh, serve_tcp};
use confuzz_wire::session::SessionConfig;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

/// A small read: the host name from running (a filtered `<get-config>`).
const RPC: &str = "<get-config><source><running/></source><filter type=\"subtree\"><configuration><system><host-name/></system></configuration></filter></get-config>";

const SESSIONS: usize = 16;

/// Where the device listens.
struct Device {
    tcp: String,
    ssh: String,
    ssh_config: SshClientConfig,
}

async fn start_device() -> Device {
    let config = DeviceConfig::default();
    let user = config.users.first().expect("a default user").clone();
    let device = SimDevice::new(config);
    let tcp_listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let tcp = tcp_listener.local_addr().expect("addr").to_string();
    tokio::spawn(serve_tcp(
        device.clone(),
        tcp_listener,
        ServeOptions::default(),
    ));

    let key_path = std::env::temp_dir()
        .join(format!("confuzz-bench-{}", std::process::id()))
        .join("host_ed25519_key");
    let key = confuzz_net::ssh::load_or_create_host_key(&key_path).expect("host key");
    let fingerprint = confuzz_net::ssh::fingerprint(key.public_key());
    let ssh_listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let ssh = ssh_listener.local_addr().expect("addr").to_string();
    let server = SshServer::new(
        SshServerConfig::new(key),
        Arc::new(SimAuth::new(device.clone(), Vec::new())),
        Arc::new(SimSsh::new(device, ServeOptions::default())),
    );
    tokio::spawn(async move { server.serve(ssh_listener).await });
    Device {
        tcp,
        ssh,
        ssh_config: SshClientConfig::password(
            &user.name,
            &user.password,
            HostKeyCheck::Fingerprint(fingerprint),
        ),
    }
}

async fn connect(device: &Device, ssh: bool, chunked: bool) -> NetconfClient {
    let mut config = SessionConfig::client();
    if !chunked {
        config
            .capabilities
            .retain(|c| c != confuzz_wire::netconf::BASE_1_1);
    }
    let client = if ssh {
        NetconfClient::connect_ssh(&device.ssh, &device.ssh_config, config, Limits::client()).await
    } else {
        NetconfClient::connect_tcp(&device.tcp, config, Limits::client()).await
    };
    client.expect("session opens")
}

async fn one(client: &mut NetconfClient) {
    let reply = client.rpc(RPC).await.expect("reply");
    assert!(reply.raw.len() > 40, "a data reply");
}

fn roundtrips(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    let _in_runtime = rt.enter(); // sessions are dropped inside the runtime
    let device = rt.block_on(start_device());
    let mut g = c.benchmark_group("roundtrip");
    for (transport, ssh) in [("tcp", false), ("ssh", true)] {
        for (framing, chunked) in [("eom", false), ("chunked", true)] {
            let client = Arc::new(tokio::sync::Mutex::new(
                rt.block_on(connect(&device, ssh, chunked)),
            ));
            g.throughput(Throughput::Elements(1));
            g.bench_function(format!("{transport}/{framing}/sequential"), |b| {
                b.to_async(&rt).iter(|| {
                    let c = client.clone();
                    async move { one(&mut *c.lock().await).await }
                })
            });
            // Sixteen sessions, each sending one rpc per iteration.
            let clients: Vec<_> = (0..SESSIONS)
                .map(|_| {
                    Arc::new(tokio::sync::Mutex::new(
                        rt.block_on(connect(&device, ssh, chunked)),
                    ))
                })
                .collect();
            g.throughput(Throughput::Elements(SESSIONS as u64));
            g.bench_function(format!("{transport}/{framing}/{SESSIONS} sessions"), |b| {
                b.to_async(&rt).iter(|| async {
                    let tasks: Vec<_> = clients
                        .iter()
                        .map(|c| {
                            let c = c.clone();
                            tokio::spawn(async move { one(&mut *c.lock().await).await })
                        })
                        .collect();
                    for t in tasks {
                        t.await.expect("session task");
                    }
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, roundtrips);
criterion_main!(benches);
