//! The scenario format: what a scenario file says, as Rust types.
//!
//! One YAML file is one [`Scenario`]: a name, tags, the channels it uses,
//! default variables and ordered [`Step`]s. Each step has exactly one
//! action (`hello`, `rpc`, `raw`, `bytes`, `notification`, `closed`,
//! `wait`, `jsonrpc`, `jet`) and any number of checks (`expect`, `assert`,
//! `capture`, `snapshot`). `scenarios/schema.json` describes the same
//! format for editors; a test holds the two together.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The keys a scenario file may have at its top level.
pub const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "tags",
    "channels",
    "vars",
    "timeout",
    "rfc-checks",
    "steps",
];

/// The keys a step may have.
pub const STEP_KEYS: &[&str] = &[
    "name",
    "session",
    "hello",
    "rpc",
    "raw",
    "bytes",
    "notification",
    "closed",
    "wait",
    "jsonrpc",
    "jet",
    "expect",
    "assert",
    "capture",
    "snapshot",
    "timeout",
    "allow-violations",
    "expect-violations",
];

/// The step keys that are actions (exactly one per step).
pub const ACTION_KEYS: &[&str] = &[
    "hello",
    "rpc",
    "raw",
    "bytes",
    "notification",
    "closed",
    "wait",
    "jsonrpc",
    "jet",
];

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scenario {
    /// A short identifier, used in reports and snapshot names
    /// (letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// What the scenario checks, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// Tags for `--tag` selection; vendor-specific scenarios carry their
    /// vendor's tag (`junos`, `nso`, `jet`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The protocol channels the scenario uses.
    pub channels: Vec<Channel>,
    /// Default values of the variables the scenario uses; a target's own
    /// variables override them.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// The longest the whole scenario may take.
    #[serde(default)]
    pub timeout: Option<Dur>,
    /// Whether every message is checked against the protocol rules (on by
    /// default).
    #[serde(default)]
    pub rfc_checks: Option<bool>,
    /// The steps, in order.
    pub steps: Vec<Spanned<Step>>,
    /// The file the scenario was read from (set by the parser).
    #[serde(skip)]
    pub file: PathBuf,
}

impl Scenario {
    /// Whether protocol-rule checks are on.
    pub fn rfc_checks(&self) -> bool {
        self.rfc_checks.unwrap_or(true)
    }
}

/// A protocol channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// NETCONF (RFC 6241) over SSH, or over TCP to the built-in device.
    Netconf,
    /// The Junos XML protocol over SSH.
    Junoscript,
    /// NSO-style JSON-RPC 2.0 over HTTP.
    Jsonrpc,
    /// Juniper JET: events over MQTT, services over gRPC.
    Jet,
}

impl Channel {
    /// The name as written in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Netconf => "netconf",
            Channel::Junoscript => "junoscript",
            Channel::Jsonrpc => "jsonrpc",
            Channel::Jet => "jet",
        }
    }
}

