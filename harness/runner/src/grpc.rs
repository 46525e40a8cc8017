//! JET gRPC call steps: `jet: {grpc: {login: ...}}`, `op-command`,
//! `config-set`, `ephemeral-get`, `ephemeral-set` and a raw `call`.
//!
//! ```text
//!  jet: {grpc: ...} ─► session's JetClient (one HTTP/2 channel, connected on first use)
//!                       │ call, within the step's time limit
//!                       ▼
//!  Answer: success | failure (RpcStatus FAILURE, message) | gRPC status (code, message)
//!  Output: JSON (JSON pointers) | XML (XPath-like paths) | text (path "", the whole text)
//! ```
//!
//! Each `session:` name is one channel. JET authenticates the channel, so
//! a scenario logs in once per session with `login` (user and password
//! default to the target's gRPC credentials) and its later calls on that
//! session are authorized; a call before `login` is refused with
//! UNAUTHENTICATED, which scenarios check. A call with no `expect` must
//! succeed.

use crate::model::Expect;
use crate::vars::Vars;
use confuzz_net::grpc::proto::jnx::jet::management::{
    ConfigGetOutputFormat, ConfigLoadType, OpCommandOutputFormat,
};
use confuzz_net::grpc::{ClientOptions, Config, GrpcError, JetClient, OpCommand, ServerCheck};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The methods of a `grpc` call, one per step.
pub const GRPC_METHODS: &[&str] = &[
    "login",
    "op-command",
    "config-set",
    "ephemeral-get",
    "ephemeral-set",
    "call",
];

/// One gRPC call: exactly one of its methods ([`GRPC_METHODS`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrpcCall {
    /// `Authentication/Login` of the session's channel.
    #[serde(default)]
    pub login: Option<Login>,
    /// `OpCommandGet`: an operational command.
    #[serde(default)]
    pub op_command: Option<OpCommandCall>,
    /// `ConfigSet`: load configuration, and commit it.
    #[serde(default)]
    pub config_set: Option<ConfigSetCall>,
    /// `EphemeralConfigGet`: read paths of an ephemeral instance.
    #[serde(default)]
    pub ephemeral_get: Option<EphemeralGetCall>,
    /// `EphemeralConfigSet`: load configuration into an ephemeral instance.
    #[serde(default)]
    pub ephemeral_set: Option<EphemeralSetCall>,
    /// Any method by path (`/package.Service/Method`) with an empty
    /// request, e.g. to check that an unknown one is UNIMPLEMENTED.
    #[serde(default)]
    pub call: Option<String>,
}

/// Login credentials; each defaults to the target's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Login {
    /// The user (default: the target's `grpc-user`, or `user`).
    #[serde(default)]
    pub user: Option<String>,
    /// The password (default: the target's; write `${env:NAME}` for a
    /// secret).
    #[serde(default)]
    pub password: Option<String>,
    /// The client id (default `confuzz-<pid>-<n>`).
    #[serde(default)]
    pub client_id: Option<String>,
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// JSON: checked with JSON pointers.
    #[default]
    Json,
    /// XML: checked with XPath-like paths.
    Xml,
    /// CLI text: checked with path `""` (the whole text).
    #[serde(alias = "cli")]
    Text,
}

/// An operational command: `cli` or `xml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OpCommandCall {
    /// A CLI command, e.g. `show version`.
    #[serde(default)]
    pub cli: Option<String>,
    /// An XML request, e.g. `<get-software-information/>`.
    #[serde(default)]
    pub xml: Option<String>,
    /// The output format (default json).
    #[serde(default)]
    pub format: Format,
}

/// How configuration is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Load {
    /// Merge (the default).
    #[default]
    Merge,
    /// Replace the parts marked `replace:`.
    Replace,
    /// Replace the whole configuration.
    Override,
    /// Update.
    Update,
    /// `set` commands.
    Set,
}

/// Configuration to load and commit: one of `text`, `xml`, `json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigSetCall {
    /// Curly-brace text, or `set` commands with `load: set`.
    #[serde(default)]
    pub text: Option<String>,
    /// Junos XML.
    #[serde(default)]
    pub xml: Option<String>,
    /// Junos JSON.
    #[serde(default)]
    pub json: Option<String>,
    /// How it is loaded (default merge).
    #[serde(default)]
    pub load: Load,
    /// Commit after loading (`commit: {}` or `commit: {comment: ...}`);
    /// without it the change stays in the candidate.
    #[serde(default)]
    pub commit: Option<Commit>,
}

