//! The older JET IDL on the same sessions: `/authentication.Login/LoginCheck`
//! logs the connection in like `Login`, and
//! `/management.ManagementRpcApi/ExecuteOpCommand` and `ExecuteCfgCommand`
//! run like `OpCommandGet` and `ConfigSet`. Its management field numbers
//! are unverified (see `harness/net/proto/README.md`); the ephemeral calls
//! of that IDL are not served (UNIMPLEMENTED).

use super::{JetService, now};
use crate::jet::mgmt::{self, Command, ConfigText, LoadType, OutFormat};
use confuzz_net::grpc::ConnInfo;
use confuzz_net::grpc::proto::legacy::authentication::login_server::Login;
use confuzz_net::grpc::proto::legacy::authentication::{LoginReply, LoginRequest};
use confuzz_net::grpc::proto::legacy::management::management_rpc_api_server::ManagementRpcApi;
use confuzz_net::grpc::proto::legacy::management::{
    ConfigLoadType, ExecuteCfgCommandRequest, ExecuteCfgCommandResponse, ExecuteOpCommandRequest,
    ExecuteOpCommandResponse, OperationFormatType, ReturnCode, execute_cfg_command_request,
    execute_op_command_request,
};
use std::pin::Pin;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

type OpStream = Pin<Box<dyn Stream<Item = Result<ExecuteOpCommandResponse, Status>> + Send>>;

fn conn<T>(req: &Request<T>) -> Option<ConnInfo> {
    req.extensions().get::<ConnInfo>().copied()
}

#[tonic::async_trait]
impl Login for JetService {
    async fn login_check(
        &self,
        req: Request<LoginRequest>,
    ) -> Result<Response<LoginReply>, Status> {
        let conn =
            conn(&req).ok_or_else(|| Status::internal("the request carries no connection"))?;
        let r = req.into_inner();
        let result = self
            .login(conn, &r.user_name, &r.password, &r.client_id)?
            .is_ok();
        Ok(Response::new(LoginReply { result }))
    }
}

#[tonic::async_trait]
impl ManagementRpcApi for JetService {
    type ExecuteOpCommandStream = OpStream;

    async fn execute_op_command(
        &self,
        req: Request<ExecuteOpCommandRequest>,
    ) -> Result<Response<OpStream>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let r = req.into_inner();
        let format = match OperationFormatType::try_from(r.out_format) {
            Ok(OperationFormatType::OperationFormatXml) => Ok(OutFormat::Xml),
            Ok(OperationFormatType::OperationFormatJson) => Ok(OutFormat::Json),
            Ok(OperationFormatType::OperationFormatCli) => Ok(OutFormat::Cli),
            Err(_) => Err(format!("out_format {} is not 0, 1 or 2", r.out_format)),
        };
        let result = format.and_then(|format| {
            let cmd = match &r.command {
                Some(execute_op_command_request::Command::CliCommand(c)) => Command::Cli(c),
                Some(execute_op_command_request::Command::XmlCommand(c)) => Command::Xml(c),
                Some(execute_op_command_request::Command::JsonCommand(_)) => {
                    return Err(
                        "json_command is not supported; send cli_command or xml_command".to_owned(),
                    );
                }
                None => return Err("the request holds no command".to_owned()),
            };
            mgmt::op_command(&mut self.device.lock(), sid, now(), cmd, format)
        });
        let id = r.request_id;
        let messages: Vec<Result<ExecuteOpCommandResponse, Status>> = match result {
            Ok(text) => super::service::chunks(&text)
                .into_iter()
                .map(|data| {
                    Ok(ExecuteOpCommandResponse {
                        request_id: id,
                        status: ReturnCode::Success as i32,
                        data,
                        message: String::new(),
                    })
                })
                .collect(),
            Err(why) => vec![Ok(ExecuteOpCommandResponse {
                request_id: id,
                status: ReturnCode::Failure as i32,
                data: String::new(),
                message: why,
            })],
        };
        Ok(Response::new(Box::pin(tokio_stream::iter(messages))))
    }

    async fn execute_cfg_command(
        &self,
        req: Request<ExecuteCfgCommandRequest>,
    ) -> Result<Response<ExecuteCfgCommandResponse>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let r = req.into_inner();
        let load = match ConfigLoadType::try_from(r.load_type) {
            Ok(ConfigLoadType::ConfigLoadMerge) => Ok(LoadType::Merge),
            Ok(ConfigLoadType::ConfigLoadReplace) => Ok(LoadType::Replace),
            Ok(ConfigLoadType::ConfigLoadOverride) => Ok(LoadType::Override),
            Ok(ConfigLoadType::ConfigLoadUpdate) => Ok(LoadType::Update),
            Ok(ConfigLoadType::ConfigLoadSet) => Ok(LoadType::Set),
            Err(_) => Err(format!("load_type {} is not 0 to 4", r.load_type)),
        };
        let commit = r
            .commit
            .map(|c| (!c.comment.is_empty()).then_some(c.comment));
        let result = load.and_then(|load| {
            let config = match &r.config {
                Some(execute_cfg_command_request::Config::XmlConfig(c)) => ConfigText::Xml(c),
                Some(execute_cfg_command_request::Config::JsonConfig(c)) => ConfigText::Json(c),
                Some(execute_cfg_command_request::Config::TextConfig(c)) => ConfigText::Text(c),
                None => return Err("the request holds no configuration".to_owned()),
            };
            mgmt::config_set(&mut self.device.lock(), sid, now(), config, load, commit)
        });
        self.device.changed();
        let (status, message) = match result {
            Ok(()) => (ReturnCode::Success, String::new()),
            Err(why) => (ReturnCode::Failure, why),
        };
        Ok(Response::new(ExecuteCfgCommandResponse {
            request_id: r.request_id,
            status: status as i32,
            message,
        }))
    }
}