/// One step: one action and its checks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Step {
    /// The step's name in reports and snapshot file names; by default
    /// `NN-action` (its position and action).
    #[serde(default)]
    pub name: Option<String>,
    /// The session the step uses; several sessions may be open at once
    /// (default `main`).
    #[serde(default)]
    pub session: Option<String>,

    /// Open the session: connect and exchange hellos.
    #[serde(default)]
    pub hello: Option<HelloStep>,
    /// Send an `<rpc>` around this operation and read its reply.
    #[serde(default)]
    pub rpc: Option<Payload>,
    /// Send this message as it is (framed, no message-id added or tracked)
    /// and read the next reply, matched or not.
    #[serde(default)]
    pub raw: Option<Payload>,
    /// Write these bytes on the NETCONF session as they are (no framing
    /// added), to see what the device does with broken framing; then read
    /// its reply or the end of the session.
    #[serde(default)]
    pub bytes: Option<BytesPayload>,
    /// Wait for a `<notification>`.
    #[serde(default)]
    pub notification: Option<Within>,
    /// Wait for the session to be closed by the device.
    #[serde(default)]
    pub closed: Option<Within>,
    /// Pause.
    #[serde(default)]
    pub wait: Option<Dur>,
    /// A JSON-RPC call or batch.
    #[serde(default)]
    pub jsonrpc: Option<JsonRpcStep>,
    /// A JET subscription, event expectation or gRPC call.
    #[serde(default)]
    pub jet: Option<JetStep>,

    /// What the reply must be.
    #[serde(default)]
    pub expect: Option<Expect>,
    /// Checks on values in the reply (or notification).
    #[serde(default)]
    pub assert: Vec<Assertion>,
    /// Variables to set from the reply: name -> path.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Compare the normalized, redacted reply with its snapshot.
    #[serde(default)]
    pub snapshot: Option<bool>,
    /// The longest this step may take (default 10 s).
    #[serde(default)]
    pub timeout: Option<Dur>,
    /// Rule ids whose violations do not fail this step (the step provokes them).
    #[serde(default)]
    pub allow_violations: Vec<String>,
    /// Rule ids that must be broken in this step (each at least once);
    /// they do not fail it.
    #[serde(default)]
    pub expect_violations: Vec<String>,
}

impl Step {
    /// The action keys this step has, in [`ACTION_KEYS`] order.
    pub fn actions(&self) -> Vec<&'static str> {
        let present = [
            self.hello.is_some(),
            self.rpc.is_some(),
            self.raw.is_some(),
            self.bytes.is_some(),
            self.notification.is_some(),
            self.closed.is_some(),
            self.wait.is_some(),
            self.jsonrpc.is_some(),
            self.jet.is_some(),
        ];
        ACTION_KEYS
            .iter()
            .zip(present)
            .filter(|(_, p)| *p)
            .map(|(k, _)| *k)
            .collect()
    }

    /// The session name (default `main`).
    pub fn session(&self) -> &str {
        self.session.as_deref().unwrap_or("main")
    }
}

/// How a session is opened.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HelloStep {
    /// The channel (default `netconf`).
    #[serde(default)]
    pub channel: Option<Channel>,
    /// The capabilities our `<hello>` announces (default base:1.0 and
    /// base:1.1). `base:1.0` and `base:1.1` are short for the full URNs.
    #[serde(default)]
    pub capabilities: Option<Vec<String>>,
}

/// A message: inline XML, or a file relative to the scenario's folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Payload {
    /// The XML itself.
    Inline(String),
    /// `{file: payloads/edit.xml}`.
    File {
        /// The file, relative to the scenario file's folder.
        file: String,
    },
}

/// Bytes for a `bytes` step: text as written, or `{escaped: ...}` /
/// `{file: ...}`, optionally repeated.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum BytesPayload {
    /// The text's UTF-8 bytes, as written (YAML's own escapes apply in
    /// double-quoted strings).
    Text(String),
    /// Escaped text or a file, repeated.
    Spec(BytesSpec),
}

/// Where a `bytes` step's bytes come from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BytesSpec {
    /// Text with escapes for any byte: `\n`, `\r`, `\t`, `\0`, `\\` and
    /// `\xNN` (write it in single quotes, so YAML leaves the backslashes).
    #[serde(default)]
    pub escaped: Option<String>,
    /// A file sent as it is, relative to the scenario file.
    #[serde(default)]
    pub file: Option<String>,
    /// Send the bytes this many times in a row (a number or a variable),
    /// e.g. to go past a device's message size limit; at most 64 MiB in all.
    #[serde(default)]
    pub repeat: Option<Count>,
}

/// A count written as a number or as text with variables (`"${n}"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Count {
    /// A number.
    N(u64),
    /// Text, expanded and read as a number at run time.
    Text(String),
}

/// A time limit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Within {
    /// How long to wait (default 10 s).
    #[serde(default)]
    pub within: Option<Dur>,
}

