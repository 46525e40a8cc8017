//! `bytes` steps: raw bytes on a NETCONF session and what the device does
//! with them; `expect: rejected` and `expect-violations` that fail when
//! they should.

use crate::parse::errors;
use confuzz_runner::parse::parse_str;
use confuzz_runner::run::{RunOptions, ScenarioOutcome, Status, run_scenario};
use confuzz_runner::target::Target;
use confuzz_sim::{DeviceConfig, Fault, FaultPlan, Trigger};
use std::path::Path;
use std::time::Duration;

async fn run_with(yaml: &str, config: DeviceConfig) -> ScenarioOutcome {
    let scenario = parse_str(Path::new("t.yaml"), yaml).unwrap_or_else(|e| panic!("{e:?}"));
    let options = RunOptions {
        snapshot_root: std::env::temp_dir()
            .join(format!("confuzz-runner-bytes-{}", std::process::id())),
        step_timeout: Duration::from_secs(3),
        ..RunOptions::default()
    };
    run_scenario(&scenario, &Target::builtin(config), &options).await
}

fn report(o: &ScenarioOutcome) -> String {
    confuzz_runner::report::scenario_text(o, false)
}

const RPC: &str = r#"<rpc message-id="m1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get-config><source><running/></source></get-config></rpc>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_message_fails_expect_rejected_and_a_refused_one_passes() {
    let o = run_with(
        &format!(
            "name: t\nchannels: [netconf]\nsteps:\n  - hello: {{capabilities: [base:1.0]}}\n  - bytes: '{RPC}]]>]]>'\n    expect: rejected\n"
        ),
        DeviceConfig::default(),
    )
    .await;
    assert_eq!(o.steps[1].status, Status::Fail, "{}", report(&o));
    let why = o.steps[1].failure.as_deref().unwrap_or("");
    assert!(
        why.contains("got a reply, and the session stayed open"),
        "{why}"
    );
    assert!(
        o.steps[1]
            .received
            .as_deref()
            .unwrap_or("")
            .contains("message-id=\"m1\"")
    );
    // The same bytes with a chunk-size of 0 in a base:1.1 session.
    let o = run_with(
        &format!(
            "name: t\nchannels: [netconf]\nsteps:\n  - hello: {{}}\n  - bytes: {{escaped: '\\n#0\\n{RPC}\\n##\\n'}}\n    expect: closed\n"
        ),
        DeviceConfig::default(),
    )
    .await;
    assert!(o.passed(), "{}", report(&o));
    assert!(
        o.steps[1]
            .sent
            .as_deref()
            .unwrap_or("")
            .starts_with("\\n\n#0\\n\n<rpc")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_from_a_file_are_sent_as_they_are_and_the_reply_is_checked() {
    let dir =
        std::env::temp_dir().join(format!("confuzz-runner-bytes-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("rpc.bin");
    std::fs::write(&file, format!("{RPC}]]>]]>")).expect("write");
    let o = run_with(
        &format!(
            "name: t\nchannels: [netconf]\nsteps:\n  - hello: {{capabilities: [base:1.0]}}\n  - bytes: {{file: {}}}\n    expect: data\n    assert:\n      - {{path: /rpc-reply/@message-id, equals: m1}}\n",
            file.display()
        ),
        DeviceConfig::default(),
    )
    .await;
    assert!(o.passed(), "{}", report(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_violations_needs_the_device_to_break_the_rule() {
    let yaml = "name: t\nchannels: [netconf]\nsteps:\n  - hello: {}\n  - rpc: <get-config><source><running/></source></get-config>\n    expect-violations: [chunk-size-leading-zero]\n";
    let faulty = DeviceConfig {
        faults: FaultPlan::new(vec![Fault::MalformedFrame {
            when: Trigger::Nth(1),
        }]),
        ..DeviceConfig::default()
    };
    let o = run_with(yaml, faulty).await;
    assert!(o.passed(), "{}", report(&o));
    let o = run_with(yaml, DeviceConfig::default()).await;
    assert_eq!(o.steps[1].status, Status::Fail, "{}", report(&o));
    let why = o.steps[1].failure.as_deref().unwrap_or("");
    assert!(
        why.contains("expected the device to break [\"chunk-size-leading-zero\"]"),
        "{why}"
    );
}

#[test]
fn bytes_steps_need_one_source_good_escapes_and_an_open_session() {
    let e = errors(
        "name: x\nchannels: [netconf]\nsteps:\n  - hello: {}\n  - bytes: {escaped: 'a', file: b}\n  - bytes: {escaped: '\\q'}\n  - bytes: x\n    session: other\n  - rpc: <get/>\n    expect: rejected\n",
    );
    let text: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("t.yaml:5:") && t.contains("one of `escaped` and `file`")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("t.yaml:6:") && t.contains("unknown escape `\\q`")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("t.yaml:7:") && t.contains("not open")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("t.yaml:9:") && t.contains("`expect: rejected` checks")),
        "{text:?}"
    );
}
