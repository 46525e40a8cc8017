//! [`JetClient`]: a typed client of the JET services, for scenarios and
//! tests. One channel (one HTTP/2 connection) per client: JET
//! authenticates the channel, so `login` once, then call the rest.

use super::GrpcError;
use super::proto::jnx::jet::authentication::LoginRequest;
use super::proto::jnx::jet::authentication::authentication_client::AuthenticationClient;
use super::proto::jnx::jet::common::{RpcStatus, StatusCode};
use super::proto::jnx::jet::management::management_client::ManagementClient;
use super::proto::jnx::jet::management::{
    ConfigCommit, ConfigCommitType, ConfigGetOutputFormat, ConfigLoadType, ConfigOperationType,
    ConfigPathRequest, ConfigSetRequest, EphemeralConfigGetRequest, EphemeralConfigSetRequest,
    OpCommandGetRequest, OpCommandOutputFormat, config_set_request,
    ephemeral_config_set_request::{ConfigOperation, config_operation},
    op_command_get_request,
};
use super::tls::{ServerCheck, client_config};
use crate::io::BoxIo;
use hyper_util::rt::TokioIo;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tonic::transport::{Channel, Endpoint, Uri};

/// How [`JetClient::connect`] connects and how long calls may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// The longest wait for the TCP connection and the TLS handshake.
    pub connect_timeout: Duration,
    /// The longest a call may take, a streamed answer included.
    pub request_timeout: Duration,
    /// TLS, and how the server's certificate is checked; `None`: plain
    /// HTTP/2.
    pub tls: Option<ServerCheck>,
    /// The name the server's certificate must carry; by default the host
    /// part of the address.
    pub server_name: Option<String>,
    /// The largest message accepted from the server, and the largest
    /// streamed answer (all messages of one `op_command` together).
    pub max_message: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            tls: None,
            server_name: None,
            max_message: 16 << 20,
        }
    }
}

/// An operational command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpCommand {
    /// A CLI command: `show version`.
    Cli(String),
    /// An XML request: `<get-software-information/>`.
    Xml(String),
}

/// Configuration to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Config {
    /// Junos XML (`<configuration>...`).
    Xml(String),
    /// Junos JSON (`{"configuration": {...}}`).
    Json(String),
    /// Curly-brace text, or `set` commands with [`ConfigLoadType::ConfigLoadSet`].
    Text(String),
}

/// The answer for one path of an ephemeral read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathValue {
    /// The request's id.
    pub id: String,
    /// The path read.
    pub path: String,
    /// The configuration there, in the encoding asked for.
    pub value: String,
}

/// A client of one device's JET services over one channel.
#[derive(Debug, Clone)]
pub struct JetClient {
    channel: Channel,
    auth: AuthenticationClient<Channel>,
    mgmt: ManagementClient<Channel>,
    options: ClientOptions,
}

fn host_of(addr: &str) -> &str {
    match addr.rsplit_once(':') {
        Some((h, _)) => h.trim_start_matches('[').trim_end_matches(']'),
        None => addr,
    }
}

/// Success, or the status's message as [`GrpcError::Failed`].
fn check(status: Option<RpcStatus>, what: &str) -> Result<(), GrpcError> {
    match status {
        Some(s) if s.code == StatusCode::Success as i32 => Ok(()),
        Some(s) => Err(GrpcError::Failed(format!("{what}: {}", s.message))),
        None => Err(GrpcError::Failed(format!(
            "{what}: the reply has no status"
        ))),
    }
}

