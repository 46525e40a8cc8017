//! JET over gRPC: our typed client against the served device (login,
//! operational commands, configuration, the ephemeral database, the
//! session limit, TLS), and a Python grpcio client as a third-party peer.

mod config;
mod firewall;
mod interfaces;
mod legacy;
mod peers;
mod sessions;

use crate::serve::serve_default;
use confuzz_net::grpc::proto::jnx::jet::management::OpCommandOutputFormat;
use confuzz_net::grpc::{ClientOptions, JetClient, OpCommand};
use confuzz_net::{Limits, NetconfClient};
use confuzz_sim::serve::SimDevice;
use confuzz_sim::serve::grpc::{GrpcOptions, JetService, serve_grpc_service};
use confuzz_wire::session::SessionConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// A device served over gRPC, and over TCP for NETCONF checks.
pub struct GrpcServed {
    pub device: Arc<SimDevice>,
    pub service: Arc<JetService>,
    pub grpc: SocketAddr,
    pub tcp: SocketAddr,
}

pub async fn serve_grpc(options: GrpcOptions) -> GrpcServed {
    let served = serve_default().await;
    let service = JetService::new(served.device.clone(), options);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind grpc");
    let grpc = listener.local_addr().expect("addr");
    tokio::spawn(serve_grpc_service(service.clone(), listener));
    GrpcServed {
        device: served.device,
        service,
        grpc,
        tcp: served.tcp,
    }
}

pub fn quick() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(20),
        ..ClientOptions::default()
    }
}

pub async fn connect(addr: SocketAddr) -> JetClient {
    JetClient::connect(&addr.to_string(), quick())
        .await
        .expect("grpc connect")
}

pub async fn logged_in(addr: SocketAddr, user: &str, password: &str) -> JetClient {
    let mut c = connect(addr).await;
    c.login(user, password, "confuzz-test")
        .await
        .expect("login accepted");
    c
}

/// The running configuration as NETCONF `<get-config>` shows it.
pub async fn netconf_running(tcp: SocketAddr) -> String {
    let mut nc =
        NetconfClient::connect_tcp(&tcp.to_string(), SessionConfig::client(), Limits::client())
            .await
            .expect("netconf connect");
    let r = nc
        .rpc("<get-config><source><running/></source></get-config>")
        .await
        .expect("get-config reply");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    String::from_utf8_lossy(&r.raw).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op_command_answers_in_json_xml_and_cli_text() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let host = s.device.lock().config().hostname.clone();
    let mut c = logged_in(s.grpc, "admin", "admin").await;
    let show = |c: &str| OpCommand::Cli(c.to_owned());

    let json = c
        .op_command(
            show("show version"),
            OpCommandOutputFormat::OpCommandOutputJson,
        )
        .await
        .expect("json output");
    let v: serde_json::Value = serde_json::from_str(&json).expect("the JSON output parses");
    assert_eq!(
        v["software-information"][0]["host-name"][0]["data"], host,
        "{json}"
    );

    let xml = c
        .op_command(
            show("show version"),
            OpCommandOutputFormat::OpCommandOutputXml,
        )
        .await
        .expect("xml output");
    assert!(
        xml.contains(&format!("<host-name>{host}</host-name>")),
        "{xml}"
    );

    let cli = c
        .op_command(show("sh ver"), OpCommandOutputFormat::OpCommandOutputCli)
        .await
        .expect("cli output");
    assert!(cli.starts_with(&format!("Hostname: {host}\n")), "{cli}");

    let hw = c
        .op_command(
            show("show chassis hardware"),
            OpCommandOutputFormat::OpCommandOutputCli,
        )
        .await
        .expect("hardware");
    assert!(
        hw.starts_with("Hardware inventory:") && hw.contains("Routing Engine 0"),
        "{hw}"
    );

    let inv = c
        .op_command(
            OpCommand::Xml("<get-chassis-inventory/>".into()),
            OpCommandOutputFormat::OpCommandOutputXml,
        )
        .await
        .expect("xml command");
    assert!(
        inv.contains("<chassis-inventory") && inv.contains("FPC 0"),
        "{inv}"
    );

    let terse = c
        .op_command(
            show("show interfaces terse"),
            OpCommandOutputFormat::OpCommandOutputCli,
        )
        .await
        .expect("interfaces");
    let line = terse
        .lines()
        .find(|l| l.starts_with("ge-0/0/0.0"))
        .unwrap_or_else(|| panic!("no ge-0/0/0.0 row:\n{terse}"));
    assert!(
        line.contains("inet") && line.contains("192.0.2.1/24"),
        "{terse}"
    );

    let err = c
        .op_command(
            show("show bogus"),
            OpCommandOutputFormat::OpCommandOutputJson,
        )
        .await
        .expect_err("an unknown command fails");
    assert!(
        err.to_string().contains("not a command of this device"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_output_streams_in_several_messages_that_join_to_the_whole() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let mut c = logged_in(s.grpc, "admin", "admin").await;
    // Enough interfaces for the configuration to pass one 16 KiB message.
    let mut text = String::from("interfaces {\n");
    for i in 0..400 {
        text += &format!(
            "    ge-1/{}/{} {{ description \"port {i} of the long output test\"; }}\n",
            i / 40,
            i % 40
        );
    }
    text += "}\n";
    c.config_set(
        confuzz_net::grpc::Config::Text(text),
        confuzz_net::grpc::proto::jnx::jet::management::ConfigLoadType::ConfigLoadMerge,
        Some("many interfaces"),
    )
    .await
    .expect("config set");
    let mut mgmt = c.management();
    let req = confuzz_net::grpc::proto::jnx::jet::management::OpCommandGetRequest {
        command: Some(
            confuzz_net::grpc::proto::jnx::jet::management::op_command_get_request::Command::CliCommand(
                "show configuration".into(),
            ),
        ),
        out_format: OpCommandOutputFormat::OpCommandOutputCli as i32,
    };
    let mut stream = mgmt.op_command_get(req).await.expect("stream").into_inner();
    let mut parts = Vec::new();
    while let Some(m) = stream.message().await.expect("message") {
        parts.push(m.data);
    }
    assert!(parts.len() > 1, "one message of {} bytes", parts[0].len());
    let whole = parts.concat();
    assert!(
        whole.contains("port 399 of the long output test"),
        "the end is missing"
    );
}
