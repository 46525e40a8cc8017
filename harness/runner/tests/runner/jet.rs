//! JET steps over MQTT: against the built-in device's embedded broker, and
//! against a broker named in the targets file where a test client
//! publishes events the device would never send.

use crate::parse::errors;
use confuzz_runner::parse::parse_str;
use confuzz_runner::run::{RunOptions, ScenarioOutcome, Status, run_scenario};
use confuzz_runner::target::{Target, TargetsFile};
use confuzz_sim::DeviceConfig;
use confuzz_sim::serve::SimDevice;
use confuzz_sim::serve::mqtt::{self, MqttOptions};
use std::path::Path;
use std::time::Duration;

fn options() -> RunOptions {
    RunOptions {
        snapshot_root: std::env::temp_dir()
            .join(format!("confuzz-runner-jet-{}", std::process::id())),
        step_timeout: Duration::from_secs(5),
        ..RunOptions::default()
    }
}

async fn run_on(yaml: &str, target: &Target) -> ScenarioOutcome {
    let scenario = parse_str(Path::new("t.yaml"), yaml).unwrap_or_else(|e| panic!("{e:?}"));
    run_scenario(&scenario, target, &options()).await
}

fn report(o: &ScenarioOutcome) -> String {
    confuzz_runner::report::scenario_text(o, false)
}

