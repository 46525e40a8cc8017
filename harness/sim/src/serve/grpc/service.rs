//! The generated service traits, implemented by [`JetService`].

use super::{JetService, now};
use crate::device::SessionId;
use crate::jet::mgmt::{self, Command, ConfigText, LoadType, OutFormat, ephemeral};
use confuzz_net::grpc::ConnInfo;
use confuzz_net::grpc::proto::jnx::jet::authentication::authentication_server::Authentication;
use confuzz_net::grpc::proto::jnx::jet::authentication::{LoginRequest, LoginResponse};
use confuzz_net::grpc::proto::jnx::jet::common::{RpcStatus, StatusCode};
use confuzz_net::grpc::proto::jnx::jet::management::management_server::Management;
use confuzz_net::grpc::proto::jnx::jet::management::{
    ConfigGetOutputFormat, ConfigOperationType, ConfigSetRequest, ConfigSetResponse,
    EphemeralConfigGetRequest, EphemeralConfigGetResponse, EphemeralConfigSetRequest,
    EphemeralConfigSetResponse, OpCommandGetRequest, OpCommandGetResponse, OpCommandOutputFormat,
    config_set_request, ephemeral_config_get_response::ConfigPathResponse,
    ephemeral_config_set_request::config_operation,
    ephemeral_config_set_response::ConfigOperationResponse, op_command_get_request,
};
use std::pin::Pin;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Bytes of output per streamed `OpCommandGetResponse`.
const CHUNK: usize = 16 * 1024;

pub(super) fn ok() -> Option<RpcStatus> {
    Some(RpcStatus {
        code: StatusCode::Success as i32,
        message: String::new(),
    })
}

pub(super) fn failure(message: impl Into<String>) -> Option<RpcStatus> {
    Some(RpcStatus {
        code: StatusCode::Failure as i32,
        message: message.into(),
    })
}

pub(super) fn conn<T>(req: &Request<T>) -> Option<ConnInfo> {
    req.extensions().get::<ConnInfo>().copied()
}

/// `text` cut into pieces of at most [`CHUNK`] bytes, on character
/// boundaries.
fn chunks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > CHUNK {
        let mut cut = CHUNK;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push(rest[..cut].to_owned());
        rest = &rest[cut..];
    }
    out.push(rest.to_owned());
    out
}

type OpStream = Pin<Box<dyn Stream<Item = Result<OpCommandGetResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Authentication for JetService {
    async fn login(&self, req: Request<LoginRequest>) -> Result<Response<LoginResponse>, Status> {
        let conn =
            conn(&req).ok_or_else(|| Status::internal("the request carries no connection"))?;
        let r = req.into_inner();
        let status = match self.login(conn, &r.username, &r.password, &r.client_id)? {
            Ok(()) => ok(),
            Err(why) => failure(why),
        };
        Ok(Response::new(LoginResponse { status }))
    }
}

impl JetService {
    /// An operational command's output in pieces of [`CHUNK`] bytes.
    pub(super) fn run_op(
        &self,
        sid: SessionId,
        format: Result<OutFormat, String>,
        cmd: Result<Command<'_>, String>,
    ) -> Result<Vec<String>, String> {
        let text = mgmt::op_command(&mut self.device.lock(), sid, now(), cmd?, format?)?;
        Ok(chunks(&text))
    }

    /// Loads `config` with load type number `load_type`, then commits with
    /// `commit`'s comment (none if empty) when given; the commit watchers
    /// hear of it.
    pub(super) fn set_config(
        &self,
        sid: SessionId,
        load_type: i32,
        config: Result<ConfigText<'_>, String>,
        commit: Option<String>,
    ) -> Result<(), String> {
        let commit = commit.map(|c| (!c.is_empty()).then_some(c));
        let result = LoadType::from_number(load_type).and_then(|load| {
            mgmt::config_set(&mut self.device.lock(), sid, now(), config?, load, commit)
        });
        self.device.changed();
        result
    }

    fn may_configure(&self, user: &str) -> Result<(), String> {
        let dev = self.device.lock();
        match dev.config().user(user) {
            Some(u) if u.class.may_configure() => Ok(()),
            Some(u) => Err(format!(
                "permission denied: user {user:?} (class {}) may not change the configuration",
                u.class.as_str()
            )),
            None => Err(format!("user {user:?} no longer exists")),
        }
    }
}

#[tonic::async_trait]
impl Management for JetService {
    type OpCommandGetStream = OpStream;