/// A commit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Commit {
    /// The commit comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Paths of an ephemeral instance to read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EphemeralGetCall {
    /// The paths, e.g. `/` or `/interfaces`.
    pub paths: Vec<String>,
    /// The encoding of the values (default json; `text` is not one).
    #[serde(default)]
    pub format: Format,
    /// The instance (default: the default instance).
    #[serde(default)]
    pub instance: Option<String>,
}

/// Configuration to load into an ephemeral instance: `xml` or `json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EphemeralSetCall {
    /// Junos XML.
    #[serde(default)]
    pub xml: Option<String>,
    /// Junos JSON.
    #[serde(default)]
    pub json: Option<String>,
    /// The instance (default: the default instance).
    #[serde(default)]
    pub instance: Option<String>,
    /// Load without activating.
    #[serde(default)]
    pub load_only: bool,
}

/// What a call's output is checked as, if it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// No output (only the status).
    None,
    /// JSON, or text as one JSON string (JSON pointer `""`).
    Json,
    /// XML.
    Xml,
}

impl GrpcCall {
    /// The methods this call names, in [`GRPC_METHODS`] order.
    pub fn methods(&self) -> Vec<&'static str> {
        let present = [
            self.login.is_some(),
            self.op_command.is_some(),
            self.config_set.is_some(),
            self.ephemeral_get.is_some(),
            self.ephemeral_set.is_some(),
            self.call.is_some(),
        ];
        GRPC_METHODS
            .iter()
            .zip(present)
            .filter(|(_, p)| *p)
            .map(|(k, _)| *k)
            .collect()
    }

    /// What the output is read as.
    pub fn output(&self) -> Output {
        match (&self.op_command, &self.ephemeral_get) {
            (Some(o), _) if o.format == Format::Xml => Output::Xml,
            (Some(_), _) | (_, Some(_)) => Output::Json,
            _ => Output::None,
        }
    }

    /// The texts that may hold variables.
    pub fn texts(&self) -> Vec<String> {
        let mut t: Vec<Option<&String>> = vec![self.call.as_ref()];
        if let Some(l) = &self.login {
            t.extend([l.user.as_ref(), l.password.as_ref(), l.client_id.as_ref()]);
        }
        if let Some(o) = &self.op_command {
            t.extend([o.cli.as_ref(), o.xml.as_ref()]);
        }
        if let Some(c) = &self.config_set {
            t.extend([c.text.as_ref(), c.xml.as_ref(), c.json.as_ref()]);
            t.extend(c.commit.as_ref().map(|c| c.comment.as_ref()));
        }
        if let Some(e) = &self.ephemeral_get {
            t.extend(e.paths.iter().map(Some));
            t.push(e.instance.as_ref());
        }
        if let Some(e) = &self.ephemeral_set {
            t.extend([e.xml.as_ref(), e.json.as_ref(), e.instance.as_ref()]);
        }
        t.into_iter().flatten().cloned().collect()
    }

    /// What is wrong with the call, with a suggestion.
    pub fn problems(&self) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        let methods = self.methods();
        if methods.len() != 1 {
            out.push((
                format!(
                    "a grpc call names one of {}; this one has {}",
                    crate::parse::list(GRPC_METHODS),
                    if methods.is_empty() {
                        "none".to_owned()
                    } else {
                        crate::parse::list(&methods)
                    }
                ),
                Some("`jet: {grpc: {login: {}}}`, then `jet: {grpc: {op-command: {cli: show version}}}`".into()),
            ));
        }
        let one = |what: &str, n: usize, keys: &str| {
            (n != 1).then(|| (format!("`{what}` gives exactly one of {keys}"), None))
        };
        if let Some(o) = &self.op_command {
            out.extend(one(
                "op-command",
                [&o.cli, &o.xml].iter().filter(|x| x.is_some()).count(),
                "`cli`, `xml`",
            ));
        }
        if let Some(c) = &self.config_set {
            out.extend(one(
                "config-set",
                [&c.text, &c.xml, &c.json]
                    .iter()
                    .filter(|x| x.is_some())
                    .count(),
                "`text`, `xml`, `json`",
            ));
            if c.load == Load::Set && c.text.is_none() {
                out.push((
                    "`load: set` loads `set` commands, given as `text`".into(),
                    None,
                ));
            }
        }
        if let Some(e) = &self.ephemeral_set {
            out.extend(one(
                "ephemeral-set",
                [&e.xml, &e.json].iter().filter(|x| x.is_some()).count(),
                "`xml`, `json` (the ephemeral database takes no text)",
            ));
        }
        if let Some(e) = &self.ephemeral_get {
            if e.paths.is_empty() {
                out.push((
                    "`ephemeral-get` lists no path".into(),
                    Some("`paths: [/]` reads the whole instance".into()),
                ));
            }
            if e.format == Format::Text {
                out.push(("ephemeral values are json or xml, not text".into(), None));
            }
        }
        if let Some(c) = &self.call
            && !(c.starts_with('/') && c[1..].contains('/'))
        {
            out.push((
                format!("{c:?} is not a gRPC method path"),
                Some("write `/package.Service/Method`".into()),
            ));
        }
        out
    }
}

