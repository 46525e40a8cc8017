//! The older JET IDL on the same device and sessions: LoginCheck, then
//! ExecuteOpCommand and ExecuteCfgCommand.

use super::{connect, netconf_running, serve_grpc};
use confuzz_net::grpc::proto::legacy::authentication::LoginRequest;
use confuzz_net::grpc::proto::legacy::authentication::login_client::LoginClient;
use confuzz_net::grpc::proto::legacy::management::management_rpc_api_client::ManagementRpcApiClient;
use confuzz_net::grpc::proto::legacy::management::{
    ConfigCommit, ConfigLoadType, ExecuteCfgCommandRequest, ExecuteOpCommandRequest,
    OperationFormatType, ReturnCode, execute_cfg_command_request, execute_op_command_request,
};
use confuzz_sim::serve::grpc::GrpcOptions;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_login_check_then_op_and_config_commands_work_on_the_same_channel() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let c = connect(s.grpc).await;
    let mut login = LoginClient::new(c.channel());
    let mut mgmt = ManagementRpcApiClient::new(c.channel());
    let op = ExecuteOpCommandRequest {
        request_id: 7,
        command: Some(execute_op_command_request::Command::CliCommand(
            "show version".into(),
        )),
        out_format: OperationFormatType::OperationFormatCli as i32,
    };
    let refused = mgmt
        .execute_op_command(op.clone())
        .await
        .expect_err("refused before LoginCheck");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);

    let bad = LoginRequest {
        user_name: "admin".into(),
        password: "nope".into(),
        client_id: "legacy".into(),
    };
    assert!(
        !login
            .login_check(bad)
            .await
            .expect("reply")
            .into_inner()
            .result
    );
    let good = LoginRequest {
        user_name: "admin".into(),
        password: "admin".into(),
        client_id: "legacy".into(),
    };
    assert!(
        login
            .login_check(good)
            .await
            .expect("reply")
            .into_inner()
            .result
    );

    let mut stream = mgmt
        .execute_op_command(op)
        .await
        .expect("stream")
        .into_inner();
    let mut out = String::new();
    while let Some(m) = stream.message().await.expect("message") {
        assert_eq!(m.status, ReturnCode::Success as i32, "{}", m.message);
        assert_eq!(m.request_id, 7);
        out += &m.data;
    }
    assert!(out.starts_with("Hostname: "), "{out}");

    let cfg = ExecuteCfgCommandRequest {
        request_id: 8,
        config: Some(execute_cfg_command_request::Config::TextConfig(
            "set system host-name legacy-set".into(),
        )),
        load_type: ConfigLoadType::ConfigLoadSet as i32,
        commit: Some(ConfigCommit {
            commit_type: 0,
            comment: "legacy".into(),
        }),
    };
    let r = mgmt
        .execute_cfg_command(cfg)
        .await
        .expect("reply")
        .into_inner();
    assert_eq!(r.status, ReturnCode::Success as i32, "{}", r.message);
    assert!(
        netconf_running(s.tcp)
            .await
            .contains("<host-name>legacy-set</host-name>")
    );
}