/// What a reply must be.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// `<ok/>` and no error.
    Ok,
    /// `<data>` (or, in the Junos XML protocol, a reply with content) and no error.
    Data,
    /// `<ok/>`, then the device closes the session; after `bytes`: the
    /// device closes the session (a reply before it is allowed).
    Closed,
    /// After `bytes`: the device refuses them, with an `<rpc-error>` or by
    /// closing the session.
    Rejected,
    /// An `<rpc-error>` (or `<xnm:error>`) matching these fields.
    RpcError(ErrorExpect),
    /// A JSON-RPC error object matching these fields (in a batch: any reply).
    Error(JsonErrorExpect),
    /// A JET gRPC call answered with status OK and RpcStatus SUCCESS (the
    /// default of a `grpc` call).
    Success,
    /// A JET gRPC call answered with RpcStatus FAILURE whose message
    /// contains `message`.
    Failure(FailureExpect),
    /// A JET gRPC call ended with this gRPC status code.
    GrpcStatus(GrpcStatusExpect),
}

/// The expected RpcStatus FAILURE of a gRPC call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FailureExpect {
    /// Text the status message must contain.
    #[serde(default)]
    pub message: Option<String>,
}

/// The expected gRPC status of a call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrpcStatusExpect {
    /// The code in kebab case: `unauthenticated`, `unimplemented`,
    /// `resource-exhausted`, `invalid-argument`, ...
    pub code: String,
    /// Text the status message must contain.
    #[serde(default)]
    pub message: Option<String>,
}

/// The fields an expected JSON-RPC error must have.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct JsonErrorExpect {
    /// NSO's `type` token, e.g. `db.locked` or `session.invalid_sessionid`.
    #[serde(default, rename = "type")]
    pub error_type: Option<String>,
    /// `data.param`: the parameter the error is about, e.g. `th`.
    #[serde(default)]
    pub param: Option<String>,
    /// The numeric `code`, e.g. -32000.
    #[serde(default)]
    pub code: Option<i64>,
    /// Text the `message` must contain.
    #[serde(default)]
    pub message: Option<String>,
}

/// The fields an expected `<rpc-error>` must have.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ErrorExpect {
    /// `error-tag` (RFC 6241 Appendix A), e.g. `lock-denied`.
    #[serde(default)]
    pub tag: Option<String>,
    /// `error-type`: transport, rpc, protocol or application.
    #[serde(default, rename = "type")]
    pub error_type: Option<String>,
    /// `error-severity`: error or warning.
    #[serde(default)]
    pub severity: Option<String>,
    /// `error-app-tag`.
    #[serde(default)]
    pub app_tag: Option<String>,
    /// Text the `error-message` must contain.
    #[serde(default)]
    pub message: Option<String>,
}

/// A check on the values a path selects.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Assertion {
    /// The path (see [`crate::path`]).
    pub path: String,
    /// The first value equals this.
    #[serde(default)]
    pub equals: Option<String>,
    /// The first value contains this.
    #[serde(default)]
    pub contains: Option<String>,
    /// The first value matches this regular expression.
    #[serde(default)]
    pub matches: Option<String>,
    /// Whether anything is selected.
    #[serde(default)]
    pub exists: Option<bool>,
    /// How many elements are selected.
    #[serde(default)]
    pub count: Option<usize>,
}

/// A JSON-RPC call or batch, POSTed to the target's JSON-RPC URL.
///
/// Each `session:` name is one HTTP client with its own cookie jar: the
/// `sessionid` cookie a `login` sets is sent on that session's later
/// calls. String values of `params` are expanded (`${th}`); a string that
/// is exactly one captured variable keeps the captured JSON type, so
/// `th: "${th}"` sends the number.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct JsonRpcStep {
    /// The method, e.g. `login`.
    #[serde(default)]
    pub method: Option<String>,
    /// Its params.
    #[serde(default)]
    pub params: Option<serde_json::Value>,
    /// Several calls sent as one batch; the replies are checked in the
    /// calls' order (matched by id), as the array `/0`, `/1`, ...
    #[serde(default)]
    pub batch: Vec<JsonRpcCall>,
    /// Short for `expect: {error: {type: ...}}`.
    #[serde(default)]
    pub error_type: Option<String>,
    /// Send this `sessionid` cookie instead of the session's own (`""`
    /// sends none), to provoke the session errors.
    #[serde(default)]
    pub cookie: Option<String>,
}

