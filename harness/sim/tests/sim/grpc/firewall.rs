//! `jnx.jet.firewall.Firewall`: filters and their bindings land in the
//! configuration (NETCONF sees them), are announced on MQTT, and failures
//! are status FAILURE with a sub-code.

use super::{connect, logged_in, netconf_running, serve_grpc};
use crate::jet::broker::{next, subscribed};
use confuzz_net::grpc::proto::jnx::jet::common::{IpAddress, StatusCode, ip_address};
use confuzz_net::grpc::proto::jnx::jet::firewall::firewall_client::FirewallClient;
use confuzz_net::grpc::proto::jnx::jet::firewall::{
    ActionCounter, Filter, FilterAddRequest, FilterBindDirection, FilterBindObjPoint,
    FilterBindObjType, FilterDeleteRequest, FilterFamilies, FilterInetTerm,
    FilterObjBindAddRequest, FilterObjBindDeleteRequest, FilterTerm, FilterTermInetAction,
    FilterTermInetNonTerminatingAction, FilterTermInetTerminatingAction, FilterTermMatchInet,
    FilterTypes, MatchIpAddress, MatchOperation, MatchProtocol, filter_add_response,
    filter_bind_obj_point, filter_term, filter_term_inet_terminating_action::TerminatingAction,
};
use confuzz_sim::serve::grpc::GrpcOptions;
use confuzz_sim::serve::mqtt::{self, MqttOptions};
use confuzz_wire::jet::parse_event;
use rumqttc::Incoming;
use std::net::SocketAddr;

const INET: i32 = FilterFamilies::FamilyInet as i32;

fn term(name: &str, src: &str, protocol: u32, action: TerminatingAction) -> FilterTerm {
    FilterTerm {
        filter_term: Some(filter_term::FilterTerm::InetTerm(FilterInetTerm {
            term_name: name.into(),
            matches: Some(FilterTermMatchInet {
                ipv4_src_addrs: vec![MatchIpAddress {
                    addr: Some(IpAddress {
                        addr_format: Some(ip_address::AddrFormat::AddrString(src.into())),
                    }),
                    prefix_length: 24,
                    operation: MatchOperation::OpEqual as i32,
                }],
                protocols: vec![MatchProtocol {
                    min: protocol,
                    max: protocol,
                    operation: MatchOperation::OpEqual as i32,
                }],
                ..FilterTermMatchInet::default()
            }),
            actions: Some(FilterTermInetAction {
                actions_nt: Some(FilterTermInetNonTerminatingAction {
                    count: Some(ActionCounter {
                        counter_name: format!("{name}-hits"),
                    }),
                    ..FilterTermInetNonTerminatingAction::default()
                }),
                action_t: Some(FilterTermInetTerminatingAction {
                    terminating_action: Some(action),
                }),
            }),
            ..FilterInetTerm::default()
        })),
    }
}

fn add(name: &str, terms: Vec<FilterTerm>) -> FilterAddRequest {
    FilterAddRequest {
        name: name.into(),
        r#type: FilterTypes::TypeClassic as i32,
        family: INET,
        terms_list: terms,
        ..FilterAddRequest::default()
    }
}

fn bind(filter: &str, ifl: &str) -> FilterObjBindAddRequest {
    FilterObjBindAddRequest {
        filter: Some(Filter {
            name: filter.into(),
            family: INET,
        }),
        obj_type: FilterBindObjType::BindObjTypeInterface as i32,
        bind_object: Some(FilterBindObjPoint {
            bind_point: Some(filter_bind_obj_point::BindPoint::InterfaceName(ifl.into())),
        }),
        bind_direction: FilterBindDirection::BindDirectionInput as i32,
        bind_family: INET,
    }
}

fn unbind(filter: &str, ifl: &str) -> FilterObjBindDeleteRequest {
    let b = bind(filter, ifl);
    FilterObjBindDeleteRequest {
        filter: b.filter,
        obj_type: b.obj_type,
        bind_object: b.bind_object,
        bind_direction: b.bind_direction,
        bind_family: b.bind_family,
    }
}

/// The code and message of a status.
fn said(s: Option<confuzz_net::grpc::proto::jnx::jet::common::RpcStatus>) -> (i32, String) {
    let s = s.expect("the answer has a status");
    (s.code, s.message)
}

