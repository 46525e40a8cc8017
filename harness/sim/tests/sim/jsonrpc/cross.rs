//! One change made over JSON-RPC (login, new_trans, create and set_value,
//! validate_commit, commit), seen by the device's other protocols: in
//! NETCONF `<get-config>` and announced as JET events on MQTT.

use super::{login, ok, rw_trans, serve};
use crate::jet::broker::{next, subscribed};
use confuzz_net::{Limits, NetconfClient};
use confuzz_sim::serve::mqtt::{self, MqttOptions};
use confuzz_wire::jet::parse_event;
use confuzz_wire::session::SessionConfig;
use rumqttc::Incoming;
use serde_json::json;
use std::net::SocketAddr;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jsonrpc_commit_is_in_netconf_get_config_and_announced_on_mqtt() {
    let s = serve().await;
    let jet = mqtt::start(
        s.service.device(),
        MqttOptions::embedded(SocketAddr::from(([127, 0, 0, 1], 0))),
    )
    .await
    .expect("broker starts");
    let (_sub, mut el) = subscribed(jet.broker_addr.expect("address"), None).await;

    let c = login(s.http, "admin").await;
    let th = rw_trans(s.http, &c, "running").await;
    let ifd = "/junos:configuration/interfaces/interface{ge-0/0/7}";
    ok(s.http, &c, "create", json!({"th": th, "path": ifd})).await;
    ok(
        s.http,
        &c,
        "set_value",
        json!({"th": th, "path": format!("{ifd}/description"), "value": "set over JSON-RPC"}),
    )
    .await;
    ok(s.http, &c, "validate_commit", json!({"th": th})).await;
    ok(s.http, &c, "commit", json!({"th": th})).await;

    let mut nc = NetconfClient::connect_tcp(
        &s.netconf.to_string(),
        SessionConfig::client(),
        Limits::client(),
    )
    .await
    .expect("netconf");
    let r = nc
        .rpc("<get-config><source><running/></source><filter type=\"subtree\"><configuration><interfaces><interface><name>ge-0/0/7</name></interface></interfaces></configuration></filter></get-config>")
        .await
        .expect("get-config");
    let data = String::from_utf8_lossy(&r.reply.data.as_ref().expect("data").raw).into_owned();
    assert!(
        data.contains(
            "<interface><name>ge-0/0/7</name><description>set over JSON-RPC</description></interface>"
        ),
        "{data}"
    );

    let mut got = Vec::new();
    while got.len() < 2 {
        if let Incoming::Publish(p) = next(&mut el).await.expect("connected") {
            let parsed = parse_event(&p.payload).expect("event parses");
            assert!(parsed.violations.is_empty(), "{:?}", parsed.violations);
            got.push((p.topic.clone(), parsed.value));
        }
    }
    assert_eq!(got[0].0, "/junos/events/kernel/interfaces/ifd/add/ge-0/0/7");
    assert_eq!(got[0].1.attribute("name"), Some("ge-0/0/7".into()));
    assert_eq!(got[1].0, "/junos/events/syslog/UI_COMMIT_COMPLETED");
    assert_eq!(got[1].1.attribute("client"), Some("jsonrpc".into()));
    assert_eq!(got[1].1.attribute("username"), Some("admin".into()));
}
