//! The built-in device, started in-process for one scenario on loopback
//! ports: NETCONF over TCP, and on demand the Junos XML protocol over SSH,
//! NSO JSON-RPC over HTTP, JET events over an embedded MQTT broker and
//! JET services over gRPC.

use confuzz_net::ssh::{HostKeyCheck, SshClientConfig, SshServer, SshServerConfig};
use confuzz_sim::serve::grpc::{GrpcOptions, serve_grpc};
use confuzz_sim::serve::http::{HttpOptions, serve_http};
use confuzz_sim::serve::mqtt::MqttOptions;
use confuzz_sim::serve::netconf::ServeOptions;
use confuzz_sim::serve::{SimAuth, SimDevice, SimSsh, serve_tcp};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The built-in device serving one scenario; its tasks end when dropped.
pub(crate) struct Builtin {
    /// NETCONF over TCP.
    pub(crate) tcp: String,
    /// The JSON-RPC URL, when the scenario uses that channel.
    pub(crate) http: Option<String>,
    /// The Junos XML protocol over SSH, when the scenario uses it.
    pub(crate) ssh: Option<(String, SshClientConfig)>,
    /// The embedded MQTT broker publishing the device's JET events, when
    /// the scenario uses the jet channel.
    pub(crate) mqtt: Option<SocketAddr>,
    /// The JET gRPC server, when the scenario uses the jet channel.
    pub(crate) grpc: Option<crate::grpc::GrpcEndpoint>,
    tasks: Vec<JoinHandle<()>>,
}

/// The channels a scenario needs besides NETCONF.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Wanted {
    pub(crate) junoscript: bool,
    pub(crate) jsonrpc: bool,
    pub(crate) jet: bool,
}

impl Drop for Builtin {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn host_key_path() -> PathBuf {
    std::env::temp_dir()
        .join(format!("confuzz-runner-{}", std::process::id()))
        .join("sim_host_ed25519_key")
}

/// The user scenarios log in as: the first who may configure.
fn login_user(config: &confuzz_sim::DeviceConfig) -> Result<&confuzz_sim::config::User, String> {
    config
        .users
        .iter()
        .find(|u| u.class.may_configure())
        .or(config.users.first())
        .ok_or_else(|| "the built-in device has no user".to_owned())
}

pub(crate) async fn start_builtin(
    config: &confuzz_sim::DeviceConfig,
    wanted: Wanted,
) -> Result<Builtin, String> {
    let device = SimDevice::new(config.clone());
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let tcp = listener
        .local_addr()
        .map_err(|e| e.to_string())?
        .to_string();
    let mut tasks = vec![tokio::spawn({
        let device = device.clone();
        async move {
            let _ = serve_tcp(device, listener, ServeOptions::default()).await;
        }
    })];
    let mut http = None;
    if wanted.jsonrpc {
        let l = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        http = Some(format!(
            "http://{}/jsonrpc",
            l.local_addr().map_err(|e| e.to_string())?
        ));
        let device = device.clone();
        tasks.push(tokio::spawn(async move {
            let _ = serve_http(device, l, HttpOptions::default()).await;
        }));
    }
    let mut ssh = None;
    if wanted.junoscript {
        let key = confuzz_net::ssh::load_or_create_host_key(&host_key_path())
            .map_err(|e| format!("built-in device host key: {e}"))?;
        let fp = confuzz_net::ssh::fingerprint(key.public_key());
        let l = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let addr = l.local_addr().map_err(|e| e.to_string())?.to_string();
        let server = SshServer::new(
            SshServerConfig::new(key),
            Arc::new(SimAuth::new(device.clone(), Vec::new())),
            Arc::new(SimSsh::new(device.clone(), ServeOptions::default())),
        );
        tasks.push(tokio::spawn(async move {
            let _ = server.serve(l).await;
        }));
        let user = login_user(config)?;
        let mut cfg =
            SshClientConfig::password(&user.name, &user.password, HostKeyCheck::Fingerprint(fp));
        cfg.subsystem = "junoscript".into();
        cfg.exec = true;
        ssh = Some((addr, cfg));
    }
    let (mut mqtt, mut grpc) = (None, None);
    if wanted.jet {
        // An ephemeral loopback port, open to loopback clients only. The
        // broker's own threads outlive the scenario (rumqttd has no stop).
        let options = MqttOptions::embedded(SocketAddr::from(([127, 0, 0, 1], 0)));
        let publisher = confuzz_sim::serve::mqtt::start(&device, options)
            .await
            .map_err(|e| format!("built-in device JET broker: {e}"))?;
        mqtt = publisher.broker_addr;
        let l = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let user = login_user(config)?;
        grpc = Some(crate::grpc::GrpcEndpoint {
            address: l.local_addr().map_err(|e| e.to_string())?.to_string(),
            tls: None,
            user: Some(user.name.clone()),
            password: Some(user.password.clone()),
        });
        let device = device.clone();
        tasks.push(tokio::spawn(async move {
            let _ = serve_grpc(device, l, GrpcOptions::default()).await;
        }));
    }
    Ok(Builtin {
        tcp,
        http,
        ssh,
        mqtt,
        grpc,
        tasks,
    })
}