/// How a call ended, for `expect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// gRPC status OK and RpcStatus SUCCESS.
    Success,
    /// RpcStatus FAILURE with this message.
    Failure(String),
    /// A gRPC status other than OK: its code in kebab case, its message.
    Status(&'static str, String),
}

/// The gRPC status codes in the order of their numbers, in kebab case.
pub(crate) const CODES: &[&str] = &[
    "ok",
    "cancelled",
    "unknown",
    "invalid-argument",
    "deadline-exceeded",
    "not-found",
    "already-exists",
    "permission-denied",
    "resource-exhausted",
    "failed-precondition",
    "aborted",
    "out-of-range",
    "unimplemented",
    "internal",
    "unavailable",
    "data-loss",
    "unauthenticated",
];

/// Whether `code` is a gRPC status code name.
pub fn is_code(code: &str) -> bool {
    CODES.contains(&code)
}

/// Checks `answer` against `expect` (none: success).
pub fn check_expect(expect: Option<&Expect>, answer: &Answer) -> Result<(), String> {
    let shown = |a: &Answer| match a {
        Answer::Success => "success".to_owned(),
        Answer::Failure(m) => format!("RpcStatus FAILURE: {m}"),
        Answer::Status(c, m) => format!("gRPC status {c}: {m}"),
    };
    let ok = match (expect, answer) {
        (None | Some(Expect::Success | Expect::Ok), Answer::Success) => true,
        (Some(Expect::Failure(f)), Answer::Failure(m)) => {
            f.message.as_deref().is_none_or(|want| m.contains(want))
        }
        (Some(Expect::GrpcStatus(g)), Answer::Status(c, m)) => {
            g.code == *c && g.message.as_deref().is_none_or(|want| m.contains(want))
        }
        (
            Some(Expect::Failure(_) | Expect::GrpcStatus(_) | Expect::Success | Expect::Ok) | None,
            _,
        ) => false,
        (Some(other), _) => {
            return Err(format!(
                "a grpc call expects `success`, `{{failure: {{message: ...}}}}` or `{{grpc-status: {{code: ...}}}}`, not {}",
                crate::check::describe(other)
            ));
        }
    };
    if ok {
        Ok(())
    } else {
        let want = expect.map(crate::check::describe);
        Err(format!(
            "expected {}, got {}",
            want.as_deref().unwrap_or("RpcStatus SUCCESS"),
            shown(answer)
        ))
    }
}

/// Where a target's JET gRPC server is and how to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrpcEndpoint {
    /// `host:port`.
    pub address: String,
    /// TLS, and how the server's certificate is checked; `None`: plain.
    pub tls: Option<ServerCheck>,
    /// The default login user.
    pub user: Option<String>,
    /// The default login password.
    pub password: Option<String>,
}

impl GrpcEndpoint {
    /// Reads `host:port`, `grpc://host:port` (plain) or
    /// `grpcs://host:port` (TLS, checked by `check`).
    pub fn parse(address: &str, check: ServerCheck) -> Result<GrpcEndpoint, String> {
        let (rest, tls) = if let Some(r) = address.strip_prefix("grpcs://") {
            (r, Some(check))
        } else if let Some(r) = address.strip_prefix("grpc://") {
            (r, None)
        } else if address.contains("://") {
            return Err(format!(
                "{address:?}: the gRPC endpoint is host:port, grpc://host:port or grpcs://host:port (TLS)"
            ));
        } else {
            (address, None)
        };
        let rest = rest.trim_end_matches('/');
        match rest.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() && p.parse::<u16>().is_ok() => Ok(GrpcEndpoint {
                address: rest.to_owned(),
                tls,
                user: None,
                password: None,
            }),
            _ => Err(format!(
                "{address:?}: give the endpoint as host:port, e.g. 192.0.2.10:32767"
            )),
        }
    }
}