    async fn op_command_get(
        &self,
        req: Request<OpCommandGetRequest>,
    ) -> Result<Response<OpStream>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let r = req.into_inner();
        let format = match OpCommandOutputFormat::try_from(r.out_format) {
            Ok(OpCommandOutputFormat::OpCommandOutputJson) => Ok(OutFormat::Json),
            Ok(OpCommandOutputFormat::OpCommandOutputXml) => Ok(OutFormat::Xml),
            Ok(OpCommandOutputFormat::OpCommandOutputCli) => Ok(OutFormat::Cli),
            Err(_) => Err(format!(
                "out_format {} is not OP_COMMAND_OUTPUT_JSON (0), _XML (1) or _CLI (2)",
                r.out_format
            )),
        };
        let cmd = match &r.command {
            Some(op_command_get_request::Command::CliCommand(c)) => Ok(Command::Cli(c)),
            Some(op_command_get_request::Command::XmlCommand(c)) => Ok(Command::Xml(c)),
            None => Err("the request holds no cli_command or xml_command".to_owned()),
        };
        let messages: Vec<Result<OpCommandGetResponse, Status>> =
            match self.run_op(sid, format, cmd) {
                Ok(pieces) => pieces
                    .into_iter()
                    .map(|data| Ok(OpCommandGetResponse { status: ok(), data }))
                    .collect(),
                Err(why) => vec![Ok(OpCommandGetResponse {
                    status: failure(why),
                    data: String::new(),
                })],
            };
        Ok(Response::new(Box::pin(tokio_stream::iter(messages))))
    }

    async fn config_set(
        &self,
        req: Request<ConfigSetRequest>,
    ) -> Result<Response<ConfigSetResponse>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let r = req.into_inner();
        // CONFIG_COMMIT_SYNCHRONIZE commits like CONFIG_COMMIT: the device
        // has one routing engine.
        let commit = r.commit.map(|c| c.comment);
        let config = match &r.config {
            Some(config_set_request::Config::XmlConfig(c)) => Ok(ConfigText::Xml(c)),
            Some(config_set_request::Config::JsonConfig(c)) => Ok(ConfigText::Json(c)),
            Some(config_set_request::Config::TextConfig(c)) => Ok(ConfigText::Text(c)),
            None => Err("the request holds no xml_config, json_config or text_config".to_owned()),
        };
        let status = match self.set_config(sid, r.load_type, config, commit) {
            Ok(()) => ok(),
            Err(why) => failure(why),
        };
        Ok(Response::new(ConfigSetResponse { status }))
    }

    async fn ephemeral_config_get(
        &self,
        req: Request<EphemeralConfigGetRequest>,
    ) -> Result<Response<EphemeralConfigGetResponse>, Status> {
        self.session_of(conn(&req).as_ref())?;
        let r = req.into_inner();
        let json = match ConfigGetOutputFormat::try_from(r.encoding) {
            Ok(ConfigGetOutputFormat::ConfigGetOutputJson) => true,
            Ok(ConfigGetOutputFormat::ConfigGetOutputXml) => false,
            Err(_) => {
                return Ok(Response::new(EphemeralConfigGetResponse {
                    status: failure(format!(
                        "encoding {} is not CONFIG_GET_OUTPUT_JSON (0) or _XML (1)",
                        r.encoding
                    )),
                    config_responses: Vec::new(),
                }));
            }
        };
        let running = self.device.lock().running().clone();
        let db = self.ephemeral();
        let mut responses = Vec::with_capacity(r.config_requests.len());
        for p in r.config_requests {
            let (status, value) = match db.get(&running, &r.instance_name, &p.path) {
                Ok(Some(cfg)) if json => (ok(), mgmt::json::config_output(&cfg)),
                Ok(Some(cfg)) => (ok(), String::from_utf8_lossy(&cfg.to_bytes()).into_owned()),
                Ok(None) => (
                    failure(format!("no configuration at path {:?}", p.path)),
                    String::new(),
                ),
                Err(why) => {
                    return Ok(Response::new(EphemeralConfigGetResponse {
                        status: failure(why),
                        config_responses: Vec::new(),
                    }));
                }
            };
            responses.push(ConfigPathResponse {
                status,
                id: p.id,
                path: p.path,
                value,
            });
        }
        Ok(Response::new(EphemeralConfigGetResponse {
            status: ok(),
            config_responses: responses,
        }))
    }

    async fn ephemeral_config_set(
        &self,
        req: Request<EphemeralConfigSetRequest>,
    ) -> Result<Response<EphemeralConfigSetResponse>, Status> {
        let (_, user) = self.session_of(conn(&req).as_ref())?;
        let r = req.into_inner();
        if let Err(why) = self.may_configure(&user) {
            return Ok(Response::new(EphemeralConfigSetResponse {
                status: failure(why),
                operation_responses: Vec::new(),
            }));
        }
        let running = self.device.lock().running().clone();
        let mut db = self.ephemeral();
        // All operations or none: work on a copy, keep it if all succeed.
        let mut work = db.clone();
        let mut responses = Vec::with_capacity(r.config_operations.len());
        let mut first_failure = None;
        for op in r.config_operations {
            let result = if ConfigOperationType::try_from(op.operation).is_err() {
                Err(format!(
                    "operation {} is not CONFIG_OPERATION_UPDATE (0)",
                    op.operation
                ))
            } else {
                match &op.value {
                    Some(config_operation::Value::XmlConfig(x)) => Ok(ephemeral::Value::Xml(x)),
                    Some(config_operation::Value::JsonConfig(j)) => Ok(ephemeral::Value::Json(j)),
                    None => Err("the operation holds no xml_config or json_config".to_owned()),
                }
                .and_then(|v| {
                    work.set(
                        &running,
                        &r.instance_name,
                        &op.path,
                        v,
                        r.validate_config,
                        r.load_only,
                    )
                })
            };
            let status = match result {
                Ok(()) => ok(),
                Err(why) => {
                    let why = format!("operation {:?}: {why}", op.id);
                    first_failure.get_or_insert(why.clone());
                    failure(why)
                }
            };
            responses.push(ConfigOperationResponse { status, id: op.id });
        }
        let status = match first_failure {
            None => {
                *db = work;
                ok()
            }
            Some(why) => failure(format!("nothing was changed: {why}")),
        };
        Ok(Response::new(EphemeralConfigSetResponse {
            status,
            operation_responses: responses,
        }))
    }
}