impl JetClient {
    /// Connects to `addr` (`host:port`).
    pub async fn connect(addr: &str, options: ClientOptions) -> Result<Self, GrpcError> {
        let uri: Uri = format!("http://{addr}")
            .parse()
            .map_err(|e| GrpcError::BadAddress(format!("{addr:?} is not host:port ({e})")))?;
        let tls = match &options.tls {
            Some(check) => {
                let name = options
                    .server_name
                    .clone()
                    .unwrap_or_else(|| host_of(addr).to_owned());
                let name = ServerName::try_from(name.clone()).map_err(|e| {
                    GrpcError::BadAddress(format!("{name:?} is not a server name ({e})"))
                })?;
                Some((TlsConnector::from(client_config(check)?), name))
            }
            None => None,
        };
        let target = addr.to_owned();
        let connect_timeout = options.connect_timeout;
        let connector = tower::service_fn(move |_: Uri| {
            let (target, tls) = (target.clone(), tls.clone());
            async move {
                let tcp = TcpStream::connect(&target).await?;
                let _ = tcp.set_nodelay(true);
                let io: BoxIo = match tls {
                    None => Box::new(tcp),
                    Some((connector, name)) => Box::new(connector.connect(name, tcp).await?),
                };
                Ok::<_, std::io::Error>(TokioIo::new(io))
            }
        });
        let endpoint = Endpoint::from(uri)
            .connect_timeout(connect_timeout)
            .timeout(options.request_timeout)
            .http2_keep_alive_interval(Duration::from_secs(30))
            .keep_alive_timeout(Duration::from_secs(20))
            .keep_alive_while_idle(true);
        let channel =
            tokio::time::timeout(connect_timeout, endpoint.connect_with_connector(connector))
                .await
                .map_err(|_| GrpcError::ConnectTimeout {
                    addr: addr.to_owned(),
                    timeout: connect_timeout,
                })?
                .map_err(|e| GrpcError::Connect {
                    addr: addr.to_owned(),
                    message: super::error_chain(&e),
                })?;
        let max = options.max_message;
        Ok(JetClient {
            channel: channel.clone(),
            auth: AuthenticationClient::new(channel.clone()).max_decoding_message_size(max),
            mgmt: ManagementClient::new(channel).max_decoding_message_size(max),
            options,
        })
    }

    /// The channel, for calls of other services or raw paths.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// The generated authentication client on this channel.
    pub fn authentication(&self) -> AuthenticationClient<Channel> {
        self.auth.clone()
    }

    /// The generated management client on this channel.
    pub fn management(&self) -> ManagementClient<Channel> {
        self.mgmt.clone()
    }

    async fn timed<T>(
        &self,
        f: impl Future<Output = Result<T, GrpcError>>,
    ) -> Result<T, GrpcError> {
        let limit = self.options.request_timeout;
        tokio::time::timeout(limit, f)
            .await
            .map_err(|_| GrpcError::Timeout(limit))?
    }

    /// Logs the channel in; a refusal is [`GrpcError::Failed`] with the
    /// device's reason.
    pub async fn login(
        &mut self,
        user: &str,
        password: &str,
        client_id: &str,
    ) -> Result<(), GrpcError> {
        let req = LoginRequest {
            username: user.to_owned(),
            password: password.to_owned(),
            client_id: client_id.to_owned(),
            group_id: String::new(),
        };
        let mut auth = self.auth.clone();
        let reply = self.timed(async { Ok(auth.login(req).await?) }).await?;
        check(reply.into_inner().status, "login refused")
    }

    /// Runs an operational command; the output of all streamed messages
    /// joined.
    pub async fn op_command(
        &mut self,
        command: OpCommand,
        format: OpCommandOutputFormat,
    ) -> Result<String, GrpcError> {
        let req = OpCommandGetRequest {
            command: Some(match command {
                OpCommand::Cli(c) => op_command_get_request::Command::CliCommand(c),
                OpCommand::Xml(c) => op_command_get_request::Command::XmlCommand(c),
            }),
            out_format: format as i32,
        };
        let mut mgmt = self.mgmt.clone();
        let max = self.options.max_message;
        self.timed(async move {
            let mut stream = mgmt.op_command_get(req).await?.into_inner();
            let mut out = String::new();
            while let Some(msg) = stream.message().await? {
                check(msg.status, "operational command failed")?;
                if out.len() + msg.data.len() > max {
                    return Err(GrpcError::TooLarge(max));
                }
                out.push_str(&msg.data);
            }
            Ok(out)
        })
        .await
    }