/// One call of a batch.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct JsonRpcCall {
    /// The method.
    pub method: String,
    /// Its params.
    #[serde(default)]
    pub params: Option<serde_json::Value>,
}

/// The kinds of JET step, one per step: `subscribe` and `event` over MQTT,
/// `grpc` calls of the JET services.
pub const JET_KINDS: &[&str] = &["subscribe", "event", "grpc"];

/// A JET step: exactly one of its kinds ([`JET_KINDS`]).
///
/// Each `session:` name is one MQTT client: `subscribe` connects it and
/// subscribes; `event` waits for an event on that client's subscriptions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct JetStep {
    /// MQTT topic filters to subscribe to (`+` and `#` wildcards), e.g.
    /// `/junos/events/kernel/interfaces/#`.
    #[serde(default)]
    pub subscribe: Option<Vec<String>>,
    /// Wait for an event matching these; the step's `assert`, `capture`
    /// and `snapshot` then read it (JSON pointers into the event, e.g.
    /// `/jet-event/attributes/name`).
    #[serde(default)]
    pub event: Option<EventMatch>,
    /// How long to wait for the event (default: the step's time limit).
    #[serde(default)]
    pub within: Option<Dur>,
    /// Call a JET gRPC service on the session's channel (see
    /// [`crate::grpc`]).
    #[serde(default)]
    pub grpc: Option<crate::grpc::GrpcCall>,
}

impl JetStep {
    /// The kinds this step has, in [`JET_KINDS`] order.
    pub fn kinds(&self) -> Vec<&'static str> {
        let present = [
            self.subscribe.is_some(),
            self.event.is_some(),
            self.grpc.is_some(),
        ];
        JET_KINDS
            .iter()
            .zip(present)
            .filter(|(_, p)| *p)
            .map(|(k, _)| *k)
            .collect()
    }
}

/// Which event a JET `event` step waits for: the first one, in arrival
/// order, whose topic matches `topic` and that passes every `where` check.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EventMatch {
    /// An MQTT topic filter the event's topic must match (default `#`).
    #[serde(default)]
    pub topic: Option<String>,
    /// Checks on the event's JSON that select it (the assertion format;
    /// paths are JSON pointers, e.g. `/jet-event/attributes/name`).
    #[serde(default, rename = "where")]
    pub where_: Vec<Assertion>,
}

/// A duration written `500ms`, `5s`, `2m` or a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dur(pub Duration);

impl Dur {
    /// Reads `500ms`, `5s`, `1.5s`, `2m` or `3`.
    pub fn parse(s: &str) -> Result<Dur, String> {
        let s = s.trim();
        let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
            Some(i) => (&s[..i], s[i..].trim()),
            None => (s, "s"),
        };
        let n: f64 = num
            .parse()
            .map_err(|_| format!("{s:?} is not a duration; write e.g. 500ms, 5s or 2m"))?;
        let secs = match unit {
            "ms" => n / 1000.0,
            "s" => n,
            "m" => n * 60.0,
            other => {
                return Err(format!(
                    "{other:?} is not a time unit; use ms, s or m (e.g. 5s)"
                ));
            }
        };
        if !(0.0..=86_400.0).contains(&secs) {
            return Err(format!("{s:?} is out of range (0 to 24 hours)"));
        }
        Ok(Dur(Duration::from_secs_f64(secs)))
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Dur::parse(&n.to_string()).map_err(serde::de::Error::custom),
            Raw::S(s) => Dur::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}