/// What a call produced, for the checks.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The call, for reports.
    pub sent: Option<String>,
    /// The output as received, or the status.
    pub received: Option<String>,
    /// JSON output (text as a JSON string).
    pub json: Option<serde_json::Value>,
    /// XML output.
    pub xml: Option<String>,
    /// How it ended.
    pub answer: Option<Answer>,
}

static CLIENTS: AtomicU64 = AtomicU64::new(0);

fn answer_of(e: GrpcError) -> Result<Answer, String> {
    match e {
        GrpcError::Failed(m) => Ok(Answer::Failure(m)),
        GrpcError::Status(s) => {
            let n = i32::from(s.code());
            let code = usize::try_from(n)
                .ok()
                .and_then(|i| CODES.get(i))
                .copied()
                .unwrap_or("unknown");
            Ok(Answer::Status(code, s.message().to_owned()))
        }
        other => Err(other.to_string()),
    }
}

fn load_type(l: Load) -> ConfigLoadType {
    match l {
        Load::Merge => ConfigLoadType::ConfigLoadMerge,
        Load::Replace => ConfigLoadType::ConfigLoadReplace,
        Load::Override => ConfigLoadType::ConfigLoadOverride,
        Load::Update => ConfigLoadType::ConfigLoadUpdate,
        Load::Set => ConfigLoadType::ConfigLoadSet,
    }
}

