//! The embedded broker: an MQTT client (rumqttc) subscribed to the JET
//! topics receives the events of a commit made over NETCONF; clients off
//! the allow-list and without the configured credentials are refused.

use crate::serve::serve_default;
use confuzz_net::{Limits, NetconfClient};
use confuzz_sim::serve::mqtt::{self, AllowList, MqttOptions, MqttStats, MqttTarget};
use confuzz_wire::jet::parse_event;
use confuzz_wire::session::SessionConfig;
use rumqttc::{AsyncClient, ConnectReturnCode, ConnectionError, Event, EventLoop, Incoming, QoS};
use std::net::SocketAddr;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

fn loopback0() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn client(id: &str, broker: SocketAddr, login: Option<(&str, &str)>) -> (AsyncClient, EventLoop) {
    let mut o = rumqttc::MqttOptions::new(id, broker.ip().to_string(), broker.port());
    o.set_keep_alive(Duration::from_secs(5));
    if let Some((u, p)) = login {
        o.set_credentials(u, p);
    }
    AsyncClient::new(o, 16)
}

/// The next packet from the broker, or the connection's error; panics
/// after [`WAIT`].
pub async fn next(el: &mut EventLoop) -> Result<Incoming, ConnectionError> {
    let step = async {
        loop {
            match el.poll().await {
                Ok(Event::Incoming(i)) => return Ok(i),
                Ok(Event::Outgoing(_)) => {}
                Err(e) => return Err(e),
            }
        }
    };
    tokio::time::timeout(WAIT, step)
        .await
        .expect("the broker answers in time")
}

/// Subscribes to every JET event and waits for the SUBACK.
pub async fn subscribed(
    broker: SocketAddr,
    login: Option<(&str, &str)>,
) -> (AsyncClient, EventLoop) {
    let (c, mut el) = client("jet-test-sub", broker, login);
    c.subscribe("/junos/events/#", QoS::AtMostOnce)
        .await
        .expect("subscribe queued");
    loop {
        match next(&mut el).await.expect("connected") {
            Incoming::SubAck(_) => return (c, el),
            _ => continue,
        }
    }
}

/// Adds `ge-0/0/9` and commits over NETCONF (TCP).
pub async fn commit_interface(tcp: SocketAddr) {
    let mut nc =
        NetconfClient::connect_tcp(&tcp.to_string(), SessionConfig::client(), Limits::client())
            .await
            .expect("netconf connect");
    let r = nc
        .rpc("<edit-config><target><candidate/></target><config><configuration><interfaces><interface><name>ge-0/0/9</name></interface></interfaces></configuration></config></edit-config>")
        .await
        .expect("edit reply");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    let r = nc.rpc("<commit/>").await.expect("commit reply");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_broker_delivers_the_events_of_a_netconf_commit() {
    let served = serve_default().await;
    let jet = mqtt::start(&served.device, MqttOptions::embedded(loopback0()))
        .await
        .expect("broker starts");
    let broker = jet.broker_addr.expect("embedded broker address");
    let (_c, mut el) = subscribed(broker, None).await;
    commit_interface(served.tcp).await;
    let mut got = Vec::new();
    while got.len() < 2 {
        if let Incoming::Publish(p) = next(&mut el).await.expect("connected") {
            let parsed = parse_event(&p.payload).expect("event parses");
            assert!(parsed.violations.is_empty(), "{:?}", parsed.violations);
            assert!(parsed.value.check_topic(&p.topic).is_empty(), "{}", p.topic);
            got.push((p.topic.clone(), parsed.value));
        }
    }
    assert_eq!(got[0].0, "/junos/events/kernel/interfaces/ifd/add/ge-0/0/9");
    assert_eq!(got[0].1.event_id.as_deref(), Some("KERNEL_EVENT_IFD_ADD"));
    assert_eq!(got[0].1.hostname.as_deref(), Some("sim-mx480"));
    assert_eq!(got[0].1.attribute("name"), Some("ge-0/0/9".into()));
    assert_eq!(got[1].0, "/junos/events/syslog/UI_COMMIT_COMPLETED");
    assert_eq!(MqttStats::get(&jet.stats.commits), 1);
    assert_eq!(MqttStats::get(&jet.stats.published), 2);
    assert_eq!(MqttStats::get(&jet.stats.commits_dropped), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_off_the_allow_list_is_refused_as_not_authorized() {
    let served = serve_default().await;
    let mut o = MqttOptions::embedded(loopback0());
    o.target = MqttTarget::Embedded {
        listen: loopback0(),
        allow: AllowList::parse(["192.0.2.10", "10.0.0.0/8"]).expect("list"),
    };
    let jet = mqtt::start(&served.device, o).await.expect("broker starts");
    let broker = jet.broker_addr.expect("address");
    let (_c, mut el) = client("outsider", broker, None);
    match next(&mut el).await {
        Err(ConnectionError::ConnectionRefused(code)) => {
            assert_eq!(code, ConnectReturnCode::NotAuthorized)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(MqttStats::get(&jet.stats.refused), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_user_configured_only_its_credentials_get_in() {
    let served = serve_default().await;
    let mut o = MqttOptions::embedded(loopback0());
    o.username = Some("jet".into());
    o.password = Some("s3cret".into());
    let jet = mqtt::start(&served.device, o).await.expect("broker starts");
    let broker = jet.broker_addr.expect("address");
    for login in [None, Some(("jet", "wrong"))] {
        let (_c, mut el) = client("intruder", broker, login);
        let r = next(&mut el).await;
        assert!(
            !matches!(r, Ok(Incoming::ConnAck(ref a)) if a.code == ConnectReturnCode::Success),
            "{login:?} got in: {r:?}"
        );
    }
    let (_c, mut el) = subscribed(broker, Some(("jet", "s3cret"))).await;
    commit_interface(served.tcp).await;
    loop {
        if let Incoming::Publish(p) = next(&mut el).await.expect("connected") {
            assert_eq!(p.topic, "/junos/events/kernel/interfaces/ifd/add/ge-0/0/9");
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_never_wait_for_an_unreachable_broker() {
    let served = serve_default().await;
    let gone = {
        let l = std::net::TcpListener::bind(loopback0()).expect("bind");
        l.local_addr().expect("addr")
    };
    let mut o = MqttOptions::external("127.0.0.1", gone.port());
    o.queue = 1;
    let jet = mqtt::start(&served.device, o).await.expect("client starts");
    let mut nc = NetconfClient::connect_tcp(
        &served.tcp.to_string(),
        SessionConfig::client(),
        Limits::client(),
    )
    .await
    .expect("netconf connect");
    const COMMITS: u64 = 30;
    let started = std::time::Instant::now();
    for _ in 0..COMMITS {
        let r = nc.rpc("<commit/>").await.expect("commit reply");
        assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    }
    assert!(started.elapsed() < WAIT, "commits waited for MQTT");
    let s = &jet.stats;
    // Every commit was either queued or dropped before its reply was sent.
    assert_eq!(
        MqttStats::get(&s.commits) + MqttStats::get(&s.commits_dropped),
        COMMITS
    );
    // The client's own queue (one request) fills: later events fail fast.
    let mut spins = 0u32;
    while MqttStats::get(&s.failed) == 0 {
        spins += 1;
        assert!(spins < 1_000_000, "no event was counted as failed");
        tokio::task::yield_now().await;
    }
    assert_eq!(MqttStats::get(&s.published), 0);
}