    /// Loads `config` with `load_type`, then commits it with `comment`
    /// (when `commit` is `Some`).
    pub async fn config_set(
        &mut self,
        config: Config,
        load_type: ConfigLoadType,
        commit: Option<&str>,
    ) -> Result<(), GrpcError> {
        let req = ConfigSetRequest {
            config: Some(match config {
                Config::Xml(c) => config_set_request::Config::XmlConfig(c),
                Config::Json(c) => config_set_request::Config::JsonConfig(c),
                Config::Text(c) => config_set_request::Config::TextConfig(c),
            }),
            load_type: load_type as i32,
            commit: commit.map(|c| ConfigCommit {
                r#type: ConfigCommitType::ConfigCommit as i32,
                comment: c.to_owned(),
            }),
        };
        let mut mgmt = self.mgmt.clone();
        let reply = self
            .timed(async { Ok(mgmt.config_set(req).await?) })
            .await?;
        check(reply.into_inner().status, "configuration not set")
    }

    /// Reads `paths` of ephemeral instance `instance` (`""`: the default
    /// instance).
    pub async fn ephemeral_get(
        &mut self,
        instance: &str,
        encoding: ConfigGetOutputFormat,
        paths: &[&str],
    ) -> Result<Vec<PathValue>, GrpcError> {
        let req = EphemeralConfigGetRequest {
            encoding: encoding as i32,
            config_requests: paths
                .iter()
                .enumerate()
                .map(|(i, p)| ConfigPathRequest {
                    id: format!("p{i}"),
                    path: (*p).to_owned(),
                })
                .collect(),
            instance_name: instance.to_owned(),
        };
        let mut mgmt = self.mgmt.clone();
        let reply = self
            .timed(async { Ok(mgmt.ephemeral_config_get(req).await?) })
            .await?
            .into_inner();
        check(reply.status, "ephemeral configuration not read")?;
        reply
            .config_responses
            .into_iter()
            .map(|r| {
                check(r.status, &format!("path {:?}", r.path))?;
                Ok(PathValue {
                    id: r.id,
                    path: r.path,
                    value: r.value,
                })
            })
            .collect()
    }

    /// Loads `config` (XML or JSON; text is not an ephemeral format) into
    /// ephemeral instance `instance` at path `/`.
    pub async fn ephemeral_set(
        &mut self,
        instance: &str,
        config: Config,
        load_only: bool,
    ) -> Result<(), GrpcError> {
        let value = match config {
            Config::Xml(c) => config_operation::Value::XmlConfig(c),
            Config::Json(c) => config_operation::Value::JsonConfig(c),
            Config::Text(_) => {
                return Err(GrpcError::Failed(
                    "the ephemeral database takes XML or JSON, not text".into(),
                ));
            }
        };
        let req = EphemeralConfigSetRequest {
            config_operations: vec![ConfigOperation {
                id: "op0".into(),
                operation: ConfigOperationType::ConfigOperationUpdate as i32,
                path: "/".into(),
                value: Some(value),
            }],
            instance_name: instance.to_owned(),
            validate_config: false,
            load_only,
        };
        let mut mgmt = self.mgmt.clone();
        let reply = self
            .timed(async { Ok(mgmt.ephemeral_config_set(req).await?) })
            .await?
            .into_inner();
        check(reply.status, "ephemeral configuration not set")?;
        for r in reply.operation_responses {
            check(r.status, &format!("operation {}", r.id))?;
        }
        Ok(())
    }

    /// Calls `path` (`/package.Service/Method`) with an empty request and
    /// reads an empty answer: how the server treats a method it may not
    /// serve (UNIMPLEMENTED) or a request missing every field.
    pub async fn call_empty(&mut self, path: &str) -> Result<(), GrpcError> {
        let path = tonic::codegen::http::uri::PathAndQuery::try_from(path).map_err(|e| {
            GrpcError::BadAddress(format!("{path:?} is not a gRPC method path ({e})"))
        })?;
        let mut grpc = tonic::client::Grpc::new(self.channel.clone());
        self.timed(async move {
            grpc.ready().await.map_err(|e| {
                tonic::Status::unavailable(format!("the channel is not ready: {e}"))
            })?;
            let codec = tonic_prost::ProstCodec::<(), ()>::default();
            grpc.unary(tonic::Request::new(()), path, codec).await?;
            Ok(())
        })
        .await
    }
}