/// Runs one `grpc` call on session `session`, connecting the session's
/// channel to `endpoint` on first use. Every call is bounded by `limit`.
pub async fn act(
    sessions: &mut HashMap<String, JetClient>,
    endpoint: impl FnOnce() -> Result<GrpcEndpoint, String>,
    session: &str,
    call: &GrpcCall,
    vars: &Vars,
    limit: Duration,
) -> Result<Outcome, (Box<Outcome>, String)> {
    let x = |t: &str| vars.expand(t).map_err(|e| (Box::default(), e));
    let ep = endpoint().map_err(|e| (Box::default(), e))?;
    if !sessions.contains_key(session) {
        let options = ClientOptions {
            connect_timeout: limit,
            request_timeout: limit,
            tls: ep.tls.clone(),
            ..ClientOptions::default()
        };
        let c = JetClient::connect(&ep.address, options)
            .await
            .map_err(|e| (Box::default(), e.to_string()))?;
        sessions.insert(session.to_owned(), c);
    }
    let Some(client) = sessions.get_mut(session) else {
        return Err((Box::default(), "the gRPC session is gone".into()));
    };
    let mut out = Outcome::default();
    let result: Result<Option<String>, GrpcError> = if let Some(l) = &call.login {
        let user = match &l.user {
            Some(u) => x(u)?,
            None => ep.user.clone().ok_or_else(|| {
                (
                    Box::default(),
                    "no gRPC user: give `user`, or `grpc-user` in the targets file".to_owned(),
                )
            })?,
        };
        let password = match &l.password {
            Some(p) => x(p)?,
            None => ep.password.clone().unwrap_or_default(),
        };
        let id = match &l.client_id {
            Some(c) => x(c)?,
            None => format!(
                "confuzz-{}-{}",
                std::process::id(),
                CLIENTS.fetch_add(1, Ordering::Relaxed)
            ),
        };
        out.sent = Some(format!("Login user {user} client-id {id}"));
        client.login(&user, &password, &id).await.map(|()| None)
    } else if let Some(o) = &call.op_command {
        let (cmd, shown) = match (&o.cli, &o.xml) {
            (Some(c), _) => {
                let c = x(c)?;
                (OpCommand::Cli(c.clone()), c)
            }
            (None, Some(c)) => {
                let c = x(c)?;
                (OpCommand::Xml(c.clone()), c)
            }
            (None, None) => {
                return Err((Box::new(out), "`op-command` gives `cli` or `xml`".into()));
            }
        };
        let format = match o.format {
            Format::Json => OpCommandOutputFormat::OpCommandOutputJson,
            Format::Xml => OpCommandOutputFormat::OpCommandOutputXml,
            Format::Text => OpCommandOutputFormat::OpCommandOutputCli,
        };
        out.sent = Some(format!("OpCommandGet {shown} ({:?})", o.format));
        client.op_command(cmd, format).await.map(Some)
    } else if let Some(c) = &call.config_set {
        let config = match (&c.text, &c.xml, &c.json) {
            (Some(t), _, _) => Config::Text(x(t)?),
            (None, Some(t), _) => Config::Xml(x(t)?),
            (None, None, Some(t)) => Config::Json(x(t)?),
            _ => {
                return Err((
                    Box::new(out),
                    "`config-set` gives `text`, `xml` or `json`".into(),
                ));
            }
        };
        let comment = match &c.commit {
            Some(cm) => Some(x(cm.comment.as_deref().unwrap_or(""))?),
            None => None,
        };
        out.sent = Some(format!(
            "ConfigSet ({:?}{})\n{}",
            c.load,
            if comment.is_some() { ", commit" } else { "" },
            match &config {
                Config::Text(t) | Config::Xml(t) | Config::Json(t) => t,
            }
        ));
        client
            .config_set(config, load_type(c.load), comment.as_deref())
            .await
            .map(|()| None)
    } else if let Some(e) = &call.ephemeral_get {
        let mut paths = Vec::with_capacity(e.paths.len());
        for p in &e.paths {
            paths.push(x(p)?);
        }
        let instance = x(e.instance.as_deref().unwrap_or(""))?;
        let enc = if e.format == Format::Xml {
            ConfigGetOutputFormat::ConfigGetOutputXml
        } else {
            ConfigGetOutputFormat::ConfigGetOutputJson
        };
        out.sent = Some(format!("EphemeralConfigGet {}", paths.join(" ")));
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        client.ephemeral_get(&instance, enc, &refs).await.map(|v| {
            let arr: Vec<serde_json::Value> = v
                .into_iter()
                .map(|p| {
                    let value = serde_json::from_str(&p.value)
                        .ok()
                        .filter(|_| e.format == Format::Json)
                        .unwrap_or(serde_json::Value::String(p.value));
                    serde_json::json!({"id": p.id, "path": p.path, "value": value})
                })
                .collect();
            Some(serde_json::Value::Array(arr).to_string())
        })
    } else if let Some(e) = &call.ephemeral_set {
        let config = match (&e.xml, &e.json) {
            (Some(t), _) => Config::Xml(x(t)?),
            (None, Some(t)) => Config::Json(x(t)?),
            _ => {
                return Err((
                    Box::new(out),
                    "`ephemeral-set` gives `xml` or `json`".into(),
                ));
            }
        };
        let instance = x(e.instance.as_deref().unwrap_or(""))?;
        out.sent = Some("EphemeralConfigSet".into());
        client
            .ephemeral_set(&instance, config, e.load_only)
            .await
            .map(|()| None)
    } else if let Some(path) = &call.call {
        let path = x(path)?;
        out.sent = Some(format!("{path} (empty request)"));
        client.call_empty(&path).await.map(|()| None)
    } else {
        return Err((Box::new(out), "the grpc call names no method".into()));
    };
    match result {
        Ok(text) => {
            out.answer = Some(Answer::Success);
            if let Some(text) = text {
                match call.output() {
                    Output::Xml => out.xml = Some(text.clone()),
                    _ if call
                        .op_command
                        .as_ref()
                        .is_some_and(|o| o.format == Format::Text) =>
                    {
                        out.json = Some(serde_json::Value::String(text.clone()));
                    }
                    _ => match serde_json::from_str(&text) {
                        Ok(v) => out.json = Some(v),
                        Err(e) => {
                            out.received = Some(text);
                            return Err((Box::new(out), format!("the output is not JSON: {e}")));
                        }
                    },
                }
                out.received = Some(text);
            } else {
                out.received = Some("success".into());
            }
            Ok(out)
        }
        Err(e) => match answer_of(e) {
            Ok(a) => {
                out.received = Some(match &a {
                    Answer::Success => "success".into(),
                    Answer::Failure(m) => format!("RpcStatus FAILURE: {m}"),
                    Answer::Status(c, m) => format!("gRPC status {c}: {m}"),
                });
                out.answer = Some(a);
                Ok(out)
            }
            Err(e) => Err((Box::new(out), e)),
        },
    }
}
