//! JSON-RPC steps against the built-in device's NSO service: calls,
//! captures, batches, cookies, and checks that fail when they should.

use confuzz_runner::parse::parse_str;
use confuzz_runner::run::{RunOptions, ScenarioOutcome, Status, run_scenario};
use confuzz_runner::target::Target;
use confuzz_sim::DeviceConfig;
use std::path::Path;

async fn run(yaml: &str) -> ScenarioOutcome {
    let scenario = parse_str(Path::new("t.yaml"), yaml).unwrap_or_else(|e| panic!("{e:?}"));
    let dir = std::env::temp_dir().join(format!("confuzz-runner-jsonrpc-{}", std::process::id()));
    let options = RunOptions {
        snapshot_root: dir,
        ..RunOptions::default()
    };
    run_scenario(
        &scenario,
        &Target::builtin(DeviceConfig::default()),
        &options,
    )
    .await
}

fn statuses(o: &ScenarioOutcome) -> Vec<Status> {
    o.steps.iter().map(|s| s.status).collect()
}

const LOGIN: &str = "name: t\nchannels: [jsonrpc]\nsteps:\n  - jsonrpc: {method: login, params: {user: admin, passwd: admin}}\n    expect: ok\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_cookie_is_sent_on_later_calls_of_the_same_session_only() {
    let o = run(&format!(
        "{LOGIN}  - jsonrpc: {{method: get_trans}}\n    expect: ok\n  - jsonrpc: {{method: get_trans}}\n    session: other\n    expect: {{error: {{type: session.missing_sessionid}}}}\n"
    ))
    .await;
    assert!(
        o.passed(),
        "{}",
        confuzz_runner::report::scenario_text(&o, false)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_expected_value_fails_the_step_and_skips_the_rest() {
    let o = run(&format!(
        "{LOGIN}  - jsonrpc: {{method: new_trans, params: {{mode: read}}}}\n    capture: {{th: /result/th}}\n  - jsonrpc: {{method: get_value, params: {{th: \"${{th}}\", path: /dhcp:dhcp/max-lease-time}}}}\n    assert:\n      - {{path: /result/value, equals: \"9999\"}}\n  - jsonrpc: {{method: logout}}\n"
    ))
    .await;
    assert_eq!(
        statuses(&o),
        [Status::Pass, Status::Pass, Status::Fail, Status::Skip]
    );
    let f = o.first_failure().expect("a failure");
    let why = f.failure.as_deref().unwrap_or("");
    assert!(why.contains("expected \"9999\", got \"7200\""), "{why}");
    assert!(f.received.as_deref().unwrap_or("").contains("7200"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expecting_an_error_fails_on_a_result_and_on_another_type() {
    let o = run(&format!(
        "{LOGIN}  - jsonrpc: {{method: get_trans}}\n    expect: {{error: {{type: db.locked}}}}\n"
    ))
    .await;
    assert_eq!(statuses(&o), [Status::Pass, Status::Fail]);
    let o = run(
        "name: t\nchannels: [jsonrpc]\nsteps:\n  - jsonrpc: {method: get_trans}\n    expect: {error: {type: session.invalid_sessionid}}\n",
    )
    .await;
    let why = o
        .first_failure()
        .and_then(|f| f.failure.clone())
        .unwrap_or_default();
    assert!(why.contains("session.missing_sessionid"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_replies_are_checked_in_call_order_and_passwords_not_reported() {
    let o = run(&format!(
        "{LOGIN}  - jsonrpc:\n      batch:\n        - {{method: get_system_setting, params: {{operation: version}}}}\n        - {{method: no_such_method}}\n    assert:\n      - {{path: /0/result, exists: true}}\n      - {{path: /1/error/type, equals: rpc.method.not_found}}\n"
    ))
    .await;
    assert!(
        o.passed(),
        "{}",
        confuzz_runner::report::scenario_text(&o, false)
    );
    let sent = o.steps[0].sent.as_deref().unwrap_or("");
    assert!(
        sent.contains("[passwd]") && !sent.contains("\"admin\",\"user\""),
        "{sent}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_without_jsonrpc_url_says_the_channel_is_missing() {
    let scenario = parse_str(Path::new("t.yaml"), LOGIN).expect("parses");
    let tf: confuzz_runner::target::TargetsFile = toml::from_str(
        "[targets.nc]\naddress = \"127.0.0.1:1\"\nuser = \"u\"\nkey-file = \"/nonexistent\"\n",
    )
    .expect("toml");
    // The key file is missing, so resolve fails: a JSON-RPC-only target instead.
    assert!(tf.resolve("nc", true).is_err());
    let tf: confuzz_runner::target::TargetsFile = toml::from_str(
        "[targets.nso]\njsonrpc-url = \"http://127.0.0.1:9/jsonrpc\"\ntags = [\"nso\"]\n",
    )
    .expect("toml");
    let t = tf.resolve("nso", false).expect("target");
    let o = run_scenario(&scenario, &t, &RunOptions::default()).await;
    let why = o
        .first_failure()
        .and_then(|f| f.failure.clone())
        .unwrap_or_default();
    assert!(why.contains("cannot connect to 127.0.0.1:9"), "{why}");
    let bad: Result<confuzz_runner::target::TargetsFile, _> =
        toml::from_str("[targets.x]\njsonrpc-url = \"ftp://nso/jsonrpc\"\n");
    assert!(bad.expect("toml").resolve("x", false).is_err());
}