const OK: i32 = StatusCode::Success as i32;
const FAILED: i32 = StatusCode::Failure as i32;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_add_bind_unbind_delete_change_the_configuration_netconf_reads_and_mqtt_announces() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let jet = mqtt::start(
        &s.device,
        MqttOptions::embedded(SocketAddr::from(([127, 0, 0, 1], 0))),
    )
    .await
    .expect("broker starts");
    let (_sub, mut el) = subscribed(jet.broker_addr.expect("address"), None).await;
    let c = logged_in(s.grpc, "admin", "admin").await;
    let mut fw = FirewallClient::new(c.channel());

    let r = fw
        .filter_add(add(
            "jet-guard",
            vec![
                term("web", "198.51.100.0", 6, TerminatingAction::Accept(true)),
                term("rest", "203.0.113.0", 17, TerminatingAction::Discard(true)),
            ],
        ))
        .await
        .expect("FilterAdd answers")
        .into_inner();
    assert_eq!(said(r.status), (OK, String::new()));
    assert_eq!(r.sub_code, filter_add_response::StatusCode::Eok as i32);

    let r = fw
        .filter_bind_add(bind("jet-guard", "ge-0/0/0.0"))
        .await
        .expect("FilterBindAdd answers")
        .into_inner();
    assert_eq!(said(r.status), (OK, String::new()));

    let running = netconf_running(s.tcp).await;
    for part in [
        "<filter><name>jet-guard</name><term><name>web</name><from><source-address>198.51.100.0/24</source-address><protocol>6</protocol></from><then><accept/><count>web-hits</count></then></term>",
        "<term><name>rest</name><from><source-address>203.0.113.0/24</source-address><protocol>17</protocol></from><then><discard/><count>rest-hits</count></then></term>",
        "<filter><input>jet-guard</input></filter>",
    ] {
        assert!(running.contains(part), "{part} missing:\n{running}");
    }

    // The add and the bind are two commits: the filter is announced, then
    // changed when bound to the interface.
    let mut topics = Vec::new();
    while topics
        .iter()
        .filter(|t: &&String| t.ends_with("UI_COMMIT_COMPLETED"))
        .count()
        < 2
    {
        if let Incoming::Publish(p) = next(&mut el).await.expect("connected") {
            let parsed = parse_event(&p.payload).expect("event parses");
            assert!(parsed.violations.is_empty(), "{:?}", parsed.violations);
            if p.topic.contains("/firewall/") {
                assert_eq!(parsed.value.attribute("name"), Some("jet-guard".into()));
            }
            topics.push(p.topic.clone());
        }
    }
    assert!(
        topics
            .iter()
            .any(|t| t == "/junos/events/kernel/firewall/filter/add/jet-guard"),
        "{topics:?}"
    );

    let r = fw
        .filter_bind_delete(unbind("jet-guard", "ge-0/0/0.0"))
        .await
        .expect("FilterBindDelete answers")
        .into_inner();
    assert_eq!(said(r.status), (OK, String::new()));
    let r = fw
        .filter_delete(FilterDeleteRequest {
            name: "jet-guard".into(),
            family: INET,
        })
        .await
        .expect("FilterDelete answers")
        .into_inner();
    assert_eq!(said(r.status), (OK, String::new()));
    let running = netconf_running(s.tcp).await;
    assert!(!running.contains("jet-guard"), "{running}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_filters_and_bad_requests_are_failures_that_change_nothing() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let c = logged_in(s.grpc, "admin", "admin").await;
    let mut fw = FirewallClient::new(c.channel());
    let before = netconf_running(s.tcp).await;
    let invalid = filter_add_response::StatusCode::EinvalidMessage as i32;

    let r = fw
        .filter_delete(FilterDeleteRequest {
            name: "nowhere".into(),
            family: INET,
        })
        .await
        .expect("answer")
        .into_inner();
    assert_eq!(r.sub_code, invalid);
    let (code, m) = said(r.status);
    assert_eq!(code, FAILED);
    assert!(
        m.contains("no filter nowhere (family inet) is defined"),
        "{m}"
    );

    let r = fw
        .filter_bind_add(bind("nowhere", "ge-0/0/0.0"))
        .await
        .expect("answer")
        .into_inner();
    let (code, m) = said(r.status);
    assert_eq!((code, r.sub_code), (FAILED, invalid));
    assert!(m.contains("no filter nowhere"), "{m}");

    let r = fw
        .filter_bind_delete(unbind("nowhere", "ge-0/0/0.0"))
        .await
        .expect("answer")
        .into_inner();
    let (code, m) = said(r.status);
    assert_eq!(code, FAILED);
    assert!(
        m.contains("filter nowhere is not bound to ge-0/0/0.0 input"),
        "{m}"
    );

    let mut bad = add(
        "odd",
        vec![term(
            "t",
            "not-an-address",
            6,
            TerminatingAction::Accept(true),
        )],
    );
    let (code, m) = said(
        fw.filter_add(bad.clone())
            .await
            .expect("answer")
            .into_inner()
            .status,
    );
    assert_eq!(code, FAILED);
    assert!(
        m.contains("\"not-an-address\" is not an IPv4 address"),
        "{m}"
    );

    bad.terms_list = vec![term("t", "192.0.2.0", 6, TerminatingAction::Accept(true))];
    bad.family = FilterFamilies::FamilyInet6 as i32;
    let r = fw.filter_add(bad).await.expect("answer").into_inner();
    assert_eq!(
        r.sub_code,
        filter_add_response::StatusCode::EunsupportedOp as i32
    );

    let r = fw
        .filter_add(add("has space", vec![]))
        .await
        .expect("answer")
        .into_inner();
    let (code, m) = said(r.status);
    assert_eq!(code, FAILED);
    assert!(m.contains("filter name \"has space\""), "{m}");

    assert_eq!(netconf_running(s.tcp).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firewall_calls_before_login_are_unauthenticated() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let c = connect(s.grpc).await;
    let mut fw = FirewallClient::new(c.channel());
    let e = fw
        .filter_add(add(
            "early",
            vec![term("t", "192.0.2.0", 6, TerminatingAction::Accept(true))],
        ))
        .await
        .expect_err("refused before login");
    assert_eq!(e.code(), tonic::Code::Unauthenticated);
    assert!(e.message().contains("Login first"), "{}", e.message());
    assert!(!netconf_running(s.tcp).await.contains("early"));
}