const COMMIT_GE_0_0_9: &str = "name: t
channels: [netconf, jet]
steps:
  - jet: {subscribe: [/junos/events/#]}
  - hello: {}
  - rpc: <edit-config><target><candidate/></target><config><configuration><interfaces><interface><name>ge-0/0/9</name><unit><name>0</name></unit></interface></interfaces></configuration></config></edit-config>
    expect: ok
  - rpc: <commit/>
    expect: ok
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_of_a_netconf_commit_are_matched_by_topic_and_fields_in_any_order() {
    // The device sends ifd before ifl before UI_COMMIT_COMPLETED; the
    // scenario asks for them the other way round and captures a value.
    let yaml = format!(
        "{COMMIT_GE_0_0_9}  - jet: {{event: {{topic: /junos/events/syslog/+}}, within: 5s}}
    assert:
      - {{path: /jet-event/attributes/client, equals: netconf}}
  - jet:
      event:
        topic: /junos/events/kernel/interfaces/ifl/add/#
        where: [{{path: /jet-event/attributes/subunit, equals: \"0\"}}]
    capture: {{ifl: /jet-event/attributes/name}}
  - jet:
      event:
        topic: /junos/events/kernel/interfaces/ifd/add/#
        where: [{{path: /jet-event/attributes/name, equals: \"${{ifl}}\"}}]
    assert:
      - {{path: /jet-event/hostname, equals: sim-mx480}}
"
    );
    let o = run_on(&yaml, &Target::builtin(DeviceConfig::default())).await;
    assert!(o.passed(), "{}", report(&o));
    let ifd = &o.steps[6];
    assert!(
        ifd.received
            .as_deref()
            .unwrap_or("")
            .starts_with("topic /junos/events/kernel/interfaces/ifd/add/ge-0/0/9\n"),
        "{ifd:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_that_never_comes_fails_in_its_time_limit_naming_the_events_seen() {
    let yaml = format!(
        "{COMMIT_GE_0_0_9}  - jet:
      event:
        topic: /junos/events/kernel/interfaces/ifd/delete/#
      within: 300ms
  - wait: 1ms
"
    );
    let started = std::time::Instant::now();
    let o = run_on(&yaml, &Target::builtin(DeviceConfig::default())).await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let st: Vec<Status> = o.steps.iter().map(|s| s.status).collect();
    assert_eq!(st[4..], [Status::Fail, Status::Skip], "{}", report(&o));
    let why = o.steps[4].failure.as_deref().unwrap_or("");
    assert!(
        why.contains("no event on /junos/events/kernel/interfaces/ifd/delete/# within 300ms"),
        "{why}"
    );
    assert!(
        why.contains("KERNEL_EVENT_IFD_ADD on /junos/events/kernel/interfaces/ifd/add/ge-0/0/9"),
        "{why}"
    );
}

/// A broker (the simulator's embedded one, with no commits) that a test
/// client publishes `payload` to on `topic`, ten times a second for five
/// seconds, and a target naming it in its targets file.
async fn broker_with(
    topic: &'static str,
    payload: &'static str,
) -> (Target, tokio::task::JoinHandle<()>) {
    let device = SimDevice::new(DeviceConfig::default());
    let jet = mqtt::start(&device, MqttOptions::embedded(([127, 0, 0, 1], 0).into()))
        .await
        .expect("broker starts");
    let addr = jet.broker_addr.expect("embedded broker address");
    let publisher = tokio::spawn(async move {
        let _keep = device;
        let o = rumqttc::MqttOptions::new("jet-test-publisher", addr.ip().to_string(), addr.port());
        let (client, mut el) = rumqttc::AsyncClient::new(o, 64);
        tokio::spawn(async move { while el.poll().await.is_ok() {} });
        for _ in 0..50 {
            let _ = client
                .publish(topic, rumqttc::QoS::AtMostOnce, false, payload)
                .await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let tf: TargetsFile = toml::from_str(&format!(
        "[targets.broker]\nmqtt-broker = \"mqtt://{addr}\"\ntags = [\"jet\"]\n"
    ))
    .expect("toml");
    (tf.resolve("broker", false).expect("target"), publisher)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_breaking_the_jet_rules_fails_the_step_unless_allowed() {
    let (target, publisher) = broker_with(
        "/junos/events/syslog/UI_COMMIT_COMPLETED",
        r#"{"event-id": "UI_COMMIT_COMPLETED", "hostname": "h", "time": "t", "severity": "notice", "facility": "INTERACT", "attributes": {}}"#,
    )
    .await;
    let base = "name: t\nchannels: [jet]\nsteps:\n  - jet: {subscribe: [/junos/events/syslog/#]}\n  - jet: {event: {topic: /junos/events/syslog/UI_COMMIT_COMPLETED}, within: 4s}\n    assert:\n      - {path: /event-id, equals: UI_COMMIT_COMPLETED}\n";
    let o = run_on(base, &target).await;
    assert_eq!(o.steps[1].status, Status::Fail, "{}", report(&o));
    let why = o.steps[1].failure.as_deref().unwrap_or("");
    assert!(why.contains("jet-event-wrapper"), "{why}");
    let o = run_on(
        &format!("{base}    allow-violations: [jet-event-wrapper]\n"),
        &target,
    )
    .await;
    assert!(o.passed(), "{}", report(&o));
    publisher.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_without_a_broker_says_the_jet_channel_is_missing() {
    let tf: TargetsFile = toml::from_str(
        "[targets.nso]\njsonrpc-url = \"http://127.0.0.1:9/jsonrpc\"\ntags = [\"jet\"]\n",
    )
    .expect("toml");
    let o = run_on(
        "name: t\nchannels: [jet]\nsteps:\n  - jet: {subscribe: ['#']}\n",
        &tf.resolve("nso", false).expect("target"),
    )
    .await;
    let why = o.steps[0].failure.as_deref().unwrap_or("");
    assert!(why.contains("give it an `mqtt-broker`"), "{why}");
    let bad: TargetsFile =
        toml::from_str("[targets.x]\nmqtt-broker = \"http://h:1\"\n").expect("toml");
    assert!(bad.resolve("x", false).is_err());
    let bad: TargetsFile = toml::from_str(
        "[targets.x]\nmqtt-broker = \"h:1883\"\nmqtt-password-env = \"CONFUZZ_TEST_UNSET_VARIABLE\"\n",
    )
    .expect("toml");
    let e = bad
        .resolve("x", false)
        .expect_err("unset password variable");
    assert!(e.to_string().contains("CONFUZZ_TEST_UNSET_VARIABLE"), "{e}");
}

#[test]
fn jet_steps_need_one_kind_a_valid_filter_and_a_subscription_first() {
    let e = errors(
        "name: x\nchannels: [jet]\nsteps:\n  - jet: {event: {topic: /a/#}}\n  - jet: {subscribe: [/a/#/b], event: {}}\n  - jet: {subscribe: [/a]}\n    session: s\n  - jet: {event: {where: [{path: name, equals: x}]}}\n    session: s\n",
    );
    let text: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("t.yaml:4:") && t.contains("subscribed to nothing")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("t.yaml:5:") && t.contains("this one has `subscribe`, `event`")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("topic filter \"/a/#/b\"")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("t.yaml:8:") && t.contains("not a JSON pointer")),
        "{text:?}"
    );
    assert_eq!(e.len(), 4, "{text:?}");
}
