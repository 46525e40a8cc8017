//! One device state behind JSON-RPC, NETCONF and MQTT: a change made over
//! JSON-RPC (login, new_trans, create and set_value, validate_commit,
//! commit) is in NETCONF `<get-config>` and announced as JET events on
//! MQTT, and the data of NSO's example modules edited over NETCONF stays
//! one node in its namespace that JSON-RPC reads.

use super::{login, ok, rw_trans, serve};
use crate::jet::broker::{next, subscribed};
use confuzz_net::{Limits, NetconfClient};
use confuzz_sim::serve::mqtt::{self, MqttOptions};
use confuzz_wire::jet::parse_event;
use confuzz_wire::session::SessionConfig;
use rumqttc::Incoming;
use serde_json::json;
use std::net::SocketAddr;

/// A NETCONF session over TCP.
pub(super) async fn netconf(addr: SocketAddr) -> NetconfClient {
    NetconfClient::connect_tcp(&addr.to_string(), SessionConfig::client(), Limits::client())
        .await
        .expect("netconf")
}

/// `<get-config>` of running, with `filter` (subtree content, or empty for
/// everything); the `<data>` content as text.
pub(super) async fn running(nc: &mut NetconfClient, filter: &str) -> String {
    let filter = if filter.is_empty() {
        String::new()
    } else {
        format!("<filter type=\"subtree\">{filter}</filter>")
    };
    let r = nc
        .rpc(&format!(
            "<get-config><source><running/></source>{filter}</get-config>"
        ))
        .await
        .expect("get-config");
    String::from_utf8_lossy(&r.reply.data.as_ref().expect("data").raw).into_owned()
}

/// An edit of the candidate over NETCONF, then a commit; both must be ok.
async fn edit_commit(nc: &mut NetconfClient, config: &str) {
    let r = nc
        .rpc(&format!(
            "<edit-config><target><candidate/></target><config><configuration>{config}</configuration></config></edit-config>"
        ))
        .await
        .expect("edit");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    let r = nc.rpc("<commit/>").await.expect("commit");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
}

/// Opens a read-write transaction on running, makes `calls` (method and
/// params, to which the transaction's `th` is added), then validates and
/// commits it; every call must succeed.
pub(super) async fn commit_calls(
    addr: SocketAddr,
    cookie: &str,
    calls: &[(&str, serde_json::Value)],
) {
    let th = rw_trans(addr, cookie, "running").await;
    for (method, params) in calls {
        let mut params = params.clone();
        params["th"] = json!(th);
        ok(addr, cookie, method, params).await;
    }
    ok(addr, cookie, "validate_commit", json!({"th": th})).await;
    ok(addr, cookie, "commit", json!({"th": th})).await;
}

async fn get_value(addr: SocketAddr, cookie: &str, path: &str) -> serde_json::Value {
    let th = ok(addr, cookie, "new_trans", json!({"mode": "read"})).await["th"].clone();
    ok(addr, cookie, "get_value", json!({"th": th, "path": path})).await
}

const DHCP: &str = "http://yang-central.org/ns/example/dhcp";
const DEVICES: &str = "http://acme.com/ns/devices";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_netconf_edit_of_a_module_merges_into_its_node_and_jsonrpc_reads_it() {
    let s = serve().await;
    let mut nc = netconf(s.netconf).await;
    edit_commit(
        &mut nc,
        &format!(
            "<dhcp xmlns=\"{DHCP}\"><max-lease-time>9000</max-lease-time></dhcp><config xmlns=\"{DEVICES}\"><device><interface>eth0</interface><date>2024-02-29</date></device><device><interface>eth1</interface><date>2024-03-01</date></device></config>"
        ),
    )
    .await;
    let data = running(&mut nc, "").await;
    assert_eq!(data.matches("<dhcp").count(), 1, "one dhcp node: {data}");
    assert_eq!(
        data.matches("<config ").count(),
        1,
        "one config node: {data}"
    );
    assert!(
        data.contains(&format!(
            "<dhcp xmlns=\"{DHCP}\"><max-lease-time>9000</max-lease-time><default-lease-time>600</default-lease-time></dhcp>"
        )),
        "{data}"
    );
    assert!(
        data.contains("<device><interface>eth0</interface><date>2024-02-29</date></device><device><interface>eth1</interface><date>2024-03-01</date></device>"),
        "the eth0 entry changed, eth1 added: {data}"
    );
    let c = login(s.http, "admin").await;
    assert_eq!(
        get_value(s.http, &c, "/dhcp:dhcp/max-lease-time").await,
        json!({"value": "9000"})
    );
    assert_eq!(
        get_value(s.http, &c, "/d:config/device{eth0}/date").await,
        json!({"value": "2024-02-29"})
    );
    assert_eq!(
        get_value(s.http, &c, "/d:config/device{eth1}/date").await,
        json!({"value": "2024-03-01"})
    );
    // Deleting one entry by its key leaves the other.
    edit_commit(
        &mut nc,
        &format!(
            "<config xmlns=\"{DEVICES}\"><device operation=\"delete\"><interface>eth0</interface></device></config>"
        ),
    )
    .await;
    let data = running(
        &mut nc,
        &format!("<configuration><config xmlns=\"{DEVICES}\"/></configuration>"),
    )
    .await;
    assert!(!data.contains("eth0"), "{data}");
    assert!(data.contains("eth1"), "{data}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jsonrpc_change_of_a_module_is_one_node_in_netconf_get_config() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let path = "/dhcp:dhcp/default-lease-time";
    commit_calls(
        s.http,
        &c,
        &[("set_value", json!({"path": path, "value": "900"}))],
    )
    .await;
    let mut nc = netconf(s.netconf).await;
    let data = running(
        &mut nc,
        &format!("<configuration><dhcp xmlns=\"{DHCP}\"/></configuration>"),
    )
    .await;
    assert_eq!(
        data,
        format!(
            "<data><configuration><dhcp xmlns=\"{DHCP}\"><max-lease-time>7200</max-lease-time><default-lease-time>900</default-lease-time></dhcp></configuration></data>"
        )
    );
    // And back: a NETCONF change of the same leaf is what JSON-RPC reads.
    edit_commit(
        &mut nc,
        &format!("<dhcp xmlns=\"{DHCP}\"><default-lease-time>1200</default-lease-time></dhcp>"),
    )
    .await;
    assert_eq!(get_value(s.http, &c, path).await, json!({"value": "1200"}));
}

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
    let ifd = "/junos:configuration/interfaces/interface{ge-0/0/7}";
    commit_calls(
        s.http,
        &c,
        &[
            ("create", json!({"path": ifd})),
            (
                "set_value",
                json!({"path": format!("{ifd}/description"), "value": "set over JSON-RPC"}),
            ),
        ],
    )
    .await;
    let mut nc = netconf(s.netconf).await;
    let data = running(
        &mut nc,
        "<configuration><interfaces><interface><name>ge-0/0/7</name></interface></interfaces></configuration>",
    )
    .await;
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
