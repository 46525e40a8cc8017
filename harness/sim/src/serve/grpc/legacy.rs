//! The older JET IDL on the same sessions: `/authentication.Login/LoginCheck`
//! logs the connection in like `Login`, and
//! `/management.ManagementRpcApi/ExecuteOpCommand` and `ExecuteCfgCommand`
//! run like `OpCommandGet` and `ConfigSet`. Its management field numbers
//! are unverified (see `harness/net/proto/README.md`); the ephemeral calls
//! of that IDL are not served (UNIMPLEMENTED).

use super::JetService;
use crate::jet::mgmt::{Command, ConfigText, OutFormat};
use confuzz_net::grpc::ConnInfo;
use confuzz_net::grpc::proto::legacy::authentication::login_server::Login;
use confuzz_net::grpc::proto::legacy::authentication::{LoginReply, LoginRequest};
use confuzz_net::grpc::proto::legacy::management::management_rpc_api_server::ManagementRpcApi;
use confuzz_net::grpc::proto::legacy::management::{
    ExecuteCfgCommandRequest, ExecuteCfgCommandResponse, ExecuteOpCommandRequest,
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
        let cmd = match &r.command {
            Some(execute_op_command_request::Command::CliCommand(c)) => Ok(Command::Cli(c)),
            Some(execute_op_command_request::Command::XmlCommand(c)) => Ok(Command::Xml(c)),
            Some(execute_op_command_request::Command::JsonCommand(_)) => {
                Err("json_command is not supported; send cli_command or xml_command".to_owned())
            }
            None => Err("the request holds no command".to_owned()),
        };
        let id = r.request_id;
        let messages: Vec<Result<ExecuteOpCommandResponse, Status>> =
            match self.run_op(sid, format, cmd) {
                Ok(pieces) => pieces
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
        let config = match &r.config {
            Some(execute_cfg_command_request::Config::XmlConfig(c)) => Ok(ConfigText::Xml(c)),
            Some(execute_cfg_command_request::Config::JsonConfig(c)) => Ok(ConfigText::Json(c)),
            Some(execute_cfg_command_request::Config::TextConfig(c)) => Ok(ConfigText::Text(c)),
            None => Err("the request holds no configuration".to_owned()),
        };
        let commit = r.commit.map(|c| c.comment);
        let (status, message) = match self.set_config(sid, r.load_type, config, commit) {
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
