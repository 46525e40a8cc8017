//! JET gRPC call steps: against the built-in device, and against a gRPC
//! server named in the targets file (`grpc-endpoint`).

use crate::parse::errors;
use confuzz_runner::parse::parse_str;
use confuzz_runner::run::{RunOptions, ScenarioOutcome, Status, run_scenario};
use confuzz_runner::target::{Target, TargetsFile};
use confuzz_sim::DeviceConfig;
use confuzz_sim::serve::SimDevice;
use confuzz_sim::serve::grpc::{GrpcOptions, serve_grpc};
use std::path::Path;
use std::time::Duration;

async fn run_on(yaml: &str, target: &Target) -> ScenarioOutcome {
    let scenario = parse_str(Path::new("t.yaml"), yaml).unwrap_or_else(|e| panic!("{e:?}"));
    let options = RunOptions {
        snapshot_root: std::env::temp_dir()
            .join(format!("confuzz-runner-grpc-{}", std::process::id())),
        step_timeout: Duration::from_secs(5),
        ..RunOptions::default()
    };
    run_scenario(&scenario, target, &options).await
}

fn report(o: &ScenarioOutcome) -> String {
    confuzz_runner::report::scenario_text(o, false)
}

const HEAD: &str = "name: t\nchannels: [jet]\nsteps:\n  - jet: {grpc: {login: {}}}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op_command_output_is_checked_as_xml_or_as_text() {
    let sim = Target::builtin(DeviceConfig::default());
    let yaml = format!(
        "{HEAD}  - jet: {{grpc: {{op-command: {{xml: <get-software-information/>, format: xml}}}}}}\n    assert:\n      - {{path: //host-name, equals: sim-mx480}}\n    capture: {{model: //product-model}}\n  - jet: {{grpc: {{op-command: {{cli: show version, format: text}}}}}}\n    assert:\n      - {{path: \"\", contains: \"${{model}}\"}}\n      - {{path: \"\", matches: \"(?m)^Hostname: sim-mx480$\"}}\n"
    );
    let o = run_on(&yaml, &sim).await;
    assert!(o.passed(), "{}", report(&o));
    let o = run_on(&yaml.replace("equals: sim-mx480", "equals: other"), &sim).await;
    assert_eq!(o.steps[1].status, Status::Fail, "{}", report(&o));
    let why = o.steps[1].failure.as_deref().unwrap_or("");
    assert!(why.contains("other") && why.contains("sim-mx480"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_configuration_is_a_failure_and_an_unexpected_status_fails_the_step() {
    let sim = Target::builtin(DeviceConfig::default());
    let bad = "  - jet: {grpc: {config-set: {xml: '<configuration><system>', commit: {}}}}\n";
    let o = run_on(&format!("{HEAD}{bad}    expect: {{failure: {{}}}}\n"), &sim).await;
    assert!(o.passed(), "{}", report(&o));
    // Without `expect` a call must succeed.
    let o = run_on(&format!("{HEAD}{bad}"), &sim).await;
    assert_eq!(o.steps[1].status, Status::Fail, "{}", report(&o));
    let why = o.steps[1].failure.as_deref().unwrap_or("");
    assert!(
        why.contains("expected RpcStatus SUCCESS, got RpcStatus FAILURE"),
        "{why}"
    );
    // A successful call does not meet an expected gRPC status.
    let o = run_on(
        &format!("{HEAD}  - jet: {{grpc: {{op-command: {{cli: show version}}}}}}\n    expect: {{grpc-status: {{code: unauthenticated}}}}\n"),
        &sim,
    )
    .await;
    let why = o.steps[1].failure.as_deref().unwrap_or("");
    assert!(
        why.contains("expected gRPC status unauthenticated, got success"),
        "{why}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_separate_channels_each_logged_in_on_its_own() {
    let sim = Target::builtin(DeviceConfig::default());
    let yaml = format!(
        "{HEAD}  - session: other\n    jet: {{grpc: {{op-command: {{cli: show version}}}}}}\n    expect: {{grpc-status: {{code: unauthenticated, message: not logged in}}}}\n  - jet: {{grpc: {{op-command: {{cli: show version}}}}}}\n    expect: success\n"
    );
    let o = run_on(&yaml, &sim).await;
    assert!(o.passed(), "{}", report(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_endpoint_in_the_targets_file_logs_in_with_the_password_from_the_environment() {
    let device = SimDevice::new(DeviceConfig::default());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let addr = l.local_addr().expect("addr");
    let server = tokio::spawn(serve_grpc(device, l, GrpcOptions::default()));
    let var = format!("CONFUZZ_TEST_GRPC_PW_{}", std::process::id());
    let user = &DeviceConfig::default().users[0];
    // SAFETY: the variable's name is unique to this test; nothing else reads it.
    unsafe { std::env::set_var(&var, &user.password) };
    let tf: TargetsFile = toml::from_str(&format!(
        "[targets.dev]\ngrpc-endpoint = \"grpc://{addr}\"\ngrpc-user = \"{}\"\ngrpc-password-env = \"{var}\"\ntags = [\"jet\"]\n",
        user.name
    ))
    .expect("toml");
    let target = tf.resolve("dev", false).expect("target");
    let o = run_on(
        &format!("{HEAD}  - jet: {{grpc: {{op-command: {{cli: show version}}}}}}\n    assert: [{{path: /software-information/0/host-name/0/data, exists: true}}]\n  - jet: {{grpc: {{call: /jnx.jet.management.Management/NoSuchMethod}}}}\n    expect: {{grpc-status: {{code: unimplemented}}}}\n"),
        &target,
    )
    .await;
    assert!(o.passed(), "{}", report(&o));
    server.abort();
    // No endpoint: the step says what to add.
    let tf: TargetsFile =
        toml::from_str("[targets.x]\njsonrpc-url = \"http://127.0.0.1:9/jsonrpc\"\n")
            .expect("toml");
    let o = run_on(HEAD, &tf.resolve("x", false).expect("target")).await;
    let why = o.steps[0].failure.as_deref().unwrap_or("");
    assert!(why.contains("give it a `grpc-endpoint`"), "{why}");
    // TLS without a CA or `insecure` is refused up front.
    let tf: TargetsFile =
        toml::from_str("[targets.t]\ngrpc-endpoint = \"grpcs://127.0.0.1:32767\"\n").expect("toml");
    let e = tf
        .resolve("t", false)
        .expect_err("needs tls-ca")
        .to_string();
    assert!(e.contains("tls-ca"), "{e}");
}

#[test]
fn bad_grpc_steps_get_clear_errors() {
    let e =
        errors("name: x\nchannels: [jet]\nsteps:\n  - jet: {grpc: {login: {}, call: /a.B/C}}\n");
    assert!(e[0].message.contains("a grpc call names one of"), "{e:?}");
    let e = errors(
        "name: x\nchannels: [jet]\nsteps:\n  - jet: {grpc: {login: {}}}\n    expect: {grpc-status: {code: unauthenticatd}}\n",
    );
    assert!(e[0].message.contains("not a gRPC status code"), "{e:?}");
    assert!(
        e[0].suggestion
            .as_deref()
            .unwrap_or("")
            .contains("unauthenticated"),
        "{e:?}"
    );
    let e = errors(
        "name: x\nchannels: [netconf]\nsteps:\n  - hello: {}\n  - rpc: <get/>\n    expect: success\n",
    );
    assert!(e[0].message.contains("check a jet `grpc` call"), "{e:?}");
    let e = errors(
        "name: x\nchannels: [jet]\nsteps:\n  - jet: {grpc: {login: {}}}\n    assert: [{path: /a, exists: true}]\n",
    );
    assert!(e[0].message.contains("read a message"), "{e:?}");
}
